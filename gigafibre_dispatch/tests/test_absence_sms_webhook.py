"""The Twilio inbound webhook on a real site: signature, sender lookup, rules and LLM parsing, live update."""

import json
import time
from datetime import timedelta

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, get_datetime, get_test_client, get_time, getdate, now_datetime, nowdate
from twilio.request_validator import RequestValidator

from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase
from gigafibre_dispatch.tests.standins import LlmStandIn

PATH = "/api/method/gigafibre_dispatch.api.sms.inbound"
PUBLIC = "https://dispatch.example.ca"
AUTH_TOKEN = "twilio-auth-token-for-tests"


FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre")  # fmt: skip


def tomorrow_named(language: str) -> str:
	"""Tomorrow with its month named ("8 décembre", "December 8"): read the same at any hour ("demain" sent at
	night asks which day is meant)."""
	d = getdate(add_days(nowdate(), 1))
	return f"{d.day} {FR_MONTHS[d.month - 1]}" if language == "fr" else f"{d:%B} {d.day}"


class AbsenceSmsCase(LifecycleHttpCase):
	"""A technician with a phone, Twilio configured; helpers to text and to read their absences."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.phone = "+1 (514) 555-0177"
		frappe.db.set_value(
			"Dispatch Technician", cls.tech, {"phone": cls.phone, "phone_digits": "5145550177"}
		)
		s = frappe.get_single("Dispatch Settings")
		s.twilio_auth_token = AUTH_TOKEN
		s.public_base_url = PUBLIC
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.db.commit()

	def setUp(self):
		frappe.db.rollback()
		frappe.db.delete("Dispatch Absence", {"technician": self.tech})
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("Dispatch SMS Log", {"kind": "inbound", "to_number": ("like", "%555%01%")})
		frappe.db.delete("Dispatch SMS Log", {"kind": "customer", "to_number": "514-555-0000"})
		s = frappe.get_single("Dispatch Settings")
		s.twilio_auth_token = None
		s.public_base_url = None
		s.update({"llm_base_url": None, "llm_model": None})
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def sms(
		self, body: str, sender: str | None = None, signature: str | None = "valid", url: str = PUBLIC + PATH
	):
		params = {
			"From": sender or "+15145550177",
			"To": "+14382313838",
			"Body": body,
			"MessageSid": "SM" + "1" * 32,
		}
		headers = {}
		if signature == "valid":
			headers["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
		elif signature:
			headers["X-Twilio-Signature"] = signature
		return make_request(
			target=get_test_client().post, args=(PATH,), kwargs={"data": params, "headers": headers}
		)

	def current(self):
		"""The technician's first active absence not over yet (records, earliest first), or None."""
		frappe.db.rollback()
		rows = frappe.get_all(
			"Dispatch Absence",
			filters={"technician": self.tech, "status": "Active"},
			fields=["reason", "from_date", "until_date", "end_time"],
			order_by="from_date asc, creation asc",
		)
		now = now_datetime()
		rows = [
			r
			for r in rows
			if getdate(r.until_date or r.from_date) > now.date()
			or (
				getdate(r.until_date or r.from_date) == now.date()
				and (not r.end_time or get_time(r.end_time) > now.time())
			)
		]
		return rows[0] if rows else None

	def absence(self) -> dict:
		row = self.current()
		if row is None:
			return frappe._dict({"absence_reason": None, "absence_from": None, "absence_until": None})
		return frappe._dict(
			{
				"absence_reason": row.reason,
				"absence_from": getdate(row.from_date),
				"absence_until": getdate(row.until_date or row.from_date),
			}
		)

	def declare(
		self, start_offset: int, until_offset: int, reason: str = "Malade", end_time: str | None = None
	):
		"""The technician's only absence: from today + start_offset to today + until_offset (committed)."""
		frappe.db.delete("Dispatch Absence", {"technician": self.tech})
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Absence",
				"technician": self.tech,
				"reason": reason,
				"from_date": add_days(nowdate(), start_offset),
				"until_date": add_days(nowdate(), until_offset),
				"end_time": end_time,
				"source": "Desk",
			}
		)
		doc.flags.from_service = True  # a fixture: no job handling
		doc.insert(ignore_permissions=True)
		frappe.db.commit()

	def band(self) -> tuple:
		row = self.current()
		if row is None:
			return (None, None, None, None)
		dates = [str(getdate(d)) for d in (row.from_date, row.until_date or row.from_date)]
		return (row.reason, *dates, row.end_time)

	def listen(self):
		from frappe.utils.background_jobs import get_redis_connection_without_auth

		pubsub = get_redis_connection_without_auth().pubsub()
		pubsub.subscribe("events")
		pubsub.get_message(timeout=1)
		return pubsub

	def absence_events(self, pubsub, seconds: float = 3) -> list[dict]:
		events, deadline = [], time.time() + seconds
		while time.time() < deadline:
			message = pubsub.get_message(timeout=0.3)
			if message and message["type"] == "message":
				data = json.loads(message["data"])
				if data["event"] == "tech-absence" and data["message"]["technician"] == self.tech:
					events.append(data["message"])
		return events


