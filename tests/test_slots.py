from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafibre_dispatch.engine.availability import Absence, ExtraShift, absence_intervals, working_windows
from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.models import Assist, JobInfo, TechInfo
from gigafibre_dispatch.engine.slots import suggest_slots

MON = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 7, 0)


def at(d, h, m=0):
	return datetime.combine(d, time(h, m))


def test_first_slot_after_existing_job_and_buffer():
	tech = TechInfo("T")
	job = JobInfo("J", start=at(MON, 8), duration_h=2, tech_id="T")
	slots = suggest_slots([tech], [job], 1.0, NOW, start_date=MON)
	assert slots[0].start == at(MON, 10, 15)
	assert len(slots) == 2 and slots[1].start.date() == MON + timedelta(days=1)


def test_now_aligned_and_default_shift():
	now = datetime(2026, 11, 23, 13, 7)
	slots = suggest_slots([TechInfo("T")], [], 1.0, now, start_date=MON, per_tech=1)
	assert slots[0].start == at(MON, 13, 15)
	# 13:00 on Friday with 4.5 h to place: nothing fits that day, the next slot is Monday.
	friday = suggest_slots(
		[TechInfo("T")], [], 4.5, datetime(2026, 11, 27, 13, 0), start_date=date(2026, 11, 27)
	)
	assert friday[0].start == at(date(2026, 11, 30), 8)
	assert (
		suggest_slots(
			[TechInfo("T")],
			[],
			4.5,
			datetime(2026, 11, 27, 13, 0),
			start_date=date(2026, 11, 27),
			horizon_days=1,
		)
		== []
	)


def test_assistants_block_their_time_and_cancelled_jobs_do_not():
	job = JobInfo("J", start=at(MON, 8), duration_h=8, tech_id="X", assistants=[Assist("T", 3)])
	cancelled = JobInfo("C", start=at(MON, 11, 15), duration_h=5, tech_id="T", status="Cancelled")
	slots = suggest_slots([TechInfo("T")], [job, cancelled], 1.0, NOW, start_date=MON, per_tech=1)
	assert slots[0].start == at(MON, 11, 15)


def test_ranking_orders_same_start_and_limit():
	techs = [TechInfo("A"), TechInfo("B"), TechInfo("C", resource_type="material")]
	slots = suggest_slots(techs, [], 1.0, NOW, start_date=MON, rank={"A": 10, "B": 50}, limit=3)
	assert [s.tech_id for s in slots] == ["B", "A", "B"]
	assert slots[0].score == 50


def test_invalid_duration():
	with pytest.raises(EngineError) as e:
		suggest_slots([TechInfo("T")], [], 0, NOW)
	assert e.value.code == "invalid_duration"


hours = st.integers(min_value=6, max_value=19)


@st.composite
def scenario(draw):
	n_techs = draw(st.integers(1, 4))
	techs = []
	for i in range(n_techs):
		absence = None
		if draw(st.booleans()):
			d0 = MON + timedelta(days=draw(st.integers(0, 6)))
			span = draw(st.integers(0, 2))
			if draw(st.booleans()):
				absence = Absence(d0, d0 + timedelta(days=span))
			else:
				s = draw(st.integers(8, 15))
				absence = Absence(d0, d0 + timedelta(days=span), time(s), time(s + draw(st.integers(1, 3))))
		extra = [ExtraShift(MON + timedelta(days=5), time(9), time(13))] if draw(st.booleans()) else []
		techs.append(TechInfo(f"T{i}", absence=absence, extra_shifts=extra))
	jobs = []
	for k in range(draw(st.integers(0, 25))):
		d = MON + timedelta(days=draw(st.integers(0, 6)))
		start = at(d, draw(hours), draw(st.sampled_from((0, 15, 30, 45))))
		assists = (
			[Assist(f"T{draw(st.integers(0, n_techs - 1))}", draw(st.sampled_from((0, 1, 2))))]
			if draw(st.booleans())
			else []
		)
		jobs.append(
			JobInfo(
				f"J{k}",
				start=start,
				duration_h=draw(st.sampled_from((0.5, 1, 2, 3))),
				tech_id=f"T{draw(st.integers(0, n_techs - 1))}",
				assistants=assists,
			)
		)
	now = at(MON, draw(st.integers(0, 23)), draw(st.integers(0, 59)))
	return techs, jobs, now, draw(st.sampled_from((0.5, 1.0, 1.5, 2.0, 4.0))), draw(st.integers(1, 3))


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_slot_properties(sc):
	techs, jobs, now, duration, per_tech = sc
	buffer = timedelta(minutes=15)
	slots = suggest_slots(techs, jobs, duration, now, start_date=MON, per_tech=per_tech, limit=100)
	counts = {}
	for s in slots:
		tech = next(t for t in techs if t.id == s.tech_id)
		counts[s.tech_id] = counts.get(s.tech_id, 0) + 1
		assert s.end - s.start == timedelta(hours=duration)
		assert s.start >= now
		assert s.start.minute % 15 == 0
		# Inside one working window (which already excludes the absence) ...
		windows = working_windows(tech.week, tech.extra_shifts, tech.absence, MON, MON + timedelta(days=6))
		assert any(ws <= s.start and s.end <= we for ws, we in windows), s
		# ... never inside an absence ...
		for a0, a1 in absence_intervals(tech.absence, MON, MON + timedelta(days=6)):
			assert s.end <= a0 or s.start >= a1
		# ... and never within the buffer of any job the technician runs or assists.
		for j in jobs:
			involved = j.tech_id == s.tech_id or any(a.tech_id == s.tech_id for a in j.assistants)
			if not involved:
				continue
			end = j.end
			for a in j.assistants:
				if a.tech_id == s.tech_id and a.duration_h and j.tech_id != s.tech_id:
					end = j.start + timedelta(hours=a.duration_h)
			assert s.end <= j.start - buffer or s.start >= end + buffer, (s, j)
	assert all(c <= per_tech for c in counts.values())
	assert [s.start for s in slots] == sorted(s.start for s in slots)
