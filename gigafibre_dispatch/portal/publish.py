"""Publishing a technician's schedule: each Scheduled job dispatched to the technician (the lifecycle command
`assignment_dispatch`, one transition and audit event per job: the technician can then start it on /t), and the
two SMS of the seed, once per publication. The answer says what was sent and what was not."""

import hashlib
import uuid
from datetime import date, datetime, time

import frappe
from frappe import _

from gigafibre_dispatch.engine.states import INACTIVE_STATES
from gigafibre_dispatch.integrations.twilio import messages as sms
from gigafibre_dispatch.lifecycle.actor import current_actor
from gigafibre_dispatch.lifecycle.commands import run_internal
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
	out = {"technician": technician, "published": names, "dispatched": [], "not_dispatched": [], "sms": []}
	if not names:
		out["warning"] = _("No job to publish for this technician in this range: nothing was sent")
		return out
	# One publication = this technician, this range, these jobs as they are now; publishing it again sends nothing.
	# (Scheduled reads as Dispatched: publishing dispatches it, and the next publication is the same one.)
	fingerprint = "|".join(
		f"{j.name}:{j.scheduled_start}:{j.duration_h}:{j.subject}:{_published_status(j.status)}" for j in jobs
	)
	key = hashlib.sha256(f"{technician}|{d_from}|{d_to}|{fingerprint}".encode()).hexdigest()[:32]
	_dispatch(jobs, key, out)
	if not tech.phone:
		out["warning"] = _("No mobile phone on the technician: nothing was sent")
		return out
	try:
		sms.provider()
	except sms.SmsError as e:  # queued all the same (resent from the log once configured), but said
		out["warning"] = _("{0}: the technician was not texted; copy the magic link instead").format(str(e))
		out["sms_configured"] = False
	else:
		out["sms_configured"] = True
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


def _dispatch(jobs, key: str, out: dict) -> None:
	"""Scheduled jobs go to the technician (Dispatched, published) through the lifecycle, each under a key derived
	from the publication (publishing again replays); a job another user changed meanwhile is reported, not
	forced. Jobs already dispatched or started are published as they are."""
	actor = current_actor()
	base = uuid.uuid5(uuid.NAMESPACE_URL, f"gigafibre-dispatch:publish:{key}")
	for j in jobs:
		if j.status != "Scheduled":
			continue
		try:
			run_internal(j.name, [("assignment_dispatch", {})], actor, str(base))
			out["dispatched"].append(j.name)
		except frappe.ValidationError as e:
			frappe.clear_messages()
			out["not_dispatched"].append({"job": j.name, "reason": str(e)})
	already = [j.name for j in jobs if j.status != "Scheduled"]
	if already:  # dispatched or started before: published as they are (the command set it for the others)
		frappe.db.set_value("Dispatch Job", {"name": ("in", already)}, "published", 1)


def _published_status(status: str) -> str:
	return "Dispatched" if status == "Scheduled" else status
