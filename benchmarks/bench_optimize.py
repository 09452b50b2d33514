"""Auto-distribute on seeded Montréal-area instances: the optimizer, the seed's greedy loop and the other solver
library given 5× the time, each checked by an independent constraint checker.

python benchmarks/bench_optimize.py [--quick] [--instances small,medium,large,fortnight]

Every run happens in its own subprocess (peak RSS is that process's). Every proposal is judged by
independent_checker.py, written from the rules and not from the optimizer (it imports nothing of engine/optimize/
nor the engine's availability rules): its own windows, absences, travel inside working time, overlap, cap,
dependency, pinned-job and material-resource arithmetic; this file's own travel estimate.
Goals: 0 violations, travel ≤ 1.03 × reference at equal or higher placement, ≥ 25 % less travel than greedy,
50 × 400 ≤ 10 s, 50 × 4,000 × 14 days ≤ 60 s and ≤ 2 GB.
"""

import argparse
import copy
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime

import independent_checker
from _common import print_table  # noqa: F401  (sets sys.path)

from gigafibre_dispatch.engine.availability import Absence, ExtraShift
from gigafibre_dispatch.engine.models import Assist, JobInfo, TagReq, TechInfo

TAGS = ["Fibre", "Épissure", "Installation", "Réparation", "Réseau", "OTDR"]
FIRST_DAY = date(2026, 11, 23)  # a Monday
# name: (techs, jobs, days, optimizer seconds)
INSTANCES = {
	"small": (20, 150, 1, 4.0),
	"medium": (50, 400, 1, 8.0),
	"large": (200, 1000, 1, 20.0),
	"fortnight": (50, 4000, 14, 45.0),
}
QUICK = {
	"small": (20, 150, 1, 1.0),
	"medium": (50, 400, 1, 2.0),
	"large": (200, 1000, 1, 4.0),
	"fortnight": (50, 4000, 14, 20.0),
}
REFERENCE_FACTOR = 5
SPEED_KMH, DETOUR = 40.0, 1.3
STARTED = {"In Progress", "Change Requested", "Completed", "Verified", "Invoiced"}


# Instances.
def _point(rng):
	return 45.40 + rng.random() * 0.30, -73.90 + rng.random() * 0.50


