"""Custom page renderers (hooks: page_renderer)."""

import re

import frappe
from frappe.website.page_renderers.base_renderer import BaseRenderer
from werkzeug.wrappers import Response

CALENDAR_PATH = re.compile(r"^dispatch/calendar/([^/]+)\.ics$")


class CalendarFeed(BaseRenderer):
	"""GET /dispatch/calendar/<technician>.ics?token=… — the technician's published jobs as text/calendar.

	Authenticates by the HMAC token itself (no session): a bad token is a bare 401 that reveals nothing."""

	def can_render(self) -> bool:
		return bool(CALENDAR_PATH.match(self.path))

	def render(self) -> Response:
		from gigafibre_dispatch.api.ical import feed_response

		technician = CALENDAR_PATH.match(self.path).group(1)
		return feed_response(technician, frappe.form_dict.get("token"))
