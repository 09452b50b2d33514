from datetime import date, datetime, time

import pytest

from gigafibre_dispatch.engine.availability import Absence, ExtraShift
from gigafibre_dispatch.engine.drop import DropCheck, check_drop
from gigafibre_dispatch.engine.models import JobInfo, TagReq, TechInfo
from gigafibre_dispatch.engine.states import DONE_STATES

MON = date(2026, 11, 23)  # a Monday
SAT, SUN = date(2026, 11, 28), date(2026, 11, 29)


def at(d, h, m=0):
	return datetime.combine(d, time(h, m))


def codes(check: DropCheck):
	return [w["code"] for w in check.warnings]


def test_clean_drop():
	check = check_drop(JobInfo("J", duration_h=2), TechInfo("T"), at(MON, 9))
	assert (check.allowed, check.code, check.reason, check.warnings) == (True, None, None, [])
	assert check.as_dict() == {"allowed": True, "code": None, "reason": None, "warnings": []}


def test_inactive_refused_first():
	check = check_drop(JobInfo("J"), TechInfo("T", active=False), at(SUN, 9))
	assert (check.allowed, check.code) == (False, "tech_inactive")
	assert check.reason


@pytest.mark.parametrize(
	"tech, day, kw",
	[
		(TechInfo("T"), SUN, {}),
		(TechInfo("T"), SAT, {}),
		(TechInfo("T"), MON, {"holidays": frozenset({MON})}),
		(TechInfo("T", holidays=frozenset({MON})), MON, {}),
		(TechInfo("T", week={}), MON, {}),
		(TechInfo("T"), MON, {"default_week": {5: [(time(8), time(12))]}}),
	],
)
def test_non_working_day_refused(tech, day, kw):
	check = check_drop(JobInfo("J"), tech, at(day, 10), **kw)
	assert (check.allowed, check.code) == (False, "non_working_day")
	assert check.as_dict()["allowed"] is False


def test_continuous_job_on_a_weekend_is_allowed():
	check = check_drop(JobInfo("J", continuous=True, duration_h=30), TechInfo("T"), at(SUN, 10))
	assert check.allowed and codes(check) == ["outside_shift"]


def test_extra_shift_makes_a_weekend_a_working_day():
	tech = TechInfo("T", extra_shifts=[ExtraShift(SAT, time(9), time(13))])
	check = check_drop(JobInfo("J", duration_h=2), tech, at(SAT, 9))
	assert check.allowed and check.warnings == []


def test_dependency_rules():
	job, tech = JobInfo("B", duration_h=1), TechInfo("T")
	open_dep = JobInfo("A", start=at(MON, 13), duration_h=3, status="Scheduled")
	refused = check_drop(job, tech, at(MON, 9), dependency=open_dep)
	assert (refused.allowed, refused.code) == (False, "dependency_not_done")
	assert check_drop(job, tech, at(MON, 16), dependency=open_dep).allowed  # after it ends
	unscheduled = JobInfo("A", status="New")
	assert check_drop(job, tech, at(MON, 16), dependency=unscheduled).code == "dependency_not_done"
	for status in sorted(DONE_STATES):
		done = JobInfo("A", start=at(MON, 13), duration_h=3, status=status)
		assert check_drop(job, tech, at(MON, 9), dependency=done).allowed, status
	assert check_drop(job, tech, at(MON, 9)).allowed  # no dependency


def test_refusal_order_inactive_then_day_then_dependency():
	dep = JobInfo("A", status="New")
	assert (
		check_drop(JobInfo("J"), TechInfo("T", active=False), at(SUN, 9), dependency=dep).code
		== "tech_inactive"
	)
	assert check_drop(JobInfo("J"), TechInfo("T"), at(SUN, 9), dependency=dep).code == "non_working_day"


def test_tag_shortfall_warns_but_allows():
	tech = TechInfo("T", tags={"Fibre": 1, "OTDR": 4})
	job = JobInfo(
		"J",
		tags=[TagReq("Fibre", 3), TagReq("OTDR", 2), TagReq("Nacelle", 1), TagReq("Nice", 2, required=False)],
	)
	check = check_drop(job, tech, at(MON, 9))
	assert check.allowed
	assert check.warnings == [
		{"code": "tag_shortfall", "tag": "Fibre", "required": 3, "has": 1},
		{"code": "tag_shortfall", "tag": "Nacelle", "required": 1, "has": 0},
	]


def test_absence_warns_with_its_reason():
	tech = TechInfo("T", absence=Absence(MON, None, time(9), time(11), "Dentiste"))
	check = check_drop(JobInfo("J", duration_h=2), tech, at(MON, 10))
	assert check.allowed and check.warnings == [{"code": "absence", "reason": "Dentiste"}]
	assert check_drop(JobInfo("J", duration_h=2), tech, at(MON, 11)).warnings == []  # right after it


def test_whole_day_absence_warns():
	check = check_drop(JobInfo("J"), TechInfo("T", absence=Absence(MON, reason="Malade")), at(MON, 10))
	assert check.allowed and check.warnings == [{"code": "absence", "reason": "Malade"}]


def test_outside_shift():
	assert codes(check_drop(JobInfo("J", duration_h=2), TechInfo("T"), at(MON, 16))) == ["outside_shift"]
	assert codes(check_drop(JobInfo("J", duration_h=2), TechInfo("T"), at(MON, 7))) == ["outside_shift"]
	assert codes(check_drop(JobInfo("J", duration_h=2), TechInfo("T"), at(MON, 15))) == []  # ends at 17:00


