# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_dispatch.engine import geo
from gigafibre_dispatch.scheduling import places
from gigafibre_dispatch.utils.errors import engine_errors


class ServiceLocation(Document):
	def validate(self):
		with engine_errors():
			geo.validate_coordinates(self.latitude or None, self.longitude or None)
		# An address without coordinates is geocoded (Dispatch Settings › Geocoding Provider), its state shown.
		places.geocode_if_needed(self)

	def on_update(self):
		places.jobs_follow_location(self)
