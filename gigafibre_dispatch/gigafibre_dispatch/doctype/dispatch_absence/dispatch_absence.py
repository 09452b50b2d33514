# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_dispatch.scheduling import absence


class DispatchAbsence(Document):
	"""A technician's absence; its rules live in `scheduling/absence.py`, its effects in `lifecycle/absence.py`."""

	def validate(self):
		absence.normalize(self)

	def on_update(self):
		# The Desk form, new or changed: the same handling as the SMS and the board (they go through the service).
		if not self.flags.from_service and self.status == "Active":
			from gigafibre_dispatch.lifecycle.absence import after_record

			after_record(self)
