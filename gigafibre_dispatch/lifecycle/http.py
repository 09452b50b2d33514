"""Responses with exact status codes and bodies: a returned Response is committed, a raised one rolled back."""

import json
import re
from urllib.parse import unquote

import frappe
from frappe import _
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine.lifecycle import PolicyError
from gigafibre_dispatch.lifecycle.observability import observe_refusal, request_context, response_headers
from gigafibre_dispatch.roles import is_technician_only


def error_body(error: PolicyError) -> dict:
	return {"error": {"code": error.code, "message": error_message(error), "policy_error": error.as_dict()}}


def error_message(error: PolicyError) -> str:
	"""The translated message template, filled from the error's details ({fields}, {state}, …). A message of no
	template (a document's own validation error, already translated) is shown as it is."""
	template = messages().get(error.message, error.message)
	values = {
		k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in error.details.items()
	}
	try:
		return template.format(**values)
	except (IndexError, KeyError, ValueError):
		return template


def messages() -> dict[str, str]:
	"""Every refusal's English template (as the engine and the executor write it) and its translation, as
	literal strings so that Frappe's extractor finds them (`bench get-untranslated`)."""
	return {
		# engine/lifecycle.py
		"Authentication required": _("Authentication required"),
		"Role not allowed": _("Role not allowed"),
		"Account out of scope": _("Account out of scope"),
		"Site out of scope": _("Site out of scope"),
		"This job is not assigned to you": _("This job is not assigned to you"),
		"Unknown command": _("Unknown command"),
		"This offer is not for you": _("This offer is not for you"),
		"This link opens one job only": _("This link opens one job only"),
		"This link is too old to renew: ask dispatch for a new one": _(
			"This link is too old to renew: ask dispatch for a new one"
		),
		"The request body must be a JSON object": _("The request body must be a JSON object"),
		"The request holds text that is not valid Unicode": _(
			"The request holds text that is not valid Unicode"
		),
		"Unknown fields: {fields}": _("Unknown fields: {fields}"),
		"Missing fields: {fields}": _("Missing fields: {fields}"),
		"Invalid value for {field}": _("Invalid value for {field}"),
		"Command {command} is not allowed in state {state}": _(
			"Command {command} is not allowed in state {state}"
		),
		"Evidence is not a file of this site": _("Evidence is not a file of this site"),
		"A signature or a no_signature_reason is required": _(
			"A signature or a no_signature_reason is required"
		),
		"This job already has an invoice": _("This job already has an invoice"),
		# engine/tokens.py
		"Bearer authentication is not configured on this site": _(
			"Bearer authentication is not configured on this site"
		),
		"Malformed bearer token": _("Malformed bearer token"),
		"Token algorithm not allowed": _("Token algorithm not allowed"),
		"Token expired": _("Token expired"),
		"Token lives longer than this site allows": _("Token lives longer than this site allows"),
		"Token audience not accepted": _("Token audience not accepted"),
		"Token issuer not accepted": _("Token issuer not accepted"),
		"Token lacks a required claim": _("Token lacks a required claim"),
		"Token signature does not verify": _("Token signature does not verify"),
		"Invalid token": _("Invalid token"),
		"Token role is not a dispatch role": _("Token role is not a dispatch role"),
		"Token scope must list account or site ids": _("Token scope must list account or site ids"),
		"Token carries no account or site scope": _("Token carries no account or site scope"),
		# lifecycle/actor.py and this module
		"X-Actor headers are accepted only in developer mode": _(
			"X-Actor headers are accepted only in developer mode"
		),
		"X-Actor-Role is not a dispatch role": _("X-Actor-Role is not a dispatch role"),
		"Machine clients may not call {route}": _("Machine clients may not call {route}"),
		"Machine clients may call only the job commands and the dispatch read endpoints, not {route}": _(
			"Machine clients may call only the job commands and the dispatch read endpoints, not {route}"
		),
		"HTTP method {method} is not allowed here (use {allowed})": _(
			"HTTP method {method} is not allowed here (use {allowed})"
		),
		"The request body is not valid JSON": _("The request body is not valid JSON"),
		# lifecycle/commands.py
		"An Idempotency-Key header (UUID) is required": _("An Idempotency-Key header (UUID) is required"),
		"This Idempotency-Key was used with a different payload": _(
			"This Idempotency-Key was used with a different payload"
		),
		"A request with this Idempotency-Key is in progress": _(
			"A request with this Idempotency-Key is in progress"
		),
		"{tech_id} is not an assistant on this job": _("{tech_id} is not an assistant on this job"),
		"{tech_id} is the job's own technician": _("{tech_id} is the job's own technician"),
		"{tech_id} already assists on this job": _("{tech_id} already assists on this job"),
		"{tech_id} is pinned to this job: unpin them on the job to move them": _(
			"{tech_id} is pinned to this job: unpin them on the job to move them"
		),
		"The duration must be more than 0 and at most 24 hours": _(
			"The duration must be more than 0 and at most 24 hours"
		),
		"{tech_id} is not an active technician": _("{tech_id} is not an active technician"),
		"Unknown job": _("Unknown job"),
		"Unknown technician": _("Unknown technician"),
		"This serial number is already installed": _("This serial number is already installed"),
		"No such equipment installed at this location": _("No such equipment installed at this location"),
		# lifecycle/billing.py
		"The job has no customer to invoice": _("The job has no customer to invoice"),
		"No company to invoice from: complete ERPNext's setup (Setup Wizard) or set a Default Company in Global Defaults": _(
			"No company to invoice from: complete ERPNext's setup (Setup Wizard) or set a Default Company in Global Defaults"
		),
		"Set the Labour Service Item in Dispatch Settings: a service Item sold by the hour": _(
			"Set the Labour Service Item in Dispatch Settings: a service Item sold by the hour"
		),
		"The Labour Service Item {item} of Dispatch Settings does not exist or is disabled": _(
			"The Labour Service Item {item} of Dispatch Settings does not exist or is disabled"
		),
		"The Labour Service Item {item} has no unit of measure: set its Default Unit of Measure (e.g. Hour)": _(
			"The Labour Service Item {item} has no unit of measure: set its Default Unit of Measure (e.g. Hour)"
		),
		"The material Item {item} does not exist": _("The material Item {item} does not exist"),
		"The unit of measure {uom} does not exist": _("The unit of measure {uom} does not exist"),
		# portal (api/portal.py, portal/context.py)
		"This link has expired or is not valid; ask dispatch for a new one": _(
			"This link has expired or is not valid; ask dispatch for a new one"
		),
		"Only images can be attached": _("Only images can be attached"),
		"The image is empty or larger than 8 MB": _("The image is empty or larger than 8 MB"),
	}


