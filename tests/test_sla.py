"""SLA deadlines (engine/sla.py) and their cost in the slots, the ranking and the optimizer.

Expected values are worked out by hand from the inputs (the arithmetic is in the comments), never by calling the
function under test. Times are naive local wall-clock datetimes, as everywhere in the engine.
"""

from datetime import date, datetime, time, timedelta

import pytest

from benchmarks import independent_checker
from gigafibre_dispatch.engine.availability import ExtraShift
from gigafibre_dispatch.engine.geo import haversine_km, travel_minutes
from gigafibre_dispatch.engine.models import JobInfo, TechInfo
from gigafibre_dispatch.engine.optimize import OptimizeRequest, greedy, optimize
from gigafibre_dispatch.engine.optimize.state import State
from gigafibre_dispatch.engine.ranking import (
	BREAKDOWN_KEYS,
	SCORE_PARTS,
	SLA_BREAKDOWN_KEYS,
	SLA_SCORE_PARTS,
	ScoreWeights,
	rank_techs,
)
from gigafibre_dispatch.engine.sla import lateness_minutes, latest_end, sla_state
from gigafibre_dispatch.engine.slots import suggest_slots

MON = date(2026, 11, 23)  # a Monday
TUE = MON + timedelta(days=1)
DST_DAY = date(2027, 3, 14)  # a Sunday: America/Toronto springs forward at 02:00 (naive times here)
NEW_YEARS_EVE = date(2027, 12, 31)  # a Friday


def at(d: date, h: int, m: int = 0, s: int = 0) -> datetime:
	return datetime.combine(d, time(h, m, s))


# ---------------------------------------------------------------- latest_end


def test_latest_end_from_response_only_is_response_plus_duration():
	# On site by 10:00 for a 1.5 h job: done by 11:30 at the latest.
	assert latest_end(1.5, at(MON, 10), None) == at(MON, 11, 30)
	# A quarter-hour job: 10:00 + 15 min.
	assert latest_end(0.25, at(MON, 10), None) == at(MON, 10, 15)


def test_latest_end_from_resolution_only_is_resolution():
	assert latest_end(3.0, None, at(MON, 16, 45)) == at(MON, 16, 45)


def test_latest_end_with_both_takes_the_earlier():
	# Response 10:00 + 2 h = 12:00 against resolution 11:00: 11:00 wins.
	assert latest_end(2.0, at(MON, 10), at(MON, 11)) == at(MON, 11)
	# Response 10:00 + 2 h = 12:00 against resolution 13:00: 12:00 wins.
	assert latest_end(2.0, at(MON, 10), at(MON, 13)) == at(MON, 12)
	# Across midnight and a year end: 23:30 + 1 h = 00:30 on Jan 1, earlier than a Jan 1 09:00 resolution.
	assert latest_end(1.0, at(NEW_YEARS_EVE, 23, 30), at(date(2028, 1, 1), 9)) == at(date(2028, 1, 1), 0, 30)


def test_latest_end_without_deadlines_is_none():
	assert latest_end(2.0, None, None) is None


# ---------------------------------------------------------------- lateness_minutes


@pytest.mark.parametrize(
	"end, expected",
	[
		(at(MON, 10), 0),  # exactly at the deadline: not late
		(at(MON, 9, 59, 59), 0),  # early
		(at(MON, 8), 0),
		(at(MON, 10) + timedelta(microseconds=1), 1),  # any fraction of a minute counts as a minute
		(at(MON, 10, 0, 1), 1),
		(at(MON, 10, 0, 59), 1),
		(at(MON, 10, 1), 1),
		(at(MON, 10, 1, 1), 2),
		(at(MON, 11, 30), 90),
		(at(TUE, 10), 1440),
	],
)
def test_lateness_rounds_up_to_the_minute(end, expected):
	assert lateness_minutes(end, at(MON, 10)) == expected


def test_lateness_without_deadline_is_zero_and_crosses_a_year_end():
	assert lateness_minutes(at(MON, 23), None) == 0
	# Dec 31 23:59 → Jan 1 00:10 is 1 + 10 = 11 minutes.
	assert lateness_minutes(at(date(2028, 1, 1), 0, 10), at(NEW_YEARS_EVE, 23, 59)) == 11


# ---------------------------------------------------------------- sla_state

DL = at(MON, 12)  # the deadline of the sla_state cases


