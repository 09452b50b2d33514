"""SLA deadlines on a real site: a job takes its Issue's Service Level Agreement deadlines (and follows them), slots
and ranking count lateness past the deadline, the board marks jobs at risk or breached with their time left, and
the breach alert fires beside the other alerts. Expected values are re-derived here from the deadline itself."""

import math
from datetime import datetime, timedelta

import frappe
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.api.board import get_board, get_job_card
from gigafibre_dispatch.api.scheduling import best_technicians, suggest_slots
from gigafibre_dispatch.lifecycle import observability
from gigafibre_dispatch.tests.utils import (
	DispatchTestCase,
	make_customer,
	make_location,
	make_tech,
	next_monday,
)


class TestSlaSite(DispatchTestCase):
	def setUp(self):
		super().setUp()
		self.customer = make_customer("ZZ SLA Customer")
		self.location = make_location(self.customer, 45.5, -73.57, "SLA site")
		self.tech = make_tech("SLA Tech", 45.5, -73.57)

	def job(self, **values):
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "SLA job",
				"service_location": self.location,
				"duration_h": 1,
				"status": "Triaged",
				"priority": "high",
				**values,
			}
		)
		doc.flags.ignore_lifecycle = True
		return doc.insert(ignore_permissions=True)

	def issue(self, response_by, resolution_by):
		issue = frappe.get_doc({"doctype": "Issue", "subject": "No internet", "customer": self.customer})
		issue.insert(ignore_permissions=True)
		frappe.db.set_value("Issue", issue.name, {"response_by": response_by, "resolution_by": resolution_by})
		return frappe.get_doc("Issue", issue.name)

	def test_a_job_takes_its_issues_deadlines_and_follows_them_unless_set_by_hand(self):
		respond, resolve = now_datetime() + timedelta(hours=4), now_datetime() + timedelta(hours=30)
		issue = self.issue(respond, resolve)
		job = self.job(source_issue=issue.name)
		self.assertEqual(get_datetime(job.response_by).replace(microsecond=0), respond.replace(microsecond=0))
		self.assertEqual(
			get_datetime(job.resolution_by).replace(microsecond=0), resolve.replace(microsecond=0)
		)
		own = now_datetime() + timedelta(hours=10)
		by_hand = self.job(source_issue=issue.name, resolution_by=own)
		# The Issue's SLA is reset: the first job follows, the hand-set deadline stays.
		later = resolve + timedelta(hours=24)
		issue.reload()
		issue.resolution_by = later
		issue.save(ignore_permissions=True)
		resolved = {
			n: get_datetime(frappe.db.get_value("Dispatch Job", n, "resolution_by")).replace(microsecond=0)
			for n in (job.name, by_hand.name)
		}
		self.assertEqual(resolved[job.name], later.replace(microsecond=0))
		self.assertEqual(resolved[by_hand.name], own.replace(microsecond=0))

	def test_slots_carry_their_lateness_past_the_deadline(self):
		deadline = now_datetime().replace(second=0, microsecond=0) + timedelta(minutes=30)
		job = self.job(resolution_by=deadline)
		slots = suggest_slots(job=job.name, limit=20)
		self.assertTrue(slots)
		for s in slots:
			end = get_datetime(s["end"])
			expected = max(0, math.ceil((end - deadline).total_seconds() / 60))
			self.assertEqual(s["late_min"], expected, s)
		# In-time slots (if any) come first.
		flags = [s["late_min"] > 0 for s in slots]
		self.assertEqual(flags, sorted(flags))
		relaxed = self.job(resolution_by=now_datetime() + timedelta(days=60))
		self.assertTrue(all(s["late_min"] == 0 for s in suggest_slots(job=relaxed.name, limit=20)))

	def test_ranking_charges_technicians_who_cannot_meet_the_deadline(self):
		past = self.job(response_by=now_datetime() - timedelta(hours=1))
		ranked = best_technicians(job=past.name, date=str(next_monday()), limit=50)  # a working day
		self.assertTrue(ranked)
		for r in ranked:
			codes = {w.get("code") for w in r["warnings"]}
			self.assertIn("misses_deadline", codes, r)
		roomy = self.job(resolution_by=now_datetime() + timedelta(days=60))
		for r in best_technicians(job=roomy.name, date=str(next_monday()), limit=50):
			self.assertNotIn("misses_deadline", {w.get("code") for w in r["warnings"]}, r)

	def test_the_board_marks_jobs_at_risk_and_breached_with_their_time_left(self):
		now = now_datetime()
		day = (now + timedelta(days=2)).date()
		start = datetime.combine(day, datetime.min.time()) + timedelta(hours=10)
		late = self.job(
			assigned_technician=self.tech,
			scheduled_start=start,
			status="Scheduled",
			resolution_by=start + timedelta(minutes=30),  # booked to end at 11:00: at risk
		)
		in_time = self.job(
			assigned_technician=self.tech,
			scheduled_start=start + timedelta(hours=3),
			status="Scheduled",
			resolution_by=start + timedelta(hours=8),
		)
		breached = self.job(resolution_by=now - timedelta(minutes=90))  # in the tray, past its deadline
		board = get_board(str(day), str(day), technicians=self.tech)
		segs = {s["job"]: s for row in board["resources"] for s in row["segments"] if s.get("type") == "job"}
		self.assertEqual(segs[late.name]["sla"]["state"], "at_risk")
		self.assertEqual(segs[in_time.name]["sla"]["state"], "ok")
		left = segs[in_time.name]["sla"]["minutes_left"]
		expected = (start + timedelta(hours=8) - now_datetime()).total_seconds() / 60
		self.assertLessEqual(abs(left - expected), 2)
		tray = {u["job"]: u for u in board["unassigned"]}
		if breached.name in tray:  # the tray lists the oldest first, up to its limit
			self.assertEqual(tray[breached.name]["sla"]["state"], "breached")
			self.assertLess(tray[breached.name]["sla"]["minutes_left"], -80)

	def test_the_breach_alert_counts_open_jobs_past_a_deadline(self):
		before = observability.sla_breaches()
		self.job(resolution_by=now_datetime() - timedelta(minutes=5))
		self.job(response_by=now_datetime() - timedelta(minutes=5))
		started = self.job(response_by=now_datetime() - timedelta(minutes=5))
		frappe.db.set_value(
			"Dispatch Job", started.name, "actual_start", now_datetime() - timedelta(minutes=10)
		)
		self.job(resolution_by=now_datetime() + timedelta(hours=5))
		self.job(resolution_by=now_datetime() - timedelta(minutes=5), status="Completed")
		self.assertEqual(observability.sla_breaches(), before + 2)
		frappe.db.set_single_value("Dispatch Settings", "alert_sla_breach_threshold", before + 2)
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
		alert = {a["alert"]: a for a in observability.alerts()["alerts"]}["sla_breaches"]
		self.assertTrue(alert["firing"], alert)
		self.assertEqual(alert["value"], before + 2)
		frappe.db.set_single_value("Dispatch Settings", "alert_sla_breach_threshold", before + 3)
		frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
		alert = {a["alert"]: a for a in observability.alerts()["alerts"]}["sla_breaches"]
		self.assertFalse(alert["firing"], alert)

	def test_the_card_of_an_unbooked_job_is_at_risk_when_its_deadline_is_before_its_earliest_slot(self):
		first = suggest_slots(job=self.job().name, limit=1)
		self.assertTrue(first)
		earliest_end = get_datetime(first[0]["end"])
		# A deadline one minute before the earliest possible end: at risk (not yet breached if still ahead).
		tight = self.job(resolution_by=earliest_end - timedelta(minutes=1))
		card = get_job_card(tight.name)
		expected = "at_risk" if earliest_end - timedelta(minutes=1) > now_datetime() else "breached"
		self.assertEqual(card["sla"]["state"], expected, card["sla"])
		self.assertEqual(get_datetime(card["sla"]["earliest_end"]), earliest_end)
		roomy = self.job(resolution_by=earliest_end + timedelta(minutes=1))
		self.assertEqual(get_job_card(roomy.name)["sla"]["state"], "ok")
		self.assertIsNone(get_job_card(self.job().name)["sla"])