def json_response(status: int, body: dict, headers: dict | None = None) -> Response:
	response = Response(
		json.dumps(body, default=str, ensure_ascii=False), status=status, mimetype="application/json"
	)
	for key, value in (headers or {}).items():
		response.headers[key] = value
	return response


class PolicyHTTPException(HTTPException):
	"""Raised to end a request with a policy error; Frappe rolls the transaction back and sends `response`."""

	def __init__(self, response: Response):
		super().__init__(response=response)
		self.code = response.status_code


def policy_exception(
	error: PolicyError, status: int | None = None, headers: dict | None = None
) -> PolicyHTTPException:
	merged = response_headers(request_context())
	merged.update(headers or {})
	return PolicyHTTPException(json_response(status or error.http_status, error_body(error), merged))


def refusal(what: str, error: PolicyError, status: int | None = None) -> PolicyHTTPException:
	"""Count and log a refusal, and the exception that ends the request with it."""
	observe_refusal(what, error)
	return policy_exception(error, status)


def in_request() -> bool:
	return bool(getattr(frappe.local, "request", None))


def body_error(request) -> PolicyError | None:
	"""A JSON body that does not parse, or is not an object (a list, a string, a number)."""
	if request is None or not request.is_json:
		return None
	raw = request.get_data(cache=True, as_text=True)
	if not raw.strip():
		return None
	try:
		value = json.loads(raw)
	except ValueError:
		return PolicyError("validation", "malformed_json", "The request body is not valid JSON")
	if not isinstance(value, dict):
		return PolicyError("validation", "payload_not_object", "The request body must be a JSON object")
	if not _encodable(value):
		return PolicyError("validation", "invalid_text", "The request holds text that is not valid Unicode")
	return None


