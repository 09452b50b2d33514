"""Job offers on a real site: broadcast, targeted and pool, first acceptance wins and books through the lifecycle."""

import uuid
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.api import offers
from gigafibre_dispatch.engine.lifecycle import Actor
from gigafibre_dispatch.gigafibre_dispatch.doctype.dispatch_offer.dispatch_offer import expire_offers
from gigafibre_dispatch.lifecycle.commands import execute
from gigafibre_dispatch.tests.utils import (
	DispatchTestCase,
	at,
	make_job,
	make_tag,
	make_tech,
	make_user,
	next_monday,
)


class OffersCase(DispatchTestCase):
	def setUp(self):
		super().setUp()
		self.users = [make_user(f"zz.offer.{i}@example.com", ["Technician"]) for i in range(3)]
		self.techs = [make_tech(f"Offer tech {i}", user=u) for i, u in enumerate(self.users)]
		self.job = self.triaged(make_job("Offered", start=at(next_monday(), 9), duration_h=2), "high")

	@staticmethod
	def triaged(job, priority: str) -> str:
		execute(
			"triage",
			job.name,
			{"priority": priority},
			actor=Actor("zz-offers", frozenset({"dispatcher"})),
			idempotency_key=str(uuid.uuid4()),
		)
		return job.name

	def as_tech(self, i: int, fn, *args):
		frappe.set_user(self.users[i])
		try:
			return fn(*args)
		finally:
			frappe.set_user("Administrator")


class TestOffers(OffersCase):
	def test_broadcast_first_acceptance_wins_and_books_the_job(self):
		out = offers.create_offer(self.job, "broadcast", pricing_preset="urgent")
		self.assertEqual(out["amount"], 50 + 95 * 2)
		declined = self.as_tech(2, offers.decline_offer, out["offer"])
		self.assertEqual(declined["status"], "open", "a broadcast stays open after one refusal")
		won = self.as_tech(1, offers.accept_offer, out["offer"])
		self.assertEqual((won["status"], won["accepted_by"]), ("accepted", self.techs[1]))
		job = frappe.db.get_value("Dispatch Job", self.job, ["status", "assigned_technician"], as_dict=True)
		self.assertEqual((job.status, job.assigned_technician), ("Scheduled", self.techs[1]))
		commands = frappe.get_all(
			"Dispatch Audit Event", filters={"job": self.job}, pluck="command", order_by="creation asc"
		)
		self.assertEqual(commands[-2:], ["schedule_propose", "schedule_confirm"])
		self.assertRaises(frappe.ValidationError, self.as_tech, 0, offers.accept_offer, out["offer"])
		self.assertEqual(frappe.db.get_value("Dispatch Job", self.job, "assigned_technician"), self.techs[1])

	def test_targeted_and_pool(self):
		targeted = offers.create_offer(self.job, "targeted", candidates=[self.techs[0]])
		self.assertRaises(frappe.PermissionError, self.as_tech, 1, offers.accept_offer, targeted["offer"])
		self.assertEqual(self.as_tech(0, offers.decline_offer, targeted["offer"])["status"], "pending")
		pool = offers.create_offer(self.job, "pool", candidates=[self.techs[0], self.techs[1]])
		self.assertEqual(self.as_tech(0, offers.decline_offer, pool["offer"])["status"], "open")
		self.assertEqual(self.as_tech(1, offers.decline_offer, pool["offer"])["status"], "pending")
		self.assertRaises(
			frappe.ValidationError, offers.create_offer, self.job, "targeted", [self.techs[0], self.techs[1]]
		)

	def test_expiry(self):
		out = offers.create_offer(
			self.job, "broadcast", expires_at=str(now_datetime() + timedelta(minutes=5))
		)
		frappe.db.set_value(
			"Dispatch Offer", out["offer"], "expires_at", now_datetime() - timedelta(minutes=1)
		)
		self.assertRaises(frappe.ValidationError, self.as_tech, 0, offers.accept_offer, out["offer"])
		self.assertEqual(frappe.db.get_value("Dispatch Offer", out["offer"], "status"), "expired")
		other = offers.create_offer(
			self.job, "broadcast", expires_at=str(now_datetime() + timedelta(minutes=5))
		)
		frappe.db.set_value(
			"Dispatch Offer", other["offer"], "expires_at", now_datetime() - timedelta(minutes=1)
		)
		expire_offers()
		self.assertEqual(frappe.db.get_value("Dispatch Offer", other["offer"], "status"), "expired")
		self.assertEqual(frappe.db.get_value("Dispatch Job", self.job, "status"), "Triaged")

	def test_only_a_bookable_job_is_offered(self):
		new = make_job("Not triaged", start=at(next_monday(), 13))
		self.assertRaises(frappe.ValidationError, offers.create_offer, new.name, "broadcast")
		frappe.set_user(self.users[0])
		try:
			self.assertRaises(frappe.PermissionError, offers.create_offer, self.job, "broadcast")
		finally:
			frappe.set_user("Administrator")

	def test_a_job_without_a_start_is_offered_at_a_start_and_booked_there(self):
		unplanned = frappe._dict(name=self.triaged(make_job("No start yet", duration_h=1), "medium"))
		at_ten = at(next_monday(), 10)
		self.assertRaises(
			frappe.ValidationError, offers.create_offer, unplanned.name, "broadcast"
		)  # no start
		past = str(now_datetime() - timedelta(hours=1))
		self.assertRaises(
			frappe.ValidationError, offers.create_offer, unplanned.name, "broadcast", start=past
		)
		late = str(at_ten + timedelta(hours=1))
		self.assertRaises(
			frappe.ValidationError,
			offers.create_offer,
			unplanned.name,
			"broadcast",
			expires_at=late,
			start=str(at_ten),
		)
		self.assertFalse(frappe.get_all("Dispatch Offer", filters={"job": unplanned.name}))  # nothing made
		out = offers.create_offer(unplanned.name, "targeted", candidates=[self.techs[2]], start=str(at_ten))
		self.assertEqual(frappe.db.get_value("Dispatch Offer", out["offer"], "start"), at_ten)
		from gigafibre_dispatch.portal.offers import offers_for

		listed = offers_for(self.techs[2])
		self.assertEqual(
			[(o["offer"], o["start"]) for o in listed], [(out["offer"], at_ten)]
		)  # its own start
		self.assertIsNone(
			frappe.db.get_value("Dispatch Job", unplanned.name, "scheduled_start")
		)  # not booked yet
		self.assertEqual(self.as_tech(2, offers.accept_offer, out["offer"])["status"], "accepted")
		job = frappe.db.get_value(
			"Dispatch Job", unplanned.name, ["status", "assigned_technician", "scheduled_start"], as_dict=True
		)
		self.assertEqual(
			(job.status, job.assigned_technician, job.scheduled_start), ("Scheduled", self.techs[2], at_ten)
		)


