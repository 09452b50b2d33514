"""Technician ranking: the seed's score (higher is better), with a breakdown per technician.

score = proximity + load + overload + gps + skill + deadline, where
	proximity = proximity_multiplier × max(0, proximity_max_km − distance_km), from a fresh GPS fix if there is
		one, else from the home base (0 when the job or the technician has no coordinates);
	load = −load_multiplier × hours already booked that day; overload = −overload_penalty past the daily cap;
	gps = gps_freshness_bonus for a fresh fix;
	skill = −tag_surplus_penalty per level above a required level (the lowest adequate level wins)
		− tag_shortfall_penalty per required tag not met (also a warning)
		+ tag_surplus_penalty / 2 per wanted (not required) tag the technician has, at any level;
	deadline (only given an SLA `deadline` and each technician's `earliest_end`, else 0) =
		−lateness_per_hour × hours their earliest possible end falls past the deadline (`late_h`, also a
		"misses_deadline" warning), or −no_slot_penalty for a technician with no earliest end (no free slot in the
		horizon; the warning's late_h is then None).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .availability import is_absent_all_day, is_working_day
from .geo import EARTH_RADIUS_KM
from .models import JobInfo, TagReq, TechInfo


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
	lateness_per_hour: float = 60.0  # per hour a technician's earliest end falls past the job's SLA deadline
	no_slot_penalty: float = 300.0  # an SLA deadline and no free slot for this technician in the horizon


@dataclass(slots=True)
class RankedTech:
	tech_id: str
	name: str
	score: float
	breakdown: dict
	warnings: list[dict]


BREAKDOWN_KEYS = (
	"proximity",
	"distance_km",
	"position",
	"load",
	"load_hours",
	"overload",
	"gps",
	"skill",
	"tag_surplus",
	"tag_shortfall",
	"total",
)
# The breakdown entries that add up to the total.
SCORE_PARTS = ("proximity", "load", "overload", "gps", "skill")
# Ranked against an SLA deadline (rank_techs' `deadline` and `earliest_end`), the breakdown has two more keys
# before the total: "deadline" (the score part, ≤ 0) and "late_h" (hours the earliest end falls past it; 0.0 when
# in time or with no free slot). Without a deadline the breakdown is BREAKDOWN_KEYS exactly, as before.
SLA_BREAKDOWN_KEYS = (*BREAKDOWN_KEYS[:-1], "deadline", "late_h", "total")
SLA_SCORE_PARTS = (*SCORE_PARTS, "deadline")


def proximity_score(distance_km: float | None, weights: ScoreWeights) -> float:
	"""multiplier × max(0, max_km − distance): never grows with distance. The reference of the score rank_techs
	inlines in its hot loop (tests/test_ranking.py holds the two equal)."""
	if distance_km is None:
		return 0.0
	return weights.proximity_multiplier * max(0.0, weights.proximity_max_km - distance_km)


def skill_score(
	job_tags: Iterable[TagReq], tech_tags: Mapping[str, int], weights: ScoreWeights
) -> tuple[float, int, list[dict]]:
	"""(skill, surplus levels, shortfall warnings) of one technician for the job's tags. The reference of the
	score rank_techs inlines in its hot loop (tests/test_ranking.py holds the two equal)."""
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


def is_available_on(
	tech: TechInfo, d: date, continuous: bool = False, holidays: frozenset = frozenset(), default_week=None
) -> bool:
	"""Rankable on that date: not absent all day and, unless the job is continuous, a working day."""
	if is_absent_all_day(tech.absences, d):
		return False
	return continuous or is_working_day(
		tech.week, tech.extra_shifts, d, tech.holidays_or(holidays), default_week
	)


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
	earliest_end: Mapping[str, datetime] | None = None,
	deadline: datetime | None = None,
) -> list[RankedTech]:
	"""Rank the technicians for a job, best first (ties by id); each result carries its breakdown.

	Left out: inactive technicians, material resources carrying none of the job's tags and, when `on_date`
	is given, technicians not available that day (see `is_available_on`).

	SLA: given both `deadline` (the job's latest end, engine/sla.py) and `earliest_end` (technician id → the end
	of their first free slot for this job; no entry: none in the horizon), a technician who would end past the
	deadline loses lateness_per_hour per hour late (fractional), one with no entry no_slot_penalty, and both carry
	a "misses_deadline" warning; the breakdown then has SLA_BREAKDOWN_KEYS (its parts: SLA_SCORE_PARTS). Without
	either, the score, the breakdown and the warnings are exactly as without these arguments.
	"""
	w = weights or ScoreWeights()
	job_lat, job_lon = job.lat, job.lon
	has_job_pos = job_lat is not None and job_lon is not None
	sin, cos, asin, sqrt, radians = math.sin, math.cos, math.asin, math.sqrt, math.radians
	if has_job_pos:
		jlat_r = radians(job_lat)
		cos_j = cos(jlat_r)
	else:
		jlat_r = cos_j = 0.0
	two_r = 2 * EARTH_RADIUS_KM
	job_tag_names = frozenset(t.tag for t in job.tags)
	job_tags = tuple((t.tag, t.level, t.required) for t in job.tags)
	# A fix within the freshness window either side of now (a little clock skew is not staleness).
	window = timedelta(minutes=w.gps_freshness_minutes)
	fresh_from, fresh_to = now - window, now + window
	pmul, pmax = w.proximity_multiplier, w.proximity_max_km
	lmul, over_pen, gps_bonus = w.load_multiplier, -w.overload_penalty, w.gps_freshness_bonus
	surplus_pen, shortfall_pen = w.tag_surplus_penalty, w.tag_shortfall_penalty
	half_surplus = surplus_pen / 2
	duration = job.duration_h or 0.0
	continuous = job.continuous
	get_load = load_hours.get
	no_shortfall: tuple = ()
	sla = deadline is not None and earliest_end is not None
	if sla:
		get_end = earliest_end.get
		late_mul, no_slot_pen = w.lateness_per_hour, -w.no_slot_penalty

	# Hot loop: one tuple per kept technician, nothing else allocated unless a tag falls short.
	rows = []
	append = rows.append
	for t in techs:
		if not t.active:
			continue
		ttags = t.tags
		if t.resource_type == "material" and job_tag_names.isdisjoint(ttags):
			continue
		if on_date is not None and not is_available_on(t, on_date, continuous, holidays, default_week):
			continue
		fix = t.gps_fix_at
		if (
			fix is not None
			and fresh_from <= fix <= fresh_to
			and t.gps_lat is not None
			and t.gps_lon is not None
		):
			lat, lon, fresh, position = t.gps_lat, t.gps_lon, True, "gps"
		else:
			lat, lon, fresh = t.lat, t.lon, False
			position = "home" if lat is not None and lon is not None else None
		if has_job_pos and position is not None:
			la = radians(lat)
			a = sin((la - jlat_r) / 2) ** 2 + cos_j * cos(la) * sin(radians(lon - job_lon) / 2) ** 2
			dist = two_r * asin(sqrt(a) if a < 1.0 else 1.0)
			prox = pmul * (pmax - dist) if dist < pmax else 0.0
		else:
			dist = None
			prox = 0.0
		hours = get_load(t.id) or 0.0
		total = prox - lmul * hours + gps_bonus * fresh
		over = hours + duration > t.daily_hour_cap
		if over:
			total += over_pen
		surplus = 0
		shortfalls = no_shortfall
		skill = 0.0
		if job_tags:
			for tag, level, required in job_tags:
				has = ttags.get(tag, 0)
				if required:
					if has >= level:
						surplus += has - level
					else:
						if not shortfalls:
							shortfalls = []
						shortfalls.append((tag, level, has))
				elif has:
					skill += half_surplus
			if surplus or shortfalls:
				skill -= surplus_pen * surplus + shortfall_pen * len(shortfalls)
			total += skill
		# SLA: computed only when a deadline is given (late_h None: no free slot in the horizon).
		sla_part, late_h = 0.0, 0.0
		if sla:
			end = get_end(t.id)
			if end is None:
				sla_part, late_h = no_slot_pen, None
			elif end > deadline:
				late_h = (end - deadline).total_seconds() / 3600
				sla_part = -late_mul * late_h
			total += sla_part
		append(
			(
				-total,
				t.id,
				len(rows),
				t,
				fresh,
				position,
				dist,
				prox,
				hours,
				over,
				skill,
				surplus,
				shortfalls,
				sla_part,
				late_h,
			)
		)

	rows.sort()
	if limit is not None:
		del rows[max(0, limit) :]

	out = []
	append = out.append
	over_r, gps_r = round(over_pen, 2), round(gps_bonus, 2)
	# 2 decimals: round(x * 100) / 100 for the per-technician values (cheaper than round(x, 2)); load and skill
	# take few distinct values, each rounded once.
	load_cache: dict[float, tuple[float, float]] = {}
	skill_cache: dict[float, float] = {}
	for (
		neg,
		tid,
		_,
		t,
		fresh,
		position,
		dist,
		prox,
		hours,
		over,
		skill,
		surplus,
		shortfalls,
		sla_part,
		late_h,
	) in rows:
		lh = load_cache.get(hours)
		if lh is None:
			lh = load_cache[hours] = (round(-lmul * hours, 2) if hours else 0.0, round(hours, 2))
		sk = skill_cache.get(skill)
		if sk is None:
			sk = skill_cache[skill] = round(skill, 2)
		if shortfalls:
			warnings = [
				{"code": "tag_shortfall", "tag": s[0], "required": s[1], "has": s[2]} for s in shortfalls
			]
			short_tags = [s[0] for s in shortfalls]
		else:
			warnings, short_tags = [], []
		breakdown = {
			"proximity": round(prox * 100) / 100 if prox else 0.0,
			"distance_km": round(dist * 100) / 100 if dist is not None else None,
			"position": position,
			"load": lh[0],
			"load_hours": lh[1],
			"overload": over_r if over else 0.0,
			"gps": gps_r if fresh else 0.0,
			"skill": sk,
			"tag_surplus": surplus,
			"tag_shortfall": short_tags,
		}
		if sla:
			breakdown["deadline"] = round(sla_part * 100) / 100 if sla_part else 0.0
			breakdown["late_h"] = round(late_h * 100) / 100 if late_h else 0.0
			if late_h is None or late_h > 0:
				warnings.append({"code": "misses_deadline", "late_h": round(late_h, 2) if late_h else None})
		breakdown["total"] = round(neg * -100) / 100
		append(RankedTech(tid, t.name or tid, -neg, breakdown, warnings))
	return out