@pytest.mark.parametrize(
	"now, end, earliest, done, state, minutes_left",
	[
		# Booked to end exactly at the deadline: in time. 09:00 → 12:00 = 180 min left.
		(at(MON, 9), DL, None, False, "ok", 180),
		(at(MON, 9), at(MON, 11), None, False, "ok", 180),
		# Booked to end one minute late: at risk.
		(at(MON, 9), at(MON, 12, 1), None, False, "at_risk", 180),
		# Not booked: the earliest possible end decides; unknown or in time is ok.
		(at(MON, 9), None, at(MON, 13), False, "at_risk", 180),
		(at(MON, 9), None, DL, False, "ok", 180),
		(at(MON, 9), None, None, False, "ok", 180),
		# Now exactly at the deadline is not yet breached (0 left); 30 s past it is: floor(−0.5) = −1.
		(DL, at(MON, 11), None, False, "ok", 0),
		(at(MON, 12, 0, 30), at(MON, 11), None, False, "breached", -1),
		(at(MON, 14), None, None, False, "breached", -120),
		(at(MON, 14), at(MON, 11), None, False, "breached", -120),  # past the deadline, not done
		# Done: met when it ended by the deadline (even long after), breached when it ended later.
		(at(MON, 14), DL, None, True, "met", -120),
		(at(MON, 14), at(MON, 12, 1), None, True, "breached", -120),
		(at(MON, 11), at(MON, 10), None, True, "met", 60),
		# Done with no known end: taken to have ended now at the latest.
		(at(MON, 11), None, None, True, "met", 60),
		(at(MON, 13), None, None, True, "breached", -60),
	],
)
def test_sla_state(now, end, earliest, done, state, minutes_left):
	assert sla_state(DL, now, end, earliest, done=done) == {"state": state, "minutes_left": minutes_left}


def test_sla_state_minutes_left_rounds_down():
	# 10:00 → 12:00:59 is 120 min 59 s: 120.
	assert sla_state(at(MON, 12, 0, 59), at(MON, 10), None, None)["minutes_left"] == 120
	# 12:00:30 → 12:00 is −30 s: −1.
	assert sla_state(DL, at(MON, 12, 0, 30), None, None)["minutes_left"] == -1


def test_sla_state_without_deadline_is_none():
	for done in (False, True):
		assert sla_state(None, at(MON, 9), at(MON, 23), at(TUE, 9), done=done) == {
			"state": "none",
			"minutes_left": None,
		}


# ---------------------------------------------------------------- slots


def _slots(slots):
	return [(s.tech_id, s.start, s.end, s.late_min) for s in slots]


def test_slots_meeting_the_deadline_come_first_then_the_late_ones_by_start():
	"""E is free at 08:00; B is busy 08:00–10:00 (+15 min buffer: free at 10:15). A 1 h job due by 10:00.
	Every slot lasts the same hour, so the first start is also the first end: in-time slots come first."""
	busy = JobInfo("X", start=at(MON, 8), duration_h=2, tech_id="B")
	now = at(MON, 7)
	techs = [TechInfo("B"), TechInfo("E")]
	got = suggest_slots(techs, [busy], 1.0, now, start_date=MON, horizon_days=2, deadline=at(MON, 10))
	assert _slots(got) == [
		("E", at(MON, 8), at(MON, 9), 0),  # ends 09:00, before 10:00
		("B", at(MON, 10, 15), at(MON, 11, 15), 75),  # 11:15 − 10:00
		("B", at(TUE, 8), at(TUE, 9), 23 * 60),  # Tuesday 09:00 − Monday 10:00 = 23 h; B before E by id
		("E", at(TUE, 8), at(TUE, 9), 23 * 60),
	]
	# A deadline at 11:15 sharp: B's Monday slot ends exactly then, so it is in time too.
	got = suggest_slots(techs, [busy], 1.0, now, start_date=MON, horizon_days=1, deadline=at(MON, 11, 15))
	assert _slots(got) == [("E", at(MON, 8), at(MON, 9), 0), ("B", at(MON, 10, 15), at(MON, 11, 15), 0)]
	# One second earlier and it is a minute late.
	got = suggest_slots(techs, [busy], 1.0, now, start_date=MON, horizon_days=1, deadline=at(MON, 11, 14, 59))
	assert [s.late_min for s in got] == [0, 1]


