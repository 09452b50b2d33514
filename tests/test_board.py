from datetime import date, datetime, time, timedelta

import pytest

from gigafibre_dispatch.engine.availability import Absence, ExtraShift
from gigafibre_dispatch.engine.board import build_board, overlapping_ids
from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.geo import OfflineRouting
from gigafibre_dispatch.engine.models import Assist, JobInfo, TechInfo

MON, TUE, SAT, SUN = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 28), date(2026, 11, 29)


def iso(d, h, m=0):
	return datetime.combine(d, time(h, m)).isoformat()


def at(d, h, m=0):
	return datetime.combine(d, time(h, m))


TECHS = [
	TechInfo("A", "Alice", absence=Absence(TUE, reason="Malade")),
	TechInfo("B", "Bob", tags={"Fibre": 3}, extra_shifts=[ExtraShift(SAT, time(9), time(12))]),
	TechInfo("L", "Nacelle 1", resource_type="material", category="Nacelle"),
]
JOBS = [
	JobInfo(
		"J1",
		start=at(MON, 8),
		duration_h=1,
		tech_id="A",
		lat=45.50,
		lon=-73.57,
		assistants=[Assist("B", 0.5, pinned=True)],
		title="One",
	),
	JobInfo(
		"J2",
		start=at(MON, 11),
		duration_h=1,
		tech_id="A",
		lat=45.56,
		lon=-73.70,
		title="Two",
		priority="high",
	),
	JobInfo(
		"J2b",
		start=at(date(2026, 11, 25), 9),
		duration_h=1,
		tech_id="A",
		lat=45.50,
		lon=-73.57,
		title="Next day",
	),
	JobInfo("J3", start=at(date(2026, 11, 25), 13), duration_h=1, tech_id="A", status="Cancelled"),
	JobInfo("J4", duration_h=2, title="Tray", priority="low"),
	JobInfo("J5", start=at(date(2026, 12, 25), 9), duration_h=1, tech_id="A"),
	JobInfo("J6", duration_h=1.5, tech_id="B", title="No time yet"),
	JobInfo(
		"J7",
		start=at(MON, 13),
		duration_h=3,
		tech_id="B",
		assistants=[Assist("L")],
		continuous=True,
		title="Lift",
	),
	JobInfo("J8", start=at(MON, 9), duration_h=1, title="Start, no tech", status="New"),
	JobInfo(
		"J9", start=at(SUN, 22), duration_h=4, tech_id="B", title="Overnight"
	),  # starts in range, ends after
]
GHOSTS = [
	{"template": "T1", "tech_id": "B", "start": at(SAT, 9), "duration_h": 2, "title": "Weekly"},
	{"template": "T1", "tech_id": "B", "start": at(date(2026, 12, 5), 9), "duration_h": 2, "title": "Weekly"},
	{"template": "T2", "tech_id": "nobody", "start": at(SAT, 9), "duration_h": 2, "title": "Orphan"},
]


@pytest.fixture(scope="module")
def board():
	return build_board(TECHS, JOBS, MON, SUN, ghosts=GHOSTS)


def segments(board, tech, kind):
	row = next(r for r in board["resources"] if r["id"] == tech)
	return [s for s in row["segments"] if s["type"] == kind]


def test_header_and_resources(board):
	assert (board["from"], board["to"]) == ("2026-11-23", "2026-11-29")
	assert [
		(r["id"], r["name"], r["resource_type"], r["category"], r["tags"]) for r in board["resources"]
	] == [
		("A", "Alice", "human", None, {}),
		("B", "Bob", "human", None, {"Fibre": 3}),
		("L", "Nacelle 1", "material", "Nacelle", {}),
	]


def test_shifts_are_drawn_under_the_absence(board):
	shifts = segments(board, "A", "shift")
	assert shifts[0] == {"type": "shift", "start": iso(MON, 8), "end": iso(MON, 17)}
	assert len(shifts) == 5  # Tuesday's shift is still drawn; weekends are gaps
	assert segments(board, "A", "absence") == [
		{"type": "absence", "start": iso(TUE, 0), "end": iso(date(2026, 11, 25), 0), "reason": "Malade"}
	]
	assert {"type": "shift", "start": iso(SAT, 9), "end": iso(SAT, 12)} in segments(board, "B", "shift")


