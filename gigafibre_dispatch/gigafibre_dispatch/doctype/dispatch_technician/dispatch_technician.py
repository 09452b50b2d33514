# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_time

from gigafibre_dispatch.doctype_helpers import phone_digits
from gigafibre_dispatch.engine import availability, geo, validation
from gigafibre_dispatch.utils.errors import engine_errors


class DispatchTechnician(Document):
	def validate(self):
		with engine_errors():
			week = availability.parse_weekly_schedule(self.weekly_schedule or None)
			if week is not None:
				self.weekly_schedule = availability.format_weekly_schedule(week)
			for row in self.tags:
				validation.validate_tag_level(row.level)
			geo.validate_coordinates(self.home_latitude or None, self.home_longitude or None)
		self.validate_tags_unique()
		self.validate_extra_shifts()
		if self.resource_type == "material":
			self.user = None
		self.phone_digits = phone_digits(self.phone)
		if self.daily_hour_cap is not None and self.daily_hour_cap < 0:
			frappe.throw(_("The daily hour cap cannot be negative"))

	def validate_tags_unique(self):
		seen = set()
		for row in self.tags:
			if row.tag in seen:
				frappe.throw(_("Tag {0} is listed twice").format(row.tag))
			seen.add(row.tag)

	def validate_extra_shifts(self):
		for row in self.extra_shifts:
			if get_time(row.end_time) <= get_time(row.start_time):
				frappe.throw(
					_("Extra shift row {0}: the end time must be after the start time").format(row.idx)
				)
