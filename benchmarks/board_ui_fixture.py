"""Data for the board's browser benchmark (bench_board_ui.mjs): 200 technicians, 5,000 jobs over next week (ahead
of today whatever day the benchmark runs), and a
tray of unassigned jobs. Committed (the browser must see it); `drop` removes all of it.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/board_ui_fixture.py --site S create
    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/board_ui_fixture.py --site S drop
"""

import argparse
import random
from datetime import datetime, timedelta

from _common import insert_jobs

TECHS = 200
JOBS = 5000
TRAY = 40
PREFIX = "BUI"


def create(frappe):
	from frappe.utils import now, now_datetime

	drop(frappe)
	rng = random.Random(11)
	ts = now()
	techs = [f"{PREFIX}-T{i:03d}" for i in range(TECHS)]
	frappe.db.bulk_insert(
		"Dispatch Technician",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"technician_name",
			"team",
			"active",
			"resource_type",
			"home_latitude",
			"home_longitude",
			"daily_hour_cap",
		],
		[
			(
				t,
				ts,
				ts,
				"Administrator",
				"Administrator",
				f"Bench {i:03d}",
				f"Zone {i % 8 + 1}",
				1,
				"human",
				45.5,
				-73.6,
				8,
			)
			for i, t in enumerate(techs)
		],
	)
	today = now_datetime().date()
	monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
	rows = []
	for i in range(JOBS):
		tech = techs[i % TECHS]
		day = monday + timedelta(days=(i // TECHS) % 7)
		slot = (i // (TECHS * 7)) % 4
		start = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + slot * 2)
		rows.append(
			(
				f"{PREFIX}-J{i:05d}",
				ts,
				ts,
				"Administrator",
				"Administrator",
				f"Bench job {i}",
				"Scheduled",
				"medium",
				tech,
				start,
				1.5,
				start + timedelta(hours=1.5),
				45.4 + rng.random() * 0.3,
				-73.9 + rng.random() * 0.5,
				0,
			)
		)
	for i in range(TRAY):
		rows.append(
			(
				f"{PREFIX}-U{i:03d}",
				ts,
				ts,
				"Administrator",
				"Administrator",
				f"Bench tray job {i}",
				"Triaged",
				rng.choice(("low", "medium", "high")),
				None,
				None,
				1.0,
				None,
				45.4 + rng.random() * 0.3,
				-73.9 + rng.random() * 0.5,
				0,
			)
		)
	insert_jobs(frappe, rows, ("latitude", "longitude", "is_recurring"))
	frappe.db.commit()
	print(f"{TECHS} technicians, {JOBS} jobs from {monday}, {TRAY} in the tray")


def drop(frappe):
	like = ("like", f"{PREFIX}-%")
	jobs = frappe.get_all("Dispatch Job", filters={"name": like}, pluck="name")
	for doctype in ("Dispatch Audit Event", "Dispatch State Transition", "Dispatch Idempotency Record"):
		frappe.db.delete(doctype, {"job": ("in", jobs or [""])})
	frappe.db.delete("Dispatch Job", {"name": like})
	frappe.db.delete("Dispatch Technician", {"name": like})
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("action", choices=("create", "drop"))
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		(create if args.action == "create" else drop)(frappe)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
