"""The customer's side: booking a time from a booking link (allow_guest: the link authenticates), and the CSR's
"send a booking link". The work is in lifecycle/self_booking.py; the pages in portal/customer.py."""

import frappe
from werkzeug.wrappers import Response

from gigafibre_dispatch.lifecycle import self_booking
from gigafibre_dispatch.lifecycle.http import json_response
from gigafibre_dispatch.portal.customer import page_language, slot_views, window
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling.args import get_job
from gigafibre_dispatch.utils.throttle import guest_throttle


def _error(status: int, code: str, message: str, **extra) -> Response:
	frappe.clear_messages()
	return json_response(status, {"error": {"code": code, "message": message, **extra}})


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def book(token: str, technician: str, start: str, lang: str | None = None) -> Response:
	"""Book the time the customer picked on /book/<token>. 200 booked (a retry answers the same), 401 a link
	expired or not valid, 409 the time was taken (with the times free now), 410 the link was already used."""
	job = None
	try:
		job = self_booking.read_link(token)["job"]
	except self_booking.LinkNotValid:
		pass
	lang = page_language(job, lang)
	frappe.local.lang = lang
	try:
		booked = self_booking.book(token, technician, start)
	except self_booking.LinkNotValid as e:
		return _error(401, "link_not_valid", str(e))
	except self_booking.LinkUsed as e:
		return _error(410, "link_used", str(e))
	except self_booking.SlotTaken as e:
		return _error(409, "slot_taken", str(e), slots=slot_views(e.fresh, lang))
	except frappe.ValidationError as e:
		return _error(400, "invalid", str(e))
	when = window(booked["start"], booked["end"], lang)
	message = frappe._("Booked: {0}").format(when)
	return json_response(
		200,
		{
			"data": {
				"job": booked["job"],
				"window": when,
				"first_name": booked["first_name"],
				"message": message,
			}
		},
	)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def send_booking_link(job: str) -> dict:
	"""Text the job's customer a link to pick a time (Desk › Dispatch Job › Send Booking Link)."""
	sent = self_booking.send_link(get_job(job, "write").name)
	return {"job": sent["job"], "url": sent["url"], "expires": str(sent["expires"]), "sms": sent["sms"]}