class TestAbsenceWebhook(AbsenceSmsCase):
	def test_cancel_of_a_future_absence_clears_it_and_tells_the_board(self):
		self.declare(2, 4, "Vacances")
		pubsub = self.listen()
		try:
			response = self.sms("Bonjour, j'annule mes vacances svp")
			self.assertEqual(response.status_code, 200, response.text)
			self.assertIn("text/xml", response.headers["Content-Type"])
			self.assertIn("<Message>Absence annulée (Vacances, du ", response.text)
			frappe.db.rollback()
			self.assertEqual(self.band(), (None, None, None, None))
			events = self.absence_events(pubsub)
		finally:
			pubsub.close()
		self.assertEqual(len(events), 1)
		self.assertEqual((events[0]["action"], events[0]["from"], events[0]["until"]), ("clear", None, None))
		self.assertEqual(
			events[0]["cancelled"],
			{
				"reason": "Vacances",
				"from": add_days(nowdate(), 2),
				"until": add_days(nowdate(), 4),
				"back": nowdate(),
			},
		)

	def test_back_tomorrow_shortens_a_running_absence_once(self):
		self.declare(-2, 3, "Malade", end_time="10:00")
		pubsub = self.listen()
		try:
			first = self.sms("finalement je rentre demain")
			self.assertEqual(first.status_code, 200, first.text)
			self.assertIn("Absence écourtée (Malade)", first.text)
			frappe.db.rollback()
			shortened = ("Malade", add_days(nowdate(), -2), nowdate(), None)
			self.assertEqual(self.band(), shortened)
			# The same text again (Twilio retrying the webhook, or the technician insisting) changes nothing.
			again = self.sms("finalement je rentre demain")
			self.assertIn("se termine avant le", again.text)
			self.assertIn("rien n'a changé", again.text)
			frappe.db.rollback()
			self.assertEqual(self.band(), shortened)
			events = self.absence_events(pubsub)
		finally:
			pubsub.close()
		self.assertEqual(len(events), 1)
		event = events[0]
		self.assertEqual(
			(event["action"], event["reason"], event["from"], event["until"]),
			("shorten", "Malade", add_days(nowdate(), -2), nowdate()),
		)
		self.assertEqual(event["cancelled"]["until"], add_days(nowdate(), 3))
		self.assertEqual(event["cancelled"]["back"], add_days(nowdate(), 1))
		self.assertEqual(event["source"], "rules")

	def test_cancel_without_an_absence_or_of_a_job_changes_nothing(self):
		self.declare(-5, -1, "Congé")  # over yesterday: nothing to cancel
		before = self.band()
		pubsub = self.listen()
		try:
			for text in ("annuler mon absence", "cancel my day off"):
				with self.subTest(text=text):
					response = self.sms(text)
					self.assertEqual(response.status_code, 200)
					self.assertIn("Aucune absence n", response.text)
			self.declare(1, 1, "Absent")
			before = self.band()
			job = self.sms("annulez la job de demain")  # a job, not the absence
			self.assertIn("pas compris", job.text)
			events = self.absence_events(pubsub, seconds=2)
		finally:
			pubsub.close()
		frappe.db.rollback()
		self.assertEqual(self.band(), before)
		self.assertEqual(events, [])
		replies = frappe.get_all(
			"Dispatch SMS Log",
			filters={"kind": "inbound", "technician": self.tech, "body": ("like", "cancel my day off%")},
			pluck="status",
		)
		self.assertEqual(replies, ["sent"])

	def test_a_refused_absence_is_answered_and_changes_nothing(self):
		"""A rule of the absence record refuses the change: the reply gives the reason in French, nothing is kept."""
		from unittest.mock import patch

		from gigafibre_dispatch.scheduling import absence

		self.declare(1, 2, "Congé")
		before = self.band()

		def refuse(doc):
			frappe.throw(frappe._("The absence ends before it starts"))

		with patch.object(absence, "normalize", refuse):
			response = self.sms("malade aujourd'hui")
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn("Rien n'a changé", response.text)
		self.assertIn("se termine avant de commencer", response.text)  # the reason, in French
		self.assertEqual(self.band(), before)
		self.assertEqual(frappe.db.count("Dispatch Absence", {"technician": self.tech}), 1)
		log = frappe.get_all(
			"Dispatch SMS Log",
			filters={"technician": self.tech, "kind": "inbound"},
			fields=["status", "body"],
			order_by="creation desc",
			limit=1,
		)[0]
		self.assertEqual(log.status, "failed")
		self.assertTrue(log.body.startswith("malade aujourd'hui\n→ Désolé"))

	def test_concurrent_cancels_shorten_once(self):
		from concurrent.futures import ThreadPoolExecutor

		import requests

		from gigafibre_dispatch.tests.server import Gunicorn

		self.declare(-1, 5, "Malade")
		params = {"From": "+15145550177", "To": "+14382313838", "Body": "finalement je rentre demain"}
		signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + PATH, params)
		with Gunicorn(workers=3) as server:
			headers = {**server.headers(), "X-Twilio-Signature": signature}

			def post(_):
				return requests.post(server.url + PATH, data=params, headers=headers, timeout=60)

			with ThreadPoolExecutor(max_workers=4) as pool:
				responses = list(pool.map(post, range(4)))
		self.assertEqual([r.status_code for r in responses], [200] * 4, [r.text[:300] for r in responses])
		self.assertEqual(sum("Absence écourtée" in r.text for r in responses), 1)
		self.assertEqual(sum("rien n" in r.text for r in responses), 3)
		frappe.db.rollback()
		self.assertEqual(self.band(), ("Malade", add_days(nowdate(), -1), nowdate(), None))

	def test_forged_or_missing_signature_changes_nothing(self):
		before = self.absence()
		for signature in (
			None,
			"forged-signature=",
			RequestValidator("another-token").compute_signature(PUBLIC + PATH, {"Body": "malade"}),
		):
			with self.subTest(signature=signature):
				response = self.sms("malade aujourd'hui", signature=signature)
				self.assertEqual(response.status_code, 403)
		# Signed for the internal http URL instead of the public https one (what a naive proxy setup gets wrong).
		self.assertEqual(self.sms("malade aujourd'hui", url="http://localhost" + PATH).status_code, 403)
		self.assertEqual(self.absence(), before)

	def test_absence_set_then_cleared_with_live_event(self):
		from frappe.utils.background_jobs import get_redis_connection_without_auth

		pubsub = get_redis_connection_without_auth().pubsub()
		pubsub.subscribe("events")
		pubsub.get_message(timeout=1)
		try:
			response = self.sms("Bonjour, je suis malade aujourd'hui. Marc")
			self.assertEqual(response.status_code, 200, response.text)
			self.assertIn("text/xml", response.headers["Content-Type"])
			self.assertIn("<Response><Message>", response.text)
			self.assertIn("Malade", response.text)
			row = self.absence()
			self.assertEqual((row.absence_reason, getdate(row.absence_from)), ("Malade", getdate(nowdate())))
			events = []
			deadline = time.time() + 5
			while time.time() < deadline and not events:
				message = pubsub.get_message(timeout=0.5)
				if message and message["type"] == "message":
					data = json.loads(message["data"])
					if data["event"] == "tech-absence":
						events.append(data["message"])
			self.assertEqual(events[0]["technician"], self.tech)
			self.assertEqual(events[0]["action"], "set")
		finally:
			pubsub.close()
		back = self.sms("de retour")
		self.assertEqual(back.status_code, 200)
		self.assertEqual(
			self.absence(), {"absence_reason": None, "absence_from": None, "absence_until": None}
		)

	def test_unknown_sender_and_unparseable_text_reply_politely_and_change_nothing(self):
		before = self.absence()
		unknown = self.sms("malade aujourd'hui", sender="+14505550999")
		self.assertEqual(unknown.status_code, 200)
		self.assertIn("aucun technicien", unknown.text)
		gibberish = self.sms("ok merci, à plus")
		self.assertEqual(gibberish.status_code, 200)
		self.assertIn("pas compris", gibberish.text)
		self.assertEqual(self.absence(), before)
		logs = frappe.get_all(
			"Dispatch SMS Log", filters={"kind": "inbound", "status": "failed"}, pluck="body"
		)
		self.assertTrue(any("à plus" in b for b in logs))
		self.assertTrue(
			any(
				"+14505550999" in n
				for n in frappe.get_all(
					"Dispatch SMS Log",
					filters={"kind": "inbound", "technician": ("is", "not set")},
					pluck="to_number",
				)
			)
		)

	def use_llm(self, url: str | None):
		"""Point Dispatch Settings at an OpenAI-compatible stand-in (None: rules only)."""
		s = frappe.get_single("Dispatch Settings")
		s.update({"llm_base_url": url, "llm_model": "gemini-2.5-flash" if url else None})
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.db.commit()

	def test_llm_reading_and_fallback_to_rules(self):
		start, until = add_days(nowdate(), 3), add_days(nowdate(), 5)
		try:
			with LlmStandIn(
				{"action": "set", "reason": "Vacances", "from_date": start, "until_date": until}
			) as llm:
				self.use_llm(llm.url)
				response = self.sms("Je prends quelques jours de congé la semaine prochaine")
				self.assertEqual(response.status_code, 200, response.text)
				row = self.absence()
				self.assertEqual(
					(row.absence_reason, str(row.absence_from), str(row.absence_until)),
					("Vacances", start, until),
				)
				self.assertEqual(len(llm.requests), 1)
			with LlmStandIn({}, status=500) as down:
				self.use_llm(down.url)
				self.assertEqual(self.sms(f"sick on {tomorrow_named('en')}").status_code, 200)
				row = self.absence()
				self.assertEqual(
					(row.absence_reason, getdate(row.absence_from)),
					("Malade", getdate(add_days(nowdate(), 1))),
				)
		finally:
			self.use_llm(None)

	def test_llm_can_read_a_cancel(self):
		self.declare(-1, 4, "Vacances")
		try:
			with LlmStandIn({"action": "cancel", "from_date": add_days(nowdate(), 2)}) as llm:
				self.use_llm(llm.url)
				response = self.sms("Change of plans: I'm cutting my vacation short, see you Wednesday")
				self.assertEqual(response.status_code, 200, response.text)
				self.assertIn("Absence écourtée (Vacances)", response.text)
				prompt = json.loads(llm.requests[0]["body"])["messages"][0]["content"]
				self.assertIn('"cancel"', prompt)
			frappe.db.rollback()
			self.assertEqual(self.band(), ("Vacances", add_days(nowdate(), -1), add_days(nowdate(), 1), None))
			# A cancel dated in the past is not trusted: the rules read the text instead.
			with LlmStandIn({"action": "cancel", "from_date": add_days(nowdate(), -3)}) as stale:
				self.use_llm(stale.url)
				self.assertIn("pas compris", self.sms("blah blah").text)
				self.assertEqual(len(stale.requests), 1)
		finally:
			self.use_llm(None)


