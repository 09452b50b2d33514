"""The iCal feed served at /dispatch/calendar/<technician>.ics (see portal/renderers.py: CalendarFeed)."""

from collections import OrderedDict

import frappe
from frappe.utils import now_datetime
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine.ical import ical_token_valid, render_feed
from gigafibre_dispatch.portal.links import base_url, publish_window


class EventCache:
	"""Rendered events of this worker process, keyed by what they show (engine.ical.event_key); oldest out first."""

	def __init__(self, size: int):
		self.size = size
		self.data: OrderedDict = OrderedDict()

	def get(self, key, default=None):
		return self.data.get(key, default)

	def __setitem__(self, key, value):
		if len(self.data) >= self.size:
			self.data.popitem(last=False)
		self.data[key] = value


EVENTS = EventCache(50_000)


FEED_FIELDS = (
	"name",
	"subject",
	"scheduled_start",
	"duration_h",
	"status",
	"priority",
	"description",
	"recurrence_rule",
	"is_recurring",
	"template_id",
	"modified",
	"service_location",
)


def unauthorized() -> Response:
	return Response("Unauthorized\n", status=401, mimetype="text/plain")


def feed_response(technician: str, token: str | None) -> Response:
	s = frappe.get_cached_doc("Dispatch Settings")
	secret = s.get_password("ical_secret", raise_exception=False)
	if not ical_token_valid(technician, token, secret):
		return unauthorized()
	tech = frappe.db.get_value("Dispatch Technician", technician, ["technician_name", "active"], as_dict=True)
	if not tech or not tech.active:
		return unauthorized()
	body = feed_bytes(technician, tech.technician_name, s.time_zone or "America/Toronto")
	response = Response(body, status=200, mimetype="text/calendar")
	response.headers["Content-Type"] = "text/calendar; charset=utf-8"
	response.headers["Content-Disposition"] = f'inline; filename="{technician}.ics"'
	response.headers["Cache-Control"] = "private, max-age=300"
	return response


def feed_bytes(technician: str, name: str, tzid: str, today=None) -> bytes:
	"""Published jobs from 7 days back to 60 days ahead (templates included, with their RRULE): two queries."""
	start, end = publish_window(today)
	rows = frappe.get_all(
		"Dispatch Job",
		filters={
			"assigned_technician": technician,
			"published": 1,
			"scheduled_start": ("between", (start, end)),
		},
		fields=list(FEED_FIELDS),
		order_by="scheduled_start asc",
		limit_page_length=0,
	)
	locations = {r.service_location for r in rows if r.service_location}
	addresses = {}
	if locations:
		for loc in frappe.get_all(
			"Service Location",
			filters={"name": ("in", list(locations))},
			fields=["name", "location_name", "address_line", "city"],
		):
			addresses[loc.name] = ", ".join(p for p in (loc.address_line, loc.city) if p) or loc.location_name
	jobs = [
		{
			"name": r.name,
			"subject": r.subject,
			"start": r.scheduled_start,
			"duration_h": r.duration_h,
			"status": r.status,
			"priority": r.priority,
			"description": r.description,
			"recurrence_rule": r.recurrence_rule if r.is_recurring else None,
			"template_id": r.template_id,
			"modified": r.modified,
			"location": addresses.get(r.service_location),
		}
		for r in rows
	]
	domain = base_url().split("://", 1)[-1].split("/")[0]
	return render_feed(
		f"Gigafibre — {name}", jobs, tzid=tzid, domain=domain, now=now_datetime(), cache=EVENTS
	)
