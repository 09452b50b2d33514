"""What Twilio calls: the X-Twilio-Signature header checked by the SDK's RequestValidator against the public URL
Twilio called (Dispatch Settings › Public Base URL, so it holds behind a TLS-terminating proxy), and TwiML answers."""

from xml.sax.saxutils import escape

import frappe
from werkzeug.wrappers import Response


def twiml(message: str, status: int = 200) -> Response:
	body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(message)}</Message></Response>'
	return Response(body, status=status, mimetype="text/xml")


def forbidden() -> Response:
	"""A request not signed by Twilio: nothing done, nothing said."""
	frappe.db.rollback()
	return Response("Forbidden\n", status=403, mimetype="text/plain")


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
