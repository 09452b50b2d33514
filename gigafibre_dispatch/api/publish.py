"""Publishing a technician's schedule: magic links, iCal subscription URLs and the two SMS of the seed."""

import hashlib
from datetime import datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import get_url, now_datetime

from gigafibre_dispatch.api.scheduling import get_technician_name, parse_date
from gigafibre_dispatch.engine.ical import ical_token
from gigafibre_dispatch.engine.magic import make_magic_token
from gigafibre_dispatch.integrations import sms
from gigafibre_dispatch.utils.errors import DispatchValidationError

PUBLISH_ROLES = ("Dispatcher", "Dispatch Manager", "System Manager")


def base_url() -> str:
	return (frappe.get_cached_doc("Dispatch Settings").public_base_url or get_url()).rstrip("/")


def secret(field: str) -> str:
	value = frappe.get_cached_doc("Dispatch Settings").get_password(field, raise_exception=False)
	if not value:
		frappe.throw(
			_("{0} is not set: run bench --site {1} dispatch rotate-secrets").format(field, frappe.local.site)
		)
	return value


def magic_link_for(technician: str, job: str | None = None) -> str:
	s = frappe.get_cached_doc("Dispatch Settings")
	version = frappe.db.get_value("Dispatch Technician", technician, "link_version") or 0
	token = make_magic_token(
		technician,
		secret("magic_link_secret"),
		now=now_datetime(),
		ttl_hours=int(s.magic_link_ttl_hours or 72),
		job=job,
		version=version,
	)
	return f"{base_url()}/t/{token}"


def ical_url_for(technician: str) -> str:
	token = ical_token(technician, secret("ical_secret"))
	host = base_url().split("://", 1)[-1]
	return f"webcal://{host}/dispatch/calendar/{technician}.ics?token={token}"


@frappe.whitelist()
def magic_link(technician: str, job: str | None = None) -> str:
	frappe.only_for(PUBLISH_ROLES)
	technician = get_technician_name(technician)
	if job and frappe.db.get_value("Dispatch Job", job, "assigned_technician") != technician:
		frappe.throw(_("Job {0} is not assigned to {1}").format(job, technician), DispatchValidationError)
	return magic_link_for(technician, job)


@frappe.whitelist()
def ical_url(technician: str) -> str:
	frappe.only_for(PUBLISH_ROLES)
	return ical_url_for(get_technician_name(technician))


@frappe.whitelist(methods=["POST"])
def publish_schedule(technician: str, date_from: str, date_to: str) -> dict:
	"""Publish the technician's jobs over [date_from, date_to] and text them their links (once per publication)."""
	frappe.only_for(PUBLISH_ROLES)
	technician = get_technician_name(technician)
	d_from, d_to = parse_date(date_from, "From Date"), parse_date(date_to, "To Date")
	if d_to < d_from:
		frappe.throw(_("The end date is before the start date"), DispatchValidationError)
	tech = frappe.db.get_value(
		"Dispatch Technician", technician, ["phone", "active", "resource_type"], as_dict=True
	)
	if not tech.active or tech.resource_type != "human":
		frappe.throw(_("Only an active human technician receives a schedule"), DispatchValidationError)
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={
			"assigned_technician": technician,
			"scheduled_start": (
				"between",
				(datetime.combine(d_from, time.min), datetime.combine(d_to, time.max)),
			),
			"status": ("not in", ("Cancelled",)),
			"is_recurring": 0,
		},
		fields=["name", "scheduled_start", "duration_h", "subject", "status"],
		order_by="scheduled_start asc",
	)
	names = [j.name for j in jobs]
	if names:
		frappe.db.set_value("Dispatch Job", {"name": ("in", names)}, "published", 1)
	out = {"technician": technician, "published": names, "sms": []}
	if not names:
		out["warning"] = _("No job to publish for this technician in this range: nothing was sent")
		return out
	if not tech.phone:
		out["warning"] = _("No mobile phone on the technician: nothing was sent")
		return out
	# One publication = this technician, this range, these jobs as they are now; publishing it again sends nothing.
	fingerprint = "|".join(
		f"{j.name}:{j.scheduled_start}:{j.duration_h}:{j.subject}:{j.status}" for j in jobs
	)
	key = hashlib.sha256(f"{technician}|{d_from}|{d_to}|{fingerprint}".encode()).hexdigest()[:32]
	link, webcal = magic_link_for(technician), ical_url_for(technician)
	for kind, body in (
		("magic_link", _("Mes tâches: {0}").format(link)),
		("calendar", _("Ajouter à mon calendrier: {0}").format(webcal)),
	):
		log, created = sms.queue_sms(
			technician, tech.phone, body, kind, f"{key}:{kind}", date_from=d_from, date_to=d_to
		)
		out["sms"].append({"log": log, "kind": kind, "queued": created})
	out["magic_link"], out["ical_url"] = link, webcal
	return out


@frappe.whitelist(methods=["POST"])
def resend_sms(log: str) -> str:
	frappe.only_for(PUBLISH_ROLES)
	return sms.resend(log)


def publish_window(today=None) -> tuple[datetime, datetime]:
	"""What a feed or a portal shows: 7 days back to 60 days ahead."""
	today = datetime.combine(today or now_datetime().date(), time.min)
	return today - timedelta(days=7), today + timedelta(days=61)
