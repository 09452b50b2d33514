from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafibre_dispatch.engine.availability import Absence, ExtraShift, absence_intervals, working_windows
from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.models import Assist, JobInfo, TechInfo
from gigafibre_dispatch.engine.slots import Busy, busy_by_tech, suggest_slots

MON = date(2026, 11, 23)  # a Monday
TUE, SAT = MON + timedelta(days=1), MON + timedelta(days=5)
NOW = datetime(2026, 11, 23, 7, 0)


def at(d, h, m=0):
	return datetime.combine(d, time(h, m))


def starts(slots):
	return [(s.tech_id, s.start) for s in slots]


def test_first_slot_after_existing_job_and_buffer():
	job = JobInfo("J", start=at(MON, 8), duration_h=2, tech_id="T")
	slots = suggest_slots([TechInfo("T")], [job], 1.0, NOW, start_date=MON)
	assert starts(slots) == [("T", at(MON, 10, 15)), ("T", at(TUE, 8))]  # per_tech=2, one per day
	assert slots[0].end == at(MON, 11, 15)


def test_buffer_before_a_job_too():
	job = JobInfo("J", start=at(MON, 10), duration_h=7, tech_id="T")
	# 08:00–09:45 is free: a 1.75 h job fits, a 2 h one does not.
	assert starts(suggest_slots([TechInfo("T")], [job], 1.75, NOW, start_date=MON, per_tech=1)) == [
		("T", at(MON, 8))
	]
	assert starts(suggest_slots([TechInfo("T")], [job], 2, NOW, start_date=MON, per_tech=1)) == [
		("T", at(TUE, 8))
	]
	no_buffer = suggest_slots([TechInfo("T")], [job], 2, NOW, start_date=MON, per_tech=1, buffer_min=0)
	assert starts(no_buffer) == [("T", at(MON, 8))]


def test_now_is_aligned_up_to_the_granularity():
	now = datetime(2026, 11, 23, 13, 7)
	assert suggest_slots([TechInfo("T")], [], 1.0, now, per_tech=1)[0].start == at(MON, 13, 15)
	assert suggest_slots([TechInfo("T")], [], 1.0, now, per_tech=1, granularity_min=30)[0].start == at(
		MON, 13, 30
	)
	assert suggest_slots([TechInfo("T")], [], 1.0, at(MON, 13, 15), per_tech=1)[0].start == at(MON, 13, 15)


def test_start_after_a_job_is_aligned_too():
	job = JobInfo("J", start=at(MON, 8), duration_h=1.1, tech_id="T")  # ends 09:06, +15 min buffer = 09:21
	assert suggest_slots([TechInfo("T")], [job], 1, NOW, per_tech=1)[0].start == at(MON, 9, 30)


def test_nothing_fits_late_on_friday_until_monday():
	friday, now = date(2026, 11, 27), datetime(2026, 11, 27, 13, 0)
	assert suggest_slots([TechInfo("T")], [], 4.5, now)[0].start == at(date(2026, 11, 30), 8)
	assert suggest_slots([TechInfo("T")], [], 4.5, now, start_date=friday, horizon_days=1) == []


def test_horizon_is_exclusive():
	slots = suggest_slots([TechInfo("T")], [], 1, NOW, start_date=MON, horizon_days=3, per_tech=10)
	assert [s.start.date() for s in slots] == [MON, TUE, MON + timedelta(days=2)]


def test_weekend_extra_shift_holiday_and_absence():
	tech = TechInfo(
		"T",
		extra_shifts=[ExtraShift(SAT, time(9), time(12))],
		absence=Absence(TUE, MON + timedelta(days=4)),  # Tuesday to Friday
	)
	slots = suggest_slots([tech], [], 2, NOW, start_date=MON, per_tech=5, holidays=frozenset({MON}))
	assert starts(slots) == [("T", at(SAT, 9))]


def test_own_week_and_default_week():
	early = TechInfo("early", week={0: [(time(6), time(10))]})
	slots = suggest_slots([early, TechInfo("std")], [], 1, datetime(2026, 11, 23, 5), per_tech=1)
	assert starts(slots) == [("early", at(MON, 6)), ("std", at(MON, 8))]
	weekend = {5: [(time(10), time(14))]}
	assert starts(suggest_slots([TechInfo("std")], [], 1, NOW, per_tech=1, default_week=weekend)) == [
		("std", at(SAT, 10))
	]


