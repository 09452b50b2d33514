"""The independent proposal checker (benchmarks/independent_checker.py): each rule broken once and kept."""

import ast
import os
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from benchmarks.independent_checker import RULES, absence_bands, check, summarize
from gigafibre_dispatch.engine.availability import Absence, ExtraShift
from gigafibre_dispatch.engine.models import Assist, JobInfo, TagReq, TechInfo

MON = date(2026, 11, 23)  # a Monday
TUE = MON + timedelta(days=1)
WED = MON + timedelta(days=2)
SAT = date(2026, 11, 28)
DST = date(2027, 3, 14)  # a Sunday: clocks change in North America (naive datetimes here)
YEAR_END = date(2026, 12, 31)  # a Thursday
NOW = datetime(2026, 11, 1)
LUNCH_WEEK = {wd: [(time(8), time(12)), (time(13), time(17))] for wd in range(5)}
ALL_WEEK = {wd: [(time(8), time(17))] for wd in range(7)}

X = (45.0, -73.0)  # the default home base
Y = (45.1, -73.0)
Z = (45.2, -73.0)
TRAVEL = {frozenset((X, Y)): 30.0, frozenset((X, Z)): 20.0, frozenset((Y, Z)): 25.0}


def travel(a: tuple, b: tuple) -> float:
	return 0.0 if a == b else TRAVEL[frozenset((a, b))]


def at(day: date, h: int, m: int = 0) -> datetime:
	return datetime.combine(day, time(h, m))


def tech(tid: str = "T1", home: tuple = X, **kw) -> TechInfo:
	return TechInfo(id=tid, lat=home[0], lon=home[1], **kw)


def job(
	jid: str, start: datetime | None, hours: float = 1.0, tech_id: str | None = "T1", place: tuple = X, **kw
) -> JobInfo:
	return JobInfo(id=jid, start=start, duration_h=hours, tech_id=tech_id, lat=place[0], lon=place[1], **kw)


def unplaced(j: JobInfo) -> JobInfo:
	return replace(j, tech_id=None, start=None)


def run(techs: list, after: list, before: list | None = None, **kw) -> list[str]:
	"""Check a proposal; by default every job of `after` was unplaced before (so all are moved)."""
	if before is None:
		before = [unplaced(j) for j in after]
	params = dict(now=NOW, date_from=date(2026, 1, 1), date_to=date(2027, 12, 31), travel_minutes=travel)
	params.update(kw)
	out = check(techs, before, after, **params)
	assert set(summarize(out)) <= set(RULES), out
	return out


def only(violations: list[str], code: str) -> None:
	assert summarize(violations) == {code: 1}, violations


# ---------------------------------------------------------------- module surface


def test_rules_and_summarize():
	assert RULES == (
		"fixed_moved",
		"material_alone",
		"skill",
		"inactive",
		"range",
		"window",
		"overlap",
		"travel",
		"buffer",
		"cap",
		"dependency",
		"assistant",
	)
	assert summarize(["[cap] a", "[cap] b", "[skill] c"]) == {"cap": 2, "skill": 1}
	assert summarize([]) == {}


def test_checker_imports_only_the_standard_library():
	path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks")
	with open(os.path.join(path, "independent_checker.py")) as f:
		tree = ast.parse(f.read())
	modules = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			modules |= {a.name.split(".")[0] for a in node.names}
		elif isinstance(node, ast.ImportFrom):
			modules.add((node.module or "").split(".")[0])
	assert modules <= {"__future__", "collections", "dataclasses", "datetime", "typing"}, modules


def test_unchanged_jobs_are_not_moved_by_default():
	# a hand-made mess (inactive technician, overlap, over cap) that the proposal did not touch
	techs = [tech(active=False, daily_hour_cap=1)]
	jobs = [job("J1", at(MON, 9), 2), job("J2", at(MON, 10), 2)]
	assert run(techs, jobs, before=jobs) == []


def test_techs_and_jobs_may_be_dicts():
	t = tech(active=False)
	j = job("J1", at(MON, 9))
	out = check(
		{"T1": t},
		{"J1": unplaced(j)},
		{"J1": j},
		now=NOW,
		date_from=MON,
		date_to=MON,
		travel_minutes=travel,
	)
	only(out, "inactive")