def test_jobs(board):
	assert [s["job"] for s in segments(board, "A", "job")] == [
		"J1",
		"J2",
		"J2b",
	]  # J3 cancelled, J5 out of range
	j2 = segments(board, "A", "job")[1]
	assert j2 == {
		"type": "job",
		"job": "J2",
		"title": "Two",
		"start": iso(MON, 11),
		"end": iso(MON, 12),
		"status": "New",
		"priority": "high",
		"continuous": False,
		"published": False,
		"conflicts": [],
		"assistants": [],
	}
	assert [s["job"] for s in segments(board, "B", "job")] == ["J7", "J9"]
	assert segments(board, "B", "job")[0]["continuous"] is True
	assert segments(board, "B", "job")[1]["end"] == iso(date(2026, 11, 30), 2)


def test_assists(board):
	assert segments(board, "B", "assist") == [
		{
			"type": "assist",
			"job": "J1",
			"technician": "A",
			"title": "One",
			"start": iso(MON, 8),
			"end": iso(MON, 8, 30),
			"pinned": True,
			"duration_h": 0.5,
		}
	]
	# An assistant with no duration of their own is there for the whole job.
	[lift] = segments(board, "L", "assist")
	assert (lift["job"], lift["end"], lift["duration_h"], lift["pinned"]) == ("J7", iso(MON, 16), 3, False)
	# The job's block names its helpers (the board's own check before a helper is dragged onto it).
	[j1] = [s for s in segments(board, "A", "job") if s["job"] == "J1"]
	assert j1["assistants"] == ["B"]


def test_ghosts_in_range_on_known_rows(board):
	assert segments(board, "B", "ghost") == [
		{"type": "ghost", "template": "T1", "title": "Weekly", "start": iso(SAT, 9), "end": iso(SAT, 11)}
	]


def test_travel_between_consecutive_geocoded_jobs_same_day(board):
	[travel] = segments(board, "A", "travel")
	minutes = OfflineRouting().travel_minutes((45.50, -73.57), (45.56, -73.70))
	assert travel == {
		"type": "travel",
		"from_job": "J1",
		"to_job": "J2",
		"start": (at(MON, 11) - timedelta(minutes=minutes)).isoformat(),
		"end": iso(MON, 11),
		"minutes": minutes,
	}
	assert 15 < minutes < 40
	assert segments(board, "B", "travel") == []  # J7 has no coordinates


def test_unassigned_tray(board):
	assert board["unassigned"] == [
		{
			"job": "J4",
			"title": "Tray",
			"duration_h": 2,
			"priority": "low",
			"status": "New",
			"start": None,
			"released": None,
			"conflicts": [],
		},
		{
			"job": "J6",
			"title": "No time yet",
			"duration_h": 1.5,
			"priority": "medium",
			"status": "New",
			"start": None,
			"released": None,
			"conflicts": [],
		},
		{
			"job": "J8",
			"title": "Start, no tech",
			"duration_h": 1,
			"priority": "medium",
			"status": "New",
			"start": iso(MON, 9),
			"released": None,
			"conflicts": [],
		},
	]


def test_a_job_sent_back_to_the_tray_says_why():
	back = JobInfo("JB", title="Back", status="Triaged", release_reason="its technician is absent")
	built = build_board(TECHS, [back], MON, SUN)
	assert [u["released"] for u in built["unassigned"]] == ["its technician is absent"]


def test_a_tray_job_whose_start_has_passed_is_flagged():
	late = JobInfo("JL", title="Late", status="Triaged", start=at(MON, 9), duration_h=1)
	early = JobInfo("JE", title="Ahead", status="Triaged", start=at(TUE, 9), duration_h=1)
	built = build_board(TECHS, [late, early], MON, SUN, now=at(MON, 12))
	assert {u["job"]: u["conflicts"] for u in built["unassigned"]} == {"JL": ["past"], "JE": []}


def test_cancelled_never_drawn(board):
	drawn = {s.get("job") for r in board["resources"] for s in r["segments"]}
	assert "J3" not in drawn and "J5" not in drawn
	assert "J3" not in {u["job"] for u in board["unassigned"]}


def test_segments_sorted_by_start(board):
	for r in board["resources"]:
		starts = [s["start"] for s in r["segments"]]
		assert starts == sorted(starts)


def test_all_segment_types_present(board):
	kinds = {s["type"] for r in board["resources"] for s in r["segments"]}
	assert kinds == {"shift", "absence", "job", "assist", "ghost", "travel"}


class FixedRouting:
	def __init__(self, minutes):
		self.minutes = minutes
		self.calls = []

	def travel_minutes(self, origin, dest):
		self.calls.append((origin, dest))
		return self.minutes


