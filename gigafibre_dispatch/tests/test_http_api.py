"""The scheduling API over HTTP, through Frappe's WSGI app: REST-created records, status codes, POST-only writes."""

import math

import frappe
from frappe.tests.test_api import FrappeAPITestCase

from gigafibre_dispatch.tests.utils import at, next_monday

METHOD = "gigafibre_dispatch.api.scheduling."


class TestSchedulingHttp(FrappeAPITestCase):
	created: list = []

	@classmethod
	def tearDownClass(cls):
		# The requests ran in their own transactions and committed: leave this connection's old snapshot,
		# then clean up what they made.
		frappe.db.rollback()
		jobs = [name for doctype, name in cls.created if doctype == "Dispatch Job"] or [""]
		for doctype in ("Dispatch State Transition", "Dispatch Audit Event", "Dispatch Evidence"):
			frappe.db.delete(doctype, {"job": ("in", jobs)})
		frappe.db.delete("Dispatch Idempotency Record", {"job": ("in", jobs)})
		for doctype, name in reversed(cls.created):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def create(self, doctype: str, data: dict) -> dict:
		response = self.post(self.resource(doctype), {"sid": self.sid, **data})
		self.assertEqual(response.status_code, 200, response.text)
		doc = response.json["data"]
		self.created.append((doctype, doc["name"]))
		return doc

	def test_rest_records_then_rank_slots_and_errors(self):
		monday = next_monday()
		tag = self.create("Dispatch Tag", {"tag_name": f"ZZ Http {frappe.generate_hash(length=6)}"})["name"]
		near = self.create(
			"Dispatch Technician",
			{
				"technician_name": "Http near",
				"home_latitude": 45.51,
				"home_longitude": -73.57,
				"tags": [{"tag": tag, "level": 2}],
			},
		)["name"]
		far = self.create(
			"Dispatch Technician",
			{
				"technician_name": "Http far",
				"home_latitude": 45.9,
				"home_longitude": -73.57,
				"tags": [{"tag": tag, "level": 2}],
			},
		)["name"]
		job = self.create(
			"Dispatch Job",
			{
				"subject": "Http job",
				"duration_h": 1.5,
				"scheduled_start": str(at(monday, 9)),
				"tags": [{"tag": tag, "level": 2}],
			},
		)
		self.assertEqual(job["scheduled_end"], str(at(monday, 10, 30)))

		ranked = self.get(
			self.method(METHOD + "best_technicians"),
			{
				"sid": self.sid,
				"latitude": 45.5,
				"longitude": -73.57,
				"tags": [tag],
				"date": str(monday),
				"limit": 500,
			},
		)
		self.assertEqual(ranked.status_code, 200, ranked.text)
		ours = [r["technician"] for r in ranked.json["message"] if r["technician"] in (near, far)]
		self.assertEqual(ours, [near, far])
		# Each carries its drive: the straight line at the settings' speed and detour, said to be an estimate.
		speed = float(frappe.db.get_single_value("Dispatch Settings", "average_speed_kmh") or 40)
		detour = float(frappe.db.get_single_value("Dispatch Settings", "detour_factor") or 1.3)
		drives = {r["technician"]: r for r in ranked.json["message"] if r["technician"] in (near, far)}
		for r in drives.values():
			km = r["breakdown"]["distance_km"]
			self.assertEqual(r["travel_min"], math.ceil(km * detour / speed * 60) if km > 0 else 0, r)
			self.assertEqual(r["travel_source"], "estimate")
		self.assertLess(drives[near]["travel_min"], drives[far]["travel_min"])

		slots = self.get(
			self.method(METHOD + "suggest_slots"),
			{"sid": self.sid, "duration_h": 1, "tags": [tag], "start_date": str(monday)},
		)
		self.assertEqual(slots.status_code, 200, slots.text)
		self.assertTrue({s["technician"] for s in slots.json["message"]} <= {near, far})

		# Bad input: clear status codes and nothing written.
		unknown = self.get(self.method(METHOD + "best_technicians"), {"sid": self.sid, "job": "DJ-NOPE"})
		self.assertEqual(unknown.status_code, 404)
		bad_date = self.get(
			self.method("gigafibre_dispatch.api.board.get_board"),
			{"sid": self.sid, "date_from": "2026-02-30", "date_to": "2026-03-01"},
		)
		self.assertEqual(bad_date.status_code, 417)
		self.assertIn("not a valid date", bad_date.json["exception"])
		frappe.db.rollback()  # a fresh snapshot: see what the requests committed
		before = frappe.db.count("Dispatch Job")
		as_get = self.get(
			self.method(METHOD + "create_work_order"), {"sid": self.sid, "subject": "GET must not write"}
		)
		self.assertEqual(as_get.status_code, 403)  # writes are POST-only
		bad_type = self.post(
			self.method(METHOD + "create_work_order"), {"sid": self.sid, "subject": "x", "duration_h": "long"}
		)
		self.assertEqual(bad_type.status_code, 417)  # typed arguments are validated
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Dispatch Job"), before)

		made = self.post(
			self.method(METHOD + "create_work_order"),
			{"sid": self.sid, "subject": "Via HTTP", "tags": [{"tag": tag, "level": 1}], "auto_assign": True},
		)
		self.assertEqual(made.status_code, 200, made.text)
		out = made.json["message"]
		self.created.append(("Dispatch Job", out["name"]))
		self.assertIn(out["assigned_technician"], (near, far))

	def test_guest_is_refused(self):
		response = self.get(self.method(METHOD + "best_technicians"), {"latitude": 45.5, "longitude": -73.57})
		self.assertEqual(response.status_code, 403)