# ---------------------------------------------------------------- fixed_moved


def test_fixed_moved_pinned_job_moved_broken():
	before = [job("J1", at(MON, 9), pinned=True)]
	after = [job("J1", at(MON, 10), pinned=True)]
	only(run([tech()], after, before=before), "fixed_moved")


def test_fixed_moved_started_job_reassigned_broken():
	before = [job("J1", at(MON, 9), status="In Progress")]
	after = [job("J1", at(MON, 9), tech_id="T2", status="In Progress")]
	only(run([tech(), tech("T2")], after, before=before), "fixed_moved")


def test_fixed_moved_unchanged_but_listed_in_moved_broken():
	jobs = [job("J1", at(MON, 9), pinned=True)]
	only(run([tech()], jobs, before=jobs, moved={"J1"}), "fixed_moved")


def test_fixed_moved_kept():
	before = [job("J1", at(MON, 9), pinned=True), job("J2", None, tech_id=None, status="In Progress")]
	after = [job("J1", at(MON, 9), pinned=True), job("J2", None, tech_id=None, status="In Progress")]
	before.append(unplaced(job("J3", at(MON, 10))))
	after.append(job("J3", at(MON, 10)))
	assert run([tech()], after, before=before) == []


# ---------------------------------------------------------------- material_alone


def test_material_alone_broken():
	only(run([tech("M1", resource_type="material")], [job("J1", at(MON, 9), tech_id="M1")]), "material_alone")


def test_material_as_assistant_kept():
	# the material resource's home is far away: travel is not checked for material resources
	techs = [tech(), tech("M1", home=Z, resource_type="material")]
	assert run(techs, [job("J1", at(MON, 8), assistants=[Assist("M1")])]) == []


# ---------------------------------------------------------------- skill


def test_skill_level_too_low_broken():
	j = job("J1", at(MON, 9), tags=[TagReq("fiber", 3)])
	only(run([tech(tags={"fiber": 2})], [j]), "skill")


def test_skill_missing_tag_broken():
	j = job("J1", at(MON, 9), tags=[TagReq("splice", 1)])
	only(run([tech(tags={"fiber": 5})], [j]), "skill")


def test_skill_kept_and_optional_tags_ignored():
	j = job("J1", at(MON, 9), tags=[TagReq("fiber", 3), TagReq("aerial", 5, required=False)])
	assert run([tech(tags={"fiber": 3})], [j]) == []


# ---------------------------------------------------------------- inactive


def test_inactive_technician_broken():
	only(run([tech(active=False)], [job("J1", at(MON, 9))]), "inactive")


def test_unknown_technician_broken():
	only(run([tech()], [job("J1", at(MON, 9), tech_id="T9")]), "inactive")


def test_inactive_kept():
	assert run([tech()], [job("J1", at(MON, 9))]) == []


# ---------------------------------------------------------------- range


def test_range_before_now_broken():
	only(run([tech()], [job("J1", at(MON, 9))], now=at(MON, 10)), "range")


def test_range_after_date_to_broken():
	only(run([tech()], [job("J1", at(TUE, 9))], date_from=MON, date_to=MON), "range")


def test_range_kept():
	assert run([tech()], [job("J1", at(MON, 9))], now=at(MON, 9), date_from=MON, date_to=MON) == []


# ---------------------------------------------------------------- window


@pytest.mark.parametrize("start,hours", [((12, 0), 1), ((11, 30), 1), ((16, 30), 1), ((7, 0), 2)])
def test_window_lunch_and_off_hours_broken(start, hours):
	only(run([tech(week=LUNCH_WEEK)], [job("J1", at(MON, *start), hours)]), "window")


@pytest.mark.parametrize("start", [(13, 0), (8, 0), (11, 0), (16, 0)])
def test_window_lunch_kept(start):
	assert run([tech(week=LUNCH_WEEK)], [job("J1", at(MON, *start))]) == []


@pytest.mark.parametrize("start,hours", [((14, 30), 1), ((13, 0), 2), ((15, 0), 2)])
def test_window_partial_absence_broken(start, hours):
	t = tech(absence=Absence(from_date=MON, start_time=time(14), end_time=time(16)))
	only(run([t], [job("J1", at(MON, *start), hours)]), "window")