def test_routing_provider_is_used():
	routing = FixedRouting(25.4)
	board = build_board(TECHS, JOBS, MON, SUN, routing=routing)
	[travel] = segments(board, "A", "travel")
	assert travel["minutes"] == 25 and travel["start"] == iso(MON, 10, 35)
	assert routing.calls == [((45.50, -73.57), (45.56, -73.70))]
	assert segments(build_board(TECHS, JOBS, MON, SUN, routing=FixedRouting(0)), "A", "travel") == []


def test_job_running_into_the_range_is_drawn():
	job = JobInfo("X", start=at(date(2026, 11, 22), 20), duration_h=14, tech_id="A", continuous=True)
	board = build_board(TECHS[:1], [job], MON, MON)
	assert [s["job"] for s in segments(board, "A", "job")] == ["X"]


def test_holidays_and_default_week():
	board = build_board(
		TECHS[:1], [], MON, TUE, holidays=frozenset({MON}), default_week={1: [(time(6), time(14))]}
	)
	assert segments(board, "A", "shift") == [{"type": "shift", "start": iso(TUE, 6), "end": iso(TUE, 14)}]


def test_bad_range():
	with pytest.raises(EngineError) as e:
		build_board(TECHS, [], SUN, MON)
	assert e.value.code == "invalid_date_range"


def test_conflicts_are_flagged_where_the_job_stands():
	"""Each rule broken once and kept once: an absence, outside the shift, over another job, not started while
	its start is past; a continuous job is not held to the shift, a started one is not late."""
	wed = date(2026, 11, 25)
	techs = [
		TechInfo("A", "Alice", absence=Absence(TUE, None, time(13), time(15), reason="Dentiste")),
		TechInfo("B", "Bob"),
	]
	jobs = [
		JobInfo("clean", start=at(TUE, 9), duration_h=1, tech_id="A", status="Scheduled"),
		JobInfo("absent", start=at(TUE, 14), duration_h=1, tech_id="A", status="Scheduled"),
		JobInfo(
			"edge", start=at(TUE, 12, 30), duration_h=0.5, tech_id="A", status="Scheduled"
		),  # ends at 13:00
		JobInfo("late_evening", start=at(TUE, 22, 30), duration_h=1, tech_id="A", status="Scheduled"),
		JobInfo("weekend", start=at(SAT, 10), duration_h=1, tech_id="A", status="Scheduled"),
		JobInfo(
			"overnight", start=at(SAT, 10), duration_h=12, tech_id="B", continuous=True, status="Scheduled"
		),
		JobInfo("one", start=at(wed, 9), duration_h=2, tech_id="B", status="Scheduled"),
		JobInfo("two", start=at(wed, 10), duration_h=1, tech_id="B", status="Dispatched"),
		JobInfo(
			"after", start=at(wed, 11), duration_h=1, tech_id="B", status="Scheduled"
		),  # touches, no overlap
		JobInfo("gone", start=at(wed, 10), duration_h=1, tech_id="B", status="Cancelled"),
		JobInfo("missed", start=at(MON, 9), duration_h=1, tech_id="B", status="Scheduled"),
		JobInfo("begun", start=at(MON, 11), duration_h=1, tech_id="B", status="In Progress"),
	]
	built = build_board(techs, jobs, MON, SUN, now=at(MON, 10))
	flags = {
		s["job"]: s["conflicts"] for r in built["resources"] for s in r["segments"] if s["type"] == "job"
	}
	assert flags == {
		"clean": [],
		"absent": ["absence"],
		"edge": [],
		"late_evening": ["outside_shift"],
		"weekend": ["outside_shift"],
		"overnight": [],
		"one": ["overlap"],
		"two": ["overlap"],
		"after": [],
		"missed": ["past"],
		"begun": [],
	}
	# Without a clock nothing is late.
	assert "past" not in build_board(techs, jobs, MON, SUN)["resources"][1]["segments"][-1].get(
		"conflicts", []
	)


def _pair_overlaps(jobs):
	out = set()
	for a in jobs:
		for b in jobs:
			if (
				a.id != b.id
				and a.start < b.start + timedelta(hours=b.duration_h)
				and b.start < a.start + timedelta(hours=a.duration_h)
			):
				out.add(a.id)
	return out


def test_overlap_sweep_matches_every_pair():
	import random

	rng = random.Random(7)
	for _ in range(300):
		jobs = sorted(
			(
				JobInfo(
					id=f"J{i}",
					start=at(MON, 6) + timedelta(minutes=15 * rng.randrange(0, 60)),
					duration_h=rng.choice((0, 0.25, 0.5, 1, 2, 3)),
				)
				for i in range(rng.randrange(0, 12))
			),
			key=lambda j: j.start,
		)
		assert overlapping_ids(jobs) == _pair_overlaps(jobs)
