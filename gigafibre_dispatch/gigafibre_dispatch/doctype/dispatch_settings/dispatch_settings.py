# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_dispatch.engine.availability import parse_time
from gigafibre_dispatch.utils.errors import engine_errors

POSITIVE = (
	"proximity_max_km",
	"travel_buffer_min",
	"slot_horizon_days",
	"slots_per_technician",
	"slot_count",
	"slot_granularity_min",
	"average_speed_kmh",
	"magic_link_ttl_hours",
	"idempotency_ttl_hours",
)


class DispatchSettings(Document):
	def validate(self):
		for field in POSITIVE:
			value = self.get(field)
			if value is not None and value != "" and float(value) <= 0:
				frappe.throw(_("{0} must be greater than zero").format(_(self.meta.get_label(field))))
		for field in ("proximity_multiplier", "load_multiplier", "overload_penalty", "gps_freshness_bonus"):
			if (self.get(field) or 0) < 0:
				frappe.throw(_("{0} cannot be negative").format(_(self.meta.get_label(field))))
		with engine_errors():
			start = parse_time(self.default_shift_start or "08:00")
			end = parse_time(self.default_shift_end or "17:00")
		self.default_shift_start, self.default_shift_end = start.strftime("%H:%M"), end.strftime("%H:%M")
		if end <= start:
			frappe.throw(_("The default shift must end after it starts"))
		if self.time_zone:
			import zoneinfo

			try:
				zoneinfo.ZoneInfo(self.time_zone)
			except (zoneinfo.ZoneInfoNotFoundError, ValueError):
				frappe.throw(_("Unknown time zone: {0}").format(self.time_zone))

	def on_update(self):
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
