# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from datetime import timedelta

import frappe

from gigafibre_dispatch.tests.utils import (
	DispatchTestCase,
	at,
	make_customer,
	make_job,
	make_location,
	next_monday,
)

# ERPNext masters are created by the tests themselves, not by the test-record generator.
test_ignore = [
	"Customer",
	"Issue",
	"Sales Order",
	"Sales Invoice",
	"Item",
	"UOM",
	"Service Location",
	"Dispatch Technician",
]


class TestDispatchJob(DispatchTestCase):
	def assert_refused(self, doc, message_part: str):
		"""Saving is refused with a message that says why, and the stored row is unchanged."""
		stored = (
			frappe.db.get_value("Dispatch Job", doc.name, "modified")
			if doc.name and not doc.is_new()
			else None
		)
		with self.assertRaises(frappe.ValidationError) as ctx:
			doc.save() if not doc.is_new() else doc.insert()
		self.assertIn(message_part.lower(), str(ctx.exception).lower())
		if stored:
			self.assertEqual(frappe.db.get_value("Dispatch Job", doc.name, "modified"), stored)

	def test_duration_must_be_positive(self):
		for bad in (0, -1):
			doc = frappe.get_doc({"doctype": "Dispatch Job", "subject": "Zero", "duration_h": bad})
			self.assert_refused(doc, "duration")

	def test_scheduled_end_follows_start_and_duration(self):
		start = at(next_monday(), 9)
		doc = make_job("Timed", start=start, duration_h=2.5)
		self.assertEqual(frappe.utils.get_datetime(doc.scheduled_end), start + timedelta(hours=2.5))

	def test_self_dependency_and_cycle(self):
		a = make_job("A")
		a.depends_on = a.name
		self.assert_refused(a, "itself")
		a.reload()
		b = make_job("B", depends_on=a.name)
		c = make_job("C", depends_on=b.name)
		a.depends_on = c.name
		self.assert_refused(a, "cycle")
		self.assertIsNone(frappe.db.get_value("Dispatch Job", a.name, "depends_on"))

	def test_tag_level_bounds(self):
		for level in (0, 6):
			doc = frappe.get_doc(
				{
					"doctype": "Dispatch Job",
					"subject": "Tagged",
					"duration_h": 1,
					"tags": [{"tag": _tag(), "level": level}],
				}
			)
			self.assert_refused(doc, "1 to 5")

	def test_recurrence_rule_validated(self):
		start = at(next_monday(), 9)
		for rule in ("FREQ=SOMETIMES", "BYDAY=XX", "not a rule"):
			doc = frappe.get_doc(
				{
					"doctype": "Dispatch Job",
					"subject": "Rec",
					"duration_h": 1,
					"is_recurring": 1,
					"recurrence_rule": rule,
					"scheduled_start": start,
				}
			)
			self.assert_refused(doc, "recurrence rule")
		ok = make_job("Rec ok", start=start, is_recurring=1, recurrence_rule="FREQ=WEEKLY;BYDAY=SA,SU")
		self.assertTrue(ok.name)

	def test_location_customer_consistency(self):
		loc = make_location(make_customer("ZZ Job Customer"), 45.5, -73.6)
		doc = make_job("Loc", location=loc)
		self.assertEqual(doc.customer, "ZZ Job Customer")
		self.assertAlmostEqual(doc.latitude, 45.5)
		other = make_customer("ZZ Other Customer")
		bad = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "Mismatch",
				"duration_h": 1,
				"service_location": loc,
				"customer": other,
			}
		)
		self.assert_refused(bad, "belongs to")


def _tag():
	from gigafibre_dispatch.tests.utils import make_tag

	return make_tag("ZZ Level")
