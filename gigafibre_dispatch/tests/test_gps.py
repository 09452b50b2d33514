"""Traccar GPS against a real loopback stand-in: auth, per-device parallel polling, cache, outage."""

from datetime import timedelta, timezone
from unittest.mock import patch
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import get_system_timezone, now_datetime

from gigafibre_dispatch.api import gps
from gigafibre_dispatch.integrations import traccar
from gigafibre_dispatch.tests.standins import TraccarStandIn
from gigafibre_dispatch.tests.utils import DispatchTestCase, make_tech


class TestTraccar(DispatchTestCase):
	def setUp(self):
		super().setUp()
		self.t7 = make_tech("GPS seven", 46.0, -73.0)
		self.t9 = make_tech("GPS nine", 46.0, -73.0)
		frappe.db.set_value("Dispatch Technician", self.t7, "traccar_device_id", "7")
		frappe.db.set_value("Dispatch Technician", self.t9, "traccar_device_id", "9")
		# Site-local "now" is naive: give it the site's zone before converting (the VM's own zone may differ).
		local_now = now_datetime().replace(microsecond=0, tzinfo=ZoneInfo(get_system_timezone()))
		fix = local_now.astimezone(timezone.utc) - timedelta(minutes=2)
		self.fix_utc = fix
		self.standin = TraccarStandIn(
			devices=[
				{"id": 7, "name": "Camion 7", "status": "online"},
				{"id": 9, "name": "Camion 9", "status": "offline"},
			],
			positions={
				"7": {
					"deviceId": 7,
					"latitude": 45.51,
					"longitude": -73.56,
					"speed": 10,
					"fixTime": fix.isoformat().replace("+00:00", "Z"),
				},
				"9": {
					"deviceId": 9,
					"latitude": 45.60,
					"longitude": -73.70,
					"speed": 0,
					"fixTime": fix.isoformat(),
				},
			},
		)

	def configure(self, url, **auth):
		s = frappe.get_single("Dispatch Settings")
		s.update({"traccar_url": url, "gps_poll_enabled": 1, "traccar_username": auth.get("username")})
		s.traccar_token = auth.get("token")
		s.traccar_password = auth.get("password")
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.cache.delete_value(f"dispatch:traccar:devices:{url.rstrip('/')}")

	def test_poll_stores_each_fix_and_feeds_ranking(self):
		with self.standin as server:
			self.configure(server.url, token="tk-123")
			self.assertEqual(traccar.poll_positions(), 2)
			position_calls = [r for r in server.requests if r["path"].startswith("/api/positions")]
			self.assertEqual(
				sorted(r["path"] for r in position_calls),
				["/api/positions?deviceId=7", "/api/positions?deviceId=9"],
			)
			self.assertTrue(
				all(r["headers"].get("Authorization") == "Bearer tk-123" for r in server.requests)
			)
			row = frappe.db.get_value(
				"Dispatch Technician",
				self.t7,
				["gps_latitude", "gps_longitude", "gps_speed", "gps_online", "gps_fix_at"],
				as_dict=True,
			)
			self.assertEqual(
				(row.gps_latitude, row.gps_longitude, row.gps_speed, row.gps_online), (45.51, -73.56, 18.5, 1)
			)
			local = traccar._local(self.fix_utc.isoformat())
			self.assertEqual(frappe.utils.get_datetime(row.gps_fix_at), local)
			self.assertEqual(frappe.db.get_value("Dispatch Technician", self.t9, "gps_online"), 0)
			# Devices are fetched once per minute, whatever the number of calls.
			before = len([r for r in server.requests if r["path"] == "/api/devices"])
			traccar.client().devices()
			traccar.client().devices()
			self.assertEqual(len([r for r in server.requests if r["path"] == "/api/devices"]), before)
		# The fresh fix is the position ranking uses, with its bonus.
		from gigafibre_dispatch.api.scheduling import best_technicians
		from gigafibre_dispatch.tests.utils import next_monday

		# Ranked for a working day; freshness is judged against now, so the 2-minute-old fix earns the bonus.
		rows = {
			r["technician"]: r
			for r in best_technicians(latitude=45.51, longitude=-73.56, date=str(next_monday()), limit=500)
		}
		self.assertEqual(rows[self.t7]["breakdown"]["gps"], 20)
		self.assertEqual(rows[self.t7]["breakdown"]["position"], "gps")
		self.assertLess(rows[self.t7]["breakdown"]["distance_km"], 0.1)

	def test_poll_publishes_moved_positions_to_the_boards(self):
		with self.standin as server:
			self.configure(server.url, token="tk-123")
			with patch("frappe.publish_realtime") as publish:
				self.assertEqual(traccar.poll_positions(), 2)
				first = [c for c in publish.call_args_list if c.args[0] == "dispatch:gps"]
				self.assertEqual(len(first), 2)
				seven = next(c for c in first if c.args[1]["technician"] == self.t7)
				self.assertEqual((seven.args[1]["latitude"], seven.args[1]["longitude"]), (45.51, -73.56))
				self.assertEqual(
					seven.args[1]["fix_at"], traccar._local(self.fix_utc.isoformat()).isoformat()
				)
				self.assertTrue(seven.kwargs.get("after_commit"))
				publish.reset_mock()
				# Unchanged positions: stored again, nothing published.
				self.assertEqual(traccar.poll_positions(), 2)
				self.assertEqual([c for c in publish.call_args_list if c.args[0] == "dispatch:gps"], [])

	def test_basic_auth_fallback(self):
		with self.standin as server:
			self.configure(server.url, username="dispatch", password="pw")
			self.assertEqual(traccar.poll_positions(), 2)
			self.assertTrue(
				all(r["headers"].get("Authorization", "").startswith("Basic ") for r in server.requests)
			)

	def test_outage_is_no_fix_not_an_error(self):
		with self.standin as server:
			url = server.url
		self.configure(url, token="tk")  # the server is gone now
		before = frappe.db.get_value("Dispatch Technician", self.t7, "gps_fix_at")
		self.assertEqual(traccar.poll_positions(), 0)
		self.assertEqual(frappe.db.get_value("Dispatch Technician", self.t7, "gps_fix_at"), before)
		self.assertEqual(gps.devices(), {"available": False, "devices": []})
		self.assertEqual(gps.positions()["positions"], {})

	def test_poll_disabled_does_nothing(self):
		with self.standin as server:
			self.configure(server.url, token="tk")
			frappe.db.set_single_value("Dispatch Settings", "gps_poll_enabled", 0)
			frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
			self.assertEqual(traccar.poll_positions(), 0)
			self.assertEqual(server.requests, [])