def test_slots_without_deadline_keep_their_order_and_are_never_late():
	"""Ranked B first: at equal starts it leads; no deadline, no lateness, the usual order (start, rank, id)."""
	techs = [TechInfo("A"), TechInfo("B"), TechInfo("C")]
	now = at(MON, 7)
	plain = suggest_slots(techs, [], 2.0, now, start_date=MON, horizon_days=2, rank={"B": 5.0})
	assert [(s.tech_id, s.start, s.late_min) for s in plain] == [
		("B", at(MON, 8), 0),
		("A", at(MON, 8), 0),
		("C", at(MON, 8), 0),
		("B", at(TUE, 8), 0),
		("A", at(TUE, 8), 0),
		("C", at(TUE, 8), 0),
	]
	# A deadline everyone meets changes nothing but is still checked: same slots, none late.
	far = suggest_slots(
		techs, [], 2.0, now, start_date=MON, horizon_days=2, rank={"B": 5.0}, deadline=at(TUE, 10)
	)
	assert _slots(far) == _slots(plain)


def test_slot_on_a_dst_change_day_counts_wall_clock_minutes():
	"""2027-03-14 (clocks jump 02:00 → 03:00 in Toronto): a Sunday extra shift 08:00–12:00, a 1.5 h job.
	Naive wall-clock times, like the rest of the engine: a slot 08:00–09:30."""
	tech = TechInfo("T", extra_shifts=[ExtraShift(DST_DAY, time(8), time(12))])
	now = at(DST_DAY, 1)
	[slot] = suggest_slots([tech], [], 1.5, now, start_date=DST_DAY, horizon_days=1, deadline=at(DST_DAY, 9))
	assert (slot.start, slot.end, slot.late_min) == (at(DST_DAY, 8), at(DST_DAY, 9, 30), 30)
	# Deadline the evening before (23:00): 09:30 − 23:00 on the wall clock = 10 h 30 = 630 min (the hour the
	# clocks skip is not taken off: minutes are wall-clock minutes everywhere in the engine).
	before = at(DST_DAY - timedelta(days=1), 23)
	[slot] = suggest_slots([tech], [], 1.5, now, start_date=DST_DAY, horizon_days=1, deadline=before)
	assert slot.late_min == 630


def test_slots_across_a_year_end():
	"""Friday Dec 31 2027 from 16:00 (default week 08:00–17:00), a Saturday Jan 1 2028 extra shift 08:00–12:00;
	a 1 h job due Dec 31 23:59."""
	jan1 = date(2028, 1, 1)
	tech = TechInfo("T", extra_shifts=[ExtraShift(jan1, time(8), time(12))])
	got = suggest_slots(
		[tech], [], 1.0, at(NEW_YEARS_EVE, 16), horizon_days=3, deadline=at(NEW_YEARS_EVE, 23, 59)
	)
	assert _slots(got) == [
		("T", at(NEW_YEARS_EVE, 16), at(NEW_YEARS_EVE, 17), 0),
		("T", at(jan1, 8), at(jan1, 9), 1 + 9 * 60),  # 23:59 → 00:00 is 1 min, then 9 h to 09:00
	]


# ---------------------------------------------------------------- ranking

NOW = at(MON, 9)
JOB = JobInfo("J", duration_h=2, lat=45.5, lon=-73.57)


def _same_place(*ids):
	# At the job's place: distance 0, proximity 4 × (100 − 0) = 400; no load, no tag, no GPS: total 400.
	return [TechInfo(i, lat=45.5, lon=-73.57) for i in ids]


def test_a_technician_who_would_end_past_the_deadline_ranks_after_one_in_time():
	"""A and B otherwise equal (A first by id without a deadline); A's earliest end is 1 h 30 past the deadline,
	B's exactly at it."""
	dl = at(MON, 14)
	techs = _same_place("A", "B")
	assert [r.tech_id for r in rank_techs(JOB, techs, {}, NOW)] == ["A", "B"]
	ranked = rank_techs(JOB, techs, {}, NOW, earliest_end={"A": at(MON, 15, 30), "B": dl}, deadline=dl)
	assert [r.tech_id for r in ranked] == ["B", "A"]
	b, a = ranked
	# A: 400 − 60 × 1.5 = 310.
	assert a.score == pytest.approx(310.0) and a.breakdown["total"] == 310.0
	assert (a.breakdown["deadline"], a.breakdown["late_h"]) == (-90.0, 1.5)
	assert a.warnings == [{"code": "misses_deadline", "late_h": 1.5}]
	# B: ends exactly at the deadline, not late.
	assert b.score == pytest.approx(400.0)
	assert (b.breakdown["deadline"], b.breakdown["late_h"]) == (0.0, 0.0)
	assert b.warnings == []
	for r in ranked:
		assert tuple(r.breakdown) == SLA_BREAKDOWN_KEYS
		assert sum(r.breakdown[k] for k in SLA_SCORE_PARTS) == pytest.approx(r.breakdown["total"], abs=0.01)