def test_assistants_block_their_time_and_cancelled_or_unscheduled_jobs_do_not():
	job = JobInfo("J", start=at(MON, 8), duration_h=8, tech_id="X", assistants=[Assist("T", 3)])
	cancelled = JobInfo("C", start=at(MON, 11, 15), duration_h=5, tech_id="T", status="Cancelled")
	unscheduled = JobInfo("U", duration_h=5, tech_id="T")
	slots = suggest_slots([TechInfo("T")], [job, cancelled, unscheduled], 1.0, NOW, per_tech=1)
	assert starts(slots) == [("T", at(MON, 11, 15))]
	# An assistant without a duration of their own is busy for the whole job.
	whole = JobInfo("J", start=at(MON, 8), duration_h=8, tech_id="X", assistants=[Assist("T", 0)])
	assert starts(suggest_slots([TechInfo("T")], [whole], 1.0, NOW, per_tech=1)) == [("T", at(TUE, 8))]


def test_busy_by_tech_groups_and_sorts():
	jobs = [
		JobInfo("B", start=at(MON, 13), duration_h=1, tech_id="T", lat=45.5, lon=-73.6),
		JobInfo("A", start=at(MON, 9), duration_h=2, tech_id="U", assistants=[Assist("T", 0.5)]),
	]
	busy = busy_by_tech(jobs)
	assert busy["T"] == [Busy(at(MON, 9), at(MON, 9, 30)), Busy(at(MON, 13), at(MON, 14), (45.5, -73.6))]
	assert busy["U"] == [Busy(at(MON, 9), at(MON, 11))]
	assert set(busy_by_tech(jobs, tech_ids={"U"})) == {"U"}


class Straight:
	"""A routing stand-in: 1 minute per 0.01 degree of latitude (the slot search only asks for minutes)."""

	def travel_minutes(self, a, b):
		return abs(a[0] - b[0]) * 100


LUNCH_WEEK = {d: [(time(8), time(12)), (time(13), time(17))] for d in range(5)}


def test_slot_leaves_the_drive_from_the_job_before_inside_working_time():
	before = JobInfo("P", start=at(MON, 8), duration_h=1, tech_id="T", lat=45.0, lon=-73.6)
	tech = TechInfo("T", week=LUNCH_WEEK)
	place = (45.4, -73.6)  # 40 minutes away
	kw = dict(start_date=MON, per_tech=1, place=place, routing=Straight(), buffer_min=15)
	# 09:00 + 40 min drive + 15 min buffer = 09:55, aligned to 10:00.
	assert starts(suggest_slots([tech], [before], 1.0, NOW, **kw)) == [("T", at(MON, 10))]
	# Kept once: the same job with no place known needs the buffer only.
	assert starts(suggest_slots([tech], [before], 1.0, NOW, **{**kw, "place": None})) == [
		("T", at(MON, 9, 15))
	]
	# A job ending 11:30 before lunch: 30 of the 55 minutes before noon, the rest after 13:00 -> 13:25 -> 13:30.
	late = JobInfo("P", start=at(MON, 8), duration_h=3.5, tech_id="T", lat=45.0, lon=-73.6)
	assert starts(suggest_slots([tech], [late], 0.5, NOW, **kw)) == [("T", at(MON, 13, 30))]


def test_slot_leaves_the_drive_to_the_job_after_or_is_not_offered():
	after = JobInfo("N", start=at(MON, 10), duration_h=7, tech_id="T", lat=45.0, lon=-73.6)
	tech = TechInfo("T")
	kw = dict(start_date=MON, per_tech=1, routing=Straight(), buffer_min=15)
	# 08:00-09:00 then 40 + 15 minutes of driving: 09:55 > 10:00? no, it fits (arrives 09:55).
	assert starts(suggest_slots([tech], [after], 1.0, NOW, place=(45.4, -73.6), **kw)) == [("T", at(MON, 8))]
	# 50 minutes away: 09:00 + 50 + 15 = 10:05 > 10:00, so Monday has no slot before the job; after it, 17:00.
	assert starts(suggest_slots([tech], [after], 1.0, NOW, place=(45.5, -73.6), **kw)) == [("T", at(TUE, 8))]
	# Lunch cuts the drive: a job at 13:00, a 1 h slot ending 11:45 leaves 15 of the 55 minutes before noon.
	lunch_tech = TechInfo("T", week=LUNCH_WEEK)
	noonish = JobInfo("N", start=at(MON, 13), duration_h=4, tech_id="T", lat=45.0, lon=-73.6)
	found = suggest_slots([lunch_tech], [noonish], 3.5, NOW, place=(45.4, -73.6), **kw)
	assert starts(found) == [("T", at(TUE, 8))]  # 08:00-11:30 leaves 30 minutes: 25 short
	found = suggest_slots([lunch_tech], [noonish], 3.0, NOW, place=(45.4, -73.6), **kw)
	assert starts(found) == [("T", at(MON, 8))]  # 08:00-11:00 leaves 60 minutes: enough


