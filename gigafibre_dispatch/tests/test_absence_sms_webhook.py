"""The Twilio inbound webhook on a real site: signature, sender lookup, rules and LLM parsing, live update."""

import json
import time

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, get_test_client, getdate, nowdate
from twilio.request_validator import RequestValidator

from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase
from gigafibre_dispatch.tests.standins import LlmStandIn

PATH = "/api/method/gigafibre_dispatch.api.sms.inbound"
PUBLIC = "https://dispatch.example.ca"
AUTH_TOKEN = "twilio-auth-token-for-tests"


class TestAbsenceWebhook(LifecycleHttpCase):
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

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("Dispatch SMS Log", {"kind": "inbound", "to_number": ("like", "%555%01%")})
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

	def absence(self) -> dict:
		frappe.db.rollback()
		return frappe.db.get_value(
			"Dispatch Technician",
			self.tech,
			["absence_reason", "absence_from", "absence_until"],
			as_dict=True,
		)

	def declare(
		self, start_offset: int, until_offset: int, reason: str = "Malade", end_time: str | None = None
	):
		"""An absence from today + start_offset to today + until_offset (committed)."""
		frappe.db.set_value(
			"Dispatch Technician",
			self.tech,
			{
				"absence_reason": reason,
				"absence_from": add_days(nowdate(), start_offset),
				"absence_until": add_days(nowdate(), until_offset),
				"absence_start_time": None,
				"absence_end_time": end_time,
			},
		)
		frappe.db.commit()

	def band(self) -> tuple:
		row = frappe.db.get_value(
			"Dispatch Technician",
			self.tech,
			["absence_reason", "absence_from", "absence_until", "absence_end_time"],
			as_dict=True,
		)
		dates = [str(getdate(d)) if d else None for d in (row.absence_from, row.absence_until)]
		return (row.absence_reason, *dates, row.absence_end_time)

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

	def test_a_change_the_technician_record_refuses_is_answered_and_changes_nothing(self):
		self.declare(1, 2, "Congé")
		before = self.band()
		cap = frappe.db.get_value("Dispatch Technician", self.tech, "daily_hour_cap")
		# A record saved before a rule existed, say: the next save of it is refused.
		frappe.db.set_value("Dispatch Technician", self.tech, "daily_hour_cap", -1)
		frappe.db.commit()
		try:
			response = self.sms("annuler mon absence")
			self.assertEqual(response.status_code, 200, response.text)
			self.assertIn("Rien n'a changé", response.text)
			self.assertIn("ne peut pas être négatif", response.text)  # the reason, in French
			frappe.db.rollback()
			self.assertEqual(self.band(), before)
			log = frappe.get_all(
				"Dispatch SMS Log",
				filters={"technician": self.tech, "kind": "inbound"},
				fields=["status", "body"],
				order_by="creation desc",
				limit=1,
			)[0]
			self.assertEqual(log.status, "failed")
			self.assertTrue(log.body.startswith("annuler mon absence\n→ Désolé"))
		finally:
			frappe.db.rollback()
			frappe.db.set_value("Dispatch Technician", self.tech, "daily_hour_cap", cap)
			frappe.db.commit()

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
				self.assertEqual(self.sms("sick tomorrow").status_code, 200)
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