@pytest.mark.parametrize("start", [(13, 0), (16, 0)])
def test_window_partial_absence_kept(start):
	t = tech(absence=Absence(from_date=MON, start_time=time(14), end_time=time(16)))
	assert run([t], [job("J1", at(MON, *start))]) == []


def test_window_holiday_broken():
	only(run([tech()], [job("J1", at(MON, 9))], holidays=frozenset({MON})), "window")


def test_window_technician_holidays_override_kept():
	# this technician works on the instance-wide holiday
	assert run([tech(holidays=frozenset())], [job("J1", at(MON, 9))], holidays=frozenset({MON})) == []


def test_window_extra_shift_on_holiday_kept():
	t = tech(extra_shifts=[ExtraShift(MON, time(9), time(12))])
	assert run([t], [job("J1", at(MON, 9))], holidays=frozenset({MON})) == []


def test_window_saturday_without_extra_shift_broken():
	only(run([tech()], [job("J1", at(SAT, 9))]), "window")


def test_window_saturday_extra_shift_kept():
	t = tech(extra_shifts=[ExtraShift(SAT, time(9), time(13))])
	assert run([t], [job("J1", at(SAT, 9))]) == []


def test_window_extra_shift_with_end_before_start_ignored():
	t = tech(extra_shifts=[ExtraShift(SAT, time(13), time(9))])
	only(run([t], [job("J1", at(SAT, 9))]), "window")


def test_window_split_shift_break_broken():
	t = tech(extra_shifts=[ExtraShift(MON, time(11), time(13), "off")])
	only(run([t], [job("J1", at(MON, 12))]), "window")


def test_window_split_shift_either_side_kept():
	t = tech(extra_shifts=[ExtraShift(MON, time(11), time(13), "off")])
	assert run([t], [job("J1", at(MON, 9), 2), job("J2", at(MON, 13), 2)]) == []


def test_window_on_call_is_not_working_time_broken():
	t = tech(extra_shifts=[ExtraShift(SAT, time(9), time(17), "on_call")])
	only(run([t], [job("J1", at(SAT, 10))]), "window")


def test_window_extra_shift_touching_the_week_merges_kept():
	t = tech(extra_shifts=[ExtraShift(MON, time(17), time(20))])
	assert run([t], [job("J1", at(MON, 16), 2)]) == []


def test_window_default_week_parameter():
	sat_week = {5: [(time(8), time(12))]}
	assert run([tech()], [job("J1", at(SAT, 9))], default_week=sat_week) == []
	only(run([tech()], [job("J1", at(MON, 9))], default_week=sat_week), "window")


def test_window_continuous_overnight_kept():
	# 20 h from Monday 16:00: only the start must be in a window; no cap, no travel (Y is 30 min away)
	assert run([tech()], [job("J1", at(MON, 16), 20, place=Y, continuous=True)]) == []


def test_window_continuous_start_off_hours_broken():
	only(run([tech()], [job("J1", at(MON, 17, 30), 20, continuous=True)]), "window")


def test_window_continuous_over_an_absence_broken():
	t = tech(absence=Absence(from_date=TUE, start_time=time(10), end_time=time(11)))
	only(run([t], [job("J1", at(MON, 16), 20, continuous=True)]), "window")


def test_window_assistant_block_broken():
	techs = [tech(), tech("T2", week=LUNCH_WEEK)]
	only(run(techs, [job("J1", at(MON, 11, 30), assistants=[Assist("T2")])]), "window")


def test_window_short_assistant_block_kept():
	techs = [tech(), tech("T2", week=LUNCH_WEEK)]
	assert run(techs, [job("J1", at(MON, 11), 2, assistants=[Assist("T2", duration_h=1)])]) == []


# ---------------------------------------------------------------- absence semantics


