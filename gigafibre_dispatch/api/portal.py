"""The technician portal's actions (/t/<token>): authenticated by the magic link itself, not a session.

Each action is a lifecycle command run by the same executor as every other client, with the technician as
actor and the page's Idempotency-Key; the portal never changes a job any other way. The page itself and the
link checks live in the portal package (portal/context.py).
"""

import frappe
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine.lifecycle import PolicyError
from gigafibre_dispatch.integrations import vision as vision_provider
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.commands import CommandRefused, execute
from gigafibre_dispatch.lifecycle.http import json_response, policy_exception, refusal
from gigafibre_dispatch.portal import equipment
from gigafibre_dispatch.portal.context import actor_for, job_in_view, require_access
from gigafibre_dispatch.portal.links import renewed_link
from gigafibre_dispatch.portal.offers import answer
from gigafibre_dispatch.portal.uploads import NotAnImage, TooLarge, store_image
from gigafibre_dispatch.utils.throttle import guest_throttle

PORTAL_COMMANDS = (
	"tech_en_route",
	"tech_check_in",
	"tech_request_change",
	"evidence_add",
	"tech_complete",
	"equipment_install",
	"equipment_remove",
	"scan_record",
)


def _not_an_image() -> Exception:
	return refusal("portal", PolicyError("evidence", "not_an_image", "Only images can be attached"))


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def act(
	token: str, job: str, command: str, payload: str | dict | list | int | float | bool | None = None
) -> Response:
	"""Run one technician command from the portal (allow_guest: the magic link authenticates)."""
	acc = require_access(token)
	if command not in PORTAL_COMMANDS:
		raise refusal("portal", PolicyError("role", "role_not_allowed", "Role not allowed"))
	job = job_in_view(acc, job)
	try:
		data = frappe.parse_json(payload) if isinstance(payload, str) else (payload or {})
	except ValueError:
		data = None
	if not isinstance(data, dict):
		raise refusal(
			"portal",
			PolicyError("validation", "payload_not_object", "The request body must be a JSON object"),
			400,
		)
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
@guest_throttle
def upload(token: str, job: str, filename: str, data_url: str) -> Response:
	"""Store a photo or a drawn signature as a private File of the job (portal/uploads.py); its file_url."""
	job = job_in_view(require_access(token), job)
	try:
		url = store_image(job, filename, data_url)
	except NotAnImage:
		raise _not_an_image() from None
	except TooLarge:
		raise refusal(
			"portal", PolicyError("evidence", "file_too_large", "The image is empty or larger than 8 MB")
		) from None
	return json_response(200, {"data": {"file_url": url}})


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def offer(token: str, offer: str, accept: bool | int | str) -> Response:
	"""Accept or decline an offer listed on the technician's page (a link to one job answers none)."""
	acc = require_access(token)
	if acc.job:
		raise refusal("portal", PolicyError("scope", "job_link", "This link opens one job only"))
	accepted = str(accept).strip().lower() in ("1", "true", "yes", "oui")
	try:
		result = answer(acc.tech, str(offer or ""), accepted)
	except frappe.PermissionError:
		frappe.clear_messages()
		raise refusal("portal", PolicyError("scope", "not_your_offer", "This offer is not for you")) from None
	except frappe.ValidationError as e:
		frappe.clear_messages()
		raise refusal("portal", PolicyError("validation", "offer_closed", str(e)), 409) from None
	return json_response(200, {"data": result})


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def refresh_link(token: str) -> Response:
	"""A fresh link (new expiry, same target) for a link that is still valid (allow_guest: the link authenticates);
	a chain of renewals ends a month after the first link (portal/links.py)."""
	renewed = renewed_link(require_access(token).claims)
	if renewed is None:
		raise refusal(
			"portal",
			PolicyError("auth", "link_too_old", "This link is too old to renew: ask dispatch for a new one"),
			403,
		)
	link, hours = renewed
	return json_response(200, {"data": {"link": link, "expires_in_hours": hours}})


@frappe.whitelist(allow_guest=True, methods=["GET"])
@guest_throttle
def equipment_search(token: str, q: str, job: str | None = None) -> Response:
	"""Serial number first, then MAC address, at the job's site or in stock (portal/equipment.py); the page
	debounces its calls. A link to one job searches that job's site; a day's link names the job."""
	acc = require_access(token)
	job = job_in_view(acc, job or acc.job or "")
	return json_response(200, {"data": equipment.search(job, q)})


@frappe.whitelist(allow_guest=True, methods=["GET"])
@guest_throttle
def equipment_on_site(token: str, job: str) -> Response:
	job = job_in_view(require_access(token), job)
	return json_response(200, {"data": equipment.on_site(job)})


@frappe.whitelist(allow_guest=True, methods=["GET"])
@guest_throttle
def catalog(token: str) -> Response:
	"""Equipment models that can be installed: ERPNext Items tracked by serial number."""
	require_access(token)
	items = frappe.get_all(
		"Item",
		filters={"has_serial_no": 1, "disabled": 0},
		fields=["item_code", "item_name", "brand", "item_group"],
		limit_page_length=200,
	)
	return json_response(200, {"data": items})


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def vision(token: str, job: str, data_url: str, mode: str = "barcodes") -> Response:
	"""A photo read by the vision provider: up to 3 barcodes or 5 equipment labels; manual entry without one."""
	job_in_view(require_access(token), job)
	if mode not in vision_provider.LIMITS:
		raise refusal(
			"portal",
			PolicyError("validation", "invalid_field", "Invalid value for {field}", {"field": "mode"}),
		)
	if not (data_url or "").startswith("data:image/"):
		raise _not_an_image()
	return json_response(200, {"data": vision_provider.read(data_url, mode)})
