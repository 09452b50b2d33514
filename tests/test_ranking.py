import math
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafibre_dispatch.engine.availability import Absence, ExtraShift
from gigafibre_dispatch.engine.geo import haversine_km
from gigafibre_dispatch.engine.models import JobInfo, TagReq, TechInfo
from gigafibre_dispatch.engine.ranking import (
	BREAKDOWN_KEYS,
	SCORE_PARTS,
	ScoreWeights,
	proximity_score,
	rank_techs,
	skill_score,
)

NOW = datetime(2026, 11, 23, 9, 0)  # a Monday
MON, SAT = NOW.date(), date(2026, 11, 28)
KM_PER_DEG_LAT = 6371.0088 * math.pi / 180
JOB = JobInfo("J1", start=NOW, duration_h=2, lat=45.5, lon=-73.57, tags=[TagReq("Fibre", 2)])


def by_id(results):
	return {r.tech_id: r for r in results}


def ids(results):
	return [r.tech_id for r in results]


def test_hand_checked_score():
	# 10 km north of the job, level 3 for a level-2 job, 3 h already booked of an 8 h cap.
	tech = TechInfo("T", "Tom", lat=45.5 + 10 / KM_PER_DEG_LAT, lon=-73.57, tags={"Fibre": 3})
	[r] = rank_techs(JOB, [tech], {"T": 3.0}, NOW)
	assert (r.tech_id, r.name) == ("T", "Tom")
	assert r.breakdown == {
		"proximity": 360.0,  # 4 × (100 − 10)
		"distance_km": 10.0,
		"position": "home",
		"load": -90.0,  # −30 × 3
		"load_hours": 3.0,
		"overload": 0.0,  # 3 + 2 ≤ 8
		"gps": 0.0,
		"skill": -10.0,  # one level of surplus
		"tag_surplus": 1,
		"tag_shortfall": [],
		"total": 260.0,
	}
	assert r.score == pytest.approx(260.0, abs=1e-6)
	assert r.warnings == []


def test_hand_checked_score_with_gps_shortfall_wanted_tag_and_overload():
	job = JobInfo(
		"J", duration_h=2, lat=45.5, lon=-73.57, tags=[TagReq("Fibre", 2), TagReq("Nacelle", 1, False)]
	)
	tech = TechInfo(
		"T",
		lat=46.5,  # home base far away: the fresh GPS fix is used instead
		lon=-73.57,
		tags={"Nacelle": 1},
		gps_lat=45.5,
		gps_lon=-73.57,
		gps_fix_at=NOW - timedelta(minutes=5),
	)
	[r] = rank_techs(job, [tech], {"T": 7.0}, NOW)
	b = r.breakdown
	assert (b["position"], b["distance_km"], b["proximity"], b["gps"]) == ("gps", 0.0, 400.0, 20.0)
	assert (b["load"], b["overload"]) == (-210.0, -500.0)  # 7 h + 2 h > 8 h
	assert b["skill"] == -195.0  # −200 for the missing Fibre 2, +5 for the wanted Nacelle
	assert b["tag_shortfall"] == ["Fibre"] and b["tag_surplus"] == 0
	assert b["total"] == 400 - 210 - 500 + 20 - 195
	assert r.warnings == [{"code": "tag_shortfall", "tag": "Fibre", "required": 2, "has": 0}]


@pytest.mark.parametrize(
	"fix_age_min, has_coords, fresh",
	[
		(0, True, True),
		(5, True, True),
		(15, True, True),  # the window is inclusive
		(16, True, False),
		(120, True, False),
		(-5, True, True),  # a fix a few minutes ahead of the server clock
		(-120, True, False),
		(5, False, False),  # a fix time with no coordinates
		(None, True, False),
	],
)
def test_gps_freshness(fix_age_min, has_coords, fresh):
	tech = TechInfo(
		"T",
		lat=46.0,
		lon=-73.57,
		gps_lat=45.5 if has_coords else None,
		gps_lon=-73.57 if has_coords else None,
		gps_fix_at=None if fix_age_min is None else NOW - timedelta(minutes=fix_age_min),
	)
	[r] = rank_techs(JOB, [tech], {}, NOW)
	assert r.breakdown["position"] == ("gps" if fresh else "home")
	assert r.breakdown["gps"] == (20.0 if fresh else 0.0)
	assert r.breakdown["distance_km"] == (0.0 if fresh else pytest.approx(0.5 * KM_PER_DEG_LAT, abs=0.01))