def test_overlap_with_other_jobs_only():
	tech = TechInfo("T")
	job = JobInfo("J", duration_h=2)
	others = [
		JobInfo("K", start=at(MON, 10), duration_h=1, tech_id="T"),
		JobInfo("J", start=at(MON, 9), tech_id="T"),  # the job itself, at its old place
		JobInfo("C", start=at(MON, 9), tech_id="T", status="Cancelled"),
		JobInfo("U", tech_id="T"),  # not scheduled
		JobInfo("L", start=at(MON, 11), duration_h=1, tech_id="T"),  # touches the end: no overlap
		JobInfo("E", start=at(MON, 8), duration_h=1.5, tech_id="T"),
	]
	check = check_drop(job, tech, at(MON, 9), tech_jobs=others)
	assert check.allowed
	assert [w for w in check.warnings if w["code"] == "overlap"] == [
		{"code": "overlap", "job": "K"},
		{"code": "overlap", "job": "E"},
	]


def test_all_warnings_together():
	tech = TechInfo("T", tags={"Fibre": 1}, absence=Absence(MON, None, time(16), time(18), "RDV"))
	job = JobInfo("J", duration_h=2, tags=[TagReq("Fibre", 3)])
	other = JobInfo("K", start=at(MON, 16, 30), duration_h=1, tech_id="T")
	check = check_drop(job, tech, at(MON, 16), tech_jobs=[other])
	assert check.allowed and codes(check) == ["tag_shortfall", "absence", "outside_shift", "overlap"]


# The drive rule (engine/drive.py, the optimizer's too): working time between two jobs holds the drive and the
# travel buffer; a drive is never driven during lunch.
class Table:
	"""Driving minutes between named places, exact (no estimate in the way)."""

	def __init__(self, minutes: dict):
		self.minutes = minutes

	def travel_minutes(self, a, b):
		return 0 if a == b else self.minutes[frozenset((a, b))]


X, Y = (45.50, -73.60), (45.60, -73.60)
ROUTES = Table({frozenset((X, Y)): 30})
LUNCH = {d: [(time(8), time(12)), (time(13), time(17))] for d in range(5)}


def placed(jid, start, place, hours=1.0):
	return JobInfo(
		jid, start=start, duration_h=hours, tech_id="T", lat=place[0], lon=place[1], status="Scheduled"
	)


def drop_at(start, others, tech=None, buffer_min=0, place=Y):
	job = JobInfo("NEW", duration_h=1, lat=place[0], lon=place[1])
	return check_drop(
		job, tech or TechInfo("T"), start, tech_jobs=others, routing=ROUTES, buffer_min=buffer_min
	)


def test_enough_time_to_drive_from_the_job_before():
	assert codes(drop_at(at(MON, 10, 30), [placed("A", at(MON, 9), X)])) == []


def test_too_little_time_to_drive_from_the_job_before():
	check = drop_at(at(MON, 10, 15), [placed("A", at(MON, 9), X)])
	assert check.allowed and check.warnings == [{"code": "travel_before", "job": "A", "minutes": 30}]


def test_too_little_time_to_drive_to_the_job_after():
	check = drop_at(at(MON, 9), [placed("B", at(MON, 10, 15), X)])
	assert codes(check) == ["travel_after"]


def test_the_travel_buffer_counts():
	others = [placed("A", at(MON, 9), X)]
	assert codes(drop_at(at(MON, 10, 35), others, buffer_min=0)) == []
	assert codes(drop_at(at(MON, 10, 35), others, buffer_min=15)) == ["travel_before"]
	assert codes(drop_at(at(MON, 10, 45), others, buffer_min=15)) == []


def test_no_driving_during_lunch():
	# A ends 11:55 at X; the drive to Y takes 30 min: 5 min before lunch, 25 after 13:00.
	others = [placed("A", at(MON, 10, 55), X)]
	lunch = TechInfo("T", week=LUNCH)
	assert codes(drop_at(at(MON, 13, 5), others, tech=lunch)) == ["travel_before"]
	assert codes(drop_at(at(MON, 13, 25), others, tech=lunch)) == []
	# Without the break the same 13:05 drop has an hour and ten minutes of working time to drive.
	assert codes(drop_at(at(MON, 13, 5), others)) == []


def test_no_drive_rule_without_a_routing_provider_or_coordinates():
	others = [placed("A", at(MON, 9), X)]
	assert (
		codes(
			check_drop(
				JobInfo("NEW", duration_h=1, lat=Y[0], lon=Y[1]), TechInfo("T"), at(MON, 10), tech_jobs=others
			)
		)
		== []
	)
	assert codes(drop_at(at(MON, 10), [placed("A", at(MON, 9), X)], place=(None, None))) == []


@pytest.mark.parametrize(
	"start, reason, code",
	[
		(at(MON, 9), None, "start_in_past"),  # an hour before now
		(datetime(2007, 11, 26, 9), None, "start_in_past"),  # a slip in the year
		(at(MON, 9), "   ", "start_in_past"),  # a blank reason is no reason
		(at(MON, 9), "Done on Monday morning, recorded now", None),  # after the fact, said why
		(at(MON, 9, 45), None, None),  # the current quarter-hour is not the past
		(datetime(2028, 11, 20, 9), None, None),  # two years ahead, a Monday: still planning
		(datetime(2029, 11, 26, 9), None, "start_too_far"),  # 2029 for 2026
	],
)
def test_a_start_in_the_past_needs_a_reason_and_a_far_year_is_refused(start, reason, code):
	now = at(MON, 10)
	check = check_drop(JobInfo("J"), TechInfo("T"), start, now=now, past_reason=reason)
	assert (check.allowed, check.code) == (code is None, code)


def test_without_now_the_clock_is_not_checked():
	assert check_drop(JobInfo("J"), TechInfo("T"), datetime(2007, 11, 26, 9)).allowed
