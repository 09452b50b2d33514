"""Messages to a job's customer (the Service Location's contact phone), through the SMS log with its retries.

`schedule_changed` is the schedule-change message: one per job and final time (its dedupe key), so applying a
proposal twice, or two workers, never texts the customer twice about the same time.
"""

from datetime import datetime

import frappe
from frappe.utils import get_datetime

from gigafibre_dispatch.doctype_helpers import phone_digits
from gigafibre_dispatch.engine.absence_sms import fr_date, fr_time
from gigafibre_dispatch.integrations.twilio.messages import queue_sms

SCHEDULE_CANCELLED = (
	"Gigafibre : votre rendez-vous du {day} à {time} est annulé. Nous vous rappellerons pour en fixer un autre. "
	"Your appointment on {day} at {time} is cancelled; we will call you to set another."
)
SCHEDULE_CHANGED = (
	"Gigafibre : votre rendez-vous est maintenant le {day} à {time} avec {technician}. "
	"Your appointment is now on {day} at {time}. Questions? Répondez à ce message."
)


def customer_phone(job: str) -> str | None:
	location = frappe.db.get_value("Dispatch Job", job, "service_location")
	phone = frappe.db.get_value("Service Location", location, "contact_phone") if location else None
	return phone if phone and len(phone_digits(phone)) == 10 else None


def schedule_changed(job: str, technician: str, start: datetime) -> str | None:
	"""Tell the customer their appointment's new time (once per job and time). The log's name, or None when the
	customer has no phone."""
	phone = customer_phone(job)
	if not phone:
		return None
	start = get_datetime(start)
	first_name = (frappe.db.get_value("Dispatch Technician", technician, "technician_name") or "").split(" ")[
		0
	]
	body = SCHEDULE_CHANGED.format(
		day=fr_date(start.date()), time=fr_time(start.time()), technician=first_name or "notre technicien"
	)
	name, _created = queue_sms(
		technician, phone, body, "customer", f"schedule:{job}:{start.isoformat(timespec='minutes')}", job=job
	)
	return name


def schedule_cancelled(job: str, technician: str | None, told: datetime) -> str | None:
	"""Tell the customer their appointment (the time they were told) is cancelled: once per job."""
	phone = customer_phone(job)
	if not phone:
		return None
	told = get_datetime(told)
	body = SCHEDULE_CANCELLED.format(day=fr_date(told.date()), time=fr_time(told.time()))
	name, _created = queue_sms(technician, phone, body, "customer", f"cancel:{job}", job=job)
	return name
