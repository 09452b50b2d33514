"""The technician portal's actions (/t/<token>): authenticated by the magic link itself, not a session.

Each action is a lifecycle command run by the same executor as every other client, with the technician as
actor and the page's Idempotency-Key; the portal never changes a job any other way.
"""

import base64
from datetime import datetime, time

import frappe
from frappe.utils import now_datetime
from werkzeug.wrappers import Response

from gigafibre_dispatch.api.publish import publish_window
from gigafibre_dispatch.engine.lifecycle import Actor, PolicyError, allowed_actions
from gigafibre_dispatch.engine.magic import verify_magic_token
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.commands import CommandRefused, execute, job_state
from gigafibre_dispatch.lifecycle.http import json_response, policy_exception, refusal

PORTAL_COMMANDS = (
	"tech_check_in",
	"tech_request_change",
	"evidence_add",
	"tech_complete",
	"equipment_install",
	"equipment_remove",
	"scan_record",
)
STATUS_FR = {
	"New": "Nouvelle",
	"Triaged": "Triée",
	"Proposed": "Proposée",
	"Scheduled": "Planifiée",
	"Dispatched": "Assignée",
	"In Progress": "En cours",
	"Change Requested": "Changement demandé",
	"Completed": "Terminée",
	"Verified": "Vérifiée",
	"Invoiced": "Facturée",
	"Cancelled": "Annulée",
}


def when_fr(value) -> str:
	"""« lun. 23 nov. 09:30 » — the portal speaks French whatever the site's language."""
	from zoneinfo import ZoneInfo

	from babel.dates import format_datetime
	from frappe.utils import get_datetime, get_system_timezone

	if not value:
		return "—"
	# Stored datetimes are the site's wall clock; babel would read a naive one as UTC and shift it to the
	# server's own zone. Say which zone it is, and ask for that same zone back.
	zone = ZoneInfo(get_system_timezone())
	return format_datetime(
		get_datetime(value).replace(tzinfo=zone), "EEE d MMM HH:mm", tzinfo=zone, locale="fr_CA"
	)


MAX_UPLOAD_BYTES = 8 * 1024 * 1024


class PortalAccess(frappe._dict):
	pass


def access(token: str) -> PortalAccess | str:
	"""Who the link speaks for, or why not ('expired', 'invalid')."""
	s = frappe.get_cached_doc("Dispatch Settings")
	claims = verify_magic_token(
		token, s.get_password("magic_link_secret", raise_exception=False), now=now_datetime()
	)
	if isinstance(claims, str):
		return "expired" if claims == "expired" else "invalid"
	tech = frappe.db.get_value(
		"Dispatch Technician",
		claims["sub"],
		["name", "technician_name", "active", "link_version"],
		as_dict=True,
	)
	if not tech or not tech.active or int(tech.link_version or 0) != int(claims.get("v", 0)):
		return "invalid"
	return PortalAccess(tech=tech.name, tech_name=tech.technician_name, job=claims.get("job"), claims=claims)


def actor_for(acc: PortalAccess) -> Actor:
	return Actor(
		id=f"portal:{acc.tech}",
		roles=frozenset({"technician"}),
		actor_type="technician",
		tech_id=acc.tech,
		tool_name="portal",
	)


def visible_jobs(acc: PortalAccess, day_only: bool = False) -> list:
	"""Published jobs the link may show: its one job, or the technician's (today, or the publish window)."""
	filters = {"published": 1, "is_recurring": 0, "assigned_technician": acc.tech}
	if acc.job:
		filters["name"] = acc.job
	elif day_only:
		today = now_datetime().date()
		filters["scheduled_start"] = (
			"between",
			(datetime.combine(today, time.min), datetime.combine(today, time.max)),
		)
	else:
		start, end = publish_window()
		filters["scheduled_start"] = ("between", (datetime.combine(now_datetime().date(), time.min), end))
	return frappe.get_all(
		"Dispatch Job",
		filters=filters,
		fields=[
			"name",
			"subject",
			"status",
			"priority",
			"scheduled_start",
			"duration_h",
			"service_location",
			"customer",
			"job_type",
		],
		order_by="scheduled_start asc",
	)