def test_freshness_window_comes_from_the_weights():
	tech = TechInfo(
		"T", lat=46, lon=-73.57, gps_lat=45.5, gps_lon=-73.57, gps_fix_at=NOW - timedelta(minutes=30)
	)
	assert rank_techs(JOB, [tech], {}, NOW)[0].breakdown["gps"] == 0
	w = ScoreWeights(gps_freshness_minutes=45, gps_freshness_bonus=7.5)
	assert rank_techs(JOB, [tech], {}, NOW, w)[0].breakdown["gps"] == 7.5


def test_overload_uses_each_technicians_cap():
	small = TechInfo("small", lat=45.5, lon=-73.57, daily_hour_cap=4)
	big = TechInfo("big", lat=45.5, lon=-73.57, daily_hour_cap=10)
	r = by_id(rank_techs(JOB, [small, big], {"small": 3, "big": 3}, NOW))
	assert r["small"].breakdown["overload"] == -500 and r["big"].breakdown["overload"] == 0
	exactly = by_id(rank_techs(JOB, [small], {"small": 2}, NOW))  # 2 + 2 = 4 is not over 4
	assert exactly["small"].breakdown["overload"] == 0


def test_load_lowers_the_score():
	a, b = TechInfo("A", lat=45.5, lon=-73.57), TechInfo("B", lat=45.5, lon=-73.57)
	ranked = rank_techs(JOB, [a, b], {"A": 2.5}, NOW)
	assert ids(ranked) == ["B", "A"]
	assert by_id(ranked)["A"].breakdown["load"] == -75 and by_id(ranked)["B"].breakdown["load"] == 0


def test_material_only_when_the_job_asks_for_it():
	lift = TechInfo(
		"lift", resource_type="material", category="Nacelle", lat=45.5, lon=-73.57, tags={"Nacelle": 1}
	)
	human = TechInfo("human", lat=45.5, lon=-73.57, tags={"Fibre": 2})
	assert ids(rank_techs(JOB, [lift, human], {}, NOW)) == ["human"]
	assert ids(rank_techs(JobInfo("J"), [lift, human], {}, NOW)) == ["human"]  # a job with no tags
	wants_lift = JobInfo("J2", lat=45.5, lon=-73.57, tags=[TagReq("Nacelle", 1)])
	ranked = by_id(rank_techs(wants_lift, [lift, human], {}, NOW))
	assert set(ranked) == {"lift", "human"}
	assert ranked["human"].warnings[0]["code"] == "tag_shortfall"
	# A wanted (not required) tag is enough to bring the material in.
	maybe_lift = JobInfo("J3", tags=[TagReq("Nacelle", 1, required=False)])
	assert "lift" in ids(rank_techs(maybe_lift, [lift], {}, NOW))


def test_inactive_excluded():
	gone = TechInfo("gone", lat=45.5, lon=-73.57, tags={"Fibre": 5}, active=False)
	assert rank_techs(JOB, [gone], {}, NOW) == []


def test_on_date_availability():
	ok = TechInfo("ok", lat=45.5, lon=-73.57)
	sick = TechInfo("sick", lat=45.5, lon=-73.57, absence=Absence(MON))
	dentist = TechInfo("dentist", lat=45.5, lon=-73.57, absence=Absence(MON, None, time(10), time(11)))
	saturday_shift = TechInfo("sat", lat=45.5, lon=-73.57, extra_shifts=[ExtraShift(SAT, time(8), time(12))])
	job = JobInfo("J", lat=45.5, lon=-73.57)
	techs = [ok, sick, dentist, saturday_shift]
	assert ids(rank_techs(job, techs, {}, NOW, on_date=MON)) == ["dentist", "ok", "sat"]
	assert ids(rank_techs(job, techs, {}, NOW)) == ["dentist", "ok", "sat", "sick"]  # no date, no filter
	assert ids(rank_techs(job, techs, {}, NOW, on_date=SAT)) == ["sat"]
	assert ids(rank_techs(job, techs, {}, NOW, on_date=MON, holidays=frozenset({MON}))) == []
	own_holidays = TechInfo("own", lat=45.5, lon=-73.57, holidays=frozenset())
	assert ids(rank_techs(job, [own_holidays], {}, NOW, on_date=MON, holidays=frozenset({MON}))) == ["own"]
	weekend_week = {5: [(time(8), time(16))]}
	assert ids(rank_techs(job, [ok], {}, NOW, on_date=SAT, default_week=weekend_week)) == ["ok"]


def test_continuous_job_ignores_off_days_but_not_absence():
	ok = TechInfo("ok", lat=45.5, lon=-73.57)
	away = TechInfo("away", lat=45.5, lon=-73.57, absence=Absence(SAT))
	urgent = JobInfo("J", lat=45.5, lon=-73.57, continuous=True)
	assert ids(rank_techs(urgent, [ok, away], {}, NOW, on_date=SAT)) == ["ok"]


