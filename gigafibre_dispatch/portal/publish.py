"""Publishing a technician's schedule: the jobs marked published and the two SMS of the seed, once per
publication."""

import hashlib
from datetime import date, datetime, time

import frappe
from frappe import _

from gigafibre_dispatch.engine.states import INACTIVE_STATES
from gigafibre_dispatch.integrations import sms
from gigafibre_dispatch.portal.links import ical_url_for, magic_link_for
from gigafibre_dispatch.utils.errors import DispatchValidationError


def publish(technician: str, d_from: date, d_to: date) -> dict:
	"""Publish the technician's jobs over [d_from, d_to] and text them their links."""
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
			"status": ("not in", INACTIVE_STATES),
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
