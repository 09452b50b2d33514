"""The technician side's page renderers (hooks: page_renderer): the portal page and the calendar feed."""

import re

import frappe
from frappe.website.page_renderers.base_renderer import BaseRenderer
from werkzeug.wrappers import Response

from gigafibre_dispatch.portal.calendar import feed_response
from gigafibre_dispatch.portal.context import page_context
from gigafibre_dispatch.portal.customer import booking_context, status_context

CALENDAR_PATH = re.compile(r"^dispatch/calendar/([^/]+)\.ics$")


class CalendarFeed(BaseRenderer):
	"""GET /dispatch/calendar/<technician>.ics?token=… — the technician's published jobs as text/calendar.

	Authenticates by the HMAC token itself (no session): a bad token is a bare 401 that reveals nothing."""

	def can_render(self) -> bool:
		return bool(CALENDAR_PATH.match(self.path))

	def render(self) -> Response:
		technician = CALENDAR_PATH.match(self.path).group(1)
		return feed_response(technician, frappe.form_dict.get("token"))


PORTAL_PATH = re.compile(r"^t/([^/]+)$")


class TechnicianPortal(BaseRenderer):
	"""GET /t/<token> — the technician's page, rendered from www/t.html without the website shell.

	Frappe's template pages build the whole website context (apps, sidebar permissions) on every request; the
	portal needs none of it, and a technician on a phone connection should not wait for it."""

	def can_render(self) -> bool:
		return bool(PORTAL_PATH.match(self.path))

	def render(self) -> Response:
		token = PORTAL_PATH.match(self.path).group(1)
		context = page_context(token, frappe.form_dict.get("job"))
		html = frappe.render_template("gigafibre_dispatch/www/t.html", context)
		response = Response(html, status=200 if context["state"] == "ok" else 401, mimetype="text/html")
		response.headers["Cache-Control"] = "no-store"
		response.headers["X-Robots-Tag"] = "noindex"
		return response


class _CustomerPage(BaseRenderer):
	"""A customer's page, opened from an SMS: the link in the path authenticates, nothing else is shown."""

	path_pattern: re.Pattern
	template: str

	def can_render(self) -> bool:
		return bool(self.path_pattern.match(self.path))

	def context(self, token: str, lang: str | None) -> dict:
		raise NotImplementedError

	def render(self) -> Response:
		token = self.path_pattern.match(self.path).group(1)
		lang = frappe.form_dict.get("lang")
		context = self.context(token, lang if isinstance(lang, str) else None)
		frappe.local.lang = context["lang"]
		html = frappe.render_template(self.template, context)
		status = 401 if context["state"] == "invalid" else 200
		response = Response(html, status=status, mimetype="text/html")
		response.headers["Cache-Control"] = "no-store"
		response.headers["X-Robots-Tag"] = "noindex"
		response.headers["Referrer-Policy"] = "no-referrer"
		return response


class CustomerStatus(_CustomerPage):
	"""GET /c/<token> — the appointment's status (portal/customer.py)."""

	path_pattern = re.compile(r"^c/([^/]+)$")
	template = "gigafibre_dispatch/templates/customer/status.html"

	def context(self, token, lang):
		return status_context(token, lang)


class CustomerBooking(_CustomerPage):
	"""GET /book/<token> — pick a time (portal/customer.py, lifecycle/self_booking.py)."""

	path_pattern = re.compile(r"^book/([^/]+)$")
	template = "gigafibre_dispatch/templates/customer/book.html"

	def context(self, token, lang):
		return booking_context(token, lang)
