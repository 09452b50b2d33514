"""What a brand-new site gets: setup done by `before_tests`/`dispatch setup-site`, billing that says what to set up,
the demo in a week that is not over, and times shown at the hour they were booked."""

from datetime import date, datetime

import frappe
from babel import dates as babel_dates

from gigafibre_dispatch.demo import demo_week
from gigafibre_dispatch.lifecycle.billing import billing_setup
from gigafibre_dispatch.lifecycle.commands import CommandRefused
from gigafibre_dispatch.lifecycle.http import error_message
from gigafibre_dispatch.setup.site import TIME_ZONE, complete_setup
from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase
from gigafibre_dispatch.tests.utils import DispatchTestCase


class TestSiteSetup(DispatchTestCase):
	def test_setup_is_complete_in_toronto_with_plain_formats(self):
		settings = frappe.get_single("System Settings")
		self.assertEqual(settings.setup_complete, 1)
		self.assertEqual(settings.time_zone, TIME_ZONE)
		self.assertEqual((settings.date_format, settings.time_format), ("yyyy-mm-dd", "HH:mm"))
		# What Desk shows comes from the defaults: the same formats and zone.
		self.assertEqual(
			[frappe.db.get_default(k) for k in ("date_format", "time_format", "time_zone")],
			["yyyy-mm-dd", "HH:mm", TIME_ZONE],
		)
		self.assertTrue(frappe.db.exists("UOM", "Nos"), "ERPNext's fixtures are installed")
		self.assertEqual(frappe.db.get_value("Company", {}, "country"), "Canada")

	def test_setup_again_changes_nothing(self):
		companies = frappe.db.count("Company")
		self.assertFalse(complete_setup(company="Another"))
		self.assertEqual(frappe.db.count("Company"), companies)

	def test_last_this_and_next_year_have_a_fiscal_year(self):
		from frappe.utils import getdate, now_datetime

		from gigafibre_dispatch.setup.site import ensure_fiscal_years

		year = now_datetime().year

		def covered(y):
			return frappe.db.count(
				"Fiscal Year",
				{
					"year_start_date": ("<=", f"{y}-01-01"),
					"year_end_date": (">=", f"{y}-12-31"),
					"disabled": 0,
				},
			)

		self.assertTrue(all(covered(y) for y in (year - 1, year, year + 1)))
		# New Year's Eve in Toronto is already New Year's Day on the server: both dates must be in a year.
		for day in (f"{year}-12-31", f"{year + 1}-01-01", f"{year - 1}-12-31"):
			self.assertTrue(
				frappe.db.count(
					"Fiscal Year",
					{"year_start_date": ("<=", getdate(day)), "year_end_date": (">=", getdate(day))},
				),
				day,
			)
		# A missing year is made again; a second call makes nothing (rolled back with the test).
		frappe.db.delete("Fiscal Year", {"year_start_date": f"{year + 1}-01-01"})
		self.assertEqual(ensure_fiscal_years(), 1)
		self.assertEqual(ensure_fiscal_years(), 0)
		self.assertTrue(covered(year + 1))

	def test_scheduled_jobs_created_in_another_zone_are_not_left_waiting(self):
		from frappe.utils import add_to_date, get_datetime, now_datetime

		from gigafibre_dispatch.setup.site import restart_schedule_clock

		job = "gigafibre_dispatch.integrations.twilio.messages.retry_due"
		name = frappe.db.get_value("Scheduled Job Type", {"method": job})
		# Created "10 hours from now": what a site made in Asia/Kolkata and moved to Toronto has.
		frappe.db.set_value(
			"Scheduled Job Type", name, "last_execution", add_to_date(now_datetime(), hours=10)
		)
		self.assertGreaterEqual(restart_schedule_clock(), 1)
		after = get_datetime(frappe.db.get_value("Scheduled Job Type", name, "last_execution"))
		self.assertLessEqual(after, now_datetime())
		self.assertTrue(
			frappe.get_doc("Scheduled Job Type", name).get_next_execution()
			<= add_to_date(now_datetime(), minutes=1)
		)


class TestDemoWeek(DispatchTestCase):
	def test_working_days_fill_this_week_and_weekends_the_coming_one(self):
		# 2026-11-23 is a Monday.
		self.assertEqual(demo_week(date(2026, 11, 23)), date(2026, 11, 23))
		self.assertEqual(demo_week(date(2026, 11, 27)), date(2026, 11, 23))
		self.assertEqual(demo_week(date(2026, 11, 28)), date(2026, 11, 30))
		self.assertEqual(demo_week(date(2026, 11, 29)), date(2026, 11, 30))


class TestPortalTime(DispatchTestCase):
	def test_a_job_shows_at_the_hour_it_was_booked_whatever_the_server_zone(self):
		from gigafibre_dispatch.portal.context import when_fr

		saved = babel_dates.LOCALTZ
		try:
			# A server whose own clock is in Tokyo must still show Toronto's wall clock.
			babel_dates.LOCALTZ = babel_dates.get_timezone("Asia/Tokyo")
			self.assertIn("09:30", when_fr(datetime(2026, 11, 24, 9, 30)))
			self.assertIn("09:30", when_fr("2026-07-14 09:30:00"))
		finally:
			babel_dates.LOCALTZ = saved
		self.assertEqual(when_fr(None), "—")


class TestBillingPreconditions(DispatchTestCase):
	"""Billing on a site missing its company, labour Item or unit of measure refuses with what to set up."""

	def refused(self, job) -> tuple[str, str]:
		with self.assertRaises(CommandRefused) as ctx:
			billing_setup(job)
		error = ctx.exception.error
		self.assertEqual(error.dimension, "validation")
		frappe.local.lang = "fr"
		try:
			return error.code, error_message(error)
		finally:
			frappe.local.lang = "en"

	def setUp(self):
		super().setUp()  # everything below is rolled back after each test
		self.labour_item = LifecycleHttpCase._labour_item()
		self.job = frappe.new_doc("Dispatch Job")  # billing_setup reads the materials only

	def test_configured_site_bills(self):
		frappe.db.set_single_value("Dispatch Settings", "labour_item", self.labour_item)
		company, item = billing_setup(self.job)
		self.assertEqual(item, self.labour_item)
		self.assertTrue(frappe.db.exists("Company", company))

	def test_no_labour_item(self):
		frappe.db.set_single_value("Dispatch Settings", "labour_item", None)
		code, message = self.refused(self.job)
		self.assertEqual(code, "labour_item_not_configured")
		self.assertIn("paramètres de répartition", message)
		self.assertIn("main-d'œuvre", message)

	def test_labour_item_without_unit_of_measure(self):
		frappe.db.set_single_value("Dispatch Settings", "labour_item", self.labour_item)
		frappe.db.set_value("Item", self.labour_item, "stock_uom", None)
		code, message = self.refused(self.job)
		self.assertEqual(code, "labour_item_no_uom")
		self.assertIn(self.labour_item, message)
		self.assertIn("unité de mesure", message)

	def test_no_company(self):
		frappe.db.set_single_value("Dispatch Settings", "labour_item", self.labour_item)
		frappe.db.set_single_value("Global Defaults", "default_company", None)
		frappe.db.sql("delete from `tabDefaultValue` where defkey = 'Company'")
		frappe.db.sql("delete from `tabCompany`")
		frappe.clear_cache()
		self.addCleanup(frappe.clear_cache)  # after the rollback brings the company back
		code, message = self.refused(self.job)
		self.assertEqual(code, "no_company")
		self.assertIn("assistant de configuration", message)
