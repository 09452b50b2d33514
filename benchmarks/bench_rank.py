"""Rank 1,000 technicians for one job (goal ≤ 20 ms), next to a straightforward baseline in the same run.

python benchmarks/bench_rank.py
"""

import json
import math
import random
from datetime import datetime, timedelta

from _common import median_ms

from gigafibre_dispatch.engine.models import JobInfo, TagReq, TechInfo
from gigafibre_dispatch.engine.ranking import ScoreWeights, rank_techs

TAGS = ["Fibre", "Épissure", "Installation", "Réparation", "Réseau", "Nacelle"]
NOW = datetime(2026, 11, 23, 9, 0)


def make(n=1000, seed=42):
	rng = random.Random(seed)
	techs = []
	for i in range(n):
		tags = {t: rng.randint(1, 5) for t in rng.sample(TAGS, rng.randint(0, 3))}
		fix = NOW - timedelta(minutes=rng.randint(0, 60)) if rng.random() < 0.3 else None
		techs.append(
			TechInfo(
				f"T{i:04d}",
				f"Tech {i}",
				"material" if rng.random() < 0.05 else "human",
				lat=45.3 + rng.random() * 0.5,
				lon=-74.0 + rng.random() * 0.7,
				tags=tags,
				gps_lat=45.5 if fix else None,
				gps_lon=-73.6 if fix else None,
				gps_fix_at=fix,
			)
		)
	load = {t.id: rng.choice((0, 0, 2, 4, 6, 7.5)) for t in techs}
	job = JobInfo(
		"J",
		start=NOW,
		duration_h=2,
		lat=45.5,
		lon=-73.57,
		tags=[TagReq("Fibre", 2), TagReq("Réseau", 1, False)],
	)
	return job, techs, load


def haversine(lat1, lon1, lat2, lon2):
	p1, p2 = math.radians(lat1), math.radians(lat2)
	a = (
		math.sin((p2 - p1) / 2) ** 2
		+ math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
	)
	return 2 * 6371.0088 * math.asin(math.sqrt(a))


def baseline(job, techs, load, now, w):
	"""The obvious version: a dict per technician built step by step, then sorted."""
	results = []
	for t in techs:
		if not t.active or (t.resource_type == "material" and not ({x.tag for x in job.tags} & set(t.tags))):
			continue
		fresh = t.gps_fix_at is not None and (now - t.gps_fix_at) <= timedelta(
			minutes=w.gps_freshness_minutes
		)
		pos = (t.gps_lat, t.gps_lon) if fresh else (t.lat, t.lon)
		breakdown = {}
		dist = haversine(pos[0], pos[1], job.lat, job.lon)
		breakdown["distance_km"] = dist
		breakdown["proximity"] = w.proximity_multiplier * max(0, w.proximity_max_km - dist)
		breakdown["load"] = -w.load_multiplier * load.get(t.id, 0)
		breakdown["overload"] = (
			-w.overload_penalty if load.get(t.id, 0) + job.duration_h > t.daily_hour_cap else 0
		)
		breakdown["gps"] = w.gps_freshness_bonus if fresh else 0
		skill = 0
		warnings = []
		for tag in job.tags:
			has = t.tags.get(tag.tag, 0)
			if tag.required and has >= tag.level:
				skill -= w.tag_surplus_penalty * (has - tag.level)
			elif tag.required:
				skill -= w.tag_shortfall_penalty
				warnings.append({"code": "tag_shortfall", "tag": tag.tag})
			elif has:
				skill += w.tag_surplus_penalty / 2
		breakdown["skill"] = skill
		breakdown["total"] = sum(v for k, v in breakdown.items() if k != "distance_km")
		results.append(
			{"tech": t.id, "score": breakdown["total"], "breakdown": breakdown, "warnings": warnings}
		)
	return sorted(results, key=lambda r: (-r["score"], r["tech"]))


def main():
	job, techs, load = make()
	w = ScoreWeights()
	fast = rank_techs(job, techs, load, NOW, w)
	slow = baseline(job, techs, load, NOW, w)
	assert [r.tech_id for r in fast] == [r["tech"] for r in slow], "baseline and engine must agree"
	t_fast = median_ms(lambda: rank_techs(job, techs, load, NOW, w))
	t_base = median_ms(lambda: baseline(job, techs, load, NOW, w))
	out = {
		"techs": len(techs),
		"ranked": len(fast),
		"engine_ms": round(t_fast, 2),
		"baseline_ms": round(t_base, 2),
		"speedup": round(t_base / t_fast, 2),
		"goal_ms": 20,
		"meets_goal": t_fast <= 20,
	}
	print(
		f"rank {len(techs)} technicians: engine {t_fast:.2f} ms, baseline {t_base:.2f} ms, ratio {t_base / t_fast:.2f}x (goal ≤ 20 ms)"
	)
	print(json.dumps(out))


if __name__ == "__main__":
	main()
