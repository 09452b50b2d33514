"""The customer in the loop, on a real site: "on my way" with an arrival estimate from the road service (a real
loopback stand-in answering like OSRM), the status page /c/<token>, and self-scheduling at /book/<token> (the slots
engine, the lifecycle commands, a link that works once, a slot taken meanwhile refused with fresh ones), in French
and English. Every SMS is read back from the SMS log, its text checked."""

import html as html_lib
import re
import uuid
from datetime import datetime, timedelta, timezone
from unittest.mock import patch
from urllib.parse import quote

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.engine.customer_links import make_link_token
from gigafibre_dispatch.engine.geo import haversine_km
from gigafibre_dispatch.lifecycle import customer_eta, self_booking
from gigafibre_dispatch.portal.links import magic_link_for
from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase
from gigafibre_dispatch.tests.standins import RoadStandIn

ACT = "/api/method/gigafibre_dispatch.api.portal.act"
BOOK = "/api/method/gigafibre_dispatch.api.customer.book"
SEND = "/api/method/gigafibre_dispatch.api.customer.send_booking_link"
KEYS = {f"k-{i}": str(uuid.uuid4()) for i in range(1, 5)}
KMH = 36.0  # the stand-in's roads: 1.67 min a km, unlike the offline estimate


class CustomerLoopCase(LifecycleHttpCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.emilie = cls._insert(
			{
				"doctype": "Dispatch Technician",
				"technician_name": f"Émilie Tremblay {cls.run_id}",
				"home_latitude": 45.40,
				"home_longitude": -73.50,
			}
		)
		s = frappe.get_single("Dispatch Settings")
		cls._saved_customer = {
			f: s.get(f)
			for f in (
				"routing_provider",
				"routing_url",
				"eta_slip_min",
				"booking_slot_count",
				"public_base_url",
			)
		}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		s = frappe.get_single("Dispatch Settings")
		s.update(cls._saved_customer)
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		names = frappe.get_all(
			"Dispatch Job", filters={"customer": ("in", [cls.customer_a, cls.customer_b])}, pluck="name"
		)
		frappe.db.delete("Dispatch SMS Log", {"job": ("in", names or [""])})
		frappe.db.set_value("Customer", cls.customer_a, "language", None)
		frappe.db.delete("Dispatch Idempotency Record", {"actor": ("like", "customer-link:%")})
		for name in names:
			frappe.db.delete("Dispatch Audit Event", {"job": name})
			frappe.db.delete("Dispatch State Transition", {"job": name})
			frappe.delete_doc("Dispatch Job", name, force=True, ignore_permissions=True)
		frappe.delete_doc("Dispatch Technician", cls.emilie, force=True, ignore_permissions=True)
		frappe.db.commit()
		frappe.cache.delete_keys("dispatch:route:")
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		patcher = patch("frappe.enqueue")  # the sends stay queued in their logs
		patcher.start()
		self.addCleanup(patcher.stop)
		self.settings(routing_provider="Offline", routing_url=None, eta_slip_min=15, booking_slot_count=4)
		self.language(None)  # French, unless a test says otherwise

	def settings(self, **values):
		for field, value in values.items():
			frappe.db.set_single_value("Dispatch Settings", field, value)
		frappe.db.commit()
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
		frappe.cache.delete_keys("dispatch:route:")

	def language(self, lang: str | None):
		frappe.db.set_value("Customer", self.customer_a, "language", lang)
		frappe.db.commit()

	def texts(self, job: str) -> list:
		frappe.db.rollback()
		return frappe.get_all(
			"Dispatch SMS Log",
			filters={"job": job, "kind": "customer"},
			fields=["to_number", "body", "dedupe_key"],
			order_by="creation asc",
		)

	def fresh_job(self, **overrides) -> str:
		job = self.new_job(**overrides)
		frappe.db.delete("Dispatch SMS Log", {"job": job})  # a name used before (the series steps back)
		frappe.db.commit()
		return job

	def post(self, path: str, body: dict, key: str | None = None):
		headers = {"Idempotency-Key": key} if key else {}
		return make_request(target=self.client.post, args=(path,), kwargs={"json": body, "headers": headers})

	def page(self, path: str):
		return make_request(target=self.client.get, args=(path,))


class TestOnMyWay(CustomerLoopCase):
	def dispatched(self) -> tuple[str, str]:
		job = self.fresh_job()
		self.advance(job, "Dispatched")
		frappe.db.rollback()
		token = magic_link_for(self.tech, job).rsplit("/", 1)[1]
		return job, token

	def en_route(self, job, token, key, **position):
		key = key or str(uuid.uuid4())
		return self.post(
			ACT, {"token": token, "job": job, "command": "tech_en_route", "payload": position}, key
		)

	def test_on_my_way_texts_once_with_a_road_eta_a_first_name_and_a_status_link(self):
		frappe.db.set_value("Dispatch Technician", self.tech, "technician_name", f"Marc Gagnon {self.run_id}")
		frappe.db.commit()
		self.language(None)  # French
		here = (45.60, -73.70)
		with RoadStandIn(kmh=KMH) as osrm:
			self.settings(routing_provider="OSRM", routing_url=osrm.url)
			job, token = self.dispatched()
			before = now_datetime()
			response = self.en_route(job, token, KEYS["k-1"], latitude=here[0], longitude=here[1])
			self.assertEqual(response.status_code, 200, response.text)
			data = response.json["data"]
			self.assertEqual((data["to_state"], data["eta_source"]), ("Dispatched", "osrm"))
			# The estimate is the stand-in's road time from the phone's position, re-derived here.
			road_min = haversine_km(*here, 45.5, -73.57) / KMH * 60
			eta = get_datetime(data["eta"])
			self.assertLessEqual(abs((eta - before).total_seconds() / 60 - road_min), 2.5)
			texts = self.texts(job)
			self.assertEqual(len(texts), 1, texts)
			body = texts[0].body
			self.assertEqual(texts[0].to_number, "514-555-0000")
			self.assertTrue(
				body.startswith("Gigafibre : Marc est en route vers chez vous, arrivée prévue vers "), body
			)
			self.assertIn(f"{eta.hour} h" + (f" {eta.minute:02d}" if eta.minute else ""), body)
			self.assertNotIn("Gagnon", body)
			link = re.search(r"/c/(\S+)$", body).group(1)
			# Replayed tap: the same answer, no second message; a second tap with the same place: nothing new.
			again = self.en_route(job, token, KEYS["k-1"], latitude=here[0], longitude=here[1])
			self.assertEqual(again.json["data"]["eta"], data["eta"])
			self.en_route(job, token, KEYS["k-2"], latitude=here[0], longitude=here[1])
			self.assertEqual(len(self.texts(job)), 1)
			# Farther away (the estimate slips by more than 15 min): one "running late" message, once.
			far = (45.95, -74.20)
			late = self.en_route(job, token, KEYS["k-3"], latitude=far[0], longitude=far[1])
			self.assertEqual(late.status_code, 200, late.text)
			self.en_route(job, token, KEYS["k-4"], latitude=far[0], longitude=far[1])
			texts = self.texts(job)
			self.assertEqual(len(texts), 2, [t.body for t in texts])
			self.assertIn("a du retard, arrivée prévue maintenant vers", texts[1].body)
		# The status page the link opens: on the way, the arrival, the window, the first name, nothing else.
		page = self.page(f"/c/{link}")
		self.assertEqual(page.status_code, 200)
		html = html_lib.unescape(page.get_data(as_text=True))
		self.assertIn("Votre technicien est en route", html)
		self.assertIn("Marc", html)
		self.assertNotIn("Gagnon", html)
		for private in (self.customer_a, "1 rue A", "514-555-0000", "LC A"):
			self.assertNotIn(private, html)
		english = self.page(f"/c/{link}?lang=en").get_data(as_text=True)
		self.assertIn("Your technician is on the way", english)

	def test_english_customer_gets_english_and_the_estimate_falls_back_when_the_road_service_is_down(self):
		self.language("en")
		with RoadStandIn(kmh=KMH) as osrm:
			self.settings(routing_provider="OSRM", routing_url=osrm.url)
			osrm.fail_with = [500] * 10
			job, token = self.dispatched()
			response = self.en_route(job, token, None, latitude=45.52, longitude=-73.60)
			self.assertEqual(response.status_code, 200, response.text)
			self.assertEqual(response.json["data"]["eta_source"], "estimate")
		texts = self.texts(job)
		self.assertEqual(len(texts), 1)
		self.assertRegex(
			texts[0].body,
			r"^Gigafibre: LC is on the way to you, arriving around \d{1,2}:\d\d [AP]M\. Track: \S+/c/\S+$",
		)

	def test_the_drive_starts_from_fresh_gps_else_the_previous_job_else_home(self):
		job, _token = self.dispatched()
		row = frappe.db.get_value(
			"Dispatch Job",
			job,
			["name", "assigned_technician", "scheduled_start", "latitude", "longitude"],
			as_dict=True,
		)
		now = now_datetime()
		tech = frappe._dict(
			gps_latitude=45.7,
			gps_longitude=-73.4,
			gps_fix_at=now - timedelta(minutes=2),
			home_latitude=45.1,
			home_longitude=-73.1,
		)
		self.assertEqual(
			customer_eta.origin(row, tech, {"latitude": 45.2, "longitude": -73.2}, now),
			((45.2, -73.2), "gps"),
		)
		self.assertEqual(customer_eta.origin(row, tech, {}, now), ((45.7, -73.4), "gps"))
		tech.gps_fix_at = now - timedelta(hours=3)  # stale
		self.assertEqual(customer_eta.origin(row, tech, {}, now), ((45.1, -73.1), "home"))
		# A job of the same technician earlier that day: the drive starts there.
		earlier = self.fresh_job(service_location=self.loc_b)
		self.command(earlier, "triage", {"priority": "medium"}, token=self.token("dispatcher"))
		start = get_datetime(row.scheduled_start) - timedelta(hours=3)
		booked = self.command(
			earlier,
			"schedule_book",
			{"technician": self.tech, "start": str(start)},
			token=self.token("dispatcher"),
		)
		self.assertEqual(booked.status_code, 200, booked.text)
		frappe.db.rollback()
		self.assertEqual(customer_eta.origin(row, tech, {}, now), ((45.52, -73.6), "previous_job"))

	def test_a_fresh_gps_fix_re_estimates_and_only_a_slip_is_texted(self):
		job, token = self.dispatched()
		self.en_route(job, token, None, latitude=45.51, longitude=-73.58)
		self.assertEqual(len(self.texts(job)), 1)
		now = now_datetime()
		# Closer (earlier than told): nothing.
		frappe.db.set_value(
			"Dispatch Technician",
			self.tech,
			{"gps_latitude": 45.501, "gps_longitude": -73.571, "gps_fix_at": now + timedelta(minutes=1)},
		)
		frappe.db.commit()
		customer_eta.refresh_due(now + timedelta(minutes=1))
		self.assertEqual(len(self.texts(job)), 1)
		# Far away: one message, and a second sweep sends nothing more.
		frappe.db.set_value(
			"Dispatch Technician",
			self.tech,
			{"gps_latitude": 46.3, "gps_longitude": -72.5, "gps_fix_at": now + timedelta(minutes=2)},
		)
		frappe.db.commit()
		customer_eta.refresh_due(now + timedelta(minutes=2))
		customer_eta.refresh_due(now + timedelta(minutes=2))
		texts = self.texts(job)
		self.assertEqual(len(texts), 2, [t.body for t in texts])
		self.assertIn("a du retard", texts[1].body)

	def test_only_the_assigned_technician_and_only_a_dispatched_job(self):
		job = self.fresh_job()
		self.advance(job, "Scheduled")
		refused = self.command(job, "tech_en_route", {}, token=self.token("technician", tech_id=self.tech))
		self.assert_policy(refused, 409, "state")
		self.command(job, "assignment_dispatch", {}, token=self.token("dispatcher"))
		other = self.command(
			job, "tech_en_route", {}, token=self.token("technician", tech_id=self.other_tech)
		)
		self.assert_policy(other, 403, "scope")
		self.assertEqual(self.texts(job), [])

	def test_a_forged_or_expired_status_link_shows_nothing(self):
		job, _token = self.dispatched()
		secret = frappe.get_single("Dispatch Settings").get_password("magic_link_secret")
		past = make_link_token(
			job, "status", secret, expires=datetime.now(timezone.utc) - timedelta(seconds=1)
		)
		forged = make_link_token(
			job, "status", "not-the-secret", expires=datetime.now(timezone.utc) + timedelta(days=1)
		)
		booking = make_link_token(job, "book", secret, expires=datetime.now(timezone.utc) + timedelta(days=1))
		for token in (past, forged, booking, "x", quote("<script>")):
			page = self.page(f"/c/{token}")
			self.assertEqual(page.status_code, 401, token)
			self.assertNotIn(job, page.get_data(as_text=True))


class TestSelfBooking(CustomerLoopCase):
	def link_for(self, job: str) -> str:
		sent = self_booking.send_link(job)
		frappe.db.commit()
		return sent["url"].rsplit("/book/", 1)[1]

	def slots_on_page(self, token: str, lang: str | None = None) -> list[tuple[str, str]]:
		page = self.page(f"/book/{token}" + (f"?lang={lang}" if lang else ""))
		self.assertEqual(page.status_code, 200)
		html = html_lib.unescape(page.get_data(as_text=True))
		return re.findall(r'data-technician="([^"]+)" data-start="([^"]+)"', html), html

	def test_a_customer_books_one_of_the_offered_slots_once(self):
		self.language(None)
		job = self.fresh_job()
		token = self.link_for(job)
		texts = self.texts(job)
		self.assertEqual(len(texts), 1)
		self.assertIn("Gigafibre : choisissez l'heure de votre rendez-vous", texts[0].body)
		self.assertIn(f"/book/{token}", texts[0].body)
		slots, html = self.slots_on_page(token)
		self.assertEqual(len(slots), 4)  # the setting
		self.assertIn("Choisissez l'heure qui vous convient", html)
		tech, start = slots[1]
		response = self.post(BOOK, {"token": token, "technician": tech, "start": start})
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		row = frappe.db.get_value(
			"Dispatch Job",
			job,
			["status", "assigned_technician", "scheduled_start", "booking_link_nonce"],
			as_dict=True,
		)
		self.assertEqual((row.status, row.assigned_technician), ("Scheduled", tech))
		self.assertEqual(get_datetime(row.scheduled_start), get_datetime(start))
		events = frappe.get_all(
			"Dispatch Audit Event", filters={"job": job}, fields=["command", "actor", "actor_type"]
		)
		by_link = [e for e in events if e.actor.startswith("customer-link:")]
		self.assertEqual({e.command for e in by_link}, {"triage", "schedule_propose", "schedule_confirm"})
		self.assertEqual({e.actor_type for e in by_link}, {"customer"})
		# The same pick again (a double tap, a retry): the same answer, nothing written.
		count = frappe.db.count("Dispatch Audit Event", {"job": job})
		again = self.post(BOOK, {"token": token, "technician": tech, "start": start})
		self.assertEqual(again.status_code, 200, again.text)
		self.assertEqual(again.json["data"]["window"], response.json["data"]["window"])
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Dispatch Audit Event", {"job": job}), count)
		# Another time through the used link: refused, the booking unchanged.
		other = self.post(BOOK, {"token": token, "technician": slots[0][0], "start": slots[0][1]})
		self.assertEqual(other.status_code, 410, other.text)
		frappe.db.rollback()
		self.assertEqual(
			get_datetime(frappe.db.get_value("Dispatch Job", job, "scheduled_start")), get_datetime(start)
		)
		# The page now shows the appointment, not slots.
		page = html_lib.unescape(self.page(f"/book/{token}").get_data(as_text=True))
		self.assertIn("Rendez-vous réservé", page)
		self.assertNotIn("data-start", page)

	def test_a_slot_taken_meanwhile_is_refused_with_fresh_slots(self):
		self.language("en")
		job = self.fresh_job()
		token = self.link_for(job)
		slots, html = self.slots_on_page(token)
		self.assertIn("Choose the time that suits you", html)
		tech, start = slots[0]
		# Someone else gets that technician at that time first (the board, another customer).
		rival = self.fresh_job(service_location=self.loc_b)
		dispatcher = self.token("dispatcher")
		self.command(rival, "triage", {"priority": "medium"}, token=dispatcher)
		taken = self.command(
			rival, "schedule_book", {"technician": tech, "start": start.replace("T", " ")}, token=dispatcher
		)
		self.assertEqual(taken.status_code, 200, taken.text)
		response = self.post(BOOK, {"token": token, "technician": tech, "start": start})
		self.assertEqual(response.status_code, 409, response.text)
		error = response.json["error"]
		self.assertEqual(error["message"], "That time was just taken; here are the times free now")
		fresh = {(s["technician"], s["start"]) for s in error["slots"]}
		self.assertTrue(fresh)
		self.assertNotIn((tech, start), fresh)
		frappe.db.rollback()
		self.assertIn(frappe.db.get_value("Dispatch Job", job, "status"), ("New", "Triaged"))
		# One of the fresh ones books; the link still works for it (it was not used).
		tech2, start2 = sorted(fresh)[0]
		booked = self.post(BOOK, {"token": token, "technician": tech2, "start": start2})
		self.assertEqual(booked.status_code, 200, booked.text)
		self.assertTrue(booked.json["data"]["message"].startswith("Booked: "))

	def test_expired_forged_replaced_and_wrong_purpose_links_are_refused_and_change_nothing(self):
		job = self.fresh_job()
		first = self.link_for(job)
		second = self.link_for(job)  # a newer link replaces the first
		secret = frappe.get_single("Dispatch Settings").get_password("magic_link_secret")
		nonce = frappe.db.get_value("Dispatch Job", job, "booking_link_nonce")
		expired = make_link_token(
			job, "book", secret, expires=datetime.now(timezone.utc) - timedelta(seconds=1), nonce=nonce
		)
		status_link = make_link_token(
			job, "status", secret, expires=datetime.now(timezone.utc) + timedelta(days=1)
		)
		slots, _html = self.slots_on_page(second)
		tech, start = slots[0]
		for token in (first, expired, status_link, second[:-2] + "zz", "nonsense"):
			page = self.page(f"/book/{token}")
			self.assertEqual(page.status_code, 401, token)
			response = self.post(BOOK, {"token": token, "technician": tech, "start": start})
			self.assertEqual(response.status_code, 401, f"{token}: {response.text}")
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Dispatch Job", job, "status"), "New")
		# A time that was never offered: refused as taken, nothing booked.
		odd = self.post(BOOK, {"token": second, "technician": tech, "start": "2020-01-01T03:00"})
		self.assertEqual(odd.status_code, 409, odd.text)
		for bad in ({"technician": tech, "start": "nine"}, {"technician": "", "start": start}):
			refused = self.post(BOOK, {"token": second, **bad})
			self.assertEqual(refused.status_code, 400, refused.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Dispatch Job", job, "status"), "New")

	def test_a_csr_sends_the_link_a_technician_cannot_and_a_booked_job_gets_none(self):
		from gigafibre_dispatch.tests.lifecycle_utils import login_client

		job = self.fresh_job()
		admin = login_client("Administrator", frappe.conf.get("admin_password") or "admin")
		sent = make_request(target=admin.post, args=(SEND,), kwargs={"json": {"job": job}})
		self.assertEqual(sent.status_code, 200, sent.text)
		self.assertIn("/book/", sent.json["message"]["url"])
		self.assertEqual(len(self.texts(job)), 1)
		self.advance(job, "Scheduled")
		again = make_request(target=admin.post, args=(SEND,), kwargs={"json": {"job": job}})
		self.assertEqual(again.status_code, 417, again.text)
		self.assertEqual(len(self.texts(job)), 1)
		guest = self.post(SEND, {"job": job})
		self.assertIn(guest.status_code, (401, 403), guest.text)

	def test_the_intake_rule_sends_a_link_when_the_setting_is_on(self):
		self.settings(booking_link_on_intake=1)
		try:
			job = self.fresh_job()
			self.assertEqual(self.texts(job), [])  # enqueued after the commit (patched here): run it
			self_booking.auto_send(job)
			frappe.db.commit()
			self.assertEqual(len(self.texts(job)), 1)
			self_booking.auto_send(job)  # a second run: the job already has its link
			frappe.db.commit()
			self.assertEqual(len(self.texts(job)), 1)
		finally:
			self.settings(booking_link_on_intake=0)