def test_absence_bands_semantics():
	d = datetime.combine
	every_day = Absence(from_date=MON, until_date=WED, start_time=time(9), end_time=time(10))
	assert absence_bands(every_day) == [(at(day, 9), at(day, 10)) for day in (MON, TUE, WED)]
	one_band = Absence(from_date=MON, until_date=WED, start_time=time(18), end_time=time(7))
	assert absence_bands(one_band) == [(at(MON, 18), at(WED, 7))]
	from_start = Absence(from_date=MON, until_date=TUE, start_time=time(12))
	assert absence_bands(from_start) == [(at(MON, 12), d(WED, time(0)))]
	until_end = Absence(from_date=MON, until_date=TUE, end_time=time(12))
	assert absence_bands(until_end) == [(d(MON, time(0)), at(TUE, 12))]
	whole = Absence(from_date=MON, until_date=TUE)
	assert absence_bands(whole) == [(d(MON, time(0)), d(WED, time(0)))]
	assert absence_bands(Absence(from_date=MON)) == [(d(MON, time(0)), d(TUE, time(0)))]
	assert absence_bands(None) == []


def test_absence_overnight_band():
	t = tech(absence=Absence(from_date=MON, until_date=WED, start_time=time(18), end_time=time(7)))
	only(run([t], [job("J1", at(TUE, 9))]), "window")
	assert run([t], [job("J1", at(WED, 8))]) == []
	assert run([t], [job("J1", at(MON, 16))]) == []


def test_absence_from_start_time_to_end_of_last_day():
	t = tech(absence=Absence(from_date=MON, until_date=TUE, start_time=time(12)))
	assert run([t], [job("J1", at(MON, 10))]) == []
	only(run([t], [job("J1", at(TUE, 16))]), "window")
	assert run([t], [job("J1", at(WED, 8))]) == []


def test_absence_whole_days():
	t = tech(absence=Absence(from_date=MON, until_date=TUE))
	only(run([t], [job("J1", at(TUE, 16))]), "window")
	assert run([t], [job("J1", at(WED, 8))]) == []


# ---------------------------------------------------------------- overlap


def test_overlap_broken():
	only(run([tech()], [job("J1", at(MON, 9), 2), job("J2", at(MON, 10))]), "overlap")


def test_overlap_with_an_assistant_block_broken():
	techs = [tech(), tech("T2")]
	jobs = [job("J1", at(MON, 9), 2, assistants=[Assist("T2")]), job("J2", at(MON, 10), tech_id="T2")]
	only(run(techs, jobs), "overlap")


def test_overlap_back_to_back_kept():
	assert run([tech()], [job("J1", at(MON, 9)), job("J2", at(MON, 10))]) == []


def test_overlap_short_assistant_kept():
	techs = [tech(), tech("T2")]
	jobs = [
		job("J1", at(MON, 9), 2, assistants=[Assist("T2", duration_h=0.5)]),
		job("J2", at(MON, 9, 30), tech_id="T2"),
	]
	assert run(techs, jobs) == []


def test_overlap_cancelled_job_occupies_nothing_kept():
	jobs = [job("J1", at(MON, 9), 2, status="Cancelled"), job("J2", at(MON, 10))]
	before = [jobs[0], unplaced(jobs[1])]
	assert run([tech()], jobs, before=before) == []


def test_overlap_made_by_hand_elsewhere_not_reported():
	hand = [job("J1", at(MON, 9), 2), job("J2", at(MON, 10))]
	after = hand + [job("J3", at(TUE, 9))]
	assert run([tech()], after, before=hand + [unplaced(after[2])]) == []


def test_overlap_continuous_after_its_first_day_ignored():
	jobs = [job("J1", at(MON, 16), 20, continuous=True), job("J2", at(TUE, 9))]
	assert run([tech()], jobs) == []


def test_overlap_continuous_on_its_first_day_broken():
	jobs = [job("J1", at(MON, 15), 20, continuous=True), job("J2", at(MON, 16))]
	only(run([tech()], jobs), "overlap")


# ---------------------------------------------------------------- travel and buffer


def test_travel_during_lunch_broken():
	# A ends 11:55 at X, B starts 13:05 at Y (30 min): 5 + 5 = 10 working minutes < 30
	jobs = [job("A", at(MON, 10, 55), place=X), job("B", at(MON, 13, 5), place=Y)]
	only(run([tech(week=LUNCH_WEEK)], jobs), "travel")