def make_instance(n_techs: int, n_jobs: int, n_days: int, seed: int = 7):
	rng = random.Random(seed * 1_000_003 + n_techs * 1009 + n_jobs * 7 + n_days)
	days = [FIRST_DAY + timedelta(days=i) for i in range(n_days)]
	holidays = frozenset({FIRST_DAY + timedelta(days=3)}) if n_days > 7 else frozenset()
	techs = []
	for i in range(n_techs):
		lat, lon = _point(rng)
		tags = {t: rng.randint(1, 5) for t in rng.sample(TAGS, rng.randint(1, 3))}
		start_h = rng.choice((7, 8, 8, 8, 9))
		week = {d: [(dtime(start_h), dtime(start_h + 9))] for d in range(5)}
		if rng.random() < 0.15:
			week[5] = [(dtime(8), dtime(12))]
		extra = []
		if rng.random() < 0.1:
			extra.append(ExtraShift(rng.choice(days), dtime(17, 30), dtime(20)))
		absence = None
		r = rng.random()
		if r < 0.05:
			d = rng.choice(days)
			absence = Absence(d, d + timedelta(days=rng.randint(0, 2)), reason="Vacances")
		elif r < 0.12:
			absence = Absence(rng.choice(days), None, dtime(12), dtime(14), reason="Rendez-vous")
		elif r < 0.15:
			absence = Absence(rng.choice(days), None, dtime(13), None, reason="Malade")
		techs.append(
			TechInfo(
				f"T{i:03d}",
				f"Tech {i}",
				lat=lat,
				lon=lon,
				tags=tags,
				week=week,
				extra_shifts=extra,
				absence=absence,
				daily_hour_cap=rng.choice((7.0, 8.0, 8.0, 8.0)),
			)
		)
	# Material resources (bucket trucks, splicing trailers) carrying the jobs' tags at the top level: a job may
	# name one as its assistant; none may ever do a job itself.
	for k in range(max(2, n_techs // 25)):
		lat, lon = _point(rng)
		techs.append(
			TechInfo(
				f"M{k:03d}",
				f"Material {k}",
				lat=lat,
				lon=lon,
				tags={t: 5 for t in TAGS},
				week={d: [(dtime(7), dtime(19))] for d in range(5)},
				resource_type="material",
			)
		)
	materials = [t.id for t in techs if t.resource_type == "material"]
	humans = [t for t in techs if t.resource_type != "material"]
	jobs = []
	busy: set[tuple[str, date]] = set()
	for i in range(n_jobs):
		lat, lon = _point(rng)
		tags = []
		if rng.random() < 0.6:
			tags.append(TagReq(rng.choice(TAGS), rng.randint(1, 3)))
		if rng.random() < 0.2:
			tags.append(TagReq(rng.choice(TAGS), 1, required=False))
		job = JobInfo(
			f"J{i:05d}",
			duration_h=rng.choice((0.5, 0.75, 1.0, 1.0, 1.5, 2.0)),
			lat=lat,
			lon=lon,
			tags=tags,
			status=rng.choice(("New", "Triaged")),
			priority=rng.choice(("low", "medium", "medium", "high", "urgent")),
			requested_date=rng.choice(days),
		)
		r = rng.random()
		if r < 0.08:  # booked by hand: pinned, started, or plain scheduled (fixed unless re-optimizing)
			t = rng.choice(humans)
			d = rng.choice(days)
			if d.weekday() < 5 and (t.id, d) not in busy and d not in holidays:
				busy.add((t.id, d))
				h0 = t.week[0][0][0].hour
				job.tech_id = t.id
				job.start = datetime.combine(d, dtime(h0 + rng.choice((2, 5)), 0))
				job.duration_h = 1.0
				job.status, job.pinned = rng.choice(
					(("Scheduled", True), ("Dispatched", True), ("In Progress", False), ("Scheduled", False))
				)
				job.tags = []
		elif r < 0.12 and i > 10:
			job.depends_on = f"J{rng.randrange(0, i):05d}"
		elif r < 0.13:
			job.assistants = [Assist(rng.choice(techs).id, 0.0)]
		elif r < 0.15:
			job.assistants = [Assist(rng.choice(materials), 0.0)]
		elif r < 0.135:
			job.continuous, job.duration_h, job.tags = True, 12.0, []
		jobs.append(job)
	return techs, jobs, days, holidays


def request(techs, jobs, days, holidays, seconds):
	from gigafibre_dispatch.engine.optimize import OptimizeRequest

	return OptimizeRequest(
		techs,
		jobs,
		days[0],
		days[-1],
		holidays=holidays,
		now=datetime.combine(days[0], dtime(6)),
		time_limit_s=seconds,
		seed=1,
	)


# The independent checker.
def _km(a, b):
	p1, p2 = math.radians(a[0]), math.radians(b[0])
	h = (
		math.sin((p2 - p1) / 2) ** 2
		+ math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
	)
	return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _minutes(a, b):
	km = _km(a, b)
	return 0 if km <= 0 else math.ceil(km * DETOUR / SPEED_KMH * 60)


def travel_of(techs, jobs_after, movable_ids):
	"""Minutes and km driven by every technician-day (home, jobs in order, home); own arithmetic."""
	tech = {t.id: t for t in techs}
	rows = {}
	for j in jobs_after:
		if j.start is None or j.tech_id is None or j.lat is None or j.status == "Cancelled":
			continue
		rows.setdefault((j.tech_id, j.start.date()), []).append((j.start, (j.lat, j.lon)))
		for a in j.assistants:
			rows.setdefault((a.tech_id, j.start.date()), []).append((j.start, (j.lat, j.lon)))
	minutes = 0
	for (tid, _), items in rows.items():
		items.sort()
		home = (tech[tid].lat, tech[tid].lon)
		stops = [home, *(p for _, p in items), home]
		minutes += sum(_minutes(a, b) for a, b in zip(stops, stops[1:], strict=False))
	return minutes


def apply(jobs, proposal):
	after = copy.deepcopy(jobs)
	by_id = {j.id: j for j in after}
	for m in proposal.moves:
		j = by_id[m.job]
		j.tech_id, j.start = m.to_tech, m.to_start
	for u in proposal.unplaced:
		j = by_id[u.job]
		if j.start is not None and not j.pinned and j.status not in STARTED:
			j.tech_id, j.start = None, None
	return after


# One run in its own process.
def worker(name: str, planner: str, seconds: float) -> dict:
	from gigafibre_dispatch.engine.optimize import greedy, optimize

	n_t, n_j, n_d, _ = INSTANCES[name]
	techs, jobs, days, holidays = make_instance(n_t, n_j, n_d)
	req = request(techs, jobs, days, holidays, seconds)
	t = time.perf_counter()
	proposal = greedy(req) if planner == "greedy" else optimize(req, planner)
	secs = time.perf_counter() - t
	after = apply(jobs, proposal)
	moved = {m.job for m in proposal.moves}
	violations = independent_checker.check(
		techs,
		jobs,
		after,
		now=req.now,
		date_from=days[0],
		date_to=days[-1],
		travel_minutes=_minutes,
		holidays=holidays,
		travel_buffer_min=req.min_gap_min,
		moved=moved,
	)
	fixed_same = all(
		(a.tech_id, a.start) == (b.tech_id, b.start)
		for a, b in zip(jobs, after, strict=True)
		if a.pinned or a.status in STARTED
	)
	assert fixed_same, "a pinned or started job moved"
	return {
		"placed": proposal.kpis_after.placed,
		"travel_min": travel_of(techs, after, moved),
		"kpi_travel_min": proposal.kpis_after.travel_min,
		"travel_km": proposal.kpis_after.travel_km,
		"overtime_min": proposal.kpis_after.overtime_min,
		"lateness_h": proposal.kpis_after.lateness_h,
		"unplaced": len(proposal.unplaced),
		"violations": len(violations),
		"violation_samples": violations[:5],
		"seconds": round(secs, 2),
		"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
	}


def run(name: str, planner: str, seconds: float) -> dict:
	out = subprocess.run(
		[sys.executable, os.path.abspath(__file__), "--worker", name, planner, str(seconds)],
		capture_output=True,
		text=True,
		check=False,
	)
	if out.returncode:
		raise RuntimeError(f"{name}/{planner} failed:\n{out.stderr[-3000:]}")
	return json.loads(out.stdout.strip().splitlines()[-1])


def bench(name: str, seconds: float, chosen: str, reference: str) -> dict:
	n_t, n_j, n_d, _ = INSTANCES[name]
	opt = run(name, chosen, seconds)
	grd = run(name, "greedy", seconds)
	ref = run(name, reference, seconds * REFERENCE_FACTOR)
	return {
		"instance": name,
		"techs": n_t,
		"jobs": n_j,
		"days": n_d,
		"solver": chosen,
		"reference_solver": reference,
		"time_limit_s": seconds,
		"violations": opt["violations"],
		"placed": opt["placed"],
		"greedy_placed": grd["placed"],
		"reference_placed": ref["placed"],
		"travel_min": opt["travel_min"],
		"greedy_travel_min": grd["travel_min"],
		"reference_travel_min": ref["travel_min"],
		"travel_ratio_vs_reference": round(opt["travel_min"] / max(1, ref["travel_min"]), 3),
		"improvement_vs_greedy": round(1 - opt["travel_min"] / max(1, grd["travel_min"]), 3),
		"travel_per_job": round(opt["travel_min"] / max(1, opt["placed"]), 2),
		"greedy_travel_per_job": round(grd["travel_min"] / max(1, grd["placed"]), 2),
		"reference_travel_per_job": round(ref["travel_min"] / max(1, ref["placed"]), 2),
		"travel_km": opt["travel_km"],
		"overtime_min": opt["overtime_min"],
		"lateness_h": opt["lateness_h"],
		"seconds": opt["seconds"],
		"peak_rss_mb": opt["peak_rss_mb"],
		"greedy_violations": grd["violations"],
		"reference_violations": ref["violations"],
		"greedy_seconds": grd["seconds"],
		"reference_seconds": ref["seconds"],
		"reference_peak_rss_mb": ref["peak_rss_mb"],
		"violation_samples": opt["violation_samples"],
	}


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("--quick", action="store_true", help="shorter time limits")
	ap.add_argument(
		"--instances", default=",".join(INSTANCES), help="comma-separated: " + ",".join(INSTANCES)
	)
	ap.add_argument("--solver", default=None, help="optimizer solver (default: the engine's default)")
	ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
	args = ap.parse_args()
	if args.worker:
		print(json.dumps(worker(args.worker[0], args.worker[1], float(args.worker[2]))))
		return
	from gigafibre_dispatch.engine.optimize import DEFAULT_SOLVER

	chosen = args.solver or DEFAULT_SOLVER
	reference = "ortools" if chosen == "vroom" else "vroom"
	limits = QUICK if args.quick else INSTANCES
	results = []
	for name in args.instances.split(","):
		res = bench(name, limits[name][3], chosen, reference)
		results.append(res)
		print(json.dumps(res), flush=True)
	print(json.dumps({"benchmark": "optimize", "quick": args.quick, "instances": results}))


if __name__ == "__main__":
	main()