class TestOffersOnTheTechnicianPage(OffersCase):
	"""/t/<token>: the open offers a technician may take are listed, and answered there through the lifecycle."""

	def token(self, i: int, job: str | None = None) -> str:
		from gigafibre_dispatch.portal.links import magic_link_for

		return magic_link_for(self.techs[i], job).rsplit("/t/", 1)[1]

	def answer(self, i: int, offer: str, accept: bool, job: str | None = None):
		"""POST api.portal.offer as the page does: (status, body) of the answer or the refusal."""
		from gigafibre_dispatch.api import portal
		from gigafibre_dispatch.lifecycle.http import PolicyHTTPException

		try:
			response = portal.offer(self.token(i, job), offer, int(accept))
		except PolicyHTTPException as refused:
			response = refused.get_response()
		return response.status_code, frappe.parse_json(response.get_data(as_text=True))

	def listed(self, i: int) -> list[str]:
		from gigafibre_dispatch.portal.context import page_context

		return [o["offer"] for o in page_context(self.token(i), None)["offers"]]

	def test_listed_for_whom_it_is_and_answered_from_the_page(self):
		targeted = offers.create_offer(self.job, "targeted", candidates=[self.techs[1]])["offer"]
		self.assertEqual((self.listed(0), self.listed(1)), ([], [targeted]))
		# Someone else's offer: refused, nothing changes.
		status, body = self.answer(0, targeted, True)
		self.assertEqual((status, body["error"]["code"]), (403, "not_your_offer"))
		self.assertEqual(frappe.db.get_value("Dispatch Offer", targeted, "status"), "open")
		# A link to one job answers no offer.
		status, body = self.answer(1, targeted, True, job=self.job)
		self.assertEqual((status, body["error"]["code"]), (403, "job_link"))
		# The technician it is for accepts: the job is booked to them through the lifecycle.
		status, body = self.answer(1, targeted, True)
		self.assertEqual((status, body["data"]["status"]), (200, "accepted"))
		job = frappe.db.get_value("Dispatch Job", self.job, ["status", "assigned_technician"], as_dict=True)
		self.assertEqual((job.status, job.assigned_technician), ("Scheduled", self.techs[1]))
		self.assertEqual(self.listed(1), [])  # no longer open
		status, body = self.answer(1, targeted, True)  # a second tap after it closed
		self.assertIn(status, (403, 409))
		self.assertEqual(frappe.db.get_value("Dispatch Job", self.job, "assigned_technician"), self.techs[1])

	def test_a_technician_lists_only_the_offers_for_them(self):
		targeted = offers.create_offer(self.job, "targeted", candidates=[self.techs[1]])["offer"]
		listed = [self.as_tech(i, frappe.get_list, "Dispatch Offer") for i in range(2)]
		self.assertNotIn(targeted, [o.name for o in listed[0]])  # someone else's offer
		self.assertIn(targeted, [o.name for o in listed[1]])
		doc = frappe.get_doc("Dispatch Offer", targeted)
		self.assertFalse(self.as_tech(0, frappe.has_permission, "Dispatch Offer", "read", doc))
		self.assertTrue(self.as_tech(1, frappe.has_permission, "Dispatch Offer", "read", doc))

	def test_a_broadcast_is_listed_to_the_qualified_and_a_refusal_hides_it(self):
		tag = make_tag("ZZ offer nacelle")
		job = frappe.get_doc("Dispatch Job", self.job)
		job.append("tags", {"tag": tag, "level": 2, "required": 1})
		job.flags.ignore_lifecycle = True
		job.save(ignore_permissions=True)
		for i, level in ((0, 3), (1, 1)):  # the first holds it above the level, the second below
			tech = frappe.get_doc("Dispatch Technician", self.techs[i])
			tech.append("tags", {"tag": tag, "level": level})
			tech.save(ignore_permissions=True)
		broadcast = offers.create_offer(self.job, "broadcast")["offer"]
		self.assertEqual((self.listed(0), self.listed(1), self.listed(2)), ([broadcast], [], []))
		status, body = self.answer(0, broadcast, False)
		self.assertEqual((status, body["data"]["status"]), (200, "open"))
		self.assertEqual(self.listed(0), [])  # declined: not shown again
		self.assertEqual(frappe.db.get_value("Dispatch Job", self.job, "status"), "Triaged")