def _encodable(value) -> bool:
	"""Every string in a parsed body can be stored (a lone surrogate such as "\\ud800" cannot)."""
	if isinstance(value, str):
		try:
			value.encode("utf-8")
		except UnicodeEncodeError:
			return False
		return True
	if isinstance(value, dict):
		return all(_encodable(k) and _encodable(v) for k, v in value.items())
	if isinstance(value, list):
		return all(_encodable(v) for v in value)
	return True


_MISSING = re.compile(r"missing \d+ required (?:positional|keyword-only) arguments?: (.+)$")
_UNEXPECTED = re.compile(r"got an unexpected keyword argument '([^']+)'")


def argument_error(response) -> PolicyError | None:
	"""A whitelisted method called without a parameter it needs, or with one it does not take: Frappe lets the
	call's TypeError through as a 500; it is the caller's mistake (a 400 naming the parameters)."""
	try:
		body = json.loads(response.get_data(as_text=True))
	except ValueError:
		return None
	if not isinstance(body, dict) or body.get("exc_type") != "TypeError":
		return None
	text = str(body.get("exception") or "")
	params = _called_parameters()
	if missing := _MISSING.search(text):
		names = [n.strip(" '\"") for n in re.split(r",| and ", missing.group(1)) if n.strip(" '\"")]
		if params is not None and set(names) <= params:  # the called method's own, not a bug deeper down
			return PolicyError("validation", "missing_fields", "Missing fields: {fields}", {"fields": names})
	if (unexpected := _UNEXPECTED.search(text)) and params is not None and unexpected.group(1) not in params:
		return PolicyError(
			"validation", "unknown_fields", "Unknown fields: {fields}", {"fields": [unexpected.group(1)]}
		)
	return None


def _called_parameters() -> set[str] | None:
	"""The parameters of the whitelisted method this request called (None: not a method call)."""
	import inspect

	method = frappe.local.form_dict.get("cmd") if frappe.local.form_dict else None
	if not method:
		return None
	try:
		fn = frappe.get_attr(frappe.get_hooks("override_whitelisted_methods", {}).get(method, [method])[-1])
		return set(inspect.signature(fn).parameters)
	except Exception:
		return None


def bad_body_response(response, request):
	"""after_request hook. Frappe parses a JSON body before any app hook runs and answers a body that does not
	parse with a 500 (a scalar with a 417), and a call missing a parameter with a 500: turn those into the 400
	they are, with the structured error."""
	if (
		response is None
		or not (request.path or "").startswith("/api/")
		or response.status_code not in (417, 500)
	):
		return
	error = body_error(request)
	if error is None and response.status_code == 500:
		error = argument_error(response)
	if error is None or (
		error.code == "payload_not_object"
		and frappe.form_dict.get("data") is not None
		and response.status_code != 500
	):
		return  # a list body reached its endpoint as `data`: the endpoint answered for itself (not with a 500)
	observe_refusal("request", error)
	response.status_code = 400
	response.set_data(json.dumps(error_body(error), ensure_ascii=False))
	response.headers["Content-Type"] = "application/json"


# A list's sort order as the Desk and REST clients send it: one or more `field` or `tabDoc Type`.`field`, each
# with asc or desc. Anything else (a sub-query, a function, a comment) is refused before Frappe builds the query.
_SORT_TERM = (
	r"\s*(?:(?:`tab[A-Za-z0-9 _-]+`|tab[A-Za-z0-9_]+)\s*\.\s*)?(?:`[A-Za-z_][A-Za-z0-9_]*`|[A-Za-z_][A-Za-z0-9_]*)"
	r"(?:\s+(?:asc|desc))?\s*"
)
SORT_ORDER = re.compile(rf"^{_SORT_TERM}(?:,{_SORT_TERM})*$", re.IGNORECASE)
SORT_PARAMS = ("order_by", "group_by", "sort_by")


class BadSortOrder(frappe.ValidationError):
	http_status_code = 400


