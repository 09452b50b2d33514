"""Suggest slots for 200 technicians × 7 days with 2,000 existing jobs (goal ≤ 150 ms), next to a baseline.

python benchmarks/bench_slots.py

The baseline is the obvious version of the same rule: for every technician and every day, step through each
15-minute start and test it against the shifts, the absence and every job of that technician. Both must
return the same slots.
"""

import json
import random
from datetime import date, datetime, time, timedelta

from _common import median_ms, print_table

from gigafibre_dispatch.engine.availability import Absence, ExtraShift, absence_intervals, shift_windows
from gigafibre_dispatch.engine.models import Assist, JobInfo, TechInfo
from gigafibre_dispatch.engine.slots import Slot, suggest_slots

MON = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 7, 0)
GOAL_MS = 150.0
N_TECHS, N_JOBS, DAYS = 200, 2000, 7


def make(seed: int = 7):
	"""200 technicians (some absent all day or part of a day, some with a Saturday shift) and 2,000 jobs."""
	rng = random.Random(seed)
	techs = []
	for i in range(N_TECHS):
		absence = None
		r = rng.random()
		d = MON + timedelta(days=rng.randint(0, 4))
		if r < 0.08:
			absence = Absence(d, d + timedelta(days=rng.randint(0, 1)), reason="Malade")
		elif r < 0.15:
			h = rng.randint(8, 14)
			absence = Absence(d, None, time(h), time(h + 2), "Dentiste")
		extra = [ExtraShift(MON + timedelta(days=5), time(9), time(15))] if rng.random() < 0.1 else []
		techs.append(TechInfo(f"T{i:03d}", absence=absence, extra_shifts=extra))
	jobs = []
	for k in range(N_JOBS):
		d = MON + timedelta(days=rng.randint(0, 4))
		start = datetime.combine(d, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))
		assists = [Assist(f"T{rng.randint(0, N_TECHS - 1):03d}", 1.0)] if rng.random() < 0.1 else []
		jobs.append(
			JobInfo(
				f"J{k}",
				start=start,
				duration_h=rng.choice((0.5, 1, 1.5, 2)),
				tech_id=f"T{rng.randint(0, N_TECHS - 1):03d}",
				assistants=assists,
				status="Cancelled" if rng.random() < 0.03 else "Scheduled",
			)
		)
	return techs, jobs


def baseline(techs, jobs, duration_h, now, per_tech=2, limit=10, buffer_min=15, step_min=15):
	"""The obvious version, written plainly."""
	length = timedelta(hours=duration_h)
	buffer = timedelta(minutes=buffer_min)
	step = timedelta(minutes=step_min)
	found = []
	for tech in techs:
		if not tech.active:
			continue
		busy = []
		for j in jobs:
			if j.start is None or j.status == "Cancelled":
				continue
			if j.tech_id == tech.id:
				busy.append((j.start - buffer, j.end + buffer))
			for a in j.assistants:
				if a.tech_id == tech.id:
					hours = a.duration_h or j.duration_h
					busy.append((j.start - buffer, j.start + timedelta(hours=hours) + buffer))
		absent = absence_intervals(tech.absence, MON, MON + timedelta(days=DAYS - 1))
		count = 0
		for day in range(DAYS):
			d = MON + timedelta(days=day)
			shifts = shift_windows(tech.week, tech.extra_shifts, d, d)
			s = datetime.combine(d, time.min)
			while s.date() == d and count < per_tech:
				e = s + length
				if (
					s >= now
					and any(ws <= s and e <= we for ws, we in shifts)
					and all(e <= a0 or s >= a1 for a0, a1 in absent)
					and all(e <= b0 or s >= b1 for b0, b1 in busy)
				):
					found.append(Slot(tech.id, s, e))
					count += 1
					break  # one slot per day
				s += step
	found.sort(key=lambda slot: (slot.start, -slot.score, slot.tech_id))
	return found[:limit]


def main():
	techs, jobs = make()
	scenarios = [
		("200 techs x 7 days, 2,000 jobs, 1.5 h, limit 10", 1.5, 10),
		("same, every slot (limit 400)", 1.5, 400),
		("same, 4 h jobs (fewer gaps fit)", 4.0, 10),
	]
	rows, out = [], {"techs": len(techs), "jobs": len(jobs), "days": DAYS, "scenarios": []}
	for name, hours, limit in scenarios:

		def fast(hours=hours, limit=limit):
			return suggest_slots(techs, jobs, hours, NOW, start_date=MON, horizon_days=DAYS, limit=limit)

		def slow(hours=hours, limit=limit):
			return baseline(techs, jobs, hours, NOW, limit=limit)

		got, want = fast(), slow()
		assert [(s.tech_id, s.start, s.end) for s in got] == [(s.tech_id, s.start, s.end) for s in want], (
			f"{name}: baseline and engine disagree"
		)
		t_fast = median_ms(fast, runs=30, warmup=3)
		t_base = median_ms(slow, runs=5, warmup=1)
		rows.append((name, t_fast, t_base))
		out["scenarios"].append(
			{
				"name": name,
				"slots": len(got),
				"engine_ms": round(t_fast, 3),
				"baseline_ms": round(t_base, 3),
				"ratio": round(t_base / t_fast, 2),
			}
		)
	print_table(rows)
	main_ms = rows[0][1]
	print(f"goal: ≤ {GOAL_MS:.0f} ms → {'met' if main_ms <= GOAL_MS else 'MISSED'}")
	out.update(
		{
			"benchmark": "slots",
			"engine_ms": round(main_ms, 3),
			"baseline_ms": round(rows[0][2], 3),
			"ratio": round(rows[0][2] / main_ms, 2),
			"goal_ms": GOAL_MS,
			"meets_goal": main_ms <= GOAL_MS,
		}
	)
	print(json.dumps(out))


if __name__ == "__main__":
	main()
