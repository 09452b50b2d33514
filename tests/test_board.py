from datetime import date, datetime, time

from gigafibre_dispatch.engine.availability import Absence
from gigafibre_dispatch.engine.board import build_board
from gigafibre_dispatch.engine.models import Assist, JobInfo, TechInfo

MON = date(2026, 11, 23)


def at(d, h, m=0):
	return datetime.combine(d, time(h, m)).isoformat()


def test_board_segments():
	techs = [
		TechInfo("A", "Alice", absence=Absence(date(2026, 11, 24), reason="Malade")),
		TechInfo("B", "Bob", tags={"Fibre": 3}),
	]
	jobs = [
		JobInfo(
			"J1",
			start=datetime(2026, 11, 23, 8),
			duration_h=1,
			tech_id="A",
			lat=45.50,
			lon=-73.57,
			assistants=[Assist("B", 0.5, pinned=True)],
			title="One",
		),
		JobInfo(
			"J2",
			start=datetime(2026, 11, 23, 11),
			duration_h=1,
			tech_id="A",
			lat=45.56,
			lon=-73.70,
			title="Two",
		),
		JobInfo("J3", start=datetime(2026, 11, 25, 9), duration_h=1, tech_id="A", status="Cancelled"),
		JobInfo("J4", duration_h=2, title="Tray"),
		JobInfo("J5", start=datetime(2026, 12, 25, 9), duration_h=1, tech_id="A"),
	]
	ghosts = [
		{
			"template": "T1",
			"tech_id": "B",
			"start": datetime(2026, 11, 28, 9),
			"duration_h": 2,
			"title": "Weekly",
		}
	]
	board = build_board(techs, jobs, MON, date(2026, 11, 29), ghosts=ghosts)
	rows = {r["id"]: r for r in board["resources"]}
	a = rows["A"]["segments"]
	assert [s["job"] for s in a if s["type"] == "job"] == ["J1", "J2"]
	assert [s for s in a if s["type"] == "absence"] == [
		{
			"type": "absence",
			"start": at(date(2026, 11, 24), 0),
			"end": at(date(2026, 11, 25), 0),
			"reason": "Malade",
		}
	]
	assert len([s for s in a if s["type"] == "shift"]) == 5  # shifts drawn under the absence
	[travel] = [s for s in a if s["type"] == "travel"]
	assert travel["from_job"] == "J1" and travel["to_job"] == "J2" and travel["end"] == at(MON, 11)
	assert 15 < travel["minutes"] < 40
	b = rows["B"]["segments"]
	assert [(s["type"], s["job"], s["end"], s["pinned"]) for s in b if s["type"] == "assist"] == [
		("assist", "J1", at(MON, 8, 30), True)
	]
	assert [(s["template"], s["end"]) for s in b if s["type"] == "ghost"] == [
		("T1", at(date(2026, 11, 28), 11))
	]
	assert [u["job"] for u in board["unassigned"]] == ["J4"]
	assert rows["B"]["tags"] == {"Fibre": 3}
	assert all(
		seg["start"] <= nxt["start"]
		for r in board["resources"]
		for seg, nxt in zip(r["segments"], r["segments"][1:], strict=False)
	)
