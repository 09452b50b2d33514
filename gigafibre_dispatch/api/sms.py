"""Twilio inbound SMS webhook: a technician texts an absence (or their return); the dispatch board updates live.

POST /api/method/gigafibre_dispatch.api.sms.inbound — allow_guest: the caller is authenticated by the
X-Twilio-Signature header, validated with the twilio SDK's RequestValidator against the public URL Twilio
called (Dispatch Settings › Public Base URL, so it holds behind a TLS-terminating proxy).
"""

from xml.sax.saxutils import escape

import frappe
from frappe.utils import now_datetime
from werkzeug.wrappers import Response

from gigafibre_dispatch.doctype_helpers import phone_digits

UNKNOWN_SENDER = "Bonjour! Ce numéro n'est associé à aucun technicien. Contactez la répartition."
NOT_UNDERSTOOD = "Désolé, je n'ai pas compris. Exemples: « malade aujourd'hui », « vacances du 3 au 5 mars », « de retour »."


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


def _log(technician, number, text, reply, status="sent"):
	frappe.get_doc(
		{
			"doctype": "Dispatch SMS Log",
			"technician": technician,
			"to_number": number,
			"kind": "inbound",
			"status": status,
			"body": f"{text}\n→ {reply}",
		}
	).insert(ignore_permissions=True)


@frappe.whitelist(allow_guest=True, methods=["POST"])
def inbound(**params) -> Response:
	if not signature_valid():
		frappe.db.rollback()
		return Response("Forbidden\n", status=403, mimetype="text/plain")
	from gigafibre_dispatch.engine.absence_sms import confirmation_fr
	from gigafibre_dispatch.integrations.nlu import understand

	sender = params.get("From") or ""
	text = (params.get("Body") or "").strip()
	digits = phone_digits(sender)
	tech = (
		frappe.db.get_value(
			"Dispatch Technician",
			{"phone_digits": digits, "active": 1},
			["name", "technician_name"],
			as_dict=True,
		)
		if len(digits) == 10
		else None
	)
	if not tech:
		_log(None, sender, text, UNKNOWN_SENDER, "failed")
		return twiml(UNKNOWN_SENDER)
	intent, source = understand(text, now_datetime().date())
	if intent is None:
		_log(tech.name, sender, text, NOT_UNDERSTOOD, "failed")
		return twiml(NOT_UNDERSTOOD)
	doc = frappe.get_doc("Dispatch Technician", tech.name)
	if intent.action == "clear":
		doc.update(
			{
				"absence_reason": None,
				"absence_from": None,
				"absence_until": None,
				"absence_start_time": None,
				"absence_end_time": None,
			}
		)
	else:
		doc.update(
			{
				"absence_reason": intent.reason,
				"absence_from": intent.from_date,
				"absence_until": intent.until_date,
				"absence_start_time": intent.start_time.strftime("%H:%M") if intent.start_time else None,
				"absence_end_time": intent.end_time.strftime("%H:%M") if intent.end_time else None,
			}
		)
	doc.save(ignore_permissions=True)
	reply = confirmation_fr(intent)
	_log(tech.name, sender, text, reply)
	frappe.publish_realtime(
		"tech-absence",
		{
			"technician": tech.name,
			"technician_name": tech.technician_name,
			"action": intent.action,
			"reason": intent.reason,
			"from": str(intent.from_date) if intent.from_date else None,
			"until": str(intent.until_date) if intent.until_date else None,
			"source": source,
		},
		after_commit=True,
	)
	return twiml(reply)
