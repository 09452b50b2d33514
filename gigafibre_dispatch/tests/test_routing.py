"""Road travel times from a routing service (integrations/routing.py) against a real HTTP stand-in on loopback that
answers like OSRM and Mapbox: the ranking's drives, batches within the size limit, the cache, and the estimate when
the service fails (logged, counted, never an error)."""

import math

import frappe
from redis import Redis

from gigafibre_dispatch.engine.geo import OfflineRouting, haversine_km, travel_minutes
from gigafibre_dispatch.integrations import routing as road
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.tests.standins import RoadStandIn
from gigafibre_dispatch.tests.utils import DispatchTestCase, make_tech, next_monday

JOB = (45.5017, -73.5673)


class TestRoadRouting(DispatchTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.near = make_tech("Route near", 45.52, -73.58)
		cls.far = make_tech("Route far", 45.60, -73.80)
		cls.homes = {cls.near: (45.52, -73.58), cls.far: (45.60, -73.80)}

	def setUp(self):
		super().setUp()
		frappe.cache.delete_keys("dispatch:route:")
		Redis.delete(frappe.cache, frappe.cache.make_key("dispatch:metrics:routing"))

	def tearDown(self):
		super().tearDown()
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
		frappe.cache.delete_keys("dispatch:route:")

	def configure(self, kind: str, url: str | None, token: str | None = None):
		s = frappe.get_single("Dispatch Settings")
		s.routing_provider = kind
		s.routing_url = url
		if token is not None:
			s.mapbox_token = token
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")

	def ranked(self) -> dict:
		from gigafibre_dispatch.api.scheduling import best_technicians

		rows = best_technicians(latitude=JOB[0], longitude=JOB[1], date=str(next_monday()), limit=100)
		return {r["technician"]: r for r in rows}

	def metric(self, field: str) -> int:
		value = Redis.hget(frappe.cache, frappe.cache.make_key("dispatch:metrics:routing"), field)
		return int(value or 0)

	def test_the_ranking_drives_come_from_osrm_in_one_matrix_then_from_the_cache(self):
		with RoadStandIn(kmh=18) as osrm:
			self.configure("OSRM", osrm.url)
			self.assertIsInstance(data.routing(), road.RoadRouting)
			ranked = self.ranked()
			for tech, home in self.homes.items():
				want = math.ceil(osrm.seconds(home, JOB) / 60)
				self.assertEqual((ranked[tech]["travel_min"], ranked[tech]["travel_source"]), (want, "osrm"))
				# Not the straight-line estimate (40 km/h × 1.3 here): the road's own time.
				self.assertNotEqual(want, travel_minutes(haversine_km(*home, *JOB), 40, 1.3))
			tables = osrm.asked("table")
			self.assertGreaterEqual(len(tables), 1)
			self.assertTrue(all(len(t["points"]) <= road.OsrmClient.max_coordinates for t in tables))
			self.assertEqual(osrm.asked("route"), [])
			before = len(osrm.requests)
			again = self.ranked()
			self.assertEqual(len(osrm.requests), before, "the second ranking reads the cache")
			self.assertEqual(again[self.near]["travel_source"], "osrm")
			self.assertGreaterEqual(self.metric("osrm|ok"), 2)

	def test_a_failing_service_gives_the_estimate_marked_so_logged_and_counted(self):
		with RoadStandIn() as osrm:
			self.configure("OSRM", osrm.url)
			osrm.fail_with = [500] * 10
			ranked = self.ranked()
			for tech, home in self.homes.items():
				estimate = travel_minutes(
					haversine_km(*home, *JOB),
					data.setting_float("average_speed_kmh", 40.0),
					data.setting_float("detour_factor", 1.3),
				)
				self.assertEqual(
					(ranked[tech]["travel_min"], ranked[tech]["travel_source"]), (estimate, "estimate")
				)
			self.assertEqual(len(osrm.requests), 1, "one failure: the rest of the request estimates")
			self.assertEqual(self.metric("osrm|fallback"), 1)
			from gigafibre_dispatch.lifecycle import observability

			seen = {(r["provider"], r["outcome"]): r["count"] for r in observability.snapshot()["routing"]}
			self.assertEqual(seen.get(("osrm", "fallback")), 1)
		# Nobody listening at all (the service is down): the same, never an error.
		self.configure("OSRM", "http://127.0.0.1:9")
		ranked = self.ranked()
		self.assertEqual(ranked[self.near]["travel_source"], "estimate")

	def test_a_matrix_is_asked_in_batches_within_the_limit_and_cached(self):
		with RoadStandIn() as osrm:
			client = road.OsrmClient(osrm.url)
			client.max_coordinates = 10
			points = [(45.40 + i * 0.01, -73.70 + (i % 7) * 0.02) for i in range(30)]
			provider = road.RoadRouting(client, OfflineRouting())
			provider.prefetch(points)
			tables = osrm.asked("table")
			self.assertEqual(len(tables), 36)  # chunks of 5: 6 × 6 blocks
			self.assertTrue(all(len(t["points"]) <= 10 for t in tables))
			self.assertEqual(len(provider.memo), 30 * 29)
			a, b = points[3], points[27]
			self.assertEqual(provider.leg(a, b), (osrm.seconds(a, b) / 60, "osrm"))
			fresh = road.RoadRouting(road.OsrmClient(osrm.url), OfflineRouting())
			fresh.prefetch(points)
			self.assertEqual(len(osrm.asked("table")), 36, "a second request reads every leg from the cache")
			self.assertAlmostEqual(fresh.travel_minutes(a, b), osrm.seconds(a, b) / 60, places=6)

	def test_mapbox_with_its_token(self):
		with RoadStandIn(kmh=25, token="pk.test-token") as mapbox:
			self.configure("Mapbox", mapbox.url, token="pk.test-token")
			ranked = self.ranked()
			home = self.homes[self.far]
			self.assertEqual(
				(ranked[self.far]["travel_min"], ranked[self.far]["travel_source"]),
				(math.ceil(mapbox.seconds(home, JOB) / 60), "mapbox"),
			)
			self.assertTrue(
				all(len(m["points"]) <= road.MapboxClient.max_coordinates for m in mapbox.asked("matrix"))
			)
			frappe.cache.delete_keys("dispatch:route:")
			self.configure("Mapbox", mapbox.url, token="pk.wrong")
			self.assertEqual(self.ranked()[self.far]["travel_source"], "estimate")
		# Mapbox chosen with no token: the estimate, no request.
		self.configure("Offline", None)
		self.assertIsInstance(data.routing(), OfflineRouting)

	def test_the_drop_rules_ask_the_road(self):
		"""A drop after another job the same day: the drive between them is the road's (a warning says its minutes
		with the travel buffer), asked once and then read from the cache."""
		from gigafibre_dispatch.scheduling.drop import validate_drop_rules
		from gigafibre_dispatch.tests.utils import at, make_job, make_location

		a, b = (45.50, -73.57), (45.60, -73.80)
		monday = next_monday()
		make_job(
			"Road first", tech=self.near, start=at(monday, 9), duration_h=1, location=make_location(None, *a)
		)
		second = make_job("Road second", location=make_location(None, *b))
		with RoadStandIn(kmh=18) as osrm:
			self.configure("OSRM", osrm.url)
			doc = frappe.get_doc("Dispatch Job", second.name)
			check = validate_drop_rules(doc, self.near, at(monday, 10, 15))
			need = math.ceil(osrm.seconds(a, b) / 60) + data.setting_int("travel_buffer_min", 15)
			travel = [w for w in check.warnings if w["code"] == "travel_before"]
			self.assertEqual(travel and travel[0]["minutes"], need)
			asked = len(osrm.requests)
			self.assertGreaterEqual(asked, 1)
			validate_drop_rules(doc, self.near, at(monday, 10, 15))
			self.assertEqual(len(osrm.requests), asked, "the leg is cached")
