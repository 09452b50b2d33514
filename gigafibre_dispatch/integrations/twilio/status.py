"""Twilio's status callbacks: a message's later fate (sent, delivered, undelivered, failed) recorded on its log.

Twilio posts them to api/sms.status (signed) for each message sent with a status callback (`client.
status_callback_url`, when the site has a public URL). A callback for a message the site does not know changes
nothing; a late "sent" after "delivered" does not step back; a failure keeps Twilio's error. A log left `sending`
or `needs_attention` by a worker that died is settled by the callback as the minute sweep would settle it."""

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.integrations.twilio.client import TWILIO_FAILED, TWILIO_SENT

# Twilio's statuses in the order a message goes through them: a callback never moves a log backwards.
ORDER = ("accepted", "scheduled", "queued", "sending", "sent", "delivered", "read")


def record_status(sid: str, status: str, error_code: str | None = None) -> str | None:
	"""The log of message `sid` told Twilio's `status`; returns the log's name, or None when nothing changed."""
	status = (status or "").strip().lower()
	if not sid or not (status in TWILIO_SENT or status in TWILIO_FAILED):
		return None
	log = frappe.db.get_value(
		"Dispatch SMS Log",
		{"twilio_sid": sid},
		["name", "status", "twilio_status"],
		as_dict=True,
		for_update=True,
	)
	if not log:
		return None
	if status in TWILIO_FAILED:
		values = {
			"status": "failed",
			"twilio_status": status,
			"error": f"Twilio {status} {error_code or ''}".strip(),
		}
	else:
		before = log.twilio_status if log.twilio_status in ORDER else None
		if before and ORDER.index(status) <= ORDER.index(before):
			return None
		values = {"twilio_status": status}
		if log.status in ("sending", "needs_attention", "queued", "retrying"):
			values.update({"status": "sent", "sent_at": now_datetime(), "error": None})
	frappe.db.set_value("Dispatch SMS Log", log.name, values, update_modified=False)
	frappe.publish_realtime(
		"dispatch:sms_status",
		{"log": log.name, "status": values.get("status", log.status), "twilio_status": status},
		after_commit=True,
	)
	return log.name
