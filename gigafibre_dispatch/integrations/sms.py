"""Outbound SMS through Twilio (the twilio SDK), logged per message in Dispatch SMS Log.

A message is sent by an RQ job (`send_log`); it locks its log row, sends only from queued/retrying, and is
marked `sending` (committed) before Twilio is called, so a retry or a second worker never sends it twice.
Transient failures (network, Twilio 5xx, 429) go to `retrying` with backoff; the minute sweep re-enqueues them.
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

BACKOFF_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1


class SmsError(Exception):
	def __init__(self, message: str, transient: bool):
		super().__init__(message)
		self.transient = transient


class TwilioProvider:
	"""One small interface: send(to, body) -> (sid, status). Tests point `base_url` at a local stand-in."""

	def __init__(self, account_sid: str, auth_token: str, from_number: str, base_url: str | None = None):
		from twilio.http.http_client import TwilioHttpClient
		from twilio.rest import Client

		self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=15))
		if base_url:
			self.client.api.base_url = base_url.rstrip("/")
		self.from_number = from_number

	def send(self, to: str, body: str) -> tuple[str, str]:
		from twilio.base.exceptions import TwilioException, TwilioRestException

		try:
			message = self.client.messages.create(to=to, from_=self.from_number, body=body)
		except TwilioRestException as e:
			raise SmsError(f"Twilio {e.status}: {e.msg}", transient=e.status >= 500 or e.status == 429) from e
		except (TwilioException, OSError) as e:
			raise SmsError(str(e), transient=True) from e
		return message.sid, message.status


def provider() -> TwilioProvider:
	s = frappe.get_cached_doc("Dispatch Settings")
	token = s.get_password("twilio_auth_token", raise_exception=False)
	if not (s.twilio_account_sid and token and s.twilio_from_number):
		raise SmsError(_("Twilio is not configured in Dispatch Settings"), transient=False)
	return TwilioProvider(s.twilio_account_sid, token, s.twilio_from_number, s.twilio_api_base or None)


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
		"gigafibre_dispatch.integrations.sms.send_log",
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
	frappe.db.set_value(
		"Dispatch SMS Log", log_name, {"status": "sending", "attempts": attempts}, update_modified=False
	)
	frappe.db.commit()
	try:
		sid, status = (sms_provider or provider()).send(row.to_number, row.body)
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


def retry_due():
	"""Scheduled every minute: re-enqueue messages whose backoff has elapsed."""
	for name in frappe.get_all(
		"Dispatch SMS Log",
		filters={"status": "retrying", "next_attempt_at": ("<=", now_datetime())},
		pluck="name",
	):
		frappe.enqueue(
			"gigafibre_dispatch.integrations.sms.send_log",
			queue="short",
			log_name=name,
			job_id=f"sms:{name}",
			deduplicate=True,
		)


def resend(log_name: str) -> str:
	"""A failed message, sent again (Desk action): the same log row, back to queued."""
	status = frappe.db.get_value("Dispatch SMS Log", log_name, "status", for_update=True)
	if status != "failed":
		frappe.throw(_("Only a failed message can be sent again"))
	frappe.db.set_value(
		"Dispatch SMS Log", log_name, {"status": "queued", "error": None, "next_attempt_at": None}
	)
	frappe.enqueue(
		"gigafibre_dispatch.integrations.sms.send_log",
		queue="short",
		log_name=log_name,
		enqueue_after_commit=True,
	)
	return log_name