def test_inactive_skipped_material_only_when_ranked_and_score_from_rank():
	techs = [
		TechInfo("A"),
		TechInfo("B"),
		TechInfo("C", resource_type="material"),
		TechInfo("D", active=False),
	]
	slots = suggest_slots(techs, [], 1.0, NOW, start_date=MON, rank={"A": 10, "B": 50}, limit=3)
	assert starts(slots) == [("B", at(MON, 8)), ("A", at(MON, 8)), ("B", at(TUE, 8))]
	assert [s.score for s in slots] == [50, 10, 50]
	with_lift = suggest_slots(techs, [], 1.0, NOW, start_date=MON, rank={"C": 1}, per_tech=1)
	assert starts(with_lift) == [("C", at(MON, 8)), ("A", at(MON, 8)), ("B", at(MON, 8))]


def test_limit_and_per_tech():
	techs = [TechInfo(f"T{i}") for i in range(5)]
	assert len(suggest_slots(techs, [], 1, NOW, limit=3)) == 3
	assert len(suggest_slots(techs, [], 1, NOW, limit=100, per_tech=3)) == 15
	assert suggest_slots(techs, [], 1, NOW, per_tech=0) == []


@pytest.mark.parametrize("hours", [0, -1, None])
def test_invalid_duration(hours):
	with pytest.raises(EngineError) as e:
		suggest_slots([TechInfo("T")], [], hours, NOW)
	assert e.value.code == "invalid_duration"


# ---------------------------------------------------------------- property

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
			kind = draw(st.sampled_from(["whole", "band", "from", "until"]))
			s = draw(st.integers(8, 15))
			absence = {
				"whole": Absence(d0, d0 + timedelta(days=span)),
				"band": Absence(d0, d0 + timedelta(days=span), time(s), time(s + draw(st.integers(1, 3)))),
				"from": Absence(d0, d0 + timedelta(days=span), start_time=time(s)),
				"until": Absence(d0, d0 + timedelta(days=span), end_time=time(s)),
			}[kind]
		extra = []
		if draw(st.booleans()):
			extra.append(
				ExtraShift(
					MON + timedelta(days=draw(st.integers(0, 6))), time(draw(st.integers(5, 12))), time(20)
				)
			)
		week = draw(
			st.sampled_from(
				[None, {0: [(time(7), time(11)), (time(13), time(18))]}, {5: [(time(9), time(15))]}]
			)
		)
		techs.append(TechInfo(f"T{i}", week=week, absence=absence, extra_shifts=extra))
	jobs = []
	for k in range(draw(st.integers(0, 25))):
		d = MON + timedelta(days=draw(st.integers(-1, 7)))
		start = at(d, draw(hours), draw(st.sampled_from((0, 5, 15, 30, 45))))
		assists = (
			[Assist(f"T{draw(st.integers(0, n_techs - 1))}", draw(st.sampled_from((0, 1, 2))))]
			if draw(st.booleans())
			else []
		)
		jobs.append(
			JobInfo(
				f"J{k}",
				start=start,
				duration_h=draw(st.sampled_from((0.5, 1, 2, 3, 30))),
				tech_id=f"T{draw(st.integers(0, n_techs - 1))}",
				assistants=assists,
			)
		)
	now = at(MON, draw(st.integers(0, 23)), draw(st.integers(0, 59)))
	holidays = frozenset(
		draw(st.sets(st.sampled_from([MON + timedelta(days=i) for i in range(7)]), max_size=2))
	)
	return (
		techs,
		jobs,
		now,
		draw(st.sampled_from((0.25, 0.5, 1.0, 1.5, 2.0, 4.0))),
		draw(st.integers(1, 3)),
		draw(st.sampled_from((0, 15, 30))),
		holidays,
	)


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_slot_properties(sc):
	techs, jobs, now, duration, per_tech, buffer_min, holidays = sc
	buffer = timedelta(minutes=buffer_min)
	last = MON + timedelta(days=6)
	slots = suggest_slots(
		techs,
		jobs,
		duration,
		now,
		start_date=MON,
		per_tech=per_tech,
		limit=100,
		buffer_min=buffer_min,
		holidays=holidays,
	)
	seen: dict[str, set] = {}
	for s in slots:
		tech = next(t for t in techs if t.id == s.tech_id)
		assert s.end - s.start == timedelta(hours=duration)
		assert s.start >= now
		assert s.start.minute % 15 == 0 and s.start.second == 0
		assert MON <= s.start.date() <= last
		# Inside one working window ...
		windows = working_windows(tech.week, tech.extra_shifts, None, MON, last, holidays)
		assert any(ws <= s.start and s.end <= we for ws, we in windows), s
		# ... never inside the absence ...
		for a0, a1 in absence_intervals(tech.absence, MON, last):
			assert s.end <= a0 or s.start >= a1, (s, tech.absence)
		# ... and never within the buffer of a job the technician runs or assists.
		for j in jobs:
			spans = []
			if j.tech_id == s.tech_id:
				spans.append(j.end)
			spans += [
				j.start + timedelta(hours=a.duration_h or j.duration_h)
				for a in j.assistants
				if a.tech_id == s.tech_id
			]
			for end in spans:
				assert s.end <= j.start - buffer or s.start >= end + buffer, (s, j)
		days = seen.setdefault(s.tech_id, set())
		assert s.start.date() not in days  # one slot a day per technician
		days.add(s.start.date())
	assert all(len(d) <= per_tech for d in seen.values())
	assert [s.start for s in slots] == sorted(s.start for s in slots)


