"""Type-to-dispatch readings (engine/quick_dispatch.py): each rule kept once and broken once, and a phrase set
written apart from the parser (tests/data/quick_dispatch_phrases.json): a reading that claims certainty is never
wrong."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from gigafibre_dispatch.engine.quick_dispatch import read_dispatch_line

NOW = datetime(2026, 12, 9, 11, 0)  # a Wednesday
JOBS = [
	("DJ-2026-00070", "Fibre coupée"),
	("DJ-2026-00170", "Boîtier"),
	("DEMO-J063", "Maintenance armoire"),
	("DEMO-J064", "Inspection boîtier"),
	("DEMO-J101", "Installation routeur"),
]
TECHS = [
	("DEMO-T11", "Samuel Pelletier"),
	("DEMO-T12", "Amélie Bélanger"),
	("DEMO-T05", "Julie Gagnon"),
	("DEMO-T06", "Julie Roy"),
	("DEMO-T20", "Marc-André Tremblay"),
	("DEMO-T21", "Chloé Girard"),
]


def read(text, now=NOW):
	return read_dispatch_line(text, now, JOBS, TECHS)


@pytest.mark.parametrize(
	"text, job, tech, start",
	[
		("DJ-2026-00070 à Samuel demain 10h", "DJ-2026-00070", "DEMO-T11", datetime(2026, 12, 10, 10)),
		("#70 Bélanger lundi 14:30", "DJ-2026-00070", "DEMO-T12", datetime(2026, 12, 14, 14, 30)),
		("give DEMO-J063 to amelie tomorrow at 9am", "DEMO-J063", "DEMO-T12", datetime(2026, 12, 10, 9)),
		("demo-j064 PELLETIER 14/12 8h30", "DEMO-J064", "DEMO-T11", datetime(2026, 12, 14, 8, 30)),
		("DEMO-J064 Julie Gagnon vendredi à 13h", "DEMO-J064", "DEMO-T05", datetime(2026, 12, 11, 13)),
		("DEMO-J101 demo-t21 le 2 janvier 7h45", "DEMO-J101", "DEMO-T21", datetime(2027, 1, 2, 7, 45)),
		("#170 Roy jeudi 16h", "DJ-2026-00170", "DEMO-T06", datetime(2026, 12, 10, 16)),
		("DEMO-J063 Tremblay 15h", "DEMO-J063", "DEMO-T20", datetime(2026, 12, 9, 15)),  # later today
	],
)
def test_a_clear_line_is_read_whole(text, job, tech, start):
	r = read(text)
	assert (r.job, r.technician, r.start, r.doubts) == (job, tech, start, [])
	assert r.certain


@pytest.mark.parametrize(
	"text, doubt",
	[
		("Samuel demain 10h", "no_job"),
		("#999 Samuel demain 10h", "no_job"),
		("DEMO-J063 demain 10h", "no_technician"),
		("DEMO-J063 Julie demain 10h", "technician_ambiguous"),  # two Julies
		("DEMO-J063 Samuel demain", "no_time"),
		("DEMO-J063 Samuel 31/02 10h", "bad_date"),
		("DEMO-J063 Samuel 9h", "day_guessed"),  # 9:00 is past at 11:00: tomorrow, said
		("DEMO-J063 DEMO-J064 Samuel demain 10h", "job_ambiguous"),
	],
)
def test_what_cannot_be_read_for_sure_is_a_doubt(text, doubt):
	r = read(text)
	assert doubt in r.doubts
	assert not r.certain


def test_a_bare_number_is_not_a_time_and_a_date_is_not_a_job():
	assert read("DEMO-J063 Samuel demain 10").start is None
	assert read("Samuel 14/12 10h").job is None


PHRASES = Path(__file__).parent / "data" / "quick_dispatch_phrases.json"


def test_the_phrase_set_never_gets_a_certain_reading_wrong():
	cases = json.loads(PHRASES.read_text())
	wrong, right = [], 0
	for c in cases:
		r = read(c["text"])
		got = (r.job, r.technician, r.start.isoformat() if r.start else None)
		want = (c["job"], c["technician"], c["start"])
		if got == want and (r.certain or None in want):
			right += 1
		elif r.certain and got != want:
			wrong.append((c["text"], got, want))
	assert wrong == []
	assert right >= 0.85 * len(cases), f"{right} of {len(cases)} read whole"
