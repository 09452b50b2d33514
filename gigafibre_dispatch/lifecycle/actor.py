"""Who is calling: a Desk session, a machine client with a bearer JWT, or (developer mode only) X-Actor headers.

`authenticate` is the app's `auth_hooks` entry. A machine client is run as the Dispatch API service user and its
real identity, role and scope are kept in `frappe.local.dispatch_actor`, which every command and read endpoint
enforces. The service user holds one role, Dispatch API, with read and write on Dispatch Job only, and a machine
client reaches only an allow-list of routes (`machine_route_error`): the commands and the dispatch read
endpoints. Every other route (generic REST v1/v2 reads and writes, `frappe.client`, `run_doc_method`, `savedocs`,
uploads, any other DocType) answers a structured 403 before Frappe runs anything.
"""

import re

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.engine.lifecycle import COMMANDS, FRAPPE_ROLES, ROLES, Actor, PolicyError
from gigafibre_dispatch.engine.tokens import verify_api_token
from gigafibre_dispatch.lifecycle.http import refusal

SERVICE_USER = "dispatch.api@gigafibre.invalid"
SERVICE_ROLE = "Dispatch API"
# The health check (api.ops.health) answers anyone, a load balancer included: it is not one of these routes.
DISPATCH_PATH = re.compile(
	r"^/api/(v2/document/Dispatch(%20| )Job|v2/method/Dispatch(%20| )Job/"
	r"|method/gigafibre_dispatch\.api\.(lifecycle\.|ops\.(?!health/?$)))"
)
COMMAND_PATH = re.compile(r"^/api/v2/document/Dispatch(?:%20| )Job/[^/]+/method/([a-z_]+)/?$")
# Any verb, any name: a command route called with GET (or an odd name) is refused before Frappe runs it.
COMMAND_ROUTE = re.compile(r"^/api/v2/document/Dispatch(?:%20| )Job/(.+)/method/([^/]+)/?$")
INTAKE_ROUTE = re.compile(r"^/api/v2/method/Dispatch(?:%20| )Job/intake/?$")
READ_ROUTE = re.compile(r"^/api/method/gigafibre_dispatch\.api\.(?:lifecycle|ops)\.[a-z_]+/?$")


def is_dispatch_path(path: str | None = None) -> bool:
	if path is None:
		path = frappe.request.path if getattr(frappe.local, "request", None) else ""
	return bool(DISPATCH_PATH.match(path or ""))


def command_in_path() -> str | None:
	"""The lifecycle command a v2 document-method request is calling, if any."""
	request = getattr(frappe.local, "request", None)
	if not request or request.method != "POST":
		return None
	m = COMMAND_PATH.match(request.path or "")
	return m.group(1) if m else None


_secrets: dict[tuple, str | None] = {}


def setting(conf_key: str, field: str, password: bool = False) -> str | None:
	"""Site config wins over Dispatch Settings (secrets can stay out of the database)."""
	value = frappe.conf.get(conf_key)
	if value:
		return value
	settings = frappe.get_cached_doc("Dispatch Settings")
	if not password:
		return settings.get(field)
	# Decrypting costs a query and a Fernet round per request: keep it per process until the settings change.
	key = (frappe.local.site, field, str(settings.modified))
	if key not in _secrets:
		from frappe.utils.password import get_decrypted_password

		if len(_secrets) > 64:
			_secrets.clear()
		_secrets[key] = get_decrypted_password(
			"Dispatch Settings", "Dispatch Settings", field, raise_exception=False
		)
	return _secrets[key]


