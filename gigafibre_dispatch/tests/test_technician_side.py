"""Technician side on a real site: magic links, the iCal feed, publishing by SMS (Twilio stand-in), the portal."""

import json
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from unittest.mock import patch

import frappe
import jwt
from frappe.tests.test_api import make_request
from frappe.utils import add_days, get_test_client, now_datetime, nowdate
from icalendar import Calendar

from gigafibre_dispatch.api import publish
from gigafibre_dispatch.engine.ical import ical_token
from gigafibre_dispatch.engine.magic import make_magic_token
from gigafibre_dispatch.integrations.twilio import messages as sms
from gigafibre_dispatch.portal.calendar import feed_bytes
from gigafibre_dispatch.portal.context import access
from gigafibre_dispatch.portal.links import magic_link_for
from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase
from gigafibre_dispatch.tests.standins import TwilioStandIn


class TechnicianSideCase(LifecycleHttpCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.set_value("Dispatch Technician", cls.tech, "phone", "+1 514 555 0142")
		from gigafibre_dispatch.setup.install import ensure_secrets

		ensure_secrets()
		frappe.db.commit()
		cls.magic_secret = frappe.get_single("Dispatch Settings").get_password("magic_link_secret")

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("Dispatch SMS Log", {"technician": ("in", [cls.tech, cls.other_tech])})
		frappe.db.commit()
		super().tearDownClass()

	def portal(self, method: str, link: str, body: dict | None = None, get: dict | None = None):
		client = get_test_client()
		path = f"/api/method/gigafibre_dispatch.api.portal.{method}"
		if get is not None:
			from urllib.parse import urlencode

			return make_request(target=client.get, args=(f"{path}?{urlencode({'token': link, **get})}",))
		return make_request(
			target=client.post,
			args=(path,),
			kwargs={
				"json": {"token": link, **(body or {})},
				"headers": {"Idempotency-Key": str(uuid.uuid4())},
			},
		)

	def job(self, start: datetime, published: int = 1, **fields) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": fields.pop("subject", "Portal job"),
				"duration_h": fields.pop("duration_h", 2),
				"assigned_technician": fields.pop("tech", self.tech),
				"scheduled_start": start,
				"published": published,
				"service_location": self.loc_a,
				**fields,
			}
		)
		doc.flags.ignore_lifecycle = True
		doc.insert(ignore_permissions=True)
		self.jobs.append(doc.name)
		frappe.db.commit()
		return doc.name


class TestMagicLinks(TechnicianSideCase):
	def test_valid_expired_wrong_audience_tampered_revoked(self):
		now = now_datetime()
		link = make_magic_token(self.tech, self.magic_secret, now=now)
		self.assertEqual(access(link).tech, self.tech)
		job_link = make_magic_token(self.tech, self.magic_secret, now=now, job="DJ-X")
		self.assertEqual(access(job_link).job, "DJ-X")
		self.assertEqual(
			access(make_magic_token(self.tech, self.magic_secret, now=now - timedelta(hours=73))),
			"expired",
		)
		api_like = jwt.encode(
			{"sub": self.tech, "aud": "dispatch-api", "exp": int(time.time()) + 600, "iat": int(time.time())},
			self.magic_secret,
			algorithm="HS256",
		)
		self.assertEqual(access(api_like), "invalid")
		head, body, sig = link.split(".")
		self.assertEqual(access(f"{head}.{body}.{sig[::-1]}"), "invalid")
		# A magic link is never an API token.
		response = self.command(self.new_job(), "triage", {"priority": "low"}, token=link)
		self.assert_policy(response, 401, "auth")
		# Revocation: the technician's link version, deactivation, secret rotation.
		frappe.db.set_value("Dispatch Technician", self.tech, "link_version", 1)
		self.assertEqual(access(link), "invalid")
		fresh = magic_link_for(self.tech).rsplit("/", 1)[1]
		self.assertEqual(access(fresh).tech, self.tech)
		frappe.db.set_value("Dispatch Technician", self.tech, "active", 0)
		self.assertEqual(access(fresh), "invalid")
		frappe.db.set_value("Dispatch Technician", self.tech, {"active": 1, "link_version": 0})
		from gigafibre_dispatch.setup.install import ensure_secrets

		ensure_secrets(rotate=True)
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
		self.assertEqual(access(link), "invalid")
		frappe.db.commit()
		type(self).magic_secret = frappe.get_single("Dispatch Settings").get_password("magic_link_secret")

	def test_expired_link_shows_the_expired_page(self):
		expired = make_magic_token(self.tech, self.magic_secret, now=now_datetime() - timedelta(hours=80))
		response = make_request(target=get_test_client().get, args=(f"/t/{expired}",))
		self.assertEqual(response.status_code, 401)
		self.assertIn("Lien expiré ou invalide", response.text)
		self.assertNotIn(self.tech, response.text)


