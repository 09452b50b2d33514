from datetime import date, datetime, time

import pytest

from gigafibre_dispatch.engine import offers
from gigafibre_dispatch.engine.availability import Absence
from gigafibre_dispatch.engine.drop import check_drop
from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.models import JobInfo, TagReq, TechInfo
from gigafibre_dispatch.engine.validation import check_dependency, validate_duration, validate_tag_level

MON = date(2026, 11, 23)


def at(d, h, m=0):
	return datetime.combine(d, time(h, m))


def test_weekend_refused_unless_continuous():
	tech = TechInfo("T")
	sunday = at(date(2026, 11, 29), 10)
	refused = check_drop(JobInfo("J"), tech, sunday)
	assert (refused.allowed, refused.code) == (False, "non_working_day")
	assert check_drop(JobInfo("J", continuous=True), tech, sunday).allowed


def test_holiday_is_a_non_working_day():
	assert (
		check_drop(JobInfo("J"), TechInfo("T", holidays=frozenset({MON})), at(MON, 9)).code
		== "non_working_day"
	)


def test_inactive_refused():
	assert check_drop(JobInfo("J"), TechInfo("T", active=False), at(MON, 9)).code == "tech_inactive"


def test_dependency_rules():
	job = JobInfo("B", duration_h=1)
	tech = TechInfo("T")
	open_dep = JobInfo("A", start=at(MON, 13), duration_h=3, status="Scheduled")
	assert check_drop(job, tech, at(MON, 9), dependency=open_dep).code == "dependency_not_done"
	assert check_drop(job, tech, at(MON, 16), dependency=open_dep).allowed  # after it ends
	unscheduled = JobInfo("A", status="New")
	assert check_drop(job, tech, at(MON, 16), dependency=unscheduled).code == "dependency_not_done"
	done = JobInfo("A", start=at(MON, 13), duration_h=3, status="Completed")
	assert check_drop(job, tech, at(MON, 9), dependency=done).allowed


def test_warnings_do_not_refuse():
	tech = TechInfo("T", tags={"Fibre": 1}, absence=Absence(MON, None, time(9), time(11), "Dentiste"))
	job = JobInfo("J", duration_h=2, tags=[TagReq("Fibre", 3), TagReq("Nice", 2, required=False)])
	other = JobInfo("K", start=at(MON, 10), duration_h=1, tech_id="T")
	out = check_drop(job, tech, at(MON, 9), tech_jobs=[other, JobInfo("J", start=at(MON, 9), tech_id="T")])
	assert out.allowed
	codes = [w["code"] for w in out.warnings]
	assert codes == ["tag_shortfall", "absence", "overlap"]
	assert out.warnings[0] == {"code": "tag_shortfall", "tag": "Fibre", "required": 3, "has": 1}
	late = check_drop(JobInfo("J", duration_h=2), TechInfo("T"), at(MON, 16))
	assert [w["code"] for w in late.warnings] == ["outside_shift"]
	assert late.as_dict()["allowed"] is True


@pytest.mark.parametrize("hours", [0, -1, None, "x", 24 * 15])
def test_invalid_duration(hours):
	with pytest.raises(EngineError) as e:
		validate_duration(hours)
	assert e.value.code == "invalid_duration"


@pytest.mark.parametrize("level", [0, 6, "3", 2.5, True, None])
def test_invalid_tag_level(level):
	with pytest.raises(EngineError) as e:
		validate_tag_level(level)
	assert e.value.code == "invalid_tag_level"


def test_dependency_self_and_cycle():
	graph = {"B": "C", "C": None}
	with pytest.raises(EngineError) as e:
		check_dependency("A", "A", graph.get)
	assert e.value.code == "dependency_self"
	check_dependency("A", "B", graph.get)  # A → B → C: fine
	graph["C"] = "A"
	with pytest.raises(EngineError) as e:
		check_dependency("A", "B", graph.get)
	assert e.value.code == "dependency_cycle" and e.value.params["path"] == "A → B → C → A"
	check_dependency("X", "Y", {"Y": "Z", "Z": "Y"}.get)  # a cycle not through X is not X's problem


def test_offers():
	assert offers.offer_amount(25, 65, 2.5) == 187.5
	assert offers.PRICING_PRESETS["weekend"]["label"] == "Fin de semaine"
	offers.validate_offer("broadcast", [])
	offers.validate_offer("pool", ["A", "B"])
	for mode, cands in (
		("targeted", []),
		("targeted", ["A", "B"]),
		("pool", []),
		("lottery", ["A"]),
		("pool", ["A", "A"]),
	):
		with pytest.raises(EngineError):
			offers.validate_offer(mode, cands)
	offers.check_offer_transition("open", "accepted")
	with pytest.raises(EngineError) as e:
		offers.check_offer_transition("accepted", "open")
	assert e.value.code == "invalid_offer_transition"
	assert (
		offers.may_accept("broadcast", [], "Z")
		and offers.may_accept("pool", ["A"], "A")
		and not offers.may_accept("targeted", ["A"], "B")
	)