class TestAbsenceConfirmation(AbsenceSmsCase):
	"""A reading that is not certain records nothing: the reply reads it back and asks OUI/YES; the answer decides."""

	def pending(self) -> list:
		frappe.db.rollback()
		return frappe.get_all(
			"Dispatch Absence",
			filters={"technician": self.tech, "status": "Pending"},
			fields=["name", "reason", "from_date", "confirm_by", "doubts", "message"],
		)

	def test_a_doubtful_reading_waits_for_oui(self):
		response = self.sms("malade demain probablement")
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn("J'ai compris : absence (Malade)", response.text)
		self.assertIn("OUI", response.text)
		self.assertIsNone(self.current())  # nothing counts yet
		(held,) = self.pending()
		self.assertEqual((held.reason, getdate(held.from_date)), ("Malade", getdate(add_days(nowdate(), 1))))
		self.assertIn("uncertain", held.doubts)
		yes = self.sms("OUI")
		self.assertIn("Absence enregistrée (Malade)", yes.text)
		self.assertEqual(self.absence().absence_from, getdate(add_days(nowdate(), 1)))
		self.assertEqual(self.pending(), [])
		again = self.sms("oui")  # answered already: nothing waits, nothing changes
		self.assertIn("Aucune demande", again.text)
		self.assertEqual(
			frappe.db.count("Dispatch Absence", {"technician": self.tech, "status": "Active"}), 1
		)

	def test_a_question_records_nothing_until_confirmed_and_non_forgets_it(self):
		response = self.sms("je peux-tu prendre congé demain?")  # a date that exists in every month
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn("J'ai compris", response.text)
		self.assertIsNone(self.current())
		self.assertEqual(len(self.pending()), 1)
		no = self.sms("non")
		self.assertIn("rien n'a été enregistré", no.text)
		self.assertEqual(self.pending(), [])
		self.assertIsNone(self.current())
		self.assertEqual(
			frappe.db.count("Dispatch Absence", {"technician": self.tech, "status": "Active"}), 0
		)

	def test_an_unconfirmed_reading_expires(self):
		from gigafibre_dispatch.scheduling.absence import expire_pending

		self.sms("csst demain")
		(held,) = self.pending()
		frappe.db.set_value("Dispatch Absence", held.name, "confirm_by", add_days(now_datetime(), -1))
		frappe.db.commit()
		late = self.sms("OUI")
		self.assertIn("Aucune demande", late.text)
		self.assertIsNone(self.current())
		self.assertEqual(expire_pending(), 1)
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("Dispatch Absence", held.name, "status"), "Expired")