def _job_for(acc: PortalAccess, job: str):
	if job not in {j.name for j in visible_jobs(acc)}:
		raise refusal("portal", PolicyError("scope", "not_your_job", "This job is not assigned to you"))
	return job


@frappe.whitelist(allow_guest=True, methods=["POST"])
def act(token: str, job: str, command: str, payload: str | dict | None = None) -> Response:
	"""Run one technician command from the portal (allow_guest: the magic link authenticates)."""
	acc = access(token)
	if isinstance(acc, str):
		raise refusal(
			"portal",
			PolicyError(
				"auth", f"link_{acc}", "This link has expired or is not valid; ask dispatch for a new one"
			),
		)
	if command not in PORTAL_COMMANDS:
		raise refusal("portal", PolicyError("role", "role_not_allowed", "Role not allowed"))
	job = _job_for(acc, job)
	data = frappe.parse_json(payload) if isinstance(payload, str) else (payload or {})
	try:
		result = execute(
			command,
			job,
			data,
			actor=actor_for(acc),
			idempotency_key=frappe.get_request_header("Idempotency-Key"),
		)
	except CommandRefused as refused:
		raise policy_exception(refused.error, refused.status) from None
	return json_response(
		result.status, result.body, {**obs.response_headers(obs.request_context()), **result.headers}
	)


@frappe.whitelist(allow_guest=True, methods=["POST"])
def upload(token: str, job: str, filename: str, data_url: str) -> Response:
	"""Store a photo or a drawn signature as a private File of the job; returns its file_url for evidence."""
	acc = access(token)
	if isinstance(acc, str):
		raise refusal(
			"portal",
			PolicyError(
				"auth", f"link_{acc}", "This link has expired or is not valid; ask dispatch for a new one"
			),
		)
	job = _job_for(acc, job)
	header, _sep, encoded = (data_url or "").partition(",")
	if not header.startswith("data:image/") or ";base64" not in header:
		raise refusal("portal", PolicyError("evidence", "not_an_image", "Only images can be attached"))
	try:
		content = base64.b64decode(encoded, validate=True)
	except ValueError:
		raise refusal(
			"portal", PolicyError("evidence", "not_an_image", "Only images can be attached")
		) from None
	if not content or len(content) > MAX_UPLOAD_BYTES:
		raise refusal(
			"portal", PolicyError("evidence", "file_too_large", "The image is empty or larger than 8 MB")
		)
	safe = "".join(c for c in (filename or "photo.png") if c.isalnum() or c in "._-")[:80] or "photo.png"
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{job}-{safe}",
			"content": content,
			"is_private": 1,
			"attached_to_doctype": "Dispatch Job",
			"attached_to_name": job,
		}
	).insert(ignore_permissions=True)
	return json_response(200, {"data": {"file_url": file.file_url}})


def _portal_access(token: str) -> PortalAccess:
	acc = access(token)
	if isinstance(acc, str):
		raise refusal(
			"portal",
			PolicyError(
				"auth", f"link_{acc}", "This link has expired or is not valid; ask dispatch for a new one"
			),
		)
	return acc


@frappe.whitelist(allow_guest=True, methods=["POST"])
def refresh_link(token: str) -> Response:
	"""A fresh link (new expiry, same target) for a link that is still valid (allow_guest: the link authenticates)."""
	from gigafibre_dispatch.api.publish import base_url, secret
	from gigafibre_dispatch.engine.magic import refresh_magic_token

	acc = _portal_access(token)
	ttl = int(frappe.get_cached_doc("Dispatch Settings").magic_link_ttl_hours or 72)
	fresh = refresh_magic_token(acc.claims, secret("magic_link_secret"), now=now_datetime(), ttl_hours=ttl)
	return json_response(200, {"data": {"link": f"{base_url()}/t/{fresh}", "expires_in_hours": ttl}})


