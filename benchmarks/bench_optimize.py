"""Auto-distribute on seeded Montréal-area instances: the optimizer, the seed's greedy loop and the other solver
library given 5× the time, each checked by an independent constraint checker.

python benchmarks/bench_optimize.py [--quick] [--instances small,medium,large,fortnight]

Every run happens in its own subprocess (peak RSS is that process's). The checker below is written from the
rules, not from the optimizer: its own windows, its own travel estimate, its own overlap and cap arithmetic.
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
DONE = {"Completed", "Verified", "Invoiced", "Closed"}


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


def _windows(tech, d, holidays):
	"""The technician's working windows on day d, from the raw schedule."""
	ws = []
	if d not in holidays:
		ws += [(datetime.combine(d, a), datetime.combine(d, b)) for a, b in tech.week.get(d.weekday(), [])]
	ws += [
		(datetime.combine(d, x.start), datetime.combine(d, x.end))
		for x in tech.extra_shifts
		if x.on_date == d
	]
	ab = tech.absence
	if ab and ab.from_date <= d <= (ab.until_date or ab.from_date):
		if ab.start_time and ab.end_time:
			cut = (datetime.combine(d, ab.start_time), datetime.combine(d, ab.end_time))
		elif ab.start_time:
			cut = (
				datetime.combine(d, ab.start_time) if d == ab.from_date else datetime.combine(d, dtime()),
				datetime.combine(d + timedelta(days=1), dtime()),
			)
		else:
			cut = (datetime.combine(d, dtime()), datetime.combine(d + timedelta(days=1), dtime()))
		out = []
		for a, b in ws:
			if b <= cut[0] or a >= cut[1]:
				out.append((a, b))
				continue
			if a < cut[0]:
				out.append((a, cut[0]))
			if b > cut[1]:
				out.append((cut[1], b))
		ws = out
	merged = []
	for a, b in sorted(ws):
		if merged and a <= merged[-1][1]:
			merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
		else:
			merged.append((a, b))
	return merged


def _absent(tech, a, b):
	ab = tech.absence
	if not ab:
		return False
	d = a.date()
	while d <= b.date():
		if ab.from_date <= d <= (ab.until_date or ab.from_date):
			st = (
				datetime.combine(d, ab.start_time)
				if ab.start_time and (ab.end_time or d == ab.from_date)
				else datetime.combine(d, dtime())
			)
			en = (
				datetime.combine(d, ab.end_time)
				if ab.end_time
				else datetime.combine(d + timedelta(days=1), dtime())
			)
			if a < en and st < b:
				return True
		d += timedelta(days=1)
	return False


