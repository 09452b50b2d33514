"""The customer's pages, opened from an SMS without an account: /c/<token> (the appointment's status) and
/book/<token> (pick a time). Each shows the one job its link names and only what its customer may read: the
window, the technician's first name, the status (and, on the way, the arrival estimate). They speak the customer's
language (ERPNext Customer › Language), or the one the page's switch asks for."""

from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.utils import get_datetime

from gigafibre_dispatch.engine.customer_links import read_link_token
from gigafibre_dispatch.integrations.customer_sms import (
	LANGUAGES,
	clock,
	customer_language,
	day_label,
	first_name,
)
from gigafibre_dispatch.lifecycle import self_booking
from gigafibre_dispatch.utils.urls import secret

# What the customer reads of a job's status.
BOOKED = ("Scheduled", "Dispatched")
ON_SITE = ("In Progress", "Change Requested")
DONE = ("Completed", "Verified", "Invoiced")


def page_language(job: str | None, asked: str | None) -> str:
	if asked in LANGUAGES:
		return asked
	return customer_language(job) if job else "fr"


def window(start, end, lang: str) -> str | None:
	if not start:
		return None
	start = get_datetime(start)
	text = f"{day_label(start, lang)}, {clock(start, lang)}"
	if end:
		text += f" – {clock(get_datetime(end), lang)}"
	return text


def status_label(status: str, en_route: bool) -> tuple[str, str]:
	"""(a key for the page's colour, the words) for the job's state as the customer sees it."""
	if status == "Cancelled":
		return "cancelled", _("Cancelled")
	if status in DONE:
		return "done", _("Visit completed")
	if status in ON_SITE:
		return "on_site", _("Your technician is on site")
	if status == "Dispatched" and en_route:
		return "on_the_way", _("Your technician is on the way")
	if status in BOOKED:
		return "booked", _("Appointment booked")
	return "to_book", _("Appointment to be set")


def status_context(token: str, asked_lang: str | None = None) -> dict:
	"""Everything templates/customer/status.html renders; state "ok" or "invalid"."""
	claims = read_link_token(token, "status", secret("magic_link_secret"), now=datetime.now(timezone.utc))
	if isinstance(claims, str) or not frappe.db.exists("Dispatch Job", claims["job"]):
		lang = page_language(None, asked_lang)
		return {"state": "invalid", "lang": lang}
	job = claims["job"]
	lang = page_language(job, asked_lang)
	frappe.local.lang = lang
	row = frappe.db.get_value(
		"Dispatch Job",
		job,
		["status", "scheduled_start", "scheduled_end", "assigned_technician", "en_route_at", "customer_eta"],
		as_dict=True,
	)
	kind, label = status_label(row.status, bool(row.en_route_at))
	return {
		"state": "ok",
		"lang": lang,
		"kind": kind,
		"label": label,
		"window": window(row.scheduled_start, row.scheduled_end, lang) if row.status != "Cancelled" else None,
		"first_name": first_name(row.assigned_technician) or None,
		"eta": clock(get_datetime(row.customer_eta), lang)
		if kind == "on_the_way" and row.customer_eta
		else None,
	}


def booking_context(token: str, asked_lang: str | None = None) -> dict:
	"""Everything templates/customer/book.html renders: the slots offered (state "open"), the appointment booked
	through this link ("used"), or "invalid"."""
	try:
		link = self_booking.read_link(token)
	except self_booking.LinkNotValid:
		return {"state": "invalid", "lang": page_language(None, asked_lang), "token": token}
	job = link["job"]
	lang = page_language(job, asked_lang)
	frappe.local.lang = lang
	booked = self_booking.appointment(job)
	ctx = {"state": link["state"], "lang": lang, "token": token, "subject": booked["subject"]}
	if link["state"] == "used":
		ctx["window"] = window(booked["start"], booked["end"], lang)
		ctx["first_name"] = booked["first_name"]
	else:
		ctx["slots"] = slot_views(self_booking.offered(job), lang)
	return ctx


def slot_views(slots: list[dict], lang: str) -> list[dict]:
	return [
		{
			"technician": s["technician"],
			"start": get_datetime(s["start"]).isoformat(timespec="minutes"),
			"label": window(s["start"], s["end"], lang),
			"first_name": s["first_name"],
		}
		for s in slots
	]
