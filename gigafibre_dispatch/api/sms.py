"""Twilio inbound SMS webhook: a technician texts an absence, a return or a cancel; the board updates live.

POST /api/method/gigafibre_dispatch.api.sms.inbound — allow_guest: the caller is authenticated by the
X-Twilio-Signature header, validated with the twilio SDK's RequestValidator against the public URL Twilio
called (Dispatch Settings › Public Base URL, so it holds behind a TLS-terminating proxy).
"""

from xml.sax.saxutils import escape

import frappe
from frappe.utils import getdate, now_datetime, strip_html
from werkzeug.wrappers import Response

from gigafibre_dispatch.doctype_helpers import phone_digits

NOT_SAVED = (
	"Désolé, ce changement n'a pas pu être enregistré ({}). Rien n'a changé; contactez la répartition."
)
UNKNOWN_SENDER = "Bonjour! Ce numéro n'est associé à aucun technicien. Contactez la répartition."
NOT_UNDERSTOOD = (
	"Désolé, je n'ai pas compris. Exemples: « malade aujourd'hui », « vacances du 3 au 5 mars », "
	"« de retour », « annuler mon absence »."
)


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
	# One inbound message at a time per technician, and the absence read after the lock is the latest: nothing is
	# written yet, so a new transaction starts here (InnoDB keeps the snapshot of a transaction's first read).
	frappe.db.rollback()
	frappe.db.get_value("Dispatch Technician", tech.name, "name", for_update=True)
	doc = frappe.get_doc("Dispatch Technician", tech.name)
	event = {
		"action": intent.action,
		"reason": intent.reason,
		"from": intent.from_date,
		"until": intent.until_date,
	}
	if intent.action == "cancel":
		reply, event = _cancel(doc, intent)
	elif intent.action == "clear":
		doc.update(dict.fromkeys(ABSENCE_FIELDS))
		reply = confirmation_fr(intent)
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
		reply = confirmation_fr(intent)
	if event is not None:
		frappe.local.lang = "fr"  # the technician reads the reason in the reply
		try:
			doc.save(ignore_permissions=True)
		except frappe.ValidationError as e:
			frappe.db.rollback()
			frappe.clear_messages()
			reply = NOT_SAVED.format(strip_html(str(e)).strip().rstrip("."))
			_log(tech.name, sender, text, reply, "failed")
			return twiml(reply)
	_log(tech.name, sender, text, reply)
	if event is not None:
		frappe.publish_realtime(
			"tech-absence",
			{
				"technician": tech.name,
				"technician_name": tech.technician_name,
				**event,  # dates as YYYY-MM-DD
				"source": source,
			},
			after_commit=True,
		)
	return twiml(reply)


ABSENCE_FIELDS = ("absence_reason", "absence_from", "absence_until", "absence_start_time", "absence_end_time")


def _cancel(doc, intent) -> tuple[str, dict | None]:
	"""Clear or shorten the declared absence; (reply, event), event None when nothing changed."""
	from gigafibre_dispatch.engine.absence_sms import cancel_absence, cancellation_fr

	first = getdate(doc.absence_from) if doc.absence_from else None
	last = getdate(doc.absence_until) if doc.absence_until else None
	result = cancel_absence(intent, first, last, now_datetime().date())
	reason = doc.absence_reason or ""
	reply = cancellation_fr(result, reason, first, last)
	if result.outcome == "clear":
		doc.update(dict.fromkeys(ABSENCE_FIELDS))
		until = None
	elif result.outcome == "shorten":
		doc.update({"absence_until": result.until_date, "absence_end_time": None})
		until = result.until_date
	else:
		return reply, None
	return reply, {
		"action": result.outcome,
		"reason": doc.absence_reason or "",
		"from": doc.absence_from,
		"until": until,
		"cancelled": {"reason": reason, "from": first, "until": last, "back": result.back},
	}