class TestAbsenceTakesCareOfTheJobs(AbsenceSmsCase):
	"""An absence texted by a technician with jobs booked in it: Automatic mode moves each one (another qualified
	technician, else the tray with its reason) with one transition per job; Review mode leaves a proposal."""

	SEVEN_DAYS = '{"mon": ["08:00-17:00"], "tue": ["08:00-17:00"], "wed": ["08:00-17:00"], "thu": ["08:00-17:00"], "fri": ["08:00-17:00"], "sat": ["08:00-17:00"], "sun": ["08:00-17:00"]}'

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# Whatever day tomorrow is (a Saturday, a holiday-free Sunday): both technicians work it.
		for tech in (cls.tech, cls.other_tech):
			frappe.db.set_value("Dispatch Technician", tech, "weekly_schedule", cls.SEVEN_DAYS)
		cls.skill = (
			frappe.get_doc({"doctype": "Dispatch Tag", "tag_name": f"Nobody {cls.run_id}"})
			.insert(ignore_permissions=True)
			.name
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.set_single_value("Dispatch Settings", "absence_handling", "Review")
		for tech in (cls.tech, cls.other_tech):
			frappe.db.set_value("Dispatch Technician", tech, "weekly_schedule", None)
		frappe.db.delete("Dispatch Job Tag", {"tag": cls.skill})
		frappe.db.commit()
		super().tearDownClass()
		frappe.delete_doc("Dispatch Tag", cls.skill, force=True, ignore_permissions=True)
		frappe.db.commit()

	def handling(self, mode: str):
		frappe.db.set_single_value("Dispatch Settings", "absence_handling", mode)
		frappe.db.commit()
		frappe.clear_cache(doctype="Dispatch Settings")

	def booked_tomorrow(self, hour: int, **overrides) -> str:
		job = self.new_job(**overrides)
		token = self.token("dispatcher")
		start = f"{add_days(nowdate(), 1)} {hour:02d}:00:00"
		for command, body in (
			("triage", {"priority": "medium"}),
			("schedule_propose", {"technician": self.tech, "start": start}),
			("schedule_confirm", {}),
		):
			response = self.command(job, command, body, token=token)
			self.assertEqual(response.status_code, 200, f"{command}: {response.text}")
		return job

	def transitions(self, job: str) -> list[str]:
		frappe.db.rollback()
		return frappe.get_all(
			"Dispatch State Transition",
			filters={"job": job},
			pluck="command",
			order_by="creation asc, name asc",
		)

	def job(self, name: str):
		frappe.db.rollback()
		return frappe.db.get_value(
			"Dispatch Job", name, ["status", "assigned_technician", "scheduled_start"], as_dict=True
		)

	def test_automatic_sick_tomorrow_moves_every_job_off_the_technician(self):
		self.handling("Automatic")
		try:
			a, b = self.booked_tomorrow(9), self.booked_tomorrow(13)
			nobody = self.booked_tomorrow(15, tags=[{"tag": self.skill, "level": 5, "required": 1}])
			later = self.booked_tomorrow(10)
			frappe.db.set_value(
				"Dispatch Job", later, "scheduled_start", f"{add_days(nowdate(), 3)} 10:00:00"
			)
			frappe.db.commit()
			before = {j: self.transitions(j) for j in (a, b, nobody, later)}
			response = self.sms(f"malade le {tomorrow_named('fr')}")
			self.assertEqual(response.status_code, 200, response.text)
			self.assertIn("Malade", response.text)
			self.assertIn("3 travail(aux)", response.text)
			self.assertIn("2 réassigné(s)", response.text)
			self.assertIn("1 remis à la répartition", response.text)
			for j in (a, b):
				row = self.job(j)
				self.assertEqual(row.status, "Scheduled", j)
				self.assertNotIn(
					row.assigned_technician, (self.tech, None), j
				)  # another technician of the site
				self.assertEqual(
					frappe.db.get_value("Dispatch Technician", row.assigned_technician, "resource_type"),
					"human",
				)
				self.assertEqual(getdate(row.scheduled_start), getdate(add_days(nowdate(), 1)))
				self.assertEqual(self.transitions(j), [*before[j], "schedule_book"])  # one transition
			# The customer of a job whose time changed is told once (the schedule-change message), after the quiet
			# period; one kept at its time with another technician hears nothing.
			from gigafibre_dispatch.lifecycle import customer_notices

			customer_notices.send_due(
				now_datetime() + timedelta(minutes=customer_notices.quiet_minutes() + 1)
			)
			frappe.db.commit()
			for j, hour in ((a, 9), (b, 13)):
				start = get_datetime(self.job(j).scheduled_start)
				texts = frappe.get_all(
					"Dispatch SMS Log",
					filters={"kind": "customer", "dedupe_key": ("like", f"schedule:{j}:%")},
					fields=["to_number", "body"],
				)
				if start.hour * 60 + start.minute == hour * 60:
					self.assertEqual(texts, [], j)
				else:
					self.assertEqual(len(texts), 1, j)
					self.assertEqual(texts[0].to_number, "514-555-0000")
					self.assertIn(f"{start.hour} h", texts[0].body)
			row = self.job(nobody)
			self.assertEqual(
				(row.status, row.assigned_technician, row.scheduled_start), ("Triaged", None, None)
			)
			self.assertEqual(self.transitions(nobody), [*before[nobody], "schedule_release"])
			self.assertTrue(
				frappe.db.get_value("Dispatch Job", nobody, "release_reason")
			)  # flagged in the tray
			# A job outside the absence stays where it is.
			self.assertEqual(self.job(later).assigned_technician, self.tech)
			self.assertEqual(self.transitions(later), before[later])
			absence = frappe.get_all(
				"Dispatch Absence",
				filters={"technician": self.tech, "source": "SMS"},
				fields=["name", "optimization", "affected_summary", "message"],
			)
			self.assertEqual(len(absence), 1)
			self.assertTrue(absence[0].optimization)
			self.assertEqual(absence[0].message, f"malade le {tomorrow_named('fr')}")
			released = frappe.get_all(
				"Dispatch Optimization Release",
				filters={"parent": absence[0].optimization},
				fields=["job", "reason"],
			)
			self.assertEqual([(r.job, r.reason) for r in released], [(nobody, "unavailable")])
			# Twilio retrying the same message: the jobs are not moved again.
			again = self.sms(f"malade le {tomorrow_named('fr')}")
			self.assertEqual(again.status_code, 200)
			for j in (a, b, nobody):
				self.assertEqual(len(self.transitions(j)), len(before[j]) + 1, j)
			for j in (a, b):  # and no second message
				self.assertLessEqual(
					frappe.db.count(
						"Dispatch SMS Log", {"kind": "customer", "dedupe_key": ("like", f"schedule:{j}:%")}
					),
					1,
				)
		finally:
			self.handling("Review")

	def test_review_leaves_a_proposal_and_moves_nothing(self):
		self.handling("Review")
		a = self.booked_tomorrow(9)
		before = self.transitions(a)
		response = self.sms(f"sick on {tomorrow_named('en')}")
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn("la répartition les réassigne", response.text)
		self.assertEqual(self.job(a).assigned_technician, self.tech)
		self.assertEqual(self.transitions(a), before)
		name = frappe.db.get_value(
			"Dispatch Absence", {"technician": self.tech, "source": "SMS"}, "optimization"
		)
		proposal = frappe.get_doc("Dispatch Optimization", name)
		self.assertEqual(proposal.status, "Ready")
		self.assertEqual([m.job for m in proposal.moves], [a])
		self.assertNotEqual(proposal.moves[0].to_technician, self.tech)
