"""Twilio inbound SMS webhook: a technician texts an absence, a return or a cancel; the board updates live.

POST /api/method/gigafibre_dispatch.api.sms.inbound — allow_guest: the caller is authenticated by the
X-Twilio-Signature header, validated with the twilio SDK's RequestValidator against the public URL Twilio
called (Dispatch Settings › Public Base URL, so it holds behind a TLS-terminating proxy).
"""

from xml.sax.saxutils import escape

import frappe
from werkzeug.wrappers import Response

from gigafibre_dispatch.lifecycle.sms_inbound import reply_to
from gigafibre_dispatch.utils.throttle import guest_throttle


def twiml(message: str, status: int = 200) -> Response:
	body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(message)}</Message></Response>'
	return Response(body, status=status, mimetype="text/xml")


def public_url() -> str:
	request = frappe.local.request
	base = frappe.get_cached_doc("Dispatch Settings").public_base_url
	if base:
		url = base.rstrip("/") + request.path
	else:
		proto = request.headers.get("X-Forwarded-Proto", request.scheme)
		host = request.headers.get("X-Forwarded-Host", request.host)
		url = f"{proto}://{host}{request.path}"
	query = request.query_string.decode()
	return f"{url}?{query}" if query else url


def signature_valid() -> bool:
	from twilio.request_validator import RequestValidator

	token = frappe.get_cached_doc("Dispatch Settings").get_password(
		"twilio_auth_token", raise_exception=False
	)
	signature = frappe.get_request_header("X-Twilio-Signature")
	if not token or not signature:
		return False
	params = frappe.local.request.form.to_dict()
	return RequestValidator(token).validate(public_url(), params, signature)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def inbound(**params) -> Response:
	if not signature_valid():
		frappe.db.rollback()
		return Response("Forbidden\n", status=403, mimetype="text/plain")
	return twiml(reply_to(params.get("From") or "", params.get("Body") or ""))