class TestCalendarFeed(TechnicianSideCase):
	def test_feed_over_http(self):
		tomorrow = datetime.combine(date.fromisoformat(add_days(nowdate(), 1)), datetime.min.time())
		shown = self.job(tomorrow + timedelta(hours=9), priority="urgent", subject="Urgent")
		hidden = self.job(tomorrow + timedelta(hours=13), published=0, subject="Not published")
		tpl = self.job(
			tomorrow + timedelta(hours=8),
			priority="low",
			subject="Weekly",
			is_recurring=1,
			recurrence_rule="FREQ=WEEKLY;BYDAY=SA",
		)
		secret = frappe.get_single("Dispatch Settings").get_password("ical_secret")
		path = f"/dispatch/calendar/{self.tech}.ics"
		client = get_test_client()
		ok = make_request(target=client.get, args=(f"{path}?token={ical_token(self.tech, secret)}",))
		self.assertEqual(ok.status_code, 200)
		self.assertTrue(ok.headers["Content-Type"].startswith("text/calendar"))
		cal = Calendar.from_ical(ok.data)
		events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
		self.assertIn(shown, events)
		self.assertNotIn(hidden, events)
		self.assertEqual(int(events[shown]["priority"]), 1)
		self.assertEqual(str(events[shown]["status"]), "TENTATIVE")  # New: not yet confirmed
		self.assertEqual(events[tpl]["rrule"].to_ical().decode(), "FREQ=WEEKLY;BYDAY=SA")
		self.assertEqual(int(events[tpl]["priority"]), 9)
		for bad in ("0" * 16, ical_token(self.other_tech, secret), ""):
			refused = make_request(target=client.get, args=(f"{path}?token={bad}",))
			self.assertEqual(refused.status_code, 401)
			self.assertNotIn(b"VCALENDAR", refused.data)

	def test_vtimezone_and_dst_crossing_instant(self):
		# 1 Nov 2026, 00:30 EDT, for three hours: it ends at 02:30 EST, four wall-clock hours... three real ones.
		start = datetime(2026, 11, 1, 0, 30)
		job = self.job(start, duration_h=3, subject="Across DST")
		frappe.db.set_value("Dispatch Job", job, "status", "Scheduled")
		cal = Calendar.from_ical(feed_bytes(self.tech, "Test", "America/Toronto", today=date(2026, 10, 30)))
		tz = cal.walk("VTIMEZONE")[0]
		self.assertEqual(str(tz["tzid"]), "America/Toronto")
		rules = {c.name: {k: list(v) for k, v in c["rrule"].items()} for c in tz.subcomponents}
		self.assertEqual(rules["DAYLIGHT"], {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["2SU"]})
		self.assertEqual(rules["STANDARD"], {"FREQ": ["YEARLY"], "BYMONTH": [11], "BYDAY": ["1SU"]})
		event = next(e for e in cal.walk("VEVENT") if str(e["uid"]).startswith(job))
		self.assertEqual(
			event.decoded("dtstart").astimezone(timezone.utc),
			datetime(2026, 11, 1, 4, 30, tzinfo=timezone.utc),
		)
		self.assertEqual(
			event.decoded("dtend").astimezone(timezone.utc), datetime(2026, 11, 1, 7, 30, tzinfo=timezone.utc)
		)
		self.assertEqual(str(event["status"]), "CONFIRMED")