def brute_force(tech, jobs, duration, now, per_tech, buffer_min, holidays):
	"""Every 15-minute start of every day, tested against windows, absence and every job: the reference. The
	buffer after the job before on that day, and before the job after, is counted in working minutes."""
	length = timedelta(hours=duration)
	windows = working_windows(
		tech.week, tech.extra_shifts, tech.absence, MON, MON + timedelta(days=6), holidays
	)
	busy = []
	for j in jobs:
		if j.tech_id == tech.id:
			busy.append((j.start, j.end))
		for a in j.assistants:
			if a.tech_id == tech.id:
				busy.append((j.start, j.start + timedelta(hours=a.duration_h or j.duration_h)))

	def working(a, b):
		return sum((max(timedelta(0), min(b, we) - max(a, ws)) for ws, we in windows), timedelta(0))

	out = []
	for day in range(7):
		for q in range(96):
			s = at(MON + timedelta(days=day), 0) + timedelta(minutes=15 * q)
			e = s + length
			if s < now or not any(ws <= s and e <= we for ws, we in windows):
				continue
			if not all(e <= b0 or s >= b1 for b0, b1 in busy):
				continue
			ends = [b1 for b0, b1 in busy if b1 <= s and b1.date() == s.date()]
			starts_ = [b0 for b0, b1 in busy if b0 >= e and b0.date() == s.date()]
			need = timedelta(minutes=buffer_min)
			if ends and working(max(ends), s) < need:
				continue
			if starts_ and working(e, min(starts_)) < need:
				continue
			out.append(s)
			break
		if len(out) == per_tech:
			break
	return out


@settings(max_examples=200, deadline=None)
@given(scenario())
def test_slots_are_the_earliest_per_day(sc):
	"""Nothing is missed: per technician, the slots are the earliest free start of the first free days."""
	techs, jobs, now, duration, per_tech, buffer_min, holidays = sc
	slots = suggest_slots(
		techs,
		jobs,
		duration,
		now,
		start_date=MON,
		per_tech=per_tech,
		limit=1000,
		buffer_min=buffer_min,
		holidays=holidays,
	)
	for tech in techs:
		got = [s.start for s in slots if s.tech_id == tech.id]
		assert got == brute_force(tech, jobs, duration, now, per_tech, buffer_min, holidays)