def test_fractional_lateness_no_slot_and_weights():
	"""C is 20 min late (1/3 h), D has no free slot; weights 60 / h and 300 by default."""
	dl = at(MON, 14)
	techs = _same_place("C", "D", "E")
	ends = {"C": at(MON, 14, 20), "E": at(MON, 10)}
	r = {x.tech_id: x for x in rank_techs(JOB, techs, {}, NOW, earliest_end=ends, deadline=dl)}
	assert r["C"].score == pytest.approx(400 - 60 / 3)  # 380
	assert (r["C"].breakdown["deadline"], r["C"].breakdown["late_h"]) == (-20.0, 0.33)
	assert r["D"].score == pytest.approx(400 - 300)  # 100
	assert (r["D"].breakdown["deadline"], r["D"].breakdown["late_h"]) == (-300.0, 0.0)
	assert r["D"].warnings == [{"code": "misses_deadline", "late_h": None}]
	assert r["E"].score == pytest.approx(400) and r["E"].warnings == []
	w = ScoreWeights(lateness_per_hour=12.0, no_slot_penalty=50.0)
	r = {x.tech_id: x for x in rank_techs(JOB, techs, {}, NOW, w, earliest_end=ends, deadline=dl)}
	assert r["C"].score == pytest.approx(400 - 12 / 3)  # 396
	assert r["D"].score == pytest.approx(400 - 50)  # 350
	# The lateness goes with the other parts: a far, loaded technician in time against a near one late.
	far = TechInfo("F", lat=45.5 + 0.45, lon=-73.57)  # ≈ 50 km north: proximity ≈ 4 × 50 = 200
	near = TechInfo("N", lat=45.5, lon=-73.57)  # proximity 400, but 4 h late: 400 − 240 = 160
	ranked = rank_techs(JOB, [far, near], {}, NOW, earliest_end={"F": dl, "N": at(MON, 18)}, deadline=dl)
	assert [x.tech_id for x in ranked] == ["F", "N"]
	assert ranked[1].score == pytest.approx(160.0)


def test_ranking_without_a_deadline_is_unchanged():
	techs = [
		TechInfo("A", lat=45.51, lon=-73.6, daily_hour_cap=4),
		TechInfo("B", lat=45.7, lon=-73.5),
		TechInfo("C", lat=45.5, lon=-73.57, gps_lat=45.5, gps_lon=-73.56, gps_fix_at=NOW),
	]
	load = {"A": 3.0, "C": 1.0}
	plain = rank_techs(JOB, techs, load, NOW)
	ends = {"A": at(MON, 23)}
	# Either argument alone changes nothing: no cost, no key, no warning.
	assert rank_techs(JOB, techs, load, NOW, earliest_end=ends) == plain
	assert rank_techs(JOB, techs, load, NOW, deadline=at(MON, 10)) == plain
	assert rank_techs(JOB, techs, load, NOW, earliest_end=None, deadline=None) == plain
	for r in plain:
		assert tuple(r.breakdown) == BREAKDOWN_KEYS
		assert sum(r.breakdown[k] for k in SCORE_PARTS) == pytest.approx(r.breakdown["total"], abs=0.03)
	# A deadline everyone meets: the same order and scores, only the two extra (zero) keys.
	met = rank_techs(
		JOB, techs, load, NOW, earliest_end=dict.fromkeys("ABC", at(MON, 10)), deadline=at(MON, 10)
	)
	assert [(r.tech_id, r.score, r.warnings) for r in met] == [
		(r.tech_id, r.score, r.warnings) for r in plain
	]
	assert all((r.breakdown["deadline"], r.breakdown["late_h"]) == (0.0, 0.0) for r in met)


# ---------------------------------------------------------------- optimizer

OPT_NOW = at(MON, 6)
FAST = dict(time_limit_s=1.0, seed=3)


def _request(jobs, techs=None, date_from=MON, days=1, now=OPT_NOW, **kw):
	techs = techs or [TechInfo("T0", lat=45.50, lon=-73.60)]
	return OptimizeRequest(
		techs, jobs, date_from, date_from + timedelta(days=days - 1), now=now, **{**FAST, **kw}
	)


