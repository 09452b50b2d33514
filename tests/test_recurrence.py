from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.recurrence import expand_occurrences, materialize, validate_rrule

START = datetime(2026, 11, 21, 9, 0)  # a Saturday


def test_weekend_rule_in_window():
	occ = expand_occurrences("FREQ=WEEKLY;BYDAY=SA,SU", START, datetime(2026, 11, 23), datetime(2026, 12, 7))
	assert occ == [
		datetime(2026, 11, 28, 9),
		datetime(2026, 11, 29, 9),
		datetime(2026, 12, 5, 9),
		datetime(2026, 12, 6, 9),
	]


def test_pause_until_and_exclude():
	pauses = [(date(2026, 11, 28), date(2026, 11, 29))]
	occ = expand_occurrences(
		"RRULE:FREQ=WEEKLY;BYDAY=SA,SU",
		START,
		START,
		datetime(2027, 1, 1),
		until=date(2026, 12, 12),
		pauses=pauses,
		exclude={datetime(2026, 12, 5, 9)},
	)
	assert occ == [
		datetime(2026, 11, 21, 9),
		datetime(2026, 11, 22, 9),
		datetime(2026, 12, 6, 9),
		datetime(2026, 12, 12, 9),
	]


@pytest.mark.parametrize(
	"rule",
	[
		"",
		"FREQ=SOMETIMES",
		"BYDAY=XX",
		"not a rule",
		"DTSTART:20260101T000000\nFREQ=DAILY",
		"FREQ=WEEKLY;BYDAY=MO;COUNT=x",
	],
)
def test_invalid_rules(rule):
	with pytest.raises(EngineError) as e:
		validate_rrule(rule)
	assert e.value.code == "invalid_rrule"


def test_materialize():
	template = {
		"name": "DJ-1",
		"subject": "Inspection",
		"duration_h": 2,
		"is_recurring": 1,
		"recurrence_rule": "FREQ=DAILY",
		"recurrence_end": date(2027, 1, 1),
		"pause_periods": [{"from_date": 1}],
		"creation": "x",
		"modified": "y",
		"published": 1,
		"assigned_technician": "T1",
	}
	fields = materialize(template, datetime(2026, 12, 1, 9))
	assert fields["template_id"] == "DJ-1"
	assert fields["is_recurring"] == 0 and fields["published"] == 0
	assert fields["scheduled_start"] == datetime(2026, 12, 1, 9)
	assert fields["subject"] == "Inspection" and fields["assigned_technician"] == "T1"
	for dropped in ("name", "pause_periods", "creation", "modified", "recurrence_end"):
		assert dropped not in fields


@given(
	st.sampled_from(
		[
			"FREQ=DAILY",
			"FREQ=WEEKLY;BYDAY=SA,SU",
			"FREQ=WEEKLY;BYDAY=MO,WE,FR",
			"FREQ=MONTHLY;BYMONTHDAY=1,15",
		]
	),
	st.integers(0, 60),
	st.integers(0, 30),
	st.integers(0, 120),
)
def test_never_in_pause_or_after_until(rule, pause_offset, pause_len, until_offset):
	p0 = START.date() + timedelta(days=pause_offset)
	until = START.date() + timedelta(days=until_offset)
	occ = expand_occurrences(
		rule,
		START,
		START,
		START + timedelta(days=150),
		until=until,
		pauses=[(p0, p0 + timedelta(days=pause_len))],
	)
	for o in occ:
		assert not (p0 <= o.date() <= p0 + timedelta(days=pause_len))
		assert o.date() <= until
		assert o.time() == time(9)
