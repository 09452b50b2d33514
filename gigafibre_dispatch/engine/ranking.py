"""Technician ranking: the seed's score (higher is better), with a breakdown per technician."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .availability import is_absent_all_day, is_working_day
from .models import JobInfo, TechInfo


@dataclass(slots=True)
class ScoreWeights:
	proximity_multiplier: float = 4.0
	proximity_max_km: float = 100.0
	load_multiplier: float = 30.0
	overload_penalty: float = 500.0
	gps_freshness_bonus: float = 20.0
	gps_freshness_minutes: float = 15.0
	tag_surplus_penalty: float = 10.0
	tag_shortfall_penalty: float = 200.0


@dataclass(slots=True)
class RankedTech:
	tech_id: str
	name: str
	score: float
	breakdown: dict
	warnings: list[dict]


def proximity_score(distance_km: float | None, weights: ScoreWeights) -> float:
	"""multiplier × max(0, max_km − distance): never grows with distance."""
	if distance_km is None:
		return 0.0
	return weights.proximity_multiplier * max(0.0, weights.proximity_max_km - distance_km)


def skill_score(
	job_tags, tech_tags: Mapping[str, int], weights: ScoreWeights
) -> tuple[float, int, list[dict]]:
	"""Lowest adequate level wins: each level above a required one costs `tag_surplus_penalty`;
	a required level not met is a warning and costs `tag_shortfall_penalty`; a wanted (not required)
	tag the technician has is worth half a surplus step."""
	surplus = 0
	shortfalls = []
	bonus = 0.0
	for t in job_tags:
		has = tech_tags.get(t.tag, 0)
		if t.required:
			if has >= t.level:
				surplus += has - t.level
			else:
				shortfalls.append({"code": "tag_shortfall", "tag": t.tag, "required": t.level, "has": has})
		elif has:
			bonus += weights.tag_surplus_penalty / 2
	score = bonus - weights.tag_surplus_penalty * surplus - weights.tag_shortfall_penalty * len(shortfalls)
	return score, surplus, shortfalls


def rank_techs(
	job: JobInfo,
	techs: Iterable[TechInfo],
	load_hours: Mapping[str, float],
	now: datetime,
	weights: ScoreWeights | None = None,
	on_date: date | None = None,
	holidays: frozenset = frozenset(),
	default_week=None,
	limit: int | None = None,
) -> list[RankedTech]:
	w = weights or ScoreWeights()
	job_lat, job_lon = job.lat, job.lon
	has_job_pos = job_lat is not None and job_lon is not None
	if has_job_pos:
		jlat_r = math.radians(job_lat)
		cos_j = math.cos(jlat_r)
	job_tag_names = {t.tag for t in job.tags}
	fresh_s = w.gps_freshness_minutes * 60.0
	pmul, pmax = w.proximity_multiplier, w.proximity_max_km
	lmul, open_ = w.load_multiplier, w.overload_penalty
	duration = job.duration_h
	sin, cos, asin, sqrt, radians = math.sin, math.cos, math.asin, math.sqrt, math.radians
	d2 = 2 * 6371.0088
	job_tags = [(t.tag, t.level, t.required) for t in job.tags]
	surplus_pen, shortfall_pen = w.tag_surplus_penalty, w.tag_shortfall_penalty
	half_surplus = surplus_pen / 2
	scored = []
	for t in techs:
		if not t.active:
			continue
		if t.resource_type == "material" and not (job_tag_names & t.tags.keys()):
			continue
		if on_date is not None:
			if is_absent_all_day(t.absence, on_date):
				continue
			if not job.continuous and not is_working_day(
				t.week, t.extra_shifts, on_date, t.holidays_or(holidays), default_week
			):
				continue
		fresh = (
			t.gps_fix_at is not None
			and t.gps_lat is not None
			and 0 <= (now - t.gps_fix_at).total_seconds() <= fresh_s
		)
		if fresh:
			lat, lon, position = t.gps_lat, t.gps_lon, "gps"
		elif t.lat is not None and t.lon is not None:
			lat, lon, position = t.lat, t.lon, "home"
		else:
			lat = lon = position = None
		if has_job_pos and lat is not None:
			la = radians(lat)
			a = sin((la - jlat_r) / 2) ** 2 + cos_j * cos(la) * sin(radians(lon - job_lon) / 2) ** 2
			dist = d2 * asin(sqrt(a) if a < 1.0 else 1.0)
			prox = pmul * (pmax - dist) if dist < pmax else 0.0
		else:
			dist = None
			prox = 0.0
		hours = load_hours.get(t.id, 0.0)
		load = -lmul * hours if hours else 0.0
		over = -open_ if hours + duration > t.daily_hour_cap else 0.0
		gps = w.gps_freshness_bonus if fresh else 0.0
		if job_tags:
			ttags = t.tags
			surplus = 0
			shortfalls = []
			skill = 0.0
			for tag, level, required in job_tags:
				has = ttags.get(tag, 0)
				if required:
					if has >= level:
						surplus += has - level
					else:
						shortfalls.append(
							{"code": "tag_shortfall", "tag": tag, "required": level, "has": has}
						)
				elif has:
					skill += half_surplus
			if surplus or shortfalls:
				skill -= surplus_pen * surplus + shortfall_pen * len(shortfalls)
		else:
			skill, surplus, shortfalls = 0.0, 0, []
		total = prox + load + over + gps + skill
		scored.append(
			(-total, t.id, t, dist, position, prox, hours, load, over, gps, skill, surplus, shortfalls)
		)
	scored.sort(key=lambda r: (r[0], r[1]))
	if limit is not None:
		scored = scored[:limit]
	out = []
	for neg, tid, t, dist, position, prox, hours, load, over, gps, skill, surplus, shortfalls in scored:
		total = -neg
		out.append(
			RankedTech(
				tid,
				t.name or tid,
				total,
				{
					"proximity": round(prox, 2),
					"distance_km": round(dist, 2) if dist is not None else None,
					"position": position,
					"load": load,
					"load_hours": hours,
					"overload": over,
					"gps": gps,
					"skill": skill,
					"tag_surplus": surplus,
					"tag_shortfall": [s["tag"] for s in shortfalls],
					"total": round(total, 2),
				},
				shortfalls,
			)
		)
	return out
