"""Messages to a job's customer (the Service Location's contact phone), through the SMS log with its retries.

`schedule_changed` is the schedule-change message: one per job and final time (its dedupe key), so applying a
proposal twice, or two workers, never texts the customer twice about the same time. The on-my-way messages and the
booking link speak the customer's language (ERPNext Customer › Language: English or French, French otherwise).
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


# The customer's own messages, one text per language: {technician} is a first name, {time} the arrival estimate.
ON_MY_WAY = {
	"fr": "Gigafibre : {technician} est en route vers chez vous, arrivée prévue vers {time}. Suivi : {url}",
	"en": "Gigafibre: {technician} is on the way to you, arriving around {time}. Track: {url}",
}
ETA_SLIPPED = {
	"fr": "Gigafibre : {technician} a du retard, arrivée prévue maintenant vers {time}. Suivi : {url}",
	"en": "Gigafibre: {technician} is running late, now arriving around {time}. Track: {url}",
}
BOOKING_LINK = {
	"fr": "Gigafibre : choisissez l'heure de votre rendez-vous ({subject}) : {url} (lien valide jusqu'au {until})",
	"en": "Gigafibre: pick the time of your appointment ({subject}): {url} (link valid until {until})",
}
LANGUAGES = ("fr", "en")


def customer_language(job: str) -> str:
	"""'en' or 'fr': the language on the job's ERPNext Customer (en-US, en-CA… are English), French otherwise."""
	customer = frappe.db.get_value("Dispatch Job", job, "customer")
	language = (frappe.db.get_value("Customer", customer, "language") if customer else None) or ""
	return "en" if language.lower().startswith("en") else "fr"


def clock(when: datetime, lang: str) -> str:
	"""A time as the customer reads it: « 14 h 05 » in French, "2:05 PM" in English."""
	if lang == "en":
		return f"{(when.hour % 12) or 12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
	return fr_time(when.time())


def day_label(when: datetime, lang: str) -> str:
	if lang == "en":
		return f"{when.strftime('%A')} {when.strftime('%B')} {when.day}"
	return fr_date(when.date())


def first_name(technician: str | None) -> str:
	name = frappe.db.get_value("Dispatch Technician", technician, "technician_name") if technician else None
	return (name or "").strip().split(" ")[0]


def on_my_way(job: str, technician: str, eta: datetime, url: str, slipped: bool = False) -> str | None:
	"""The technician is on the way (or, `slipped`, later than told): once per job and estimate. The log's name,
	or None when the customer has no phone."""
	phone = customer_phone(job)
	if not phone:
		return None
	lang = customer_language(job)
	eta = get_datetime(eta)
	texts = ETA_SLIPPED if slipped else ON_MY_WAY
	someone = {"fr": "Votre technicien", "en": "Your technician"}[lang]
	body = texts[lang].format(technician=first_name(technician) or someone, time=clock(eta, lang), url=url)
	key = f"eta:{job}:{eta.isoformat(timespec='minutes')}" if slipped else f"onmyway:{job}:{eta.date()}"
	name, _created = queue_sms(technician, phone, body, "customer", key, job=job)
	return name


def booking_link(job: str, url: str, until: datetime, nonce: str) -> str | None:
	"""The link to pick a time: once per link sent (its nonce). The log's name, or None with no phone."""
	phone = customer_phone(job)
	if not phone:
		return None
	lang = customer_language(job)
	subject = (frappe.db.get_value("Dispatch Job", job, "subject") or job)[:60]
	until = get_datetime(until)
	body = BOOKING_LINK[lang].format(
		subject=subject, url=url, until=f"{day_label(until, lang)} {clock(until, lang)}"
	)
	name, _created = queue_sms(None, phone, body, "customer", f"booking:{job}:{nonce}", job=job)
	return name


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
	body = SCHEDULE_CHANGED.format(
		day=fr_date(start.date()),
		time=fr_time(start.time()),
		technician=first_name(technician) or "notre technicien",
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
