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

	def test_llm_reading_and_fallback_to_rules(self):
		start, until = add_days(nowdate(), 3), add_days(nowdate(), 5)
		s = frappe.get_single("Dispatch Settings")
		with LlmStandIn(
			{"action": "set", "reason": "Vacances", "from_date": start, "until_date": until}
		) as llm:
			s.update({"llm_base_url": llm.url, "llm_model": "gemini-2.5-flash"})
			s.flags.ignore_mandatory = True
			s.save(ignore_permissions=True)
			frappe.db.commit()
			response = self.sms("Je prends quelques jours de congé la semaine prochaine")
			self.assertEqual(response.status_code, 200, response.text)
			row = self.absence()
			self.assertEqual(
				(row.absence_reason, str(row.absence_from), str(row.absence_until)),
				("Vacances", start, until),
			)
			self.assertEqual(len(llm.requests), 1)
		with LlmStandIn({}, status=500) as down:
			s.reload()
			s.llm_base_url = down.url
			s.save(ignore_permissions=True)
			frappe.db.commit()
			self.assertEqual(self.sms("sick tomorrow").status_code, 200)
			row = self.absence()
			self.assertEqual(
				(row.absence_reason, getdate(row.absence_from)), ("Malade", getdate(add_days(nowdate(), 1)))
			)
		s.reload()
		s.update({"llm_base_url": None, "llm_model": None})
		s.save(ignore_permissions=True)
		frappe.db.commit()
