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