def test_travel_split_around_lunch_kept():
	# B at 13:30: 5 + 30 = 35 >= 30
	jobs = [job("A", at(MON, 10, 55), place=X), job("B", at(MON, 13, 30), place=Y)]
	assert run([tech(week=LUNCH_WEEK)], jobs) == []


def test_travel_home_to_first_job_broken():
	only(run([tech()], [job("J1", at(MON, 8), place=Z)]), "travel")


def test_travel_home_to_first_job_kept():
	assert run([tech()], [job("J1", at(MON, 8, 20), place=Z)]) == []


def test_travel_last_job_to_home_broken():
	only(run([tech()], [job("J1", at(MON, 16), place=Z)]), "travel")


def test_a_drive_between_hand_placed_jobs_is_not_the_proposals():
	# P was placed by hand at 16:00 at Z, too late to drive home (20 min) by 17:00; the proposal adds A in the
	# morning at X: the day is checked, P's drive home is not the proposal's.
	pinned = job("P", at(MON, 16), place=Z, pinned=True, status="Scheduled")
	placed = job("A", at(MON, 9), place=X)
	assert run([tech()], [placed, pinned], before=[unplaced(placed), pinned]) == []
	# The proposal's own leg into P still counts: A at 15:00 at Y leaves 0 min for the 25-min drive to Z.
	late = job("A", at(MON, 15), place=Y)
	only(run([tech()], [late, pinned], before=[unplaced(late), pinned]), "travel")


def test_travel_through_an_absence_broken():
	t = tech(absence=Absence(from_date=MON, start_time=time(10), end_time=time(10, 30)))
	jobs = [job("A", at(MON, 9), place=X), job("B", at(MON, 10, 30), place=Y)]
	only(run([t], jobs), "travel")


def test_travel_between_jobs_kept_without_buffer():
	jobs = [job("A", at(MON, 9), place=X), job("B", at(MON, 10, 30), place=Y)]
	assert run([tech()], jobs) == []


def test_buffer_makes_the_gap_too_short_broken():
	jobs = [job("A", at(MON, 9), place=X), job("B", at(MON, 10, 30), place=Y)]
	only(run([tech()], jobs, travel_buffer_min=10), "buffer")


def test_buffer_kept_with_a_longer_gap():
	jobs = [job("A", at(MON, 9), place=X), job("B", at(MON, 10, 40), place=Y)]
	assert run([tech()], jobs, travel_buffer_min=10) == []


def test_buffer_not_before_the_first_nor_after_the_last_job():
	assert run([tech()], [job("J1", at(MON, 8, 20), place=Z)], travel_buffer_min=30) == []


def test_buffer_at_the_same_place():
	jobs = [job("A", at(MON, 9)), job("B", at(MON, 10, 5))]
	only(run([tech()], jobs, travel_buffer_min=10), "buffer")
	assert run([tech()], jobs, travel_buffer_min=10, buffer_same_place=False) == []


def test_travel_of_an_assistant_broken():
	# T2 assists at Z from 08:00 but lives at X, 20 min away
	techs = [tech(home=Z), tech("T2")]
	only(run(techs, [job("J1", at(MON, 8), place=Z, assistants=[Assist("T2")])]), "travel")


def test_travel_on_a_day_without_moved_job_not_reported():
	hand = [job("J1", at(MON, 8), place=Z)]
	after = hand + [job("J2", at(TUE, 9))]
	assert run([tech()], after, before=hand + [unplaced(after[1])]) == []


def test_travel_reported_once_for_a_job_outside_windows():
	# the job itself is reported by `window`; the legs around it are not reported again
	only(run([tech()], [job("J1", at(MON, 17), place=Z)]), "window")


# ---------------------------------------------------------------- cap


def test_cap_broken():
	jobs = [job("J1", at(MON, 9)), job("J2", at(MON, 10)), job("J3", at(MON, 11))]
	only(run([tech(daily_hour_cap=2)], jobs), "cap")