@frappe.whitelist(allow_guest=True, methods=["GET"])
def equipment_search(token: str, q: str) -> Response:
	"""Serial number first, then MAC address (the page debounces its calls)."""
	_portal_access(token)
	q = (q or "").strip()
	if len(q) < 3:
		return json_response(200, {"data": []})
	fields = ["serial_no", "mac_address", "equipment_type", "brand", "model", "status", "service_location"]
	by_serial = frappe.get_all(
		"Service Equipment", filters={"serial_no": ("like", f"{q}%")}, fields=fields, limit_page_length=10
	)
	mac = q.upper().replace("-", ":")
	by_mac = (
		[]
		if by_serial
		else frappe.get_all(
			"Service Equipment",
			filters={"mac_address": ("like", f"%{mac}%")},
			fields=fields,
			limit_page_length=10,
		)
	)
	return json_response(200, {"data": by_serial or by_mac})


@frappe.whitelist(allow_guest=True, methods=["GET"])
def equipment_on_site(token: str, job: str) -> Response:
	acc = _portal_access(token)
	job = _job_for(acc, job)
	location = frappe.db.get_value("Dispatch Job", job, "service_location")
	rows = frappe.get_all(
		"Service Equipment",
		filters={"service_location": location or "", "status": "Installed"},
		fields=["serial_no", "mac_address", "equipment_type", "brand", "model"],
	)
	return json_response(200, {"data": rows})


@frappe.whitelist(allow_guest=True, methods=["GET"])
def catalog(token: str) -> Response:
	"""Equipment models that can be installed: ERPNext Items tracked by serial number."""
	_portal_access(token)
	items = frappe.get_all(
		"Item",
		filters={"has_serial_no": 1, "disabled": 0},
		fields=["item_code", "item_name", "brand", "item_group"],
		limit_page_length=200,
	)
	return json_response(200, {"data": items})


@frappe.whitelist(allow_guest=True, methods=["POST"])
def vision(token: str, job: str, data_url: str, mode: str = "barcodes") -> Response:
	"""A photo read by the vision provider: up to 3 barcodes or 5 equipment labels; manual entry without one."""
	from gigafibre_dispatch.integrations import vision as provider

	acc = _portal_access(token)
	_job_for(acc, job)
	if mode not in provider.LIMITS:
		raise refusal(
			"portal",
			PolicyError("validation", "invalid_field", "Invalid value for {field}", {"field": "mode"}),
		)
	if not (data_url or "").startswith("data:image/"):
		raise refusal("portal", PolicyError("evidence", "not_an_image", "Only images can be attached"))
	return json_response(200, {"data": provider.read(data_url, mode)})


def page_context(token: str, job: str | None) -> dict:
	"""Everything the page renders, for www/t.py."""
	acc = access(token)
	if isinstance(acc, str):
		return {"state": acc}
	jobs = visible_jobs(acc, day_only=False)
	ctx = {
		"state": "ok",
		"tech_name": acc.tech_name,
		"jobs": jobs,
		"token": token,
		"single": bool(acc.job),
		"status_fr": STATUS_FR,
		"when_fr": when_fr,
	}
	selected = job or (acc.job if acc.job else None)
	if selected and selected in {j.name for j in jobs}:
		doc = frappe.get_doc("Dispatch Job", selected)
		loc = frappe.get_doc("Service Location", doc.service_location) if doc.service_location else None
		ctx["detail"] = {
			"doc": doc,
			"location": loc,
			"map_url": f"https://www.openstreetmap.org/?mlat={loc.latitude}&mlon={loc.longitude}#map=17/{loc.latitude}/{loc.longitude}"
			if loc and (loc.latitude or loc.longitude)
			else None,
			"customer_name": frappe.db.get_value("Customer", doc.customer, "customer_name")
			if doc.customer
			else None,
			"actions": {a["command"]: a["enabled"] for a in allowed_actions(actor_for(acc), job_state(doc))},
			"evidence": frappe.get_all(
				"Dispatch Evidence",
				filters={"job": doc.name},
				fields=["kind", "creation"],
				order_by="creation asc",
			),
		}
	return ctx
