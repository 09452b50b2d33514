"""The + WO address search against a real loopback Nominatim stand-in: the site's locations first, the provider's
places after, an outage or a broken answer leaving the site's results; a picked place becomes a Service Location."""

import frappe

from gigafibre_dispatch.scheduling import places
from gigafibre_dispatch.tests.standins import NominatimStandIn
from gigafibre_dispatch.tests.utils import DispatchTestCase, make_customer

PLACE = {
	"display_name": "1234, Rue Sainte-Catherine Ouest, Ville-Marie, Montréal, Québec, H3G 1P1, Canada",
	"lat": "45.4972",
	"lon": "-73.5790",
	"address": {
		"house_number": "1234",
		"road": "Rue Sainte-Catherine Ouest",
		"city": "Montréal",
		"state": "Québec",
		"postcode": "H3G 1P1",
	},
}
VILLAGE = {
	"display_name": "12, Rang Sainte-Catherine, Saint-Zénon, Québec, Canada",
	"lat": "46.55",
	"lon": "-73.81",
	"address": {
		"house_number": "12",
		"road": "Rang Sainte-Catherine",
		"village": "Saint-Zénon",
		"state": "Québec",
	},
}


class TestPlaces(DispatchTestCase):
	def setUp(self):
		super().setUp()
		self.customer = make_customer(f"ZZ Places {frappe.generate_hash(length=5)}")
		self.site = frappe.get_doc(
			{
				"doctype": "Service Location",
				"location_name": "Boutique Sainte-Catherine",
				"customer": self.customer,
				"address_line": "900 rue Sainte-Catherine Est",
				"city": "Montréal",
				"latitude": 45.515,
				"longitude": -73.56,
			}
		).insert(ignore_permissions=True)

	def configure(self, provider: str, url: str | None = None):
		s = frappe.get_single("Dispatch Settings")
		s.geocoding_provider = provider
		s.geocoding_url = url
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)

	def test_offline_finds_the_site_locations_only(self):
		self.configure("Offline")
		found = places.search("sainte-catherine", self.customer)
		self.assertEqual((found["provider"], found["provider_ok"]), ("offline", True))
		self.assertEqual(found["results"][0]["service_location"], self.site.name)  # the customer's first
		self.assertTrue(all(r["source"] == "site" for r in found["results"]))

	def test_nominatim_places_after_the_site_and_an_outage_keeps_the_site(self):
		with NominatimStandIn([PLACE, VILLAGE]) as server:
			self.configure("Nominatim", server.url)
			found = places.search("Sainte-Catherine", self.customer)
			self.assertTrue(found["provider_ok"])
			sources = [r["source"] for r in found["results"]]
			self.assertEqual(sources[0], "site")
			osm = [r for r in found["results"] if r["source"] == "nominatim"]
			self.assertEqual(
				[
					(r["address_line"], r["city"], r["postal_code"], r["latitude"], r["longitude"])
					for r in osm
				],
				[
					("1234 Rue Sainte-Catherine Ouest", "Montréal", "H3G 1P1", 45.4972, -73.579),
					("12 Rang Sainte-Catherine", "Saint-Zénon", None, 46.55, -73.81),
				],
			)
			asked = server.requests[-1]["path"]
			self.assertIn("format=jsonv2", asked)
			self.assertIn("countrycodes=ca", asked)
			self.assertTrue(
				server.requests[-1]["headers"].get("User-Agent", "").startswith("gigafibre-dispatch")
			)

			for broken in ([503], None):
				if broken:
					server.fail_with = list(broken)
				else:
					server.answer = {"not": "a list"}
				down = places.search("Sainte-Catherine", self.customer)
				self.assertFalse(down["provider_ok"])
				self.assertEqual([r["source"] for r in down["results"]], ["site"])
		# The server gone: the same, no error.
		gone = places.search("Sainte-Catherine", self.customer)
		self.assertFalse(gone["provider_ok"])

	def test_a_picked_place_becomes_the_customers_location_once(self):
		place = {
			"address_line": "1234 Rue Sainte-Catherine Ouest",
			"city": "Montréal",
			"province": "Québec",
			"postal_code": "H3G 1P1",
			"latitude": 45.4972,
			"longitude": -73.579,
		}
		first = places.location_for(self.customer, place)
		again = places.location_for(self.customer, frappe.as_json(place))
		self.assertEqual(first, again)
		row = frappe.db.get_value(
			"Service Location", first, ["customer", "latitude", "longitude", "city"], as_dict=True
		)
		self.assertEqual(
			(row.customer, row.latitude, row.longitude, row.city),
			(self.customer, 45.4972, -73.579, "Montréal"),
		)
		for bad in (
			{"address_line": "  "},
			{"address_line": "x", "latitude": 95, "longitude": 0},
			"not json",
			[1, 2],
		):
			with self.assertRaises(frappe.ValidationError):
				places.location_for(self.customer, bad)

	def test_a_query_too_short_or_too_long_is_refused(self):
		for q in ("ab", "  a ", "x" * 201):
			with self.assertRaises(frappe.ValidationError):
				places.search(q)