def test_cap_kept_assistant_and_continuous_blocks_do_not_count():
	techs = [tech(daily_hour_cap=2), tech("T2")]
	jobs = [
		job("J1", at(MON, 9)),
		job("J2", at(MON, 10)),
		job("J3", at(MON, 13), 2, tech_id="T2", assistants=[Assist("T1")]),
		job("J4", at(MON, 15), 20, continuous=True),
	]
	assert run(techs, jobs) == []


# ---------------------------------------------------------------- dependency


def test_dependency_starts_before_predecessor_ends_broken():
	jobs = [job("J1", at(MON, 9), 2), job("J2", at(MON, 10), tech_id="T2", depends_on="J1")]
	only(run([tech(), tech("T2")], jobs), "dependency")


def test_dependency_kept():
	jobs = [job("J1", at(MON, 9), 2), job("J2", at(MON, 11), tech_id="T2", depends_on="J1")]
	assert run([tech(), tech("T2")], jobs) == []


def test_dependency_unscheduled_predecessor_broken():
	pred = job("J1", None, tech_id=None, status="Triaged")
	after = [pred, job("J2", at(MON, 10), depends_on="J1")]
	only(run([tech()], after, before=[pred, unplaced(after[1])]), "dependency")


@pytest.mark.parametrize("status", ["Completed", "Verified", "Invoiced"])
def test_dependency_done_predecessor_kept(status):
	pred = job("J1", None, tech_id=None, status=status)
	after = [pred, job("J2", at(MON, 10), depends_on="J1")]
	assert run([tech()], after, before=[pred, unplaced(after[1])]) == []


def test_dependency_not_moved_successor_broken():
	before = [job("J1", at(MON, 9)), job("J2", at(MON, 11), tech_id="T2", depends_on="J1")]
	after = [job("J1", at(MON, 10, 30)), before[1]]
	only(run([tech(), tech("T2")], after, before=before), "dependency")


def test_dependency_not_moved_successor_kept():
	before = [job("J1", at(MON, 9)), job("J2", at(MON, 11), tech_id="T2", depends_on="J1")]
	after = [job("J1", at(MON, 10)), before[1]]
	assert run([tech(), tech("T2")], after, before=before) == []


# ---------------------------------------------------------------- assistant


def test_assistant_unknown_broken():
	only(run([tech()], [job("J1", at(MON, 9), assistants=[Assist("T9")])]), "assistant")


def test_assistant_is_own_technician_broken():
	only(run([tech()], [job("J1", at(MON, 9), assistants=[Assist("T1")])]), "assistant")


def test_assistant_inactive_broken():
	techs = [tech(), tech("T2", active=False)]
	only(run(techs, [job("J1", at(MON, 9), assistants=[Assist("T2")])]), "assistant")


def test_assistant_kept():
	assert run([tech(), tech("T2")], [job("J1", at(MON, 9), assistants=[Assist("T2")])]) == []


# ---------------------------------------------------------------- DST and year-end dates


def test_dst_change_date():
	t = tech(week=ALL_WEEK)
	assert run([t], [job("J1", at(DST, 9))]) == []
	assert run([t], [job("J1", at(DST, 16), 24, continuous=True)]) == []
	only(run([t], [job("J1", at(DST, 16, 30))]), "window")
	jobs = [job("A", at(DST, 8)), job("B", at(DST, 8, 30), place=Z)]
	summary = summarize(run([t], jobs))
	assert summary == {"overlap": 1}, summary


def test_year_end_date():
	assert run([tech()], [job("J1", at(YEAR_END, 16))]) == []
	only(run([tech()], [job("J1", at(YEAR_END, 16, 30))]), "window")
	assert run([tech()], [job("J1", at(YEAR_END, 16), 20, continuous=True)]) == []
	new_year_off = tech(absence=Absence(from_date=date(2027, 1, 1)))
	only(run([new_year_off], [job("J1", at(YEAR_END, 16), 20, continuous=True)]), "window")
	only(run([tech()], [job("J1", at(date(2027, 1, 1), 9))], date_to=YEAR_END), "range")
	# 23:30 to 00:30 crosses the year: not inside one window of Dec 31
	night = tech(extra_shifts=[ExtraShift(YEAR_END, time(18), time(23, 59))])
	only(run([night], [job("J1", at(YEAR_END, 23, 30))]), "window")
