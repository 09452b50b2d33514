"""Board data for 200 technicians x 7 days at 500 and at 5,000 jobs: SQL statements and server time.

Runs against a real site and rolls everything back:
    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/bench_board.py --site dispatch.test
Baseline measured in the same run: a straightforward per-technician loader (one jobs query per technician),
the way a first version would load the board.
"""

import argparse
import json
import random
import statistics
import time
from datetime import datetime, timedelta

from _common import insert_jobs


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--runs", type=int, default=7)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		results = run(frappe, args.runs)
	finally:
		frappe.db.rollback()
		frappe.destroy()
	print(json.dumps(results))


class Counter:
	def __init__(self, frappe):
		self.frappe = frappe

	def __enter__(self):
		self.count = 0
		self._sql = self.frappe.db.sql

		def counting(*a, **k):
			self.count += 1
			return self._sql(*a, **k)

		self.frappe.db.sql = counting
		return self

	def __exit__(self, *exc):
		self.frappe.db.sql = self._sql


def make_data(frappe, monday, techs, n_jobs, rng, start_index):
	from frappe.utils import now

	ts = now()
	rows = []
	for i in range(start_index, start_index + n_jobs):
		tech = techs[i % len(techs)]
		day = monday + timedelta(days=i % 7)
		start = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + (i // len(techs)) % 9)
		rows.append(
			(
				f"BENCH-J{i:06d}",
				ts,
				ts,
				"Administrator",
				"Administrator",
				f"Bench job {i}",
				"Scheduled",
				"medium",
				tech,
				start,
				1.0,
				start + timedelta(hours=1),
				45.4 + rng.random() * 0.3,
				-73.9 + rng.random() * 0.5,
				0,
			)
		)
	insert_jobs(frappe, rows, ("latitude", "longitude", "is_recurring"))


def run(frappe, runs):
	from gigafibre_dispatch.scheduling.board import board_data

	rng = random.Random(7)
	today = datetime.now().date()
	monday = today - timedelta(days=today.weekday()) + timedelta(weeks=4)
	techs = []
	for i in range(200):
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Technician",
				"technician_name": f"Bench tech {i}",
				"home_latitude": 45.5,
				"home_longitude": -73.6,
			}
		).insert(ignore_permissions=True)
		techs.append(doc.name)

	def timed(fn):
		fn()  # warm
		times = []
		for _ in range(runs):
			t = time.perf_counter()
			fn()
			times.append((time.perf_counter() - t) * 1000)
		with Counter(frappe) as c:
			fn()
		return statistics.median(times), c.count

	def board():
		return board_data(monday, monday + timedelta(days=6), technicians=techs)

	def baseline():
		# One query per technician for jobs and one for their tags: grows with the number of technicians.
		out = {}
		for t in techs:
			out[t] = frappe.get_all(
				"Dispatch Job",
				filters={
					"assigned_technician": t,
					"scheduled_start": ("between", (monday, monday + timedelta(days=7))),
				},
				fields=["name", "scheduled_start", "duration_h", "latitude", "longitude"],
			)
			frappe.get_all("Dispatch Technician Tag", filters={"parent": t}, fields=["tag", "level"])
		return out

	results = {}
	make_data(frappe, monday, techs, 500, rng, 0)
	results["500"] = dict(zip(("board_ms", "board_queries"), timed(board), strict=True))
	results["500"].update(zip(("baseline_ms", "baseline_queries"), timed(baseline), strict=True))
	make_data(frappe, monday, techs, 4500, rng, 500)
	results["5000"] = dict(zip(("board_ms", "board_queries"), timed(board), strict=True))
	results["5000"].update(zip(("baseline_ms", "baseline_queries"), timed(baseline), strict=True))
	segs = board()
	results["5000"]["job_segments"] = sum(
		1 for r in segs["resources"] for s in r["segments"] if s["type"] == "job"
	)
	print(f"{'jobs':>6} {'board ms':>9} {'queries':>8} {'baseline ms':>12} {'queries':>8}")
	for k, v in results.items():
		print(
			f"{k:>6} {v['board_ms']:>9.1f} {v['board_queries']:>8} {v['baseline_ms']:>12.1f} {v['baseline_queries']:>8}"
		)
	return results


if __name__ == "__main__":
	main()
