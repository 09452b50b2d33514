"""Publishing a technician's schedule: magic links, iCal subscription URLs and the two SMS of the seed
(the work: portal/publish.py and portal/links.py)."""

import frappe
from frappe import _

from gigafibre_dispatch.integrations.twilio import messages as sms
from gigafibre_dispatch.portal.links import ical_url_for, magic_link_for
from gigafibre_dispatch.portal.links import revoke_links as revoke
from gigafibre_dispatch.portal.publish import publish
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling.args import get_job, get_technician_name, parse_date_range
from gigafibre_dispatch.utils.errors import DispatchValidationError


@frappe.whitelist()
@dispatcher_only
def magic_link(technician: str, job: str | None = None) -> str:
	technician = get_technician_name(technician)
	if job:
		get_job(job)  # a job the caller may read (a scoped dispatcher: their customers' only)
	if job and frappe.db.get_value("Dispatch Job", job, "assigned_technician") != technician:
		frappe.throw(_("Job {0} is not assigned to {1}").format(job, technician), DispatchValidationError)
	return magic_link_for(technician, job)


@frappe.whitelist()
@dispatcher_only
def ical_url(technician: str) -> str:
	return ical_url_for(get_technician_name(technician))


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def publish_schedule(technician: str, date_from: str, date_to: str) -> dict:
	"""Publish the technician's jobs over [date_from, date_to] and text them their links (once per publication)."""
	technician = get_technician_name(technician)
	d_from, d_to = parse_date_range(date_from, date_to)
	return publish(technician, d_from, d_to)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def revoke_links(technician: str) -> dict:
	"""Every magic link sent to this technician stops working (a leaked one, say); new links work."""
	technician = get_technician_name(technician)
	return {"technician": technician, "link_version": revoke(technician)}


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def resend_sms(log: str) -> str:
	# A log the caller may not read (another customer's message) is refused as if it did not exist.
	if not frappe.db.exists("Dispatch SMS Log", log) or not frappe.has_permission(
		"Dispatch SMS Log", "read", log
	):
		frappe.throw(_("Dispatch SMS Log {0} does not exist").format(log), frappe.PermissionError)
	return sms.resend(log)