class TestGeocodingOnSave(DispatchTestCase):
	"""A Service Location saved with an address and no coordinates is geocoded, its state shown, its jobs follow."""

	def setUp(self):
		super().setUp()
		self.customer = make_customer(f"ZZ Geo {frappe.generate_hash(length=5)}")

	def configure(self, provider: str, url: str | None = None):
		frappe.db.set_single_value(
			"Dispatch Settings", {"geocoding_provider": provider, "geocoding_url": url}
		)
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")

	def location(self, address_line: str, city: str | None = None, **extra):
		return frappe.get_doc(
			{
				"doctype": "Service Location",
				"location_name": f"Geo {frappe.generate_hash(length=4)}",
				"customer": self.customer,
				"address_line": address_line,
				"city": city,
				**extra,
			}
		).insert(ignore_permissions=True)

	def test_found_no_match_not_reached_and_no_provider(self):
		with NominatimStandIn([PLACE, VILLAGE]) as server:
			self.configure("Nominatim", server.url)
			found = self.location("12, Rang Sainte-Catherine", "Saint-Zénon")
			self.assertEqual(found.geocode_status, "Found", [r["path"] for r in server.requests])
			self.assertEqual((found.latitude, found.longitude), (46.55, -73.81))
			# A job waiting there gets the coordinates once they are found.
			nowhere = self.location("99 chemin Inconnu", "Nulle-Part")
			self.assertEqual(nowhere.geocode_status, "No match")
			self.assertFalse(nowhere.latitude or nowhere.longitude)
			job = frappe.get_doc(
				{
					"doctype": "Dispatch Job",
					"subject": "Geo",
					"service_location": nowhere.name,
					"duration_h": 1,
				}
			)
			job.flags.ignore_lifecycle = True
			job.insert(ignore_permissions=True)
			self.assertFalse(job.latitude)
			nowhere.address_line, nowhere.city = "1234, Rue Sainte-Catherine Ouest", "Montréal"
			nowhere.save(ignore_permissions=True)
			self.assertEqual(nowhere.geocode_status, "Found")
			self.assertEqual(
				frappe.db.get_value("Dispatch Job", job.name, ["latitude", "longitude"]), (45.4972, -73.579)
			)
			# Typed coordinates are kept: nothing is asked.
			typed = self.location("12, Rang Sainte-Catherine", "Saint-Zénon", latitude=46.0, longitude=-73.0)
			self.assertEqual(
				(typed.latitude, typed.longitude, typed.geocode_status or None), (46.0, -73.0, None)
			)
			server.fail_with = [503]
			down = self.location("12, Rang Sainte-Catherine")
			self.assertEqual(down.geocode_status, "Not reached")
			self.assertFalse(down.latitude)
			down.save(ignore_permissions=True)  # saved again once the provider is back: it retries
			self.assertEqual((down.geocode_status, down.latitude), ("Found", 46.55))
		self.configure("Offline")
		offline = self.location("12, Rang Sainte-Catherine")
		self.assertEqual((offline.geocode_status, offline.latitude or None), ("No provider", None))