def _check_rules(r, p):
	"""The benchmark's independent checker on the jobs after the proposal: no rule broken."""
	after = {j.id: JobInfo(**{f: getattr(j, f) for f in j.__slots__}) for j in r.jobs}
	for m in p.moves:
		after[m.job].tech_id, after[m.job].start = m.to_tech, m.to_start
	return independent_checker.check(
		r.techs,
		r.jobs,
		list(after.values()),
		now=r.now,
		date_from=r.date_from,
		date_to=r.date_to,
		travel_minutes=lambda a, b: travel_minutes(haversine_km(*a, *b)),
		holidays=r.holidays,
		travel_buffer_min=r.min_gap_min,
		moved={m.job for m in p.moves},
	)


def _two_jobs(deadline):
	"""One technician (08:00–17:00), two 3 h jobs: one fits in the morning, the other after it. A (the one with
	the deadline) is near home, B 10 km north; without a deadline the solver happens to take B first."""
	return [
		JobInfo("A", duration_h=3, lat=45.51, lon=-73.60, status="New", deadline=deadline),
		JobInfo("B", duration_h=3, lat=45.60, lon=-73.60, status="New"),
	]


def _late_h(end: datetime, deadline: datetime) -> float:
	return round(max(0.0, (end - deadline).total_seconds() / 3600), 2)


@pytest.mark.parametrize(
	"solver, floor", [("vroom", True), ("vroom", False), ("ortools", False), ("greedy", None)]
)
def test_a_tight_deadline_takes_the_morning(solver, floor):
	dl = at(MON, 11, 30)
	r = _request(_two_jobs(dl), **({} if floor is None else {"greedy_floor": floor}))
	p = greedy(r) if solver == "greedy" else optimize(r, solver)
	at_ = {m.job: m for m in p.moves}
	assert set(at_) == {"A", "B"} and not p.unplaced
	assert at_["A"].end <= dl  # in time (it could not be in the afternoon: 3 h after a 3 h morning job)
	assert at_["A"].end <= at_["B"].to_start
	assert (p.kpis_after.late_jobs, p.kpis_after.lateness_h) == (0, 0.0)
	assert _check_rules(r, p) == []


def test_without_the_deadline_the_same_jobs_are_never_late():
	p = optimize(_request(_two_jobs(None)))
	assert p.kpis_after.placed == 2 and (p.kpis_after.late_jobs, p.kpis_after.lateness_h) == (0, 0.0)


def test_a_deadline_nobody_can_meet_still_places_and_counts_lateness():
	"""Due 08:30 for a 3 h job, shifts from 08:00: late wherever it goes; the KPI is its end − 08:30."""
	dl = at(MON, 8, 30)
	r = _request(_two_jobs(dl))
	p = optimize(r)
	at_ = {m.job: m for m in p.moves}
	assert set(at_) == {"A", "B"}
	assert p.kpis_after.late_jobs == 1
	assert p.kpis_after.lateness_h == _late_h(at_["A"].end, dl) and p.kpis_after.lateness_h >= 2.5
	assert p.kpis_before.lateness_h == 0.0  # nothing placed before


def test_a_deadline_before_the_horizon_is_already_late():
	"""Due Sunday 17:00, planned from Monday: placed Monday, late by (its end − Sunday 17:00)."""
	dl = at(MON - timedelta(days=1), 17)
	job = JobInfo("OLD", duration_h=1, lat=45.51, lon=-73.60, status="New", deadline=dl)
	r = _request([job])
	assert State(r).movable[0].due == -7 * 60  # 17:00 the day before 00:00 Monday
	p = optimize(r)
	[m] = p.moves
	assert m.to_start.date() == MON
	assert p.kpis_after.late_jobs == 1
	# Ends at the earliest about 09:0x Monday: 16 h and more late.
	assert p.kpis_after.lateness_h == _late_h(m.end, dl) and p.kpis_after.lateness_h > 16


