# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import json

import frappe

from gigafibre_dispatch.tests.utils import DispatchTestCase, make_location, make_tag, make_tech

test_ignore = ["User", "Holiday List"]


class TestDispatchTechnician(DispatchTestCase):
	def test_weekly_schedule_validated_and_normalised(self):
		for bad in (
			'{"mon": ["17:00-08:00"]}',
			'{"funday": ["08:00-17:00"]}',
			"[1, 2]",
			"{not json",
			'{"mon": ["08:00-12:00", "11:00-13:00"]}',
		):
			with self.subTest(schedule=bad):
				doc = frappe.get_doc(
					{"doctype": "Dispatch Technician", "technician_name": "Bad week", "weekly_schedule": bad}
				)
				with self.assertRaises(frappe.ValidationError) as ctx:
					doc.insert()
				self.assertIn("weekly schedule", str(ctx.exception).lower())
		name = make_tech("Good week", week={"tue": ["13:00-17:00", "08:00-12:00"]})
		stored = json.loads(frappe.db.get_value("Dispatch Technician", name, "weekly_schedule"))
		self.assertEqual(stored["tue"], ["08:00-12:00", "13:00-17:00"])

	def test_tag_level_and_coordinates(self):
		for level in (0, 6):
			doc = frappe.get_doc(
				{
					"doctype": "Dispatch Technician",
					"technician_name": "Lvl",
					"tags": [{"tag": make_tag("ZZ Tech Level"), "level": level}],
				}
			)
			self.assertRaises(frappe.ValidationError, doc.insert)
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Technician",
				"technician_name": "Geo",
				"home_latitude": 45.5,
				"home_longitude": -200,
			}
		)
		self.assertRaises(frappe.ValidationError, doc.insert)
		self.assertRaises(frappe.ValidationError, make_location, None, 91, 0)

	def test_absence_record_validated(self):
		tech = make_tech("Abs")

		def absence(**values):
			doc = frappe.get_doc(
				{"doctype": "Dispatch Absence", "technician": tech, "reason": "Malade", **values}
			)
			doc.flags.from_service = True
			return doc

		self.assertRaises(
			frappe.ValidationError, absence(from_date="2026-12-10", until_date="2026-12-09").insert
		)
		self.assertRaises(frappe.ValidationError, absence(until_date="2026-12-09").insert)
		self.assertRaises(frappe.ValidationError, absence(from_date="2026-12-10", start_time="25:00").insert)
		self.assertRaises(
			frappe.ValidationError,
			absence(from_date="2026-12-10", start_time="14:00", end_time="10:00").insert,
		)
		self.assertRaises(frappe.ValidationError, absence(from_date="2026-12-10", reason="Picnic").insert)
		kept = absence(from_date="2026-12-10", until_date="2026-12-10", start_time="8:00").insert()
		self.assertEqual((kept.until_date, kept.start_time, kept.status), (None, "08:00", "Active"))
		second = absence(from_date="2027-01-04", until_date="2027-01-08").insert()  # several per technician
		self.assertEqual(frappe.db.count("Dispatch Absence", {"technician": tech}), 2)
		self.assertNotEqual(kept.name, second.name)

	def test_phone_digits_for_sms_lookup(self):
		name = make_tech("Phone", phone="+1 (514) 555-0199")
		self.assertEqual(frappe.db.get_value("Dispatch Technician", name, "phone_digits"), "5145550199")