def test_no_coordinates_gives_zero_proximity():
	[r] = rank_techs(JobInfo("J"), [TechInfo("T", lat=45, lon=-73)], {}, NOW)
	assert (r.breakdown["proximity"], r.breakdown["distance_km"], r.breakdown["position"]) == (
		0,
		None,
		"home",
	)
	[r] = rank_techs(JOB, [TechInfo("T")], {}, NOW)
	assert (r.breakdown["proximity"], r.breakdown["distance_km"], r.breakdown["position"]) == (0, None, None)
	[r] = rank_techs(JOB, [TechInfo("T", lat=45.5)], {}, NOW)  # half a position is no position
	assert r.breakdown["position"] is None


def test_far_beyond_the_maximum_scores_zero_proximity():
	[r] = rank_techs(JOB, [TechInfo("T", lat=47.5, lon=-73.57)], {}, NOW)
	assert r.breakdown["distance_km"] > 200 and r.breakdown["proximity"] == 0


def test_limit_and_tie_break():
	techs = [TechInfo(f"T{i}", lat=45.5, lon=-73.57) for i in (3, 1, 2)]
	job = JobInfo("J", lat=45.5, lon=-73.57)
	assert ids(rank_techs(job, techs, {}, NOW)) == ["T1", "T2", "T3"]
	assert ids(rank_techs(job, techs, {}, NOW, limit=2)) == ["T1", "T2"]
	assert rank_techs(job, techs, {}, NOW, limit=0) == []
	assert ids(rank_techs(job, iter(techs), {}, NOW)) == ["T1", "T2", "T3"]  # any iterable


def test_breakdown_is_rounded_but_scores_are_not():
	tech = TechInfo("T", lat=45.5123456, lon=-73.5712345, tags={"Fibre": 2})
	[r] = rank_techs(JOB, [tech], {"T": 1 / 3}, NOW)
	for key in ("proximity", "distance_km", "load", "load_hours", "total"):
		assert r.breakdown[key] == round(r.breakdown[key], 2)
	assert r.breakdown["load_hours"] == 0.33 and r.breakdown["load"] == -10.0
	assert r.score != round(r.score, 2)


# ---------------------------------------------------------------- properties

lats = st.floats(min_value=44.5, max_value=46.5, allow_nan=False)
lons = st.floats(min_value=-74.5, max_value=-72.5, allow_nan=False)


@st.composite
def any_tech(draw, tech_id="T"):
	fix = draw(st.none() | st.integers(-30, 90))
	tags = draw(st.dictionaries(st.sampled_from(["Fibre", "Nacelle", "OTDR"]), st.integers(1, 5), max_size=3))
	return TechInfo(
		tech_id,
		lat=draw(st.none() | lats),
		lon=draw(lons),
		tags=tags,
		gps_lat=draw(lats),
		gps_lon=draw(lons),
		gps_fix_at=None if fix is None else NOW - timedelta(minutes=fix),
		daily_hour_cap=draw(st.sampled_from([4.0, 8.0, 10.0])),
	)


@st.composite
def any_job(draw):
	tags = draw(
		st.lists(
			st.builds(
				TagReq, st.sampled_from(["Fibre", "Nacelle", "OTDR"]), st.integers(1, 5), st.booleans()
			),
			max_size=3,
			unique_by=lambda t: t.tag,
		)
	)
	return JobInfo(
		"J",
		lat=draw(st.none() | lats),
		lon=draw(lons),
		duration_h=draw(st.sampled_from([0.5, 2, 6])),
		tags=tags,
	)


@settings(max_examples=200)
@given(
	any_job(),
	st.lists(any_tech(), min_size=1, max_size=6),
	st.lists(st.floats(0, 10), min_size=6, max_size=6),
)
def test_breakdown_parts_add_up_to_the_total(job, techs, hours):
	for i, t in enumerate(techs):
		t.id = f"T{i}"
	load = {t.id: h for t, h in zip(techs, hours, strict=False)}
	ranked = rank_techs(job, techs, load, NOW)
	assert len(ranked) == len(techs)
	for r in ranked:
		assert tuple(r.breakdown) == BREAKDOWN_KEYS
		assert sum(r.breakdown[k] for k in SCORE_PARTS) == pytest.approx(r.breakdown["total"], abs=0.03)
		assert r.breakdown["total"] == pytest.approx(r.score, abs=0.006)
		assert r.breakdown["tag_shortfall"] == [w["tag"] for w in r.warnings]
	assert [(-r.score, r.tech_id) for r in ranked] == sorted((-r.score, r.tech_id) for r in ranked)


