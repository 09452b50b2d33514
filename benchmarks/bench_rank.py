"""Rank 1,000 technicians for one job (goal ≤ 20 ms), next to a straightforward baseline in the same run.

python benchmarks/bench_rank.py

The baseline is the obvious version of the same rule: per technician, a generic haversine call, a breakdown
dict built key by key and rounded, a RankedTech, then sorted() with a key. Both must return the same ranking.
"""

import json
import random
from datetime import date, datetime, timedelta

from _common import median_ms, print_table

from gigafibre_dispatch.engine.availability import Absence, is_absent_all_day, is_working_day
from gigafibre_dispatch.engine.geo import haversine_km
from gigafibre_dispatch.engine.models import JobInfo, TagReq, TechInfo
from gigafibre_dispatch.engine.ranking import RankedTech, ScoreWeights, rank_techs

TAGS = ["Fibre", "Épissure", "Installation", "Réparation", "Réseau", "Nacelle", "OTDR"]
NOW = datetime(2026, 11, 23, 9, 0)  # a Monday
GOAL_MS = 20.0
N_TECHS = 1000


def make(n: int = N_TECHS, seed: int = 42):
	"""Technicians spread over the Montréal area: 0–3 tags, ~30 % with a GPS fix, ~5 % material, a few absent."""
	rng = random.Random(seed)
	techs = []
	for i in range(n):
		material = rng.random() < 0.05
		tags = {t: rng.randint(1, 5) for t in rng.sample(TAGS, rng.randint(0, 3))}
		fix = NOW - timedelta(minutes=rng.randint(0, 60)) if rng.random() < 0.3 else None
		absence = Absence(NOW.date(), reason="Malade") if rng.random() < 0.03 else None
		techs.append(
			TechInfo(
				f"T{i:04d}",
				f"Tech {i}",
				"material" if material else "human",
				category="Nacelle" if material else None,
				lat=45.40 + rng.random() * 0.35,
				lon=-73.95 + rng.random() * 0.55,
				tags=tags,
				gps_lat=45.40 + rng.random() * 0.35 if fix else None,
				gps_lon=-73.95 + rng.random() * 0.55 if fix else None,
				gps_fix_at=fix,
				absence=absence,
				active=rng.random() > 0.02,
			)
		)
	load = {t.id: rng.choice((0, 0, 1.5, 2, 4, 6, 7.5)) for t in techs}
	job = JobInfo(
		"J",
		start=NOW,
		duration_h=2,
		lat=45.5017,
		lon=-73.5673,
		tags=[TagReq("Fibre", 2), TagReq("Nacelle", 1, required=False)],
	)
	return job, techs, load


def baseline(job, techs, load_hours, now, w, on_date=None, limit=None):
	"""The obvious version, written plainly."""
	results = []
	for tech in techs:
		if not tech.active:
			continue
		if tech.resource_type == "material" and not any(req.tag in tech.tags for req in job.tags):
			continue
		if on_date is not None:
			if is_absent_all_day(tech.absence, on_date):
				continue
			if not job.continuous and not is_working_day(tech.week, tech.extra_shifts, on_date):
				continue
		fresh = (
			tech.gps_fix_at is not None
			and tech.gps_lat is not None
			and tech.gps_lon is not None
			and abs(now - tech.gps_fix_at) <= timedelta(minutes=w.gps_freshness_minutes)
		)
		if fresh:
			position, where = "gps", (tech.gps_lat, tech.gps_lon)
		elif tech.lat is not None and tech.lon is not None:
			position, where = "home", (tech.lat, tech.lon)
		else:
			position, where = None, None
		breakdown = {}
		if where is not None and job.lat is not None and job.lon is not None:
			distance = haversine_km(where[0], where[1], job.lat, job.lon)
			breakdown["proximity"] = w.proximity_multiplier * max(0.0, w.proximity_max_km - distance)
		else:
			distance = None
			breakdown["proximity"] = 0.0
		breakdown["distance_km"] = distance
		breakdown["position"] = position
		hours = load_hours.get(tech.id, 0.0)
		breakdown["load"] = -w.load_multiplier * hours
		breakdown["load_hours"] = hours
		breakdown["overload"] = -w.overload_penalty if hours + job.duration_h > tech.daily_hour_cap else 0.0
		breakdown["gps"] = w.gps_freshness_bonus if fresh else 0.0
		skill, surplus, warnings = 0.0, 0, []
		for req in job.tags:
			has = tech.tags.get(req.tag, 0)
			if req.required and has >= req.level:
				surplus += has - req.level
				skill -= w.tag_surplus_penalty * (has - req.level)
			elif req.required:
				skill -= w.tag_shortfall_penalty
				warnings.append({"code": "tag_shortfall", "tag": req.tag, "required": req.level, "has": has})
			elif has:
				skill += w.tag_surplus_penalty / 2
		breakdown["skill"] = skill
		breakdown["tag_surplus"] = surplus
		breakdown["tag_shortfall"] = [x["tag"] for x in warnings]
		total = sum(breakdown[k] for k in ("proximity", "load", "overload", "gps", "skill"))
		breakdown["total"] = total
		rounded = {k: round(v, 2) if isinstance(v, float) else v for k, v in breakdown.items()}
		results.append(RankedTech(tech.id, tech.name or tech.id, total, rounded, warnings))
	results = sorted(results, key=lambda r: (-r.score, r.tech_id))
	return results if limit is None else results[:limit]


def same_ranking(a: list[RankedTech], b: list[RankedTech]) -> bool:
	if [r.tech_id for r in a] != [r.tech_id for r in b]:
		return False
	for x, y in zip(a, b, strict=True):
		if (
			abs(x.score - y.score) > 1e-6
			or x.warnings != y.warnings
			or x.breakdown.keys() != y.breakdown.keys()
		):
			return False
		for k, v in x.breakdown.items():
			u = y.breakdown[k]
			if isinstance(v, float) and isinstance(u, float):
				if abs(v - u) > 0.011:
					return False
			elif v != u:
				return False
	return True


def main():
	job, techs, load = make()
	w = ScoreWeights()
	monday: date = NOW.date()
	scenarios = [
		("rank 1,000 techs", {}),
		("rank 1,000 techs, on_date (availability)", {"on_date": monday}),
		("rank 1,000 techs, limit=10", {"limit": 10}),
	]
	rows, out = [], {"techs": len(techs), "scenarios": []}
	for name, kw in scenarios:
		fast = rank_techs(job, techs, load, NOW, w, **kw)
		slow = baseline(job, techs, load, NOW, w, **kw)
		assert same_ranking(fast, slow), f"{name}: baseline and engine disagree"
		t_fast = median_ms(lambda kw=kw: rank_techs(job, techs, load, NOW, w, **kw), runs=30, warmup=5)
		t_base = median_ms(lambda kw=kw: baseline(job, techs, load, NOW, w, **kw), runs=30, warmup=5)
		rows.append((name, t_fast, t_base))
		out["scenarios"].append(
			{
				"name": name,
				"ranked": len(fast),
				"engine_ms": round(t_fast, 3),
				"baseline_ms": round(t_base, 3),
				"ratio": round(t_base / t_fast, 2),
			}
		)
	print_table(rows)
	main_ms = rows[0][1]
	print(
		f"goal: ≤ {GOAL_MS:.0f} ms for {len(techs)} technicians → {'met' if main_ms <= GOAL_MS else 'MISSED'}"
	)
	out.update(
		{
			"benchmark": "rank",
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
