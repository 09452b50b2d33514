"""Auto-distribute on seeded Montréal-area instances: the optimizer as the site runs it (default solver, greedy
floor, Dispatch Settings' default time limit and travel buffer), the seed's greedy loop, and the reference: OR-Tools
and VROOM each alone with long limits (60 s for one day, 300 s for several), saved in optimize_reference.json.

python benchmarks/bench_optimize.py [--quick] [--instances small,medium,overcap,large,week,fortnight]
python benchmarks/bench_optimize.py --reference [--instances ...]   # the long reference runs (about 40 min)
python benchmarks/bench_optimize.py --table                          # the saved reference table

Every run happens in its own subprocess (peak RSS is that process's). Every proposal is judged by
independent_checker.py, written from the rules and not from the optimizer (it imports nothing of engine/optimize/
nor the engine's availability rules): its own windows, absences, travel inside working time, overlap, cap,
dependency, pinned-job and material-resource arithmetic; this file's own travel estimate. "placed_valid" counts
the placed jobs no violation names. Placement is compared first, then travel.
Goals: 0 violations; placed ≥ the best reference; at equal placement travel ≤ 1.03 × the reference's; ≥ 25 % less
travel per placed job than greedy; 50 × 4,000 × 14 days ≤ 60 s and ≤ 2 GB with the default limit.
"""

import argparse
import copy
import json
import math
import os
import random
import re
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
# name: (techs, jobs, days, options). Every instance holds material resources, lunch breaks, partial and
# whole-day absences, assistants, dependencies, pinned and started jobs; multi-day ones a holiday.
INSTANCES = {
	"small": (20, 150, 1, {}),
	"medium": (50, 400, 1, {}),
	"overcap": (25, 170, 1, {"deps": 0.15}),  # about 60 % placeable, dependency-heavy
	"large": (200, 1000, 1, {}),
	"week": (50, 1000, 5, {}),
	"fortnight": (50, 4000, 14, {}),
	"crowd": (100, 1500, 1, {}),  # one day, about twice over capacity, a hundred technicians
}
DEFAULT_LIMIT_S = 30.0  # Dispatch Settings' optimizer_time_limit_s default: the app runs with it
QUICK_LIMIT_S = 2.0
# The reference: each solver library alone (no greedy floor) with a long limit.
REFERENCE_LIMIT_S = {1: 60.0}  # days -> seconds; longer ranges get MULTI_DAY_REFERENCE_S
MULTI_DAY_REFERENCE_S = 300.0
REFERENCE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimize_reference.json")
TRAVEL_BUFFER_MIN = 15  # Dispatch Settings' travel_buffer_min default
SPEED_KMH, DETOUR = 40.0, 1.3
STARTED = {"In Progress", "Change Requested", "Completed", "Verified", "Invoiced"}


# Instances.
def _point(rng):
	return 45.40 + rng.random() * 0.30, -73.90 + rng.random() * 0.50


def make_instance(
	n_techs: int, n_jobs: int, n_days: int, seed: int = 7, deps: float = 0.04, lunch: float = 0.5
):
	rng = random.Random(seed * 1_000_003 + n_techs * 1009 + n_jobs * 7 + n_days)
	days = [FIRST_DAY + timedelta(days=i) for i in range(n_days)]
	holidays = frozenset({FIRST_DAY + timedelta(days=3)}) if n_days >= 5 else frozenset()
	techs = []
	for i in range(n_techs):
		lat, lon = _point(rng)
		tags = {t: rng.randint(1, 5) for t in rng.sample(TAGS, rng.randint(1, 3))}
		start_h = rng.choice((7, 8, 8, 8, 9))
		if rng.random() < lunch:  # a lunch break: 30 or 60 minutes from noon
			back = rng.choice((dtime(12, 30), dtime(13)))
			week = {d: [(dtime(start_h), dtime(12)), (back, dtime(start_h + 9))] for d in range(5)}
		else:
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
		elif r < 0.08 + deps and i > 10:
			job.depends_on = f"J{rng.randrange(0, i):05d}"
		elif r < 0.09 + deps:
			job.assistants = [Assist(rng.choice(humans).id, 0.0)]
		elif r < 0.11 + deps:
			job.assistants = [Assist(rng.choice(materials), 0.0)]
		elif r < 0.115 + deps:
			job.continuous, job.duration_h, job.tags = True, 12.0, []
		jobs.append(job)
	return techs, jobs, days, holidays