def authenticate():
	"""auth_hooks entry: bearer JWT (any route: a machine client is held to its allow-list) or, on dispatch
	endpoints in developer mode, X-Actor headers."""
	if not getattr(frappe.local, "request", None):
		return
	header = frappe.get_request_header("Authorization") or ""
	scheme, _, token = header.partition(" ")
	dispatch = is_dispatch_path()
	if scheme.lower() == "bearer" and token.strip().count(".") == 2:
		result = verify_api_token(
			token.strip(),
			setting("dispatch_jwt_secret", "jwt_secret", password=True) or "",
			now=now_datetime(),
			issuer=setting("dispatch_jwt_issuer", "jwt_issuer"),
			audience=setting("dispatch_jwt_audience", "jwt_audience"),
			max_hours=float(setting("dispatch_token_max_hours", "token_max_hours") or 24),
		)
		if isinstance(result, PolicyError):
			if dispatch:
				refuse(result)
			return  # not one of our tokens, on a route we do not serve: Frappe's own auth answers (401)
		_act_as(result)
		return
	if not dispatch:
		return
	if frappe.get_request_header("X-Actor-Id") and not header:
		if not frappe.conf.developer_mode:
			refuse(
				PolicyError(
					"auth", "dev_fallback_disabled", "X-Actor headers are accepted only in developer mode"
				)
			)
		role = (frappe.get_request_header("X-Actor-Role") or "").strip()
		if role not in ROLES:
			refuse(PolicyError("auth", "unknown_role", "X-Actor-Role is not a dispatch role", {"role": role}))
		_act_as(
			Actor(
				id=frappe.get_request_header("X-Actor-Id").strip(),
				roles=frozenset({role}),
				actor_type=(frappe.get_request_header("X-Actor-Type") or "user").strip(),
				tech_id=(frappe.get_request_header("X-Actor-Tech") or "").strip() or None,
				tool_name=(frappe.get_request_header("X-Tool-Name") or "").strip() or None,
			)
		)
		return
	if frappe.session.user in (None, "", "Guest"):
		if not header:
			refuse(PolicyError("auth", "unauthenticated", "Authentication required"))
		return  # Frappe's own authentication (API key, OAuth) answers
	_guard_command_route()


def _act_as(actor: Actor):
	request = frappe.local.request
	error, status = machine_route_error(request.method, request.path or "", frappe.local.form_dict)
	if error:
		refuse(error, status)
	row = _guard_command_route(whole_row=True)
	if row:
		# Frappe's router loads the job only to check the caller's permission and call the command method; the
		# command reads and locks what it needs itself (load_state). For a machine client (the service user holds
		# no User Permission) that load is this row, read once here: see DispatchJob.load_from_db.
		frappe.local.flags.dispatch_router_row = row
	frappe.local.dispatch_actor = actor
	form_dict = frappe.local.form_dict  # set_user() resets it, as Frappe's own API-key auth knows
	frappe.set_user(SERVICE_USER)
	frappe.local.form_dict = form_dict


def refuse(error: PolicyError, status: int | None = None):
	"""Stop the request here with the structured error body (Frappe returns an HTTPException as is)."""
	raise refusal("auth", error, status)


def machine_route_error(
	method: str, path: str, form: dict | None = None
) -> tuple[PolicyError | None, int | None]:
	"""A machine client's allow-list: (None, None) for a command or dispatch read, else the refusal and status."""
	if (form or {}).get("cmd"):
		# Frappe runs `cmd` from any body before routing on the path: never for a machine client.
		return PolicyError(
			"role", "route_not_allowed", "Machine clients may not call {route}", {"route": "cmd"}
		), None
	command = COMMAND_ROUTE.match(path)
	if command:
		if command.group(2) not in COMMANDS or command.group(2) == "intake":
			return PolicyError("validation", "unknown_command", "Unknown command"), 404
		return (None, None) if method == "POST" else (_wrong_verb(method, "POST"), 405)
	if INTAKE_ROUTE.match(path):
		return (None, None) if method == "POST" else (_wrong_verb(method, "POST"), 405)
	if READ_ROUTE.match(path):
		return (None, None) if method in ("GET", "HEAD") else (_wrong_verb(method, "GET"), 405)
	return (
		PolicyError(
			"role",
			"route_not_allowed",
			"Machine clients may call only the job commands and the dispatch read endpoints, not {route}",
			{"route": f"{method} {path[:200]}"},
		),
		None,
	)


