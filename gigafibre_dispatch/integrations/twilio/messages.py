"""Outbound SMS through Twilio (`client.py`), logged per message in Dispatch SMS Log.

A message is sent by an RQ job (`send_log`); it locks its log row, sends only from queued/retrying, and is
marked `sending` (committed, `modified` = when) before Twilio is called, so a retry or a second worker never
sends it twice. Twilio's answer (SID, status) is committed in one write right after it accepts. Transient
failures (network, Twilio 5xx, 429) go to `retrying` with backoff; the minute sweep re-enqueues them.

A log still `sending` after STUCK_MINUTES (site config `dispatch_sms_stuck_minutes`, default 10) means the
worker died around the Twilio call. `reconcile_stuck` (every minute) asks Twilio for the message by its SID
when the log has one (queued/sending/sent/delivered → sent; failed/undelivered/canceled → failed with
Twilio's error); without a SID nobody knows whether Twilio took it, so it becomes `needs_attention` and is
never sent again automatically: a person checks Twilio's message log and uses "Send Again" (`resend`).
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from gigafibre_dispatch.integrations.twilio.client import (
	TWILIO_FAILED,
	TWILIO_SENT,
	SmsError,
	provider,
	status_callback_url,
)

BACKOFF_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
STUCK_MINUTES = 10
RECONCILE_BATCH = 50


def queue_sms(technician: str, to: str, body: str, kind: str, dedupe_key: str, **extra) -> tuple[str, bool]:
	"""Log one message and enqueue its send; the same dedupe key never makes a second message."""
	existing = frappe.db.get_value("Dispatch SMS Log", {"dedupe_key": dedupe_key}, "name")
	if existing:
		return existing, False
	log = frappe.get_doc(
		{
			"doctype": "Dispatch SMS Log",
			"technician": technician,
			"to_number": to,
			"body": body,
			"kind": kind,
			"status": "queued",
			"dedupe_key": dedupe_key,
			**extra,
		}
	).insert(ignore_permissions=True)
	frappe.enqueue(
		"gigafibre_dispatch.integrations.twilio.messages.send_log",
		queue="short",
		log_name=log.name,
		enqueue_after_commit=True,
	)
	return log.name, True


def send_log(log_name: str, sms_provider=None):
	"""RQ job: send one logged message (idempotent)."""
	row = frappe.db.get_value(
		"Dispatch SMS Log",
		log_name,
		["status", "to_number", "body", "attempts"],
		as_dict=True,
		for_update=True,
	)
	if not row or row.status not in ("queued", "retrying"):
		frappe.db.rollback()
		return
	attempts = cint(row.attempts) + 1
	# `modified` is when sending began: reconcile_stuck measures from it.
	frappe.db.set_value("Dispatch SMS Log", log_name, {"status": "sending", "attempts": attempts})
	frappe.db.commit()
	try:
		sid, status = (sms_provider or provider()).send(
			row.to_number, row.body, status_callback=status_callback_url()
		)
	except SmsError as e:
		retry = e.transient and attempts < MAX_ATTEMPTS
		values = {"status": "retrying" if retry else "failed", "error": str(e)[:500]}
		if retry:
			values["next_attempt_at"] = now_datetime() + timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
		frappe.db.set_value("Dispatch SMS Log", log_name, values, update_modified=False)
		frappe.db.commit()
		frappe.publish_realtime(
			"dispatch:sms_status", {"log": log_name, "status": values["status"]}, after_commit=True
		)
		return
	# Twilio has the message: its SID and "sent" in one write, committed at once (nothing else comes between).
	frappe.db.set_value(
		"Dispatch SMS Log",
		log_name,
		{
			"status": "sent",
			"twilio_sid": sid,
			"twilio_status": status,
			"sent_at": now_datetime(),
			"error": None,
		},
		update_modified=False,
	)
	frappe.db.commit()
	frappe.publish_realtime("dispatch:sms_status", {"log": log_name, "status": "sent"})


def retry_due():
	"""Scheduled every minute: re-enqueue messages whose backoff has elapsed."""
	for name in frappe.get_all(
		"Dispatch SMS Log",
		filters={"status": "retrying", "next_attempt_at": ("<=", now_datetime())},
		pluck="name",
	):
		frappe.enqueue(
			"gigafibre_dispatch.integrations.twilio.messages.send_log",
			queue="short",
			log_name=name,
			job_id=f"sms:{name}",
			deduplicate=True,
		)


def stuck_minutes() -> int:
	return cint(frappe.conf.get("dispatch_sms_stuck_minutes")) or STUCK_MINUTES


def reconcile_stuck(sms_provider=None) -> dict[str, str]:
	"""Scheduled every minute: settle the logs left in `sending` by a worker that died. Never sends.
	Returns {log: new status} for the logs it changed."""
	cutoff = now_datetime() - timedelta(minutes=stuck_minutes())
	stuck = frappe.get_all(
		"Dispatch SMS Log",
		filters={"status": "sending", "modified": ("<", cutoff)},
		fields=["name", "twilio_sid", "modified"],
		order_by="modified asc",
		limit=RECONCILE_BATCH,
	)
	frappe.db.rollback()  # no snapshot held while Twilio answers
	changed = {}
	for log in stuck:
		values = _settle(log, sms_provider)
		if values is None:
			continue
		# Only if nobody moved it meanwhile (a slow worker finishing, a second sweep).
		current = frappe.db.get_value(
			"Dispatch SMS Log", log.name, ["status", "modified"], as_dict=True, for_update=True
		)
		if current and current.status == "sending" and current.modified == log.modified:
			frappe.db.set_value("Dispatch SMS Log", log.name, values)
			frappe.db.commit()
			frappe.publish_realtime("dispatch:sms_status", {"log": log.name, "status": values["status"]})
			changed[log.name] = values["status"]
		else:
			frappe.db.rollback()
	return changed


def _settle(log, sms_provider) -> dict | None:
	"""The new values of a stuck log, or None to look again at the next sweep (Twilio unreachable)."""
	if not log.twilio_sid:
		return {
			"status": "needs_attention",
			"error": _(
				"Stopped while Twilio was called: it may have gone. Check Twilio's log before sending again."
			),
		}
	try:
		status, error, sent_at = (sms_provider or provider()).fetch(log.twilio_sid)
	except SmsError as e:
		if e.transient:
			return None
		return {"status": "needs_attention", "error": str(e)[:500]}
	if status in TWILIO_FAILED:
		return {"status": "failed", "twilio_status": status, "error": (error or f"Twilio {status}")[:500]}
	if status in TWILIO_SENT:
		return {
			"status": "sent",
			"twilio_status": status,
			"sent_at": sent_at or now_datetime(),
			"error": None,
		}
	return {"status": "needs_attention", "twilio_status": status, "error": f"Twilio status {status}"}


def resend(log_name: str) -> str:
	"""A failed message, or one needing attention once a person has checked Twilio, sent again (Desk action):
	the same log row, back to queued."""
	status = frappe.db.get_value("Dispatch SMS Log", log_name, "status", for_update=True)
	if status not in ("failed", "needs_attention"):
		frappe.throw(_("Only a failed message or one needing attention can be sent again"))
	frappe.db.set_value(
		"Dispatch SMS Log", log_name, {"status": "queued", "error": None, "next_attempt_at": None}
	)
	frappe.enqueue(
		"gigafibre_dispatch.integrations.twilio.messages.send_log",
		queue="short",
		log_name=log_name,
		enqueue_after_commit=True,
	)
	return log_name