def request(techs, jobs, days, holidays, seconds, greedy_floor=True):
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
		min_gap_min=TRAVEL_BUFFER_MIN,
		greedy_floor=greedy_floor,
	)


def instance(name: str):
	n_t, n_j, n_d, opts = INSTANCES[name]
	return make_instance(n_t, n_j, n_d, **opts)


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
	for r in proposal.released:  # back to the tray
		j = by_id[r.job]
		assert not j.pinned and j.status not in STARTED, f"{r.job} is pinned or started"
		j.tech_id, j.start = None, None
	return after


# One run in its own process.
def worker(name: str, planner: str, seconds: float) -> dict:
	"""planner: "app" (the optimizer as the site runs it: default solver, greedy floor), "greedy" (the seed's
	loop), or a solver library alone ("vroom", "ortools": day by day, no greedy floor)."""
	from gigafibre_dispatch.engine.optimize import OrToolsSolver, VroomSolver, greedy, optimize

	techs, jobs, days, holidays = instance(name)
	req = request(techs, jobs, days, holidays, seconds, greedy_floor=planner == "app")
	t = time.perf_counter()
	if planner == "greedy":
		proposal = greedy(req)
	elif planner == "app":
		proposal = optimize(req)
	else:  # the reference: the library at its most thorough (VROOM's top exploration level)
		proposal = optimize(
			req,
			VroomSolver(exploration_level=5, wide_level=5) if planner == "vroom" else OrToolsSolver(),
			zone_size=None,  # the whole problem at once: no decomposition of the app's
		)
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
	# Placed jobs that break no rule: what a dispatcher could actually book.
	bad = {m for v in violations for m in re.findall(r"\bJ\d{5}\b", v)}
	placed_ids = set(proposal.assignments)
	return {
		"planner": planner,
		"solver": proposal.solver,
		"placed": proposal.kpis_after.placed,
		"placed_valid": len(placed_ids - bad),
		"movable": len(proposal.assignments) + len(proposal.unplaced),
		"travel_min": travel_of(techs, after, moved),
		"kpi_travel_min": proposal.kpis_after.travel_min,
		"travel_km": proposal.kpis_after.travel_km,
		"overtime_min": proposal.kpis_after.overtime_min,
		"lateness_h": proposal.kpis_after.lateness_h,
		"unplaced": len(proposal.unplaced),
		"violations": len(violations),
		"violation_counts": independent_checker.summarize(violations),
		"violation_samples": violations[:5],
		"time_limit_s": seconds,
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


def reference_limit(name: str) -> float:
	return REFERENCE_LIMIT_S.get(INSTANCES[name][2], MULTI_DAY_REFERENCE_S)


def load_references() -> dict:
	if not os.path.exists(REFERENCE_FILE):
		return {}
	with open(REFERENCE_FILE) as f:
		return json.load(f)


def save_reference(name: str, solver: str, res: dict) -> None:
	refs = load_references()
	refs.setdefault(name, {})[solver] = {
		**res,
		"instance": INSTANCES[name][:3],
		"recorded": str(date.today()),
	}
	with open(REFERENCE_FILE, "w") as f:
		json.dump(refs, f, indent=1, sort_keys=True)
		f.write("\n")


def best_reference(refs: dict) -> dict | None:
	"""Placement first (rule-keeping placements only), then travel."""
	runs = [r for r in refs.values() if r]
	if not runs:
		return None
	return max(runs, key=lambda r: (r["placed_valid"], -r["travel_min"]))


def bench(name: str, seconds: float, references: dict) -> dict:
	n_t, n_j, n_d, _ = INSTANCES[name]
	app = run(name, "app", seconds)
	grd = run(name, "greedy", seconds)
	ref = best_reference(references.get(name, {}))
	out = {
		"instance": name,
		"techs": n_t,
		"jobs": n_j,
		"days": n_d,
		"movable": app["movable"],
		"solver": app["solver"],
		"time_limit_s": seconds,
		"violations": app["violations"],
		"placed": app["placed"],
		"placed_valid": app["placed_valid"],
		"travel_min": app["travel_min"],
		"travel_per_job": round(app["travel_min"] / max(1, app["placed"]), 2),
		"greedy_placed": grd["placed"],
		"greedy_violations": grd["violations"],
		"greedy_travel_min": grd["travel_min"],
		"greedy_travel_per_job": round(grd["travel_min"] / max(1, grd["placed"]), 2),
		"per_job_saving_vs_greedy": round(
			1
			- (app["travel_min"] / max(1, app["placed"]))
			/ max(1e-9, grd["travel_min"] / max(1, grd["placed"])),
			3,
		),
		"travel_km": app["travel_km"],
		"overtime_min": app["overtime_min"],
		"lateness_h": app["lateness_h"],
		"seconds": app["seconds"],
		"peak_rss_mb": app["peak_rss_mb"],
		"violation_samples": app["violation_samples"],
	}
	if ref is not None:
		out.update(
			{
				"reference_solver": ref["planner"],
				"reference_limit_s": ref["time_limit_s"],
				"reference_placed_valid": ref["placed_valid"],
				"reference_travel_min": ref["travel_min"],
				"reference_violations": ref["violations"],
				"placed_vs_reference": app["placed_valid"] - ref["placed_valid"],
				"travel_ratio_vs_reference": round(app["travel_min"] / max(1, ref["travel_min"]), 3),
			}
		)
	return out


def reference_table(refs: dict) -> str:
	lines = [
		"| instance | solver | limit s | placed (rule-keeping) | travel min | seconds | violations | peak MB |",
		"|---|---|---|---|---|---|---|---|",
	]
	for name in INSTANCES:
		for solver, r in sorted(refs.get(name, {}).items()):
			lines.append(
				f"| {name} | {solver} | {r['time_limit_s']:g} | {r['placed']} ({r['placed_valid']}) | "
				f"{r['travel_min']} | {r['seconds']} | {r['violations']} | {r['peak_rss_mb']} |"
			)
	return "\n".join(lines)


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument(
		"--quick", action="store_true", help=f"the app at {QUICK_LIMIT_S:g} s instead of the default"
	)
	ap.add_argument(
		"--instances", default=",".join(INSTANCES), help="comma-separated: " + ",".join(INSTANCES)
	)
	ap.add_argument(
		"--reference",
		action="store_true",
		help="run OR-Tools and VROOM alone with long limits (60 s a day, 300 s multi-day) and save them",
	)
	ap.add_argument("--table", action="store_true", help="print the saved reference table")
	ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
	args = ap.parse_args()
	if args.worker:
		print(json.dumps(worker(args.worker[0], args.worker[1], float(args.worker[2]))))
		return
	names = args.instances.split(",")
	if args.table:
		print(reference_table(load_references()))
		return
	if args.reference:
		for name in names:
			for solver in ("ortools", "vroom"):
				res = run(name, solver, reference_limit(name))
				save_reference(name, solver, res)
				print(json.dumps({"instance": name, **res}), flush=True)
		print(reference_table(load_references()))
		return
	refs = load_references()
	seconds = QUICK_LIMIT_S if args.quick else DEFAULT_LIMIT_S
	results = []
	for name in names:
		res = bench(name, seconds, refs)
		results.append(res)
		print(json.dumps(res), flush=True)
	print(json.dumps({"benchmark": "optimize", "quick": args.quick, "instances": results}))


if __name__ == "__main__":
	main()