def guard_sort_order():
	"""before_request hook: `order_by`, `group_by` and `sort_by` of any request are plain field lists (with asc or
	desc), or the request is refused with a 400 and runs nothing."""
	form = frappe.local.form_dict or {}
	for param in SORT_PARAMS:
		value = form.get(param)
		if value in (None, ""):
			continue
		if not isinstance(value, str) or len(value) > 500 or not SORT_ORDER.match(value):
			frappe.throw(_("{0} must be field names, each with asc or desc").format(param), BadSortOrder)


class BadFieldList(frappe.ValidationError):
	http_status_code = 400


_TABLE_REF = re.compile(r"`?tab([^`.]+)`?\s*\.")
_LINK_JOIN = re.compile(r"^\s*`?([a-z_][a-z0-9_]*)`?\s*\.\s*`?[a-z_][a-z0-9_]*`?", re.IGNORECASE)
FIELD_PARAMS = ("fields", "fieldname")
# What a technician may not read through a link join: a colleague's record (phone, home, position) or account.
PEOPLE = ("Dispatch Technician", "User")
_RESOURCE_PATH = re.compile(r"^/api/(?:resource|v2/document)/([^/]+)")


def _requested_fields(value) -> list[str]:
	if isinstance(value, str):
		text = value.strip()
		if text.startswith("["):
			try:
				value = json.loads(text)
			except ValueError:
				return [text]
		else:
			return [part for part in text.split(",") if part.strip()]
	if isinstance(value, list | tuple):
		return [v for v in value if isinstance(v, str)]
	return []


def guard_field_list():
	"""before_request hook: a list's field list names the requested DocType's own columns or its child tables'.
	A column of another table (`tabDispatch Job`.subject on an audit event: Frappe's 500) is refused with a 400,
	and a technician may not join through a link to a person (`assigned_technician.phone`: Frappe checks only the
	linked DocType's role, not its row rule, so a colleague's phone, home and position would come back)."""
	form = frappe.local.form_dict or {}
	values = [form.get(p) for p in FIELD_PARAMS if form.get(p) not in (None, "")]
	if not values:
		return
	doctype = form.get("doctype")
	if not doctype and getattr(frappe.local, "request", None):
		match = _RESOURCE_PATH.match(frappe.local.request.path)
		doctype = unquote(match.group(1)) if match else None
	if not isinstance(doctype, str) or not frappe.db.exists("DocType", doctype):
		return
	fields = [f for value in values for f in _requested_fields(value)]
	allowed = {doctype, *(df.options for df in frappe.get_meta(doctype).get_table_fields())}
	for field in fields:
		for table in _TABLE_REF.findall(field):
			if table not in allowed:
				frappe.throw(
					_("{0} is not a field of {1} nor of its tables").format(field[:80], _(doctype)),
					BadFieldList,
				)
	if not is_technician_only():
		return
	meta = frappe.get_meta(doctype)
	for field in fields:
		join = _LINK_JOIN.match(field)
		if not join or _TABLE_REF.match(field):
			continue
		link = meta.get_field(join.group(1))
		if link is not None and link.fieldtype == "Link" and link.options in PEOPLE:
			frappe.throw(_("Linked fields cannot be read through a list"), BadFieldList)


def quiet_for_guests():
	"""auth hook, after the app's own authentication: a guest's error pages show no traceback (Frappe's own flag),
	whatever the site's System Settings say; `strip_guest_tracebacks` does the same for JSON answers."""
	if (frappe.session.user or "Guest") == "Guest":
		frappe.local.flags.disable_traceback = True


def strip_guest_tracebacks(response, request):
	"""after_request hook: a JSON error answered to a guest carries no traceback nor its source (a database
	name, a file path, a module: nothing an outsider should learn)."""
	if response is None or (frappe.session.user or "Guest") != "Guest" or response.status_code < 400:
		return
	if "application/json" not in (response.headers.get("Content-Type") or ""):
		return
	try:
		body = json.loads(response.get_data(as_text=True))
	except ValueError:
		return
	if isinstance(body, dict) and ({"exc", "_exc_source", "exception"} & set(body)):
		for key in ("exc", "_exc_source"):
			body.pop(key, None)
		if "exception" in body:
			body["exception"] = str(body["exception"]).split(":")[0]  # the error's class, not its text
		response.set_data(json.dumps(body, ensure_ascii=False))
