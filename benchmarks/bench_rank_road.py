"""Rank 1,000 technicians for a new job with road times from the routing provider (goal ≤ 150 ms over HTTP, one
matrix request to the provider per ranking), next to the same ranking on the offline estimate in the same run.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/bench_rank_road.py --site S \
        --base-url http://S:8000 [--password admin]

Needs the site's web server running (`bench serve`). The benchmark adds 1,000 technicians (BRR-…, committed, removed
at the end), starts a loopback stand-in answering like OSRM (gigafibre_dispatch/tests/standins.RoadStandIn), points
Dispatch Settings at it, and asks `best_technicians` over HTTP for jobs at fresh places (no leg cached: every
ranking needs its matrix). Each timed request must answer 200 with road times from OSRM, and the stand-in must have
answered exactly one matrix request per ranking; the benchmark fails otherwise.
"""

import argparse
import random
import statistics
import time

import requests

N_TECHS = 1000
PREFIX = "BRR"
GOAL_MS = 150.0
LIMIT = 10


def create(frappe, rng):
	from frappe.utils import now, now_datetime

	drop(frappe)
	ts = now()
	fix = now_datetime()
	rows = []
	for i in range(N_TECHS):
		gps = rng.random() < 0.3
		rows.append(
			(
				f"{PREFIX}-T{i:04d}",
				ts,
				ts,
				"Administrator",
				"Administrator",
				f"Road bench {i:04d}",
				1,
				"human",
				45.35 + rng.random() * 0.4,
				-73.95 + rng.random() * 0.6,
				8,
				45.35 + rng.random() * 0.4 if gps else 0,  # Float columns are NOT NULL; no fix time: no position
				-73.95 + rng.random() * 0.6 if gps else 0,
				fix if gps else None,
			)
		)
	frappe.db.bulk_insert(
		"Dispatch Technician",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"technician_name",
			"active",
			"resource_type",
			"home_latitude",
			"home_longitude",
			"daily_hour_cap",
			"gps_latitude",
			"gps_longitude",
			"gps_fix_at",
		],
		rows,
	)
	frappe.db.commit()


def drop(frappe):
	frappe.db.delete("Dispatch Technician", {"name": ("like", f"{PREFIX}-%")})
	frappe.db.commit()


def configure(frappe, provider: str, url: str | None):
	frappe.db.set_single_value("Dispatch Settings", {"routing_provider": provider, "routing_url": url})
	frappe.db.commit()
	frappe.clear_document_cache("Dispatch Settings", "Dispatch Settings")
	frappe.cache.delete_keys("dispatch:route:")


def timed(
	session, base: str, day: str, rng, runs: int, expect_source: str
) -> tuple[list[float], list[float]]:
	"""`runs` rankings for jobs at fresh places: (wall ms over HTTP, server ms from Server-Timing)."""
	wall, server = [], []
	for _ in range(runs):
		lat, lon = 45.35 + rng.random() * 0.4, -73.95 + rng.random() * 0.6
		t0 = time.perf_counter()
		r = session.get(
			f"{base}/api/method/gigafibre_dispatch.api.scheduling.best_technicians",
			params={"latitude": lat, "longitude": lon, "date": day, "limit": LIMIT},
			timeout=30,
		)
		wall.append((time.perf_counter() - t0) * 1000)
		if r.status_code != 200:
			raise SystemExit(f"a timed request failed: {r.status_code} {r.text[:300]}")
		ranked = r.json()["message"]
		if len(ranked) != LIMIT or any(t["travel_source"] != expect_source for t in ranked):
			raise SystemExit(f"expected {LIMIT} technicians with {expect_source} times: {ranked[:2]}")
		timing = r.headers.get("Server-Timing", "")
		if "dur=" in timing:
			server.append(float(timing.split("dur=")[1].split(",")[0].split(";")[0]))
	return wall, server


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--base-url", required=True)
	parser.add_argument("--password", default="admin")
	parser.add_argument("--runs", type=int, default=40)
	args = parser.parse_args()
	import frappe
	from frappe.utils import now_datetime

	from gigafibre_dispatch.tests.standins import RoadStandIn

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	rng = random.Random(7)
	saved = frappe.db.get_value(
		"Dispatch Settings", "Dispatch Settings", ["routing_provider", "routing_url"], as_dict=True
	)
	today = now_datetime().date()
	day = str(today + __import__("datetime").timedelta(days=7 - today.weekday()))  # next Monday
	session = requests.Session()
	login = session.post(
		f"{args.base_url}/api/method/login", data={"usr": "Administrator", "pwd": args.password}
	)
	login.raise_for_status()
	create(frappe, rng)
	try:
		total = frappe.db.count("Dispatch Technician", {"active": 1})
		with RoadStandIn(kmh=38) as osrm:
			configure(frappe, "Offline", None)
			timed(session, args.base_url, day, rng, 3, "estimate")  # warm-up
			base_wall, base_server = timed(session, args.base_url, day, rng, args.runs, "estimate")
			configure(frappe, "OSRM", osrm.url)
			timed(session, args.base_url, day, rng, 3, "osrm")  # warm-up
			before = len(osrm.requests)
			road_wall, road_server = timed(session, args.base_url, day, rng, args.runs, "osrm")
			calls = len(osrm.requests) - before
			if calls != args.runs:
				raise SystemExit(
					f"{calls} requests to the road service for {args.runs} rankings (expected one each)"
				)
			if not all("/table/v1/driving/" in q["path"] for q in osrm.requests[before:]):
				raise SystemExit("a ranking asked the road service something else than one matrix")
	finally:
		configure(frappe, saved.routing_provider or "Offline", saved.routing_url)
		drop(frappe)
		frappe.destroy()

	def p(values, q):
		return statistics.quantiles(values, n=20)[q] if len(values) > 1 else values[0]

	print(
		f"{total} active technicians ranked per request, top {LIMIT} with drive times, {args.runs} timed requests each"
	)
	print(f"{'':38} {'median':>8} {'p95':>8}")
	print(
		f"{'road times (OSRM stand-in), over HTTP':38} {statistics.median(road_wall):8.1f} {p(road_wall, 18):8.1f}"
	)
	print(
		f"{'  on the server (Server-Timing)':38} {statistics.median(road_server):8.1f} {p(road_server, 18):8.1f}"
	)
	print(
		f"{'baseline: estimate only, over HTTP':38} {statistics.median(base_wall):8.1f} {p(base_wall, 18):8.1f}"
	)
	print(
		f"{'  on the server (Server-Timing)':38} {statistics.median(base_server):8.1f} {p(base_server, 18):8.1f}"
	)
	print(
		f"road service requests: {calls} for {args.runs} rankings (one matrix each); every request answered 200"
	)
	verdict = "meets" if statistics.median(road_wall) <= GOAL_MS else "MISSES"
	print(f"goal ≤ {GOAL_MS:.0f} ms over HTTP (median): {verdict}")


if __name__ == "__main__":
	main()