class TwilioCase(TechnicianSideCase):
	def setUp(self):
		super().setUp()
		# The tests run the send jobs themselves: a bench worker picking them up too would race them.
		patcher = patch("frappe.enqueue")
		self.enqueued = patcher.start()
		self.addCleanup(patcher.stop)

	def stuck(self, sid: str | None = None, minutes_ago: int = 11) -> str:
		log = frappe.get_doc(
			{
				"doctype": "Dispatch SMS Log",
				"technician": self.tech,
				"to_number": "+1 514 555 0142",
				"body": f"Mes tâches: {uuid.uuid4().hex}",
				"kind": "magic_link",
				"status": "sending",
				"attempts": 1,
				"twilio_sid": sid,
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value(
			"Dispatch SMS Log",
			log.name,
			"modified",
			now_datetime() - timedelta(minutes=minutes_ago),
			update_modified=False,
		)
		frappe.db.commit()
		return log.name

	def row(self, name: str):
		frappe.db.rollback()
		return frappe.db.get_value(
			"Dispatch SMS Log",
			name,
			["status", "twilio_status", "error", "sent_at", "attempts"],
			as_dict=True,
		)

	def configure(self, standin):
		s = frappe.get_single("Dispatch Settings")
		s.update(
			{
				"twilio_account_sid": "AC" + "0" * 32,
				"twilio_auth_token": "stand-in-token",
				"twilio_from_number": "+14382313838",
				"twilio_api_base": standin.url,
				"public_base_url": "https://dispatch.example.ca",
			}
		)
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.db.commit()

	def tearDown(self):
		s = frappe.get_single("Dispatch Settings")
		s.update(
			{
				"twilio_account_sid": None,
				"twilio_api_base": None,
				"public_base_url": None,
				"twilio_from_number": None,
			}
		)
		s.twilio_auth_token = None
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.db.commit()

	def drop_logs(self):
		frappe.db.rollback()
		frappe.db.delete("Dispatch SMS Log", {"technician": self.tech})
		frappe.db.commit()

	def logs(self):
		frappe.db.rollback()
		return frappe.get_all(
			"Dispatch SMS Log",
			filters={"technician": self.tech},
			fields=["name", "kind", "status", "twilio_sid", "attempts", "error", "body", "next_attempt_at"],
			order_by="creation asc",
		)


class TestPublishBySms(TwilioCase):
	def test_publish_dispatches_scheduled_jobs_once_and_says_that_nothing_was_texted(self):
		"""Twilio not configured: the jobs still go to the technician (Dispatched, one audited transition each,
		actionable on /t), and the answer says the SMS were not sent instead of reporting success."""
		self.addCleanup(self.drop_logs)
		day = date.fromisoformat(add_days(nowdate(), 3))
		at = datetime.combine(day, datetime.min.time())
		scheduled = [self.job(at + timedelta(hours=h), published=0, status="Scheduled") for h in (8, 11)]
		started = self.job(at + timedelta(hours=14), published=0, status="In Progress")

		def transitions():
			return frappe.get_all(
				"Dispatch State Transition",
				filters={"job": ("in", [*scheduled, started]), "command": "assignment_dispatch"},
				pluck="job",
			)

		out = publish.publish_schedule(self.tech, str(day), str(day))
		frappe.db.commit()
		self.assertEqual(sorted(out["dispatched"]), sorted(scheduled))
		self.assertEqual(out["not_dispatched"], [])
		self.assertFalse(out["sms_configured"])
		self.assertIn("Twilio", out["warning"])
		for j in scheduled:
			self.assertEqual(
				frappe.db.get_value("Dispatch Job", j, ["status", "published"]), ("Dispatched", 1)
			)
		self.assertEqual(
			frappe.db.get_value("Dispatch Job", started, ["status", "published"]), ("In Progress", 1)
		)
		self.assertEqual(sorted(transitions()), sorted(scheduled))
		self.assertTrue(all(log.status == "queued" for log in self.logs()))  # kept, to resend once configured
		# Publishing again dispatches nothing more, writes no transition and queues no SMS.
		again = publish.publish_schedule(self.tech, str(day), str(day))
		frappe.db.commit()
		self.assertEqual(again["dispatched"], [])
		self.assertEqual(sorted(transitions()), sorted(scheduled))
		self.assertEqual([s["queued"] for s in again["sms"]], [False, False])

	def test_publish_sends_two_sms_once_and_failures_are_visible(self):
		with TwilioStandIn() as twilio:
			self.configure(twilio)
			day = date.fromisoformat(add_days(nowdate(), 2))
			jobs = [
				self.job(datetime.combine(day, datetime.min.time()) + timedelta(hours=h), published=0)
				for h in (9, 13)
			]
			out = publish.publish_schedule(self.tech, str(day), str(day))
			frappe.db.commit()
			self.assertEqual(sorted(out["published"]), sorted(jobs))
			self.assertTrue(all(frappe.db.get_value("Dispatch Job", j, "published") for j in jobs))
			sends = [
				c.kwargs["log_name"] for c in self.enqueued.call_args_list if c.args[0].endswith(".send_log")
			]
			self.assertEqual(sorted(sends), sorted(log.name for log in self.logs()))  # one send job per SMS
			for log in self.logs():
				sms.send_log(log.name)
			sent = self.logs()
			self.assertEqual(
				[(l.kind, l.status) for l in sent], [("magic_link", "sent"), ("calendar", "sent")]
			)
			self.assertTrue(all(l.twilio_sid.startswith("SM") for l in sent))
			bodies = [m["Body"] for m in twilio.messages]
			self.assertTrue(bodies[0].startswith("Mes tâches: https://dispatch.example.ca/t/"))
			self.assertTrue(
				bodies[1].startswith(
					"Ajouter à mon calendrier: webcal://dispatch.example.ca/dispatch/calendar/"
				)
			)
			self.assertEqual({m["To"] for m in twilio.messages}, {"+1 514 555 0142"})
			# The magic link in the SMS opens this technician's portal.
			link = bodies[0].split("/t/", 1)[1]
			self.assertEqual(access(link).tech, self.tech)
			# Publishing the same schedule again, or a retried job, sends nothing more.
			again = publish.publish_schedule(self.tech, str(day), str(day))
			frappe.db.commit()
			self.assertEqual([s["queued"] for s in again["sms"]], [False, False])
			sms.send_log(sent[0].name)
			self.assertEqual(len(twilio.messages), 2)

			# A transient failure retries later; a permanent one is visible and can be sent again.
			frappe.db.set_value(
				"Dispatch Job", jobs[0], "duration_h", 3
			)  # a changed schedule is a new publication
			frappe.db.commit()
			publish.publish_schedule(self.tech, str(day), str(day))
			frappe.db.commit()
			new = [l for l in self.logs() if l.status == "queued"]
			self.assertEqual(len(new), 2)
			twilio.fail_with = [503, 400]
			sms.send_log(new[0].name)
			sms.send_log(new[1].name)
			after = {l.name: l for l in self.logs()}
			self.assertEqual(after[new[0].name].status, "retrying")
			self.assertTrue(after[new[0].name].next_attempt_at)
			self.assertEqual(after[new[1].name].status, "failed")
			self.assertIn("400", after[new[1].name].error)
			frappe.db.set_value(
				"Dispatch SMS Log", new[0].name, "next_attempt_at", now_datetime() - timedelta(minutes=1)
			)
			frappe.db.commit()
			sms.send_log(new[0].name)  # what retry_due's job does
			publish.resend_sms(new[1].name)
			frappe.db.commit()
			sms.send_log(new[1].name)
			final = {l.name: l for l in self.logs()}
			self.assertEqual((final[new[0].name].status, final[new[0].name].attempts), ("sent", 2))
			self.assertEqual((final[new[1].name].status, final[new[1].name].attempts), ("sent", 2))
			self.assertEqual(len(twilio.messages), 6, "two refused attempts, four accepted messages")
			self.assertRaises(frappe.ValidationError, publish.resend_sms, new[1].name)  # only failed ones


class TestStuckSending(TwilioCase):
	"""A worker that died around the Twilio call leaves its log in `sending`: the minute sweep settles it."""

	def test_stuck_with_a_sid_takes_twilios_status(self):
		with TwilioStandIn() as twilio:
			self.configure(twilio)
			delivered, undelivered = "SM" + uuid.uuid4().hex, "SM" + uuid.uuid4().hex
			twilio.outcome[delivered] = ("delivered", None, None)
			twilio.outcome[undelivered] = ("undelivered", 30003, "Unreachable destination handset")
			logs = {self.stuck(delivered): delivered, self.stuck(undelivered): undelivered}
			changed = sms.reconcile_stuck()
			self.assertEqual(
				{logs[name]: status for name, status in changed.items()},
				{
					delivered: "sent",
					undelivered: "failed",
				},
			)
			self.assertEqual(sorted(twilio.fetches), sorted(logs.values()))
			self.assertEqual(twilio.messages, [])  # nothing sent
			by_sid = {sid: self.row(name) for name, sid in logs.items()}
			self.assertEqual(
				(by_sid[delivered].status, by_sid[delivered].twilio_status), ("sent", "delivered")
			)
			# Twilio's date_sent (14:00 UTC) in the site's time zone (America/Toronto, UTC-5 in November).
			self.assertEqual(str(by_sid[delivered].sent_at), "2026-11-23 09:00:00")
			self.assertIsNone(by_sid[delivered].error)
			self.assertEqual(by_sid[undelivered].status, "failed")
			self.assertIn("30003", by_sid[undelivered].error)
			self.assertIn("Unreachable destination handset", by_sid[undelivered].error)
			# Settled logs are not looked at again.
			self.assertEqual(sms.reconcile_stuck(), {})
			self.assertEqual(len(twilio.fetches), 2)

	def test_stuck_without_a_sid_needs_attention_and_is_never_sent_again_by_itself(self):
		with TwilioStandIn() as twilio:
			self.configure(twilio)
			name = self.stuck()
			self.assertEqual(sms.reconcile_stuck(), {name: "needs_attention"})
			self.assertEqual(twilio.requests, [])  # no fetch (nothing to fetch) and above all no send
			row = self.row(name)
			self.assertEqual(row.status, "needs_attention")
			self.assertIn("Twilio", row.error)
			# The retry sweep and a replayed job leave it alone.
			sms.retry_due()
			sms.send_log(name)
			self.assertEqual(self.row(name).status, "needs_attention")
			self.assertEqual(twilio.requests, [])
			# A person checked Twilio's log: "Send Again" sends it, once.
			publish.resend_sms(name)
			frappe.db.commit()
			sms.send_log(name)
			sms.send_log(name)
			self.assertEqual(self.row(name).status, "sent")
			self.assertEqual(len(twilio.messages), 1)
			from frappe.translate import clear_cache

			clear_cache()
			frappe.local.lang = "fr"
			try:
				with self.assertRaisesRegex(frappe.ValidationError, "Seul un message en échec ou à vérifier"):
					publish.resend_sms(name)  # sent: not again
			finally:
				frappe.local.lang = "en"
			self.assertEqual(len(twilio.messages), 1)

	def test_a_worker_dying_after_twilio_accepted_never_sends_twice(self):
		class DiesAfterSending:
			def __init__(self, real):
				self.real = real

			def send(self, to, body, status_callback=None):
				self.real.send(to, body, status_callback=status_callback)
				raise SystemExit("worker killed")  # before the SID is written

		with TwilioStandIn() as twilio:
			self.configure(twilio)
			name = self.stuck(minutes_ago=0)
			frappe.db.set_value("Dispatch SMS Log", name, {"status": "queued", "attempts": 0})
			frappe.db.commit()
			with self.assertRaises(SystemExit):
				sms.send_log(name, sms_provider=DiesAfterSending(sms.provider()))
			frappe.db.rollback()
			self.assertEqual(len(twilio.messages), 1)
			self.assertEqual((self.row(name).status, self.row(name).attempts), ("sending", 1))
			self.assertEqual(sms.reconcile_stuck(), {}, "younger than the timeout: still in flight")
			frappe.db.set_value(
				"Dispatch SMS Log",
				name,
				"modified",
				now_datetime() - timedelta(minutes=sms.STUCK_MINUTES + 1),
				update_modified=False,
			)
			frappe.db.commit()
			self.assertEqual(sms.reconcile_stuck(), {name: "needs_attention"})
			sms.send_log(name)
			self.assertEqual(len(twilio.messages), 1)

	def test_a_fresh_sending_and_an_unreachable_twilio_are_left_for_later(self):
		with TwilioStandIn() as twilio:
			self.configure(twilio)
			sid = "SM" + uuid.uuid4().hex
			twilio.outcome[sid] = ("sent", None, None)
			fresh = self.stuck(sid, minutes_ago=2)
			self.assertEqual(sms.reconcile_stuck(), {})
			self.assertEqual(twilio.requests, [])
			self.assertEqual(self.row(fresh).status, "sending")
			# The timeout comes from site config when set there.
			frappe.local.conf.dispatch_sms_stuck_minutes = 1
			try:
				twilio.fail_with = [503]
				self.assertEqual(sms.reconcile_stuck(), {})  # Twilio down: looked at again next minute
				self.assertEqual(self.row(fresh).status, "sending")
				self.assertEqual(sms.reconcile_stuck(), {fresh: "sent"})
			finally:
				del frappe.local.conf["dispatch_sms_stuck_minutes"]
			self.assertEqual(twilio.fetches, [sid, sid])
			self.assertEqual(twilio.messages, [])


class TestPortal(TechnicianSideCase):
	def test_links_revoked_for_one_technician_and_renewals_bounded(self):
		from gigafibre_dispatch.api import publish as publish_api

		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		self.job(today + timedelta(hours=15), subject="Révocation")
		before = frappe.db.get_value("Dispatch Technician", self.tech, "link_version")

		def restore():  # the other tests make links of the original version
			frappe.db.set_value("Dispatch Technician", self.tech, "link_version", before)
			frappe.db.commit()

		self.addCleanup(restore)
		old = magic_link_for(self.tech).rsplit("/", 1)[1]
		theirs = magic_link_for(self.other_tech).rsplit("/", 1)[1]
		client = get_test_client()
		self.assertEqual(make_request(target=client.get, args=(f"/t/{old}",)).status_code, 200)
		publish_api.revoke_links(self.tech)
		frappe.db.commit()
		self.assertEqual(make_request(target=client.get, args=(f"/t/{old}",)).status_code, 401)
		self.assertEqual(self.portal("refresh_link", old).status_code, 401)  # a revoked link renews nothing
		self.assertEqual(
			make_request(target=client.get, args=(f"/t/{theirs}",)).status_code, 200
		)  # others keep theirs
		fresh = magic_link_for(self.tech).rsplit("/", 1)[1]
		self.assertEqual(make_request(target=client.get, args=(f"/t/{fresh}",)).status_code, 200)
		# A chain of renewals ends a month after its first link.
		version = frappe.db.get_value("Dispatch Technician", self.tech, "link_version")
		first = int(
			(now_datetime() - timedelta(days=31)).replace(tzinfo=timezone.utc).timestamp()
		)  # as magic.py counts
		aged = make_magic_token(
			self.tech, self.magic_secret, now=now_datetime(), version=version, first=first
		)
		self.assertEqual(
			make_request(target=client.get, args=(f"/t/{aged}",)).status_code, 200
		)  # still valid
		refused = self.portal("refresh_link", aged)
		self.assertEqual((refused.status_code, refused.json["error"]["code"]), (403, "link_too_old"))
		renewed = self.portal("refresh_link", fresh)
		self.assertEqual(renewed.status_code, 200, renewed.text)

	def test_stored_values_are_escaped_on_the_page(self):
		"""A subject, a note or a scanned code is text on /t, never markup (it would run in the page's origin)."""
		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		attack = '<img src=x onerror="alert(1)">'
		job = self.job(
			today + timedelta(hours=15), subject=f"Fibre {attack}", description="<script>alert(2)</script>"
		)
		frappe.db.commit()
		link = magic_link_for(self.tech).rsplit("/", 1)[1]
		client = get_test_client()
		for path in (f"/t/{link}", f"/t/{link}?job={job}"):
			page = make_request(target=client.get, args=(path,))
			self.assertEqual(page.status_code, 200)
			self.assertNotIn("<img src=x", page.text)
			self.assertNotIn("<script>alert", page.text)
			self.assertIn("Fibre &lt;img", page.text)  # shown as text

	def test_day_page_and_actions_through_the_lifecycle(self):
		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		mine = self.job(today + timedelta(hours=15), subject="À faire aujourd'hui")
		theirs = self.job(today + timedelta(hours=16), tech=self.other_tech, subject="Pas à moi")
		self.job(today + timedelta(hours=19), subject="Pas encore publiée", published=0)
		frappe.db.set_value("Dispatch Job", mine, "status", "Dispatched")
		frappe.db.commit()
		link = magic_link_for(self.tech).rsplit("/", 1)[1]
		client = get_test_client()
		page = make_request(target=client.get, args=(f"/t/{link}",))
		self.assertEqual(page.status_code, 200)
		self.assertIn("À faire aujourd", page.text)
		self.assertNotIn("Pas à moi", page.text)
		self.assertNotIn("Pas encore publiée", page.text)  # only published jobs reach the technician
		refreshed = make_request(
			target=client.post,
			args=("/api/method/gigafibre_dispatch.api.portal.refresh_link",),
			kwargs={"json": {"token": link}},
		)
		self.assertEqual(refreshed.status_code, 200, refreshed.text)
		new_link = refreshed.json["data"]["link"].rsplit("/t/", 1)[1]
		self.assertNotEqual(new_link, link)
		self.assertEqual(access(new_link).tech, self.tech)
		detail = make_request(target=client.get, args=(f"/t/{link}?job={mine}",))
		self.assertIn('id="checkin"', detail.text)
		key = str(uuid.uuid4())

		def act(job, command, payload=None, token=link, k=None):
			return make_request(
				target=client.post,
				args=("/api/method/gigafibre_dispatch.api.portal.act",),
				kwargs={
					"json": {"token": token, "job": job, "command": command, "payload": payload or {}},
					"headers": {"Idempotency-Key": k or str(uuid.uuid4())},
				},
			)

		first = act(mine, "tech_check_in", k=key)
		self.assertEqual(first.status_code, 200, first.text)
		self.assertEqual(first.json["data"]["to_state"], "In Progress")
		replay = act(mine, "tech_check_in", k=key)
		self.assertEqual(replay.json, first.json)
		self.assert_policy(act(theirs, "tech_check_in"), 403, "scope")
		self.assert_policy(act(mine, "triage", {"priority": "low"}), 403, "role")
		expired = make_magic_token(
			self.tech,
			frappe.get_single("Dispatch Settings").get_password("magic_link_secret"),
			now=now_datetime() - timedelta(hours=99),
		)
		self.assert_policy(
			act(mine, "tech_complete", {"no_signature_reason": "x"}, token=expired), 401, "auth"
		)
		done = act(mine, "tech_complete", {"no_signature_reason": "Client absent"})
		self.assertEqual(done.json["data"]["to_state"], "Completed")
		frappe.db.rollback()
		audit = frappe.get_all(
			"Dispatch Audit Event",
			filters={"job": mine},
			fields=["command", "actor", "tool_name"],
			order_by="creation asc",
		)
		self.assertEqual(
			[(a.command, a.actor, a.tool_name) for a in audit[-2:]],
			[
				("tech_check_in", f"portal:{self.tech}", "portal"),
				("tech_complete", f"portal:{self.tech}", "portal"),
			],
		)


class TestPortalEquipment(TechnicianSideCase):
	def test_install_search_remove_scan_through_commands(self):
		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		job = self.job(today + timedelta(hours=17), subject="Équipement")
		frappe.db.set_value("Dispatch Job", job, "status", "In Progress")
		frappe.db.commit()
		link = magic_link_for(self.tech).rsplit("/", 1)[1]
		serial = f"ZTEG{self.run_id.upper()}01"
		before = self.transitions(job)
		install = {
			"equipment_type": "ONT",
			"serial_no": serial,
			"mac_address": "aa:bb:cc:00:11:22",
			"brand": "ZTE",
			"model": "F601",
		}
		out = self.portal("act", link, {"job": job, "command": "equipment_install", "payload": install})
		self.assertEqual(out.status_code, 200, out.text)
		self.assertEqual(out.json["data"]["to_state"], "In Progress")
		frappe.db.rollback()
		eq = frappe.db.get_value(
			"Service Equipment",
			serial,
			["status", "service_location", "mac_address", "installed_by_job"],
			as_dict=True,
		)
		self.assertEqual(
			(eq.status, eq.service_location, eq.mac_address, eq.installed_by_job),
			("Installed", self.loc_a, "AA:BB:CC:00:11:22", job),
		)
		again = self.portal("act", link, {"job": job, "command": "equipment_install", "payload": install})
		self.assert_policy(again, 400, "validation", "already_installed")
		self.assertEqual(
			self.portal("equipment_search", link, get={"q": serial[:6], "job": job}).json["data"][0][
				"serial_no"
			],
			serial,
		)
		by_mac = self.portal("equipment_search", link, get={"q": "00:11:22", "job": job}).json["data"]
		self.assertEqual([e["serial_no"] for e in by_mac], [serial])
		self.assertEqual(
			[e["serial_no"] for e in self.portal("equipment_on_site", link, get={"job": job}).json["data"]],
			[serial],
		)
		scan = self.portal(
			"act",
			link,
			{
				"job": job,
				"command": "scan_record",
				"payload": {"code": "4006381333931", "symbology": "ean13"},
			},
		)
		self.assertEqual(scan.status_code, 200, scan.text)
		removed = self.portal(
			"act",
			link,
			{
				"job": job,
				"command": "equipment_remove",
				"payload": {"serial_no": serial, "reason": "Remplacé"},
			},
		)
		self.assertEqual(removed.status_code, 200, removed.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Service Equipment", serial, "status"), "Removed")
		self.assertEqual(self.portal("equipment_on_site", link, get={"job": job}).json["data"], [])
		rows = frappe.get_all(
			"Dispatch Job Equipment",
			filters={"parent": job},
			fields=["serial_no", "action"],
			order_by="idx asc",
		)
		self.assertEqual(
			[(r.serial_no, r.action) for r in rows],
			[(serial, "Installed"), ("4006381333931", "On site"), (serial, "Removed")],
		)
		self.assertEqual(self.transitions(job), before + 3)
		self.assertEqual(self.portal("catalog", link, get={}).status_code, 200)
		frappe.delete_doc("Service Equipment", serial, force=True, ignore_permissions=True)
		frappe.db.commit()

	def test_the_equipment_search_sees_the_jobs_site_and_stock_only(self):
		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		job = self.job(today + timedelta(hours=17), subject="Recherche")
		tag = self.run_id.upper()
		rows = {
			"here": {"service_location": self.loc_a, "status": "Installed"},
			"elsewhere": {"service_location": self.loc_b, "status": "Installed"},
			"stock": {"service_location": None, "status": "Removed"},
		}
		for key, values in rows.items():
			frappe.get_doc(
				{
					"doctype": "Service Equipment",
					"serial_no": f"ZZSC{tag}{key.upper()}",
					"mac_address": f"AA:BB:{key[:2].upper().encode().hex()[:2]}:00:00:01",
					"equipment_type": "ONT",
					**values,
				}
			).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.db.delete, "Service Equipment", {"serial_no": ("like", f"ZZSC{tag}%")})
		link = magic_link_for(self.tech).rsplit("/", 1)[1]

		def found(q):
			response = self.portal("equipment_search", link, get={"q": q, "job": job})
			self.assertEqual(response.status_code, 200, response.text)
			return sorted(e["serial_no"] for e in response.json["data"])

		self.assertEqual(found(f"ZZSC{tag}"), [f"ZZSC{tag}HERE", f"ZZSC{tag}STOCK"])
		self.assertEqual(found(f"ZZSC{tag}ELSEWHERE"), [])
		for wildcard in ("%%%", "___", "%ZZSC", "_ZSC"):
			self.assertNotIn(f"ZZSC{tag}ELSEWHERE", found(wildcard), wildcard)
		# Another technician's job: refused, whatever the text.
		other = self.portal("equipment_search", link, get={"q": f"ZZSC{tag}", "job": "DJ-NOT-MINE"})
		self.assertEqual(other.status_code, 403, other.text)

	def test_a_portal_action_whose_payload_is_not_an_object_is_a_400(self):
		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		job = self.job(today + timedelta(hours=17), subject="Payload")
		frappe.db.set_value("Dispatch Job", job, "status", "Dispatched")
		frappe.db.commit()
		link = magic_link_for(self.tech).rsplit("/", 1)[1]
		for payload in ([1, 2], "not json", 42):
			response = self.portal("act", link, {"job": job, "command": "tech_check_in", "payload": payload})
			self.assertEqual(response.status_code, 400, response.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Dispatch Job", job, "status"), "Dispatched")

	def test_an_upload_is_stored_by_what_it_is_under_a_name_the_server_makes(self):
		import base64

		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		job = self.job(today + timedelta(hours=18), subject="Upload")
		theirs = self.job(today + timedelta(hours=19), tech=self.other_tech, subject="Not mine")
		link = magic_link_for(self.tech).rsplit("/", 1)[1]
		png = (
			"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
		)

		def files():
			frappe.db.rollback()
			return frappe.get_all(
				"File",
				filters={"attached_to_doctype": "Dispatch Job", "attached_to_name": ("in", [job, theirs])},
				fields=["file_name", "is_private", "attached_to_name"],
			)

		ok = self.portal(
			"upload",
			link,
			{"job": job, "filename": "photo.shtml", "data_url": f"data:image/png;base64,{png}"},
		)
		self.assertEqual(ok.status_code, 200, ok.text)
		stored = files()
		self.assertEqual(len(stored), 1)
		self.assertTrue(
			stored[0].file_name.endswith(".png") and "shtml" not in stored[0].file_name, stored[0].file_name
		)
		self.assertEqual((stored[0].is_private, stored[0].attached_to_name), (1, job))
		page = base64.b64encode(b"<html><script>alert(document.cookie)</script></html>").decode()
		for body in (
			{
				"job": job,
				"filename": "x.xhtml",
				"data_url": f"data:image/png;base64,{page}",
			},  # says PNG, is HTML
			{"job": job, "filename": "x.html", "data_url": f"data:text/html;base64,{page}"},
			{"job": job, "filename": "x.png", "data_url": "data:image/png;base64,not base64!"},
			{"job": job, "filename": "x.png", "data_url": "data:image/png;base64,"},
			{"job": theirs, "filename": "x.png", "data_url": f"data:image/png;base64,{png}"},  # not their job
		):
			refused = self.portal("upload", link, body)
			self.assertIn(refused.status_code, (400, 403, 404, 413, 422), refused.text)
		self.assertEqual(len(files()), 1)  # nothing more stored

	def test_vision_provider_and_manual_fallback(self):
		from gigafibre_dispatch.tests.standins import LlmStandIn

		today = datetime.combine(date.fromisoformat(nowdate()), datetime.min.time())
		job = self.job(today + timedelta(hours=18), subject="Vision")
		link = magic_link_for(self.tech).rsplit("/", 1)[1]
		photo = "data:image/png;base64,iVBORw0KGgo="
		off = self.portal("vision", link, {"job": job, "data_url": photo, "mode": "equipment"})
		self.assertEqual(off.json["data"], {"available": False, "labels": []})
		labels = [
			{
				"brand": "ZTE",
				"model": f"M{i}",
				"serial_no": f"SN{i}",
				"mac_address": None,
				"equipment_type": "ONT",
			}
			for i in range(7)
		]
		codes = [{"value": f"CODE{i}", "symbology": "code128"} for i in range(5)]
		s = frappe.get_single("Dispatch Settings")
		try:
			with LlmStandIn({"labels": labels, "codes": codes}) as llm:
				s.update({"llm_base_url": llm.url, "vision_model": "gemini-2.5-flash"})
				s.flags.ignore_mandatory = True
				s.save(ignore_permissions=True)
				frappe.db.commit()
				read = self.portal("vision", link, {"job": job, "data_url": photo, "mode": "equipment"}).json[
					"data"
				]
				self.assertEqual(len(read["labels"]), 5)
				self.assertEqual(read["labels"][0]["serial_no"], "SN0")
				barcodes = self.portal(
					"vision", link, {"job": job, "data_url": photo, "mode": "barcodes"}
				).json["data"]
				self.assertEqual([c["value"] for c in barcodes["codes"]], ["CODE0", "CODE1", "CODE2"])
				sent = json.loads(llm.requests[0]["body"])
				self.assertEqual(sent["model"], "gemini-2.5-flash")
				self.assertEqual(sent["messages"][0]["content"][1]["image_url"]["url"], photo)
			with LlmStandIn("not json", status=200) as broken:
				s.reload()
				s.llm_base_url = broken.url
				s.save(ignore_permissions=True)
				frappe.db.commit()
				self.assertEqual(
					self.portal("vision", link, {"job": job, "data_url": photo, "mode": "barcodes"}).json[
						"data"
					]["codes"],
					[],
				)
		finally:
			s.reload()
			s.update({"llm_base_url": None, "vision_model": None})
			s.save(ignore_permissions=True)
			frappe.db.commit()
		bad = self.portal("vision", link, {"job": job, "data_url": "data:text/plain,hi", "mode": "barcodes"})
		self.assert_policy(bad, 422, "evidence")


class TestStatusCallbacks(TwilioCase):
	"""Twilio reports a message's fate to …api.sms.status (signed): recorded on its log, never stepping back."""

	PATH = "/api/method/gigafibre_dispatch.api.sms.status"

	def callback(self, params: dict, signature: str | None = "valid"):
		from twilio.request_validator import RequestValidator

		headers = {}
		if signature == "valid":
			url = "https://dispatch.example.ca" + self.PATH
			headers["X-Twilio-Signature"] = RequestValidator("stand-in-token").compute_signature(url, params)
		elif signature:
			headers["X-Twilio-Signature"] = signature
		return make_request(
			target=get_test_client().post, args=(self.PATH,), kwargs={"data": params, "headers": headers}
		)

	def test_a_sent_message_asks_for_callbacks_and_each_is_recorded_once_in_order(self):
		with TwilioStandIn() as twilio:
			self.configure(twilio)
			name, _created = sms.queue_sms(
				self.tech, "+1 514 555 0142", "Votre horaire", "magic_link", uuid.uuid4().hex
			)
			frappe.db.commit()
			sms.send_log(name)
			self.assertEqual(
				twilio.messages[-1].get("StatusCallback"),
				"https://dispatch.example.ca/api/method/gigafibre_dispatch.api.sms.status",
			)
			sid = frappe.db.get_value("Dispatch SMS Log", name, "twilio_sid")
			self.assertTrue(sid)

			forged = self.callback(
				{"MessageSid": sid, "MessageStatus": "undelivered"}, signature="bm90IHR3aWxpbw=="
			)
			self.assertEqual(forged.status_code, 403)
			self.assertEqual(self.row(name).status, "sent")
			unsigned = self.callback({"MessageSid": sid, "MessageStatus": "undelivered"}, signature=None)
			self.assertEqual(unsigned.status_code, 403)

			delivered = self.callback({"MessageSid": sid, "MessageStatus": "delivered"})
			self.assertEqual(delivered.status_code, 204, delivered.text)
			self.assertEqual((self.row(name).status, self.row(name).twilio_status), ("sent", "delivered"))
			late = self.callback({"MessageSid": sid, "MessageStatus": "sent"})  # arrives after "delivered"
			self.assertEqual(late.status_code, 204)
			self.assertEqual(self.row(name).twilio_status, "delivered")
			stranger = self.callback({"MessageSid": "SM" + "9" * 32, "MessageStatus": "failed"})
			self.assertEqual(stranger.status_code, 204)
			self.assertFalse(frappe.db.exists("Dispatch SMS Log", {"twilio_sid": "SM" + "9" * 32}))

			failed = self.callback({"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"})
			self.assertEqual(failed.status_code, 204)
			row = self.row(name)
			self.assertEqual((row.status, row.twilio_status), ("failed", "undelivered"))
			self.assertIn("30003", row.error)

	def test_a_callback_settles_a_log_left_sending(self):
		with TwilioStandIn() as twilio:
			self.configure(twilio)
			sid = "SM" + uuid.uuid4().hex
			name = self.stuck(sid=sid, minutes_ago=1)
			answer = self.callback({"MessageSid": sid, "MessageStatus": "delivered"})
			self.assertEqual(answer.status_code, 204, answer.text)
			row = self.row(name)
			self.assertEqual((row.status, row.twilio_status), ("sent", "delivered"))
			self.assertTrue(row.sent_at)
			self.assertEqual(sms.reconcile_stuck(), {}, "nothing left for the sweep")
