# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from gigafibre_dispatch.engine import offers
from gigafibre_dispatch.utils.errors import engine_errors


class DispatchOffer(Document):
	def validate(self):
		if self.pricing_preset and self.pricing_preset != "custom":
			preset = offers.PRICING_PRESETS[self.pricing_preset]
			self.displacement = preset["displacement"]
			self.hourly_rate = preset["hourly_rate"]
		if not self.duration_h:
			self.duration_h = frappe.db.get_value("Dispatch Job", self.job, "duration_h")
		with engine_errors():
			offers.validate_offer(self.mode, [c.technician for c in self.candidates])
			before = self.get_doc_before_save()
			if before and before.status != self.status:
				offers.check_offer_transition(before.status, self.status)
		if (self.displacement or 0) < 0 or (self.hourly_rate or 0) < 0:
			frappe.throw(_("Prices cannot be negative"))
		self.amount = offers.offer_amount(self.displacement or 0, self.hourly_rate or 0, self.duration_h or 0)


def expire_offers():
	"""Scheduled (every minute): open or pending offers past their expiry become expired."""
	for name in frappe.get_all(
		"Dispatch Offer",
		filters={"status": ("in", ("open", "pending")), "expires_at": ("<=", now_datetime())},
		pluck="name",
	):
		doc = frappe.get_doc("Dispatch Offer", name)
		doc.status = "expired"
		doc.save(ignore_permissions=True)
