"""A technician's text to the dispatch number, answered: who sent it, what it says (or whether it must be confirmed
first), the absence it records, cancels or ends through `lifecycle/absence.py`, the reply, and the log of both.
The Twilio webhook (`api/sms.py`) checks the signature and turns the reply into TwiML.
"""

from datetime import timedelta

import frappe
from frappe.utils import get_time, getdate, now_datetime, strip_html

from gigafibre_dispatch.doctype_helpers import phone_digits
from gigafibre_dispatch.engine.absence_sms import (
	CONFIRM_MINUTES,
	AbsenceIntent,
	Cancellation,
	cancellation_fr,
	confirmation_answer,
	confirmation_fr,
	question_fr,
)
from gigafibre_dispatch.integrations.nlu import understand
from gigafibre_dispatch.lifecycle.absence import absence_actor, confirm, forget, hold, record
from gigafibre_dispatch.scheduling import absence

NOT_SAVED = (
	"Désolé, ce changement n'a pas pu être enregistré ({}). Rien n'a changé; contactez la répartition."
)
UNKNOWN_SENDER = "Bonjour! Ce numéro n'est associé à aucun technicien. Contactez la répartition."
NOT_UNDERSTOOD = (
	"Désolé, je n'ai pas compris. Exemples: « malade aujourd'hui », « vacances du 3 au 5 mars », "
	"« de retour », « annuler mon absence »."
)


def reply_to(sender: str, text: str) -> str:
	"""The reply to `text` from the phone number `sender` (everything it changes is written, and logged)."""
	text = (text or "").strip()
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
		return UNKNOWN_SENDER
	now = now_datetime()
	answer = confirmation_answer(text)
	reading, source = (None, "rules") if answer else understand(text, now)
	if answer is None and reading.intent is None:
		_log(tech.name, sender, text, NOT_UNDERSTOOD, "failed")
		return NOT_UNDERSTOOD
	intent = reading.intent if reading else None
	# One inbound message at a time per technician, and the absences read after the lock are the latest: nothing
	# is written yet, so a new transaction starts here (InnoDB keeps the snapshot of a transaction's first read).
	frappe.db.rollback()
	frappe.db.get_value("Dispatch Technician", tech.name, "name", for_update=True)
	frappe.local.lang = "fr"  # the technician reads the reason in the reply
	try:
		if answer is not None:
			reply = _answer(tech.name, answer, now, source)
		elif intent.action == "set" and reading.doubts:
			hold(tech.name, intent, text, reading.doubts, now)
			reply = question_fr(intent)
		elif intent.action == "cancel":
			reply = _cancel(tech.name, intent, source)
		elif intent.action == "clear":
			absence.end_now(tech.name, now, source)
			reply = confirmation_fr(intent)
		else:
			summary = record(
				tech.name,
				intent.from_date,
				intent.until_date,
				intent.start_time,
				intent.end_time,
				intent.reason,
				source="SMS",
				message=text,
				actor=absence_actor(tech.name),
				reader=source,
			)
			reply = confirmation_fr(intent) + jobs_fr(summary)
	except frappe.ValidationError as e:
		frappe.db.rollback()
		frappe.clear_messages()
		reply = NOT_SAVED.format(strip_html(str(e)).strip().rstrip("."))
		_log(tech.name, sender, text, reply, "failed")
		return reply
	_log(tech.name, sender, text, reply)
	return reply


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


NOTHING_WAITING = (
	"Aucune demande n'attend de réponse (elle expire après {} min); rien n'a changé. Renvoyez votre message."
)
FORGOTTEN = "D'accord, rien n'a été enregistré. " + "Réécrivez votre message au besoin."


def _answer(technician: str, answer: str, now, reader: str) -> str:
	"""OUI/YES or NON/NO to the last reading that waited for one."""
	if answer == "no":
		return FORGOTTEN if forget(technician) else NOTHING_WAITING.format(CONFIRM_MINUTES)
	summary = confirm(technician, now, absence_actor(technician), reader)
	if summary is None:
		return NOTHING_WAITING.format(CONFIRM_MINUTES)
	row = frappe.db.get_value(
		"Dispatch Absence",
		summary["absence"],
		["reason", "from_date", "until_date", "start_time", "end_time"],
		as_dict=True,
	)
	intent = AbsenceIntent(
		"set",
		row.reason,
		getdate(row.from_date),
		getdate(row.until_date or row.from_date),
		get_time(row.start_time) if row.start_time else None,
		get_time(row.end_time) if row.end_time else None,
	)
	return confirmation_fr(intent) + jobs_fr(summary)


def jobs_fr(summary: dict) -> str:
	"""What became of the technician's jobs, for the reply ("— 3 travaux : 3 réassignés.")."""
	affected = summary.get("affected") or 0
	if not affected:
		return ""
	if summary.get("mode") != "Automatic":
		return f" — {affected} travail(aux) prévu(s) pendant l'absence : la répartition les réassigne."
	parts = []
	if summary.get("moved"):
		parts.append(f"{summary['moved']} réassigné(s)")
	if summary.get("released"):
		parts.append(f"{summary['released']} remis à la répartition")
	if summary.get("kept"):
		parts.append(f"{summary['kept']} à voir avec la répartition")
	return f" — {affected} travail(aux) : " + ", ".join(parts) + "."


def _cancel(technician: str, intent, reader: str) -> str:
	"""No absence from the first day back on: later ones cancelled, a running one shortened; the reply."""
	today = now_datetime().date()
	back = max(intent.from_date or today, today)
	result = absence.end_from(technician, back, today, reader)
	outcome = result["outcome"]
	cancellation = Cancellation(outcome, back, back - timedelta(days=1) if outcome == "shorten" else None)
	return cancellation_fr(cancellation, result.get("reason") or "", result.get("from"), result.get("until"))