def _wrong_verb(method: str, allowed: str) -> PolicyError:
	return PolicyError(
		"validation",
		"method_not_allowed",
		"HTTP method {method} is not allowed here (use {allowed})",
		{"method": method, "allowed": allowed},
	)


def _guard_command_route(whole_row: bool = False) -> dict | None:
	"""Every caller: a command route is POST only and names an existing job (a clean 405 or 404, not a 500).
	Returns the job's row on a command route (every column with `whole_row`, else its name)."""
	request = frappe.local.request
	m = COMMAND_ROUTE.match(request.path or "")
	if not m:
		return None
	if request.method not in ("POST", "OPTIONS"):
		refuse(_wrong_verb(request.method, "POST"), 405)
	name = m.group(1)
	columns = "*" if whole_row else "name"
	rows = (
		frappe.db.sql(f"select {columns} from `tabDispatch Job` where name = %s", (name,), as_dict=True)
		if len(name) <= 140
		else None
	)
	if not rows:
		refuse(PolicyError("validation", "job_not_found", "Unknown job"), 404)
	return rows[0]


def user_scope(user: str) -> tuple[frozenset | None, frozenset | None]:
	"""Account (Customer) and site (Service Location) scope from the user's User Permissions."""
	perms = frappe.permissions.get_user_permissions(user)

	def ids(doctype):
		rows = [
			p
			for p in perms.get(doctype, [])
			if not p.get("applicable_for") or p.get("applicable_for") == "Dispatch Job"
		]
		return frozenset(p["doc"] for p in rows) if rows else None

	return ids("Customer"), ids("Service Location")


def current_actor() -> Actor | None:
	actor = getattr(frappe.local, "dispatch_actor", None)
	if actor is not None:
		return actor
	user = frappe.session.user if getattr(frappe.local, "session", None) else None
	if not user or user in ("Guest", SERVICE_USER):
		return None  # the service user never acts without a token
	roles = frozenset(FRAPPE_ROLES[r] for r in frappe.get_roles(user) if r in FRAPPE_ROLES)
	accounts, sites = user_scope(user)
	tech = frappe.db.get_value("Dispatch Technician", {"user": user, "active": 1}, "name")
	return Actor(id=user, roles=roles, actor_type="user", tech_id=tech, account_ids=accounts, site_ids=sites)


def require_actor(roles: frozenset = frozenset(ROLES)) -> Actor:
	"""The caller, if they hold one of these app roles; else the request ends with the structured refusal
	(the dispatch read and ops endpoints: a machine client's token is checked like a Desk session)."""
	actor = current_actor()
	if actor is None:
		raise refusal("read", PolicyError("auth", "unauthenticated", "Authentication required"))
	if not (actor.roles & roles):
		raise refusal(
			"read",
			PolicyError("role", "role_not_allowed", "Role not allowed", {"allowed_roles": sorted(roles)}),
		)
	return actor


def ensure_service_user():
	"""The service user machine clients run as: one role, Dispatch API (read/write Dispatch Job, nothing else).
	Idempotent; a service user created with the older five dispatch roles is brought down to that one."""
	if not frappe.db.exists("Role", SERVICE_ROLE):
		frappe.get_doc(
			{"doctype": "Role", "role_name": SERVICE_ROLE, "desk_access": 0, "is_custom": 0}
		).insert(ignore_permissions=True)
	if frappe.db.exists("User", SERVICE_USER):
		user = frappe.get_doc("User", SERVICE_USER)
		if {r.role for r in user.roles} != {SERVICE_ROLE} or user.user_type != "Website User":
			user.set("roles", [{"role": SERVICE_ROLE}])
			user.user_type = "Website User"  # no Desk User role, no desk
			user.save(ignore_permissions=True)
		return
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": SERVICE_USER,
			"first_name": "Dispatch API",
			"user_type": "Website User",
			"send_welcome_email": 0,
			"enabled": 1,
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)
	user.add_roles(SERVICE_ROLE)
