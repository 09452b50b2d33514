"""The customer hears once per change: when a booked job's time moves (a drag, an absence's reassignment, the
optimizer, an approved reschedule), one "your appointment is now …" SMS goes out after a quiet period (Dispatch
Settings › Customer Notice Quiet Period, 10 min), and only if the final time differs from what the customer was
last told. Moves back and forth inside the quiet period send nothing. A cancellation gets its own message at once.

The first booking sends nothing: the CSR gave the customer that time, and it is recorded as told. Every message
goes through the SMS log (integrations/twilio/messages.py, with its retries) under a key of the job and the time,
and the minute sweep locks each job's row: retries and two workers never text twice."""

from datetime import timedelta

import frappe
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.engine.states import CLOSED_STATES
from gigafibre_dispatch.integrations.customer_sms import schedule_cancelled, schedule_changed

DOCTYPE = "Dispatch Job"
BOOKING_COMMANDS = frozenset({"schedule_confirm", "schedule_book", "approval_decide"})
DEFAULT_QUIET_MIN = 10
SWEEP_BATCH = 200


def quiet_minutes() -> int:
	value = frappe.get_cached_doc("Dispatch Settings").get("customer_notice_quiet_min")
	return int(value) if value not in (None, "") else DEFAULT_QUIET_MIN


def touch(job: str, command: str, now=None):
	"""After a command (lifecycle/commands.py): a booking records the time told (the first one) or starts the
	quiet period (a change); a cancellation tells the customer now. Other commands change nothing here."""
	if command == "intake" and frappe.get_cached_doc("Dispatch Settings").get("booking_link_on_intake"):
		frappe.enqueue(
			"gigafibre_dispatch.lifecycle.self_booking.auto_send", job=job, enqueue_after_commit=True
		)
		return
	if command not in BOOKING_COMMANDS and command != "cancel":
		return
	row = frappe.db.get_value(
		DOCTYPE,
		job,
		["assigned_technician", "scheduled_start", "customer_told_start", "status"],
		as_dict=True,
	)
	if not row:
		return
	now = now or now_datetime()
	if command == "cancel":
		if row.customer_told_start:
			schedule_cancelled(job, row.assigned_technician, row.customer_told_start)
		frappe.db.set_value(DOCTYPE, job, "customer_notice_due", None, update_modified=False)
		return
	if not (row.assigned_technician and row.scheduled_start):
		return
	if not row.customer_told_start:
		frappe.db.set_value(DOCTYPE, job, "customer_told_start", row.scheduled_start, update_modified=False)
		return
	due = now + timedelta(minutes=quiet_minutes())
	frappe.db.set_value(DOCTYPE, job, "customer_notice_due", due, update_modified=False)


def send_due(now=None) -> dict[str, str | None]:
	"""Scheduled every minute: each job whose quiet period is over is told its final time if it differs from the
	last one told. Returns {job: the SMS log's name, or None when nothing was sent}."""
	now = now or now_datetime()
	out = {}
	frappe.db.rollback()  # a fresh snapshot: the changes committed up to now
	for name in frappe.get_all(
		DOCTYPE,
		filters={"customer_notice_due": ("<=", now)},
		pluck="name",
		order_by="customer_notice_due asc",
		limit=SWEEP_BATCH,
	):
		frappe.db.rollback()  # each job in its own transaction, under its row lock
		row = frappe.db.get_value(
			DOCTYPE,
			name,
			[
				"assigned_technician",
				"scheduled_start",
				"customer_told_start",
				"customer_notice_due",
				"status",
			],
			as_dict=True,
			for_update=True,
		)
		if not row or not row.customer_notice_due or get_datetime(row.customer_notice_due) > now:
			frappe.db.rollback()  # another worker told them meanwhile, or a new change restarted the wait
			continue
		values = {"customer_notice_due": None}
		log = None
		booked = row.status not in CLOSED_STATES and row.assigned_technician and row.scheduled_start
		if booked and get_datetime(row.scheduled_start) != get_datetime(row.customer_told_start):
			log = schedule_changed(name, row.assigned_technician, row.scheduled_start)
			values["customer_told_start"] = row.scheduled_start
		frappe.db.set_value(DOCTYPE, name, values, update_modified=False)
		frappe.db.commit()
		out[name] = log
	return out
