"""What install leaves on a site, and the bench CLI run for real in a subprocess."""

import os
import subprocess
import sys

import frappe
from frappe.tests.utils import FrappeTestCase

from gigafibre_dispatch.roles import APP_ROLES as ROLES


def bench(*args: str) -> subprocess.CompletedProcess:
	"""Run `bench --site <this site> ...` the way bench does: frappe's CLI from the sites folder."""
	sites = os.path.abspath(frappe.local.sites_path)
	return subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site, *args],
		cwd=sites,
		capture_output=True,
		text=True,
		timeout=600,
	)


class TestInstall(FrappeTestCase):
	def test_roles_workspace_and_settings(self):
		for role in ROLES:
			self.assertTrue(frappe.db.exists("Role", role), role)
		self.assertTrue(frappe.db.exists("Workspace", "Dispatch"))
		shortcuts = {s.link_to for s in frappe.get_doc("Workspace", "Dispatch").shortcuts}
		self.assertTrue(
			{"Dispatch Job", "Dispatch Technician", "Service Location", "Dispatch Settings"} <= shortcuts
		)
		s = frappe.get_single("Dispatch Settings")
		self.assertEqual(
			(
				s.proximity_multiplier,
				s.proximity_max_km,
				s.load_multiplier,
				s.overload_penalty,
				s.gps_freshness_bonus,
			),
			(4, 100, 30, 500, 20),
		)
		self.assertEqual((s.travel_buffer_min, s.slot_horizon_days, s.slots_per_technician), (15, 7, 2))
		self.assertEqual((s.default_shift_start, s.default_shift_end), ("08:00", "17:00"))
		self.assertEqual(s.magic_link_ttl_hours, 72)
		self.assertEqual(s.time_zone, "America/Toronto")

	def test_settings_refuse_nonsense(self):
		s = frappe.get_single("Dispatch Settings")
		s.slot_horizon_days = 0
		self.assertRaises(frappe.ValidationError, s.save)
		s.reload()
		s.default_shift_end = "07:00:00"
		self.assertRaises(frappe.ValidationError, s.save)
		s.reload()
		s.time_zone = "Mars/Olympus"
		self.assertRaises(frappe.ValidationError, s.save)


class TestCli(FrappeTestCase):
	def test_demo_is_rerunnable_and_rank_prints_breakdowns(self):
		first = bench("dispatch", "demo")
		self.assertEqual(first.returncode, 0, first.stderr)
		frappe.db.rollback()  # see what the subprocess committed
		counts = self.demo_counts()
		self.assertGreaterEqual(counts["techs"], 15)
		self.assertGreaterEqual(counts["materials"], 3)
		self.assertGreaterEqual(counts["jobs"], 60)
		self.assertEqual(counts["templates"], 1)
		self.assertTrue(frappe.db.exists("Dispatch Job Pause Period", {"parent": ("like", "DEMO-J%")}))
		self.assertTrue(frappe.db.exists("Dispatch Absence", {"technician": "DEMO-T04", "status": "Active"}))
		self.assertGreaterEqual(frappe.db.count("Service Location", {"name": ("like", "DEMO-LOC-%")}), 10)

		second = bench("dispatch", "demo")
		self.assertEqual(second.returncode, 0, second.stderr)
		frappe.db.rollback()
		self.assertEqual(self.demo_counts(), counts, "running the demo twice leaves one demo")

		job = frappe.get_all(
			"Dispatch Job",
			filters={"name": ("like", "DEMO-J%"), "is_recurring": 0, "assigned_technician": ("is", "set")},
			pluck="name",
			limit=1,
		)[0]
		out = bench("dispatch", "rank", job)
		self.assertEqual(out.returncode, 0, out.stderr)
		lines = [line for line in out.stdout.splitlines() if line.strip()]
		self.assertIn("score", lines[0])
		self.assertIn("prox", lines[0])
		self.assertGreaterEqual(len(lines), 3)
		self.assertRegex(lines[2], r"^\s*1\s+DEMO-")

		bad = bench("dispatch", "rank", "DJ-NOPE")
		self.assertNotEqual(bad.returncode, 0)

	def demo_counts(self) -> dict:
		return {
			"techs": frappe.db.count(
				"Dispatch Technician", {"name": ("like", "DEMO-%"), "resource_type": "human"}
			),
			"materials": frappe.db.count(
				"Dispatch Technician", {"name": ("like", "DEMO-%"), "resource_type": "material"}
			),
			"jobs": frappe.db.count("Dispatch Job", {"name": ("like", "DEMO-J%"), "is_recurring": 0}),
			"templates": frappe.db.count("Dispatch Job", {"name": ("like", "DEMO-J%"), "is_recurring": 1}),
		}
