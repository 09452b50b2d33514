# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe

from gigafibre_dispatch.tests.utils import DispatchTestCase, make_job, make_tech

test_ignore = ["Dispatch Job", "Dispatch Technician"]


class TestDispatchOffer(DispatchTestCase):
	def offer(self, **fields):
		job = fields.pop("job", None) or make_job("Offered job", duration_h=2.5).name
		return frappe.get_doc({"doctype": "Dispatch Offer", "job": job, **fields})

	def test_preset_pricing_and_amount(self):
		doc = self.offer(mode="broadcast", pricing_preset="urgent").insert()
		self.assertEqual((doc.displacement, doc.hourly_rate, doc.duration_h), (50, 95, 2.5))
		self.assertEqual(doc.amount, 50 + 95 * 2.5)
		custom = self.offer(
			mode="broadcast", pricing_preset="custom", displacement=10, hourly_rate=40
		).insert()
		self.assertEqual(custom.amount, 110)

	def test_mode_rules(self):
		a, b = make_tech("Offer A"), make_tech("Offer B")
		targeted_two = self.offer(mode="targeted", candidates=[{"technician": a}, {"technician": b}])
		self.assertRaises(frappe.ValidationError, targeted_two.insert)
		self.assertRaises(frappe.ValidationError, self.offer(mode="pool").insert)
		self.assertTrue(self.offer(mode="targeted", candidates=[{"technician": a}]).insert().name)

	def test_status_transitions(self):
		doc = self.offer(mode="broadcast").insert()
		doc.status = "accepted"
		doc.save()
		doc.status = "open"
		self.assertRaises(frappe.ValidationError, doc.save)
		self.assertEqual(frappe.db.get_value("Dispatch Offer", doc.name, "status"), "accepted")

	def test_negative_prices_refused(self):
		self.assertRaises(
			frappe.ValidationError,
			self.offer(mode="broadcast", pricing_preset="custom", displacement=-5).insert,
		)
