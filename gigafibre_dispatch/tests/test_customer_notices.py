"""The customer hears once per change (lifecycle/customer_notices.py), on a real site through the command API: the
first booking is the CSR's (nothing sent), moves settle into one message with the final time after the quiet
period, back and forth sends nothing, a cancellation is told at once, and two sweeps or a retry never text twice."""

import uuid
from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.lifecycle import customer_notices
from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase


class TestCustomerNotices(LifecycleHttpCase):
	def setUp(self):
		super().setUp()
		# The sends stay queued in their logs (no worker racing the assertions).
		patcher = patch("frappe.enqueue")
		patcher.start()
		self.addCleanup(patcher.stop)
		self.made: list[str] = []

	def tearDown(self):
		# A deleted job's name comes back (the naming series steps back): its messages go with it.
		frappe.db.rollback()
		if self.made:
			frappe.db.delete("Dispatch SMS Log", {"job": ("in", self.made), "kind": "customer"})
			frappe.db.commit()
		super().tearDown()

	def at(self, hour: int) -> str:
		return f"{self.monday + timedelta(days=1)} {hour:02d}:00:00"

	def booked(self, hour: int, job: str | None = None, key: str | None = None) -> str:
		token = self.token("dispatcher")
		if job is None:
			job = self.new_job()
			self.made.append(job)
			frappe.db.delete("Dispatch SMS Log", {"job": job, "kind": "customer"})  # a name used before
			frappe.db.commit()
			self.command(job, "triage", {"priority": "medium"}, token=token)
		extra = {"key": key} if key else {}
		response = self.command(
			job, "schedule_book", {"technician": self.tech, "start": self.at(hour)}, token=token, **extra
		)
		self.assertLess(response.status_code, 300, response.text)
		return job

	def state(self, job: str):
		frappe.db.rollback()
		return frappe.db.get_value(
			"Dispatch Job",
			job,
			["customer_told_start", "customer_notice_due", "scheduled_start"],
			as_dict=True,
		)

	def texts(self, job: str) -> list:
		frappe.db.rollback()
		return frappe.get_all(
			"Dispatch SMS Log",
			filters={"job": job, "kind": "customer"},
			fields=["to_number", "body", "dedupe_key"],
			order_by="creation asc",
		)

	def sweep(self, minutes_ahead: int = 0) -> dict:
		out = customer_notices.send_due(now_datetime() + timedelta(minutes=minutes_ahead))
		frappe.db.commit()
		return out

	def quiet(self) -> int:
		return customer_notices.quiet_minutes()

	def test_the_first_booking_is_the_csrs_and_sends_nothing(self):
		job = self.booked(9)
		row = self.state(job)
		self.assertEqual(get_datetime(row.customer_told_start), get_datetime(self.at(9)))
		self.assertIsNone(row.customer_notice_due)
		self.sweep(self.quiet() + 60)
		self.assertEqual(self.texts(job), [])

	def test_moves_settle_into_one_message_with_the_final_time(self):
		job = self.booked(9)
		self.booked(11, job)
		due = get_datetime(self.state(job).customer_notice_due)
		self.assertGreater(due, now_datetime() + timedelta(minutes=self.quiet() - 1))
		self.assertNotIn(job, self.sweep(), "still inside the quiet period")
		self.assertEqual(self.texts(job), [])
		self.booked(14, job)  # a second change restarts the wait
		self.assertEqual(self.sweep(self.quiet() - 1), {})
		sent = self.sweep(self.quiet() + 1)
		self.assertIn(job, sent)
		texts = self.texts(job)
		self.assertEqual(len(texts), 1)
		self.assertEqual(texts[0].to_number, "514-555-0000")
		self.assertIn("14 h", texts[0].body)
		self.assertIn("Your appointment is now", texts[0].body)
		row = self.state(job)
		self.assertEqual(get_datetime(row.customer_told_start), get_datetime(self.at(14)))
		self.assertIsNone(row.customer_notice_due)
		self.sweep(self.quiet() + 60)
		self.assertEqual(len(self.texts(job)), 1, "told once")

	def test_back_and_forth_sends_nothing(self):
		job = self.booked(9)
		self.booked(11, job)
		self.booked(9, job)
		self.assertEqual(self.sweep(self.quiet() + 1), {job: None})
		self.assertEqual(self.texts(job), [])
		self.assertIsNone(self.state(job).customer_notice_due)

	def test_a_retried_move_and_two_sweeps_text_once(self):
		job = self.booked(9)
		key = str(uuid.uuid4())
		self.booked(13, job, key=key)
		self.booked(13, job, key=key)  # the same request again: a replay, no second change
		first = self.sweep(self.quiet() + 1)
		second = self.sweep(self.quiet() + 1)  # a second worker's sweep
		self.assertTrue(first[job])
		self.assertNotIn(job, second)
		self.assertEqual(len(self.texts(job)), 1, self.texts(job))

	def test_a_cancellation_is_told_at_once_and_once(self):
		job = self.booked(10)
		self.booked(15, job)  # moved, then cancelled before the quiet period ends
		token = self.token("dispatcher")
		key = str(uuid.uuid4())
		for _ in range(2):
			cancelled = self.command(job, "cancel", {"reason": "Client absent"}, token=token, key=key)
			self.assertEqual(cancelled.status_code, 200, cancelled.text)
		texts = self.texts(job)
		self.assertEqual(len(texts), 1)
		self.assertIn("annulé", texts[0].body)
		self.assertIn("10 h", texts[0].body)  # the time they were told, not the unsent 15 h
		self.assertEqual(self.sweep(self.quiet() + 1), {})
		self.assertEqual(len(self.texts(job)), 1, self.texts(job))