def check(techs, jobs_before, jobs_after, days, holidays, now, moved_ids):
	"""Violations of the rules, as a list of strings; only rows involving a job the proposal placed count
	(hand-placed conflicts are the dispatcher's)."""
	v = []
	tech = {t.id: t for t in techs}
	after = {j.id: j for j in jobs_after}
	for j in jobs_before:  # pinned and started jobs are identical
		if j.pinned or j.status in STARTED:
			a = after[j.id]
			if (a.tech_id, a.start, a.duration_h, a.status) != (j.tech_id, j.start, j.duration_h, j.status):
				v.append(f"{j.id}: fixed job changed")
			if j.id in moved_ids:
				v.append(f"{j.id}: fixed job in the proposal")
	rows = {}  # (tech, day) -> [(start, end, place, job, counts_cap, continuous)]
	for j in jobs_after:
		if j.start is None or j.tech_id is None or j.status == "Cancelled":
			continue
		end = j.start + timedelta(hours=j.duration_h)
		span = (
			[j.start.date()]
			if not j.continuous
			else [
				j.start.date() + timedelta(days=k)
				for k in range(
					(end - timedelta(microseconds=1)).date().toordinal() - j.start.date().toordinal() + 1
				)
			]
		)
		for d in span:
			rows.setdefault((j.tech_id, d), []).append(
				(j.start, end, (j.lat, j.lon), j.id, not j.continuous, j.continuous)
			)
		for a in j.assistants:
			a_end = j.start + timedelta(hours=a.duration_h or j.duration_h)
			rows.setdefault((a.tech_id, j.start.date()), []).append(
				(j.start, a_end, (j.lat, j.lon), j.id, True, False)
			)
	for jid in moved_ids:
		j = after[jid]
		t = tech.get(j.tech_id)
		if t is None or not t.active:
			v.append(f"{jid}: unknown or inactive technician")
			continue
		if t.resource_type == "material":
			v.append(f"{jid}: done by the material resource {t.id} alone")
		for r in j.tags:
			if r.required and t.tags.get(r.tag, 0) < r.level:
				v.append(f"{jid}: {t.id} below the required level of {r.tag}")
		if j.lat is None:
			v.append(f"{jid}: placed without coordinates")
		if j.start < now or j.start.date() < days[0] or j.start.date() > days[-1]:
			v.append(f"{jid}: outside the range or before now")
		if j.depends_on and j.depends_on in after:
			p = after[j.depends_on]
			if p.status not in DONE and (
				p.start is None or p.start + timedelta(hours=p.duration_h) > j.start
			):
				v.append(f"{jid}: starts before its predecessor {p.id} ends")
		for a in j.assistants:
			if a.tech_id not in tech:
				v.append(f"{jid}: assistant {a.tech_id} unknown")
		if j.continuous:
			if not any(a <= j.start < b for a, b in _windows(t, j.start.date(), holidays)):
				v.append(f"{jid}: continuous job does not start in a working window")
			if _absent(t, j.start, j.start + timedelta(hours=j.duration_h)):
				v.append(f"{jid}: continuous job over an absence")
	for other in jobs_after:  # a successor that stayed put must still follow its moved predecessor
		if other.depends_on in moved_ids and other.start is not None and other.id not in moved_ids:
			p = after[other.depends_on]
			if p.start + timedelta(hours=p.duration_h) > other.start:
				v.append(f"{other.id}: its predecessor {p.id} now ends after it starts")
	for (tid, d), items in rows.items():
		if not any(x[3] in moved_ids for x in items):
			continue
		t = tech.get(tid)
		if t is None:
			continue
		items.sort()
		ws = _windows(t, d, holidays)
		home = (t.lat, t.lon)
		for s, e, _, jid, _, cont in items:
			if jid in moved_ids and not cont and not any(a <= s and e <= b for a, b in ws):
				v.append(f"{jid}: outside {tid}'s working windows on {d}")
		for (_, e1, p1, j1, _, _), (s2, _, p2, j2, _, _) in zip(items, items[1:], strict=False):
			if (j1 in moved_ids or j2 in moved_ids) and e1 + timedelta(minutes=_minutes(p1, p2)) > s2:
				v.append(f"{tid} {d}: {j1} then {j2} overlap or leave too little travel")
		first, last = items[0], items[-1]
		if ws and first[3] in moved_ids and not first[5]:
			if first[0] < ws[0][0] + timedelta(minutes=_minutes(home, first[2])):
				v.append(f"{tid} {d}: {first[3]} starts before the drive from home fits in the shift")
		if ws and last[3] in moved_ids and not last[5]:
			if last[1] + timedelta(minutes=_minutes(last[2], home)) > ws[-1][1]:
				v.append(f"{tid} {d}: {last[3]} ends too late to drive home within the shift")
		hours = sum((e - s).total_seconds() / 3600 for s, e, _, _, counts, _ in items if counts)
		if hours > t.daily_hour_cap + 1e-9:
			v.append(f"{tid} {d}: {hours:.2f} h booked over the {t.daily_hour_cap} h cap")
	return v


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
	violations = check(techs, jobs, after, days, holidays, req.now, moved)
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