@given(st.floats(min_value=0, max_value=300), st.floats(min_value=0, max_value=300))
def test_proximity_never_grows_with_distance(d1, d2):
	w = ScoreWeights()
	near, far = sorted((d1, d2))
	assert proximity_score(far, w) <= proximity_score(near, w)


@settings(max_examples=300)
@given(lats, lons, lats, lons, lats, lons, st.booleans(), st.floats(0, 8))
def test_moving_a_technician_farther_never_raises_their_score(
	jlat, jlon, lat1, lon1, lat2, lon2, via_gps, hours
):
	"""Same technician at two positions: from the farther one, proximity and total are never higher."""
	job = JobInfo("J", lat=jlat, lon=jlon, tags=[TagReq("Fibre", 2)])
	if haversine_km(jlat, jlon, lat1, lon1) > haversine_km(jlat, jlon, lat2, lon2):
		lat1, lon1, lat2, lon2 = lat2, lon2, lat1, lon1

	def at(la, lo, tid):
		if via_gps:
			return TechInfo(tid, lat=45, lon=-73, tags={"Fibre": 3}, gps_lat=la, gps_lon=lo, gps_fix_at=NOW)
		return TechInfo(tid, lat=la, lon=lo, tags={"Fibre": 3})

	r = by_id(
		rank_techs(job, [at(lat1, lon1, "near"), at(lat2, lon2, "far")], {"near": hours, "far": hours}, NOW)
	)
	assert r["far"].breakdown["distance_km"] >= r["near"].breakdown["distance_km"]
	assert r["far"].breakdown["proximity"] <= r["near"].breakdown["proximity"]
	assert r["far"].score <= r["near"].score + 1e-9


@settings(max_examples=200)
@given(st.integers(1, 5), st.lists(st.integers(1, 5), min_size=2, max_size=6), lats, lons, st.floats(0, 6))
def test_lowest_adequate_level_ranks_first(required, levels, lat, lon, hours):
	job = JobInfo("J", lat=45.5, lon=-73.57, tags=[TagReq("Fibre", required)])
	techs = [TechInfo(f"T{i}", lat=lat, lon=lon, tags={"Fibre": lvl}) for i, lvl in enumerate(levels)]
	ranked = rank_techs(job, techs, {t.id: hours for t in techs}, NOW)
	level_of = {t.id: t.tags["Fibre"] for t in techs}
	adequate = sorted(lvl for lvl in levels if lvl >= required)
	# Among the adequate ones, levels come out in increasing order: the lowest adequate level first.
	assert [level_of[r.tech_id] for r in ranked][: len(adequate)] == adequate
	# Every adequate technician ranks above every inadequate one.
	order = [level_of[r.tech_id] >= required for r in ranked]
	assert order == sorted(order, reverse=True)


# rank_techs inlines its scores for speed; proximity_score and skill_score are the readable reference.
TAGS = ("Fibre", "Cuivre", "Nacelle")
tag_reqs = st.lists(
	st.builds(TagReq, st.sampled_from(TAGS), st.integers(1, 5), st.booleans()),
	max_size=3,
	unique_by=lambda t: t.tag,
)
tech_tags = st.dictionaries(st.sampled_from(TAGS), st.integers(1, 5), max_size=3)
offsets = st.floats(-1.5, 1.5, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
	reqs=tag_reqs,
	has=tech_tags,
	dlat=offsets,
	dlon=offsets,
	weights=st.builds(
		ScoreWeights,
		proximity_multiplier=st.floats(0, 10),
		proximity_max_km=st.floats(1, 300),
		tag_surplus_penalty=st.floats(0, 50),
		tag_shortfall_penalty=st.floats(0, 500),
	),
)
def test_rank_techs_agrees_with_the_reference_scores(reqs, has, dlat, dlon, weights):
	job = JobInfo("J", start=NOW, duration_h=1, lat=45.5, lon=-73.57, tags=reqs)
	tech = TechInfo("T", lat=45.5 + dlat, lon=-73.57 + dlon, tags=has)
	[r] = rank_techs(job, [tech], {}, NOW, weights)
	distance = haversine_km(job.lat, job.lon, tech.lat, tech.lon)
	assert r.breakdown["proximity"] == pytest.approx(round(proximity_score(distance, weights), 2), abs=0.011)
	skill, surplus, shortfalls = skill_score(reqs, has, weights)
	assert r.breakdown["skill"] == pytest.approx(round(skill, 2), abs=1e-9)
	assert r.breakdown["tag_surplus"] == surplus
	assert r.warnings == shortfalls
	assert r.breakdown["tag_shortfall"] == [s["tag"] for s in shortfalls]