@pytest.mark.parametrize(
	"date_from, deadline, requested, due",
	[
		# DST day: Saturday 2027-03-13 00:00 → Sunday 10:00 is 1440 + 600 wall-clock minutes.
		(date(2027, 3, 13), at(DST_DAY, 10), None, 1440 + 600),
		(date(2027, 3, 13), at(DST_DAY, 3, 30), None, 1440 + 210),  # inside the skipped hour: naive minutes
		# Year end: Dec 30 00:00 → Dec 31 23:59 is 1440 + 1439; → Jan 1 00:30 is 2 × 1440 + 30.
		(date(2027, 12, 30), at(NEW_YEARS_EVE, 23, 59), None, 1440 + 1439),
		(date(2027, 12, 30), at(date(2028, 1, 1), 0, 30), None, 2 * 1440 + 30),
		# Month end: Nov 30 00:00 → Dec 1 08:00.
		(date(2027, 11, 30), at(date(2027, 12, 1), 8), None, 1440 + 480),
		# Seconds are floored: a job ending within that minute would already be past the deadline.
		(MON, at(MON, 10, 0, 59), None, 600),
		# With a requested date, the earlier of the two: the requested day's end (Monday: 1440) or the deadline.
		(MON, at(TUE, 10), MON, 1440),
		(MON, at(MON, 10), TUE, 600),
		(MON, None, TUE, 2 * 1440),
	],
)
def test_the_due_minute_of_a_deadline(date_from, deadline, requested, due):
	job = JobInfo(
		"J", duration_h=1, lat=45.51, lon=-73.60, status="New", deadline=deadline, requested_date=requested
	)
	assert State(_request([job], date_from=date_from, days=3)).movable[0].due == due


def test_deadline_on_a_dst_day_and_at_a_year_end_in_the_optimizer():
	# DST Sunday, a shift 08:00–12:00; a 1 h job due 08:30 cannot be (travel from home first): late, wall clock.
	tech = TechInfo("T0", lat=45.50, lon=-73.60, extra_shifts=[ExtraShift(DST_DAY, time(8), time(12))])
	dl = at(DST_DAY, 8, 30)
	job = JobInfo("D", duration_h=1, lat=45.51, lon=-73.60, status="New", deadline=dl)
	r = _request([job], [tech], date_from=DST_DAY, now=at(DST_DAY, 1))
	p = optimize(r)
	[m] = p.moves
	assert p.kpis_after.late_jobs == 1 and p.kpis_after.lateness_h == _late_h(m.end, dl) > 0.5
	# Friday Dec 31, due 23:59 that night: placed that day, in time; the range runs into the new year.
	ny = at(NEW_YEARS_EVE, 23, 59)
	job = JobInfo("Y", duration_h=2, lat=45.51, lon=-73.60, status="New", deadline=ny)
	r = _request([job], date_from=NEW_YEARS_EVE, days=4, now=at(NEW_YEARS_EVE, 6))
	p = optimize(r)
	[m] = p.moves
	assert m.to_start.date() == NEW_YEARS_EVE and m.end <= ny
	assert (p.kpis_after.late_jobs, p.kpis_after.lateness_h) == (0, 0.0)
	assert _check_rules(r, p) == []


class _Lazy:
	"""A solver that routes nothing: what gets placed is the repair pass's (cheapest insertion)."""

	name = "lazy"

	def solve(self, problem, time_limit_s, seed):
		return [[] for _ in problem.vehicles]


@pytest.mark.parametrize("kind", ["greedy", "repair", "vroom", "ortools"])
def test_the_technician_who_can_meet_the_deadline_gets_the_job(kind):
	"""NEAR lives at the job and is busy there 08:00–10:00 (a pinned job); FAR, 20 km north, is free from 08:00.
	Without a deadline NEAR takes the 1 h job at 10:00 (ranked first by the greedy loop: 400 − 2 h × 30 = 340
	against FAR's 4 × (100 − 20) = 320; the cheaper insertion for the repair). Due 10:00, only FAR is in time:
	08:00 + the 20 km drive, ending before 10:00."""
	techs = [TechInfo("FAR", lat=45.69, lon=-73.60), TechInfo("NEAR", lat=45.51, lon=-73.60)]

	def plan(deadline):
		pinned = JobInfo(
			"P", start=at(MON, 8), duration_h=2, tech_id="NEAR", lat=45.51, lon=-73.60, status="Scheduled"
		)
		pinned.pinned = True
		job = JobInfo("A", duration_h=1, lat=45.51, lon=-73.60, status="New", deadline=deadline)
		r = _request([pinned, job], techs, greedy_floor=False)
		if kind == "greedy":
			return r, greedy(r)
		return r, optimize(r, _Lazy() if kind == "repair" else kind)

	dl = at(MON, 10)
	r, p = plan(dl)
	[m] = p.moves
	assert m.to_tech == "FAR" and m.end <= dl
	assert (p.kpis_after.late_jobs, p.kpis_after.lateness_h) == (0, 0.0)
	assert _check_rules(r, p) == []
	if kind in ("greedy", "repair"):
		_, p = plan(None)
		[m] = p.moves
		assert (m.to_tech, m.to_start) == ("NEAR", at(MON, 10))
