"""Suggest slots for 200 technicians × 7 days with 2,000 existing jobs (goal ≤ 150 ms), next to a baseline.

python benchmarks/bench_slots.py
"""

import json
import random
from datetime import date, datetime, time, timedelta

from _common import median_ms

from gigafibre_dispatch.engine.availability import Absence, working_windows
from gigafibre_dispatch.engine.models import JobInfo, TechInfo
from gigafibre_dispatch.engine.slots import Slot, suggest_slots

MON = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 7, 0)


def make(seed=7):
	rng = random.Random(seed)
	techs = []
	for i in range(200):
		absence = None
		if rng.random() < 0.1:
			d = MON + timedelta(days=rng.randint(0, 4))
			absence = Absence(d, d + timedelta(days=rng.randint(0, 1)), reason="Malade")
		techs.append(TechInfo(f"T{i:03d}", absence=absence))
	jobs = []
	for k in range(2000):
		d = MON + timedelta(days=rng.randint(0, 4))
		start = datetime.combine(d, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))
		jobs.append(
			JobInfo(
				f"J{k}",
				start=start,
				duration_h=rng.choice((0.5, 1, 1.5, 2)),
				tech_id=f"T{rng.randint(0, 199):03d}",
			)
		)
	return techs, jobs


def baseline(techs, jobs, duration_h, now, per_tech=2, limit=10, buffer_min=15):
	"""Step every 15-minute start of every day and test it against each job of the tech and the absence."""
	length = timedelta(hours=duration_h)
	buf = timedelta(minutes=buffer_min)
	found = []
	for t in techs:
		windows = working_windows(t.week, t.extra_shifts, t.absence, MON, MON + timedelta(days=6))
		mine = [j for j in jobs if j.tech_id == t.id]
		taken_days = set()
		count = 0
		for ws, we in windows:
			s = ws
			while s + length <= we and count < per_tech:
				if (
					s >= now
					and s.date() not in taken_days
					and all(s + length <= j.start - buf or s >= j.end + buf for j in mine)
				):
					found.append(Slot(t.id, s, s + length))
					taken_days.add(s.date())
					count += 1
				s += timedelta(minutes=15)
	found.sort(key=lambda s: (s.start, -s.score, s.tech_id))
	return found[:limit]


def main():
	techs, jobs = make()
	fast = suggest_slots(techs, jobs, 1.5, NOW, start_date=MON, limit=10)
	slow = baseline(techs, jobs, 1.5, NOW)
	assert [(s.tech_id, s.start) for s in fast] == [(s.tech_id, s.start) for s in slow], (
		"baseline and engine must agree"
	)
	t_fast = median_ms(lambda: suggest_slots(techs, jobs, 1.5, NOW, start_date=MON, limit=10), runs=20)
	t_base = median_ms(lambda: baseline(techs, jobs, 1.5, NOW), runs=5, warmup=1)
	out = {
		"techs": len(techs),
		"jobs": len(jobs),
		"engine_ms": round(t_fast, 2),
		"baseline_ms": round(t_base, 2),
		"speedup": round(t_base / t_fast, 2),
		"goal_ms": 150,
		"meets_goal": t_fast <= 150,
	}
	print(
		f"slots for 200 techs x 7 days, 2,000 jobs: engine {t_fast:.2f} ms, baseline {t_base:.2f} ms, ratio {t_base / t_fast:.2f}x (goal ≤ 150 ms)"
	)
	print(json.dumps(out))


if __name__ == "__main__":
	main()
