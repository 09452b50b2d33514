from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.recurrence import (
	MAX_OCCURRENCES,
	expand_occurrences,
	materialize,
	validate_rrule,
)

START = datetime(2026, 11, 21, 9, 0)  # a Saturday
WEEKENDS = "FREQ=WEEKLY;BYDAY=SA,SU"


def test_weekend_rule_in_window():
	occ = expand_occurrences(WEEKENDS, START, datetime(2026, 11, 23), datetime(2026, 12, 7))
	assert occ == [
		datetime(2026, 11, 28, 9),
		datetime(2026, 11, 29, 9),
		datetime(2026, 12, 5, 9),
		datetime(2026, 12, 6, 9),
	]


def test_window_start_inclusive_end_exclusive():
	occ = expand_occurrences(WEEKENDS, START, datetime(2026, 11, 28, 9), datetime(2026, 12, 5, 9))
	assert occ == [datetime(2026, 11, 28, 9), datetime(2026, 11, 29, 9)]
	assert expand_occurrences(WEEKENDS, START, datetime(2026, 11, 30), datetime(2026, 11, 30)) == []


def test_nothing_before_dtstart():
	occ = expand_occurrences(WEEKENDS, START, datetime(2026, 11, 1), datetime(2026, 11, 23))
	assert occ == [datetime(2026, 11, 21, 9), datetime(2026, 11, 22, 9)]


def test_pause_until_and_exclude():
	occ = expand_occurrences(
		"RRULE:" + WEEKENDS,
		START,
		START,
		datetime(2027, 1, 1),
		until=date(2026, 12, 12),  # inclusive: the occurrence that day is kept
		pauses=[(date(2026, 11, 28), date(2026, 11, 29))],
		exclude={datetime(2026, 12, 5, 9)},  # already materialized
	)
	assert occ == [
		datetime(2026, 11, 21, 9),
		datetime(2026, 11, 22, 9),
		datetime(2026, 12, 6, 9),
		datetime(2026, 12, 12, 9),
	]


def test_several_pauses():
	pauses = [(date(2026, 11, 22), date(2026, 11, 22)), (date(2026, 12, 1), date(2026, 12, 31))]
	occ = expand_occurrences("FREQ=WEEKLY", START, START, datetime(2027, 1, 10), pauses=pauses)
	assert occ == [START, datetime(2026, 11, 28, 9), datetime(2027, 1, 2, 9), datetime(2027, 1, 9, 9)]


def test_rule_own_count_and_until():
	assert len(expand_occurrences("FREQ=DAILY;COUNT=3", START, START, START + timedelta(days=30))) == 3
	# An UNTIL in UTC ("Z") is read as site-local time.
	occ = expand_occurrences("FREQ=DAILY;UNTIL=20261123T090000Z", START, START, START + timedelta(days=30))
	assert occ == [START, START + timedelta(days=1), START + timedelta(days=2)]


def test_at_most_a_thousand():
	occ = expand_occurrences("FREQ=HOURLY", START, START, START + timedelta(days=365))
	assert len(occ) == MAX_OCCURRENCES == 1000
	assert occ[-1] == START + timedelta(hours=999)


@pytest.mark.parametrize(
	"rule",
	[
		"FREQ=DAILY",
		"RRULE:FREQ=WEEKLY;BYDAY=SA,SU",
		"rrule:freq=weekly;byday=mo,we,fr",
		"FREQ=WEEKLY;BYDAY=SA,SU;",
		"FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=12",
		"FREQ=WEEKLY;INTERVAL=2;UNTIL=20271231",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
	],
)
def test_valid_rules(rule):
	validate_rrule(rule)


@pytest.mark.parametrize(
	"rule, fragment",
	[
		("", "empty"),
		("   ", "empty"),
		(None, "empty"),
		("RRULE:", "empty"),
		("FREQ=SOMETIMES", ""),
		("BYDAY=XX", ""),
		("not a rule", ""),
		("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "DTSTART"),
		("FREQ=DAILY;DTSTART=20260101", "DTSTART"),
		("FREQ=WEEKLY;BYDAY=MO;COUNT=x", ""),
		("FREQ=DAILY;COUNT=3;UNTIL=20270101", "COUNT and UNTIL"),
		("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
		("FREQ=MINUTELY", "FREQ"),
		("FREQ=SECONDLY", "FREQ"),
		("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never"),
		("EXDATE:20260101T090000", "single RRULE"),
		("FREQ=DAILY;BYHOUR=25", ""),
	],
)
def test_invalid_rules(rule, fragment):
	with pytest.raises(EngineError) as e:
		validate_rrule(rule)
	assert e.value.code == "invalid_rrule"
	assert fragment in str(e.value)


def test_expand_refuses_a_bad_rule_too():
	with pytest.raises(EngineError) as e:
		expand_occurrences("FREQ=DAILY;INTERVAL=0", START, START, START + timedelta(days=1))
	assert e.value.code == "invalid_rrule"


def test_materialize():
	template = {
		"name": "DJ-1",
		"subject": "Inspection",
		"duration_h": 2,
		"is_recurring": 1,
		"recurrence_rule": "FREQ=DAILY",
		"recurrence_end": date(2027, 1, 1),
		"pause_periods": [{"from_date": date(2026, 12, 24)}],
		"template_id": None,
		"creation": "x",
		"modified": "y",
		"modified_by": "z",
		"owner": "o",
		"docstatus": 0,
		"idx": 3,
		"published": 1,
		"assigned_technician": "T1",
		"tags": [{"tag": "Fibre", "level": 2}],
	}
	fields = materialize(template, datetime(2026, 12, 1, 9))
	assert fields["template_id"] == "DJ-1"
	assert fields["is_recurring"] == 0 and fields["published"] == 0
	assert fields["scheduled_start"] == datetime(2026, 12, 1, 9)
	assert fields["recurrence_rule"] is None  # a copy of the template must not keep recurring
	assert fields["subject"] == "Inspection" and fields["assigned_technician"] == "T1"
	assert fields["duration_h"] == 2 and fields["tags"] == [{"tag": "Fibre", "level": 2}]
	for dropped in (
		"name",
		"pause_periods",
		"creation",
		"modified",
		"owner",
		"docstatus",
		"idx",
		"recurrence_end",
	):
		assert dropped not in fields
	assert template["is_recurring"] == 1 and template["name"] == "DJ-1"  # the template is untouched


@settings(max_examples=150)
@given(
	st.sampled_from(
		[
			"FREQ=DAILY",
			"FREQ=WEEKLY;BYDAY=SA,SU",
			"FREQ=WEEKLY;BYDAY=MO,WE,FR",
			"FREQ=MONTHLY;BYMONTHDAY=1,15",
			"FREQ=DAILY;INTERVAL=3",
			"FREQ=HOURLY;INTERVAL=7",
		]
	),
	st.lists(st.tuples(st.integers(0, 120), st.integers(0, 30)), max_size=3),
	st.none() | st.integers(0, 120),
	st.integers(0, 60),
	st.integers(1, 150),
)
def test_never_in_a_pause_nor_after_until(rule, pause_specs, until_offset, window_offset, window_days):
	pauses = [
		(START.date() + timedelta(days=a), START.date() + timedelta(days=a + n)) for a, n in pause_specs
	]
	until = None if until_offset is None else START.date() + timedelta(days=until_offset)
	w0 = START + timedelta(days=window_offset)
	w1 = w0 + timedelta(days=window_days)
	occ = expand_occurrences(rule, START, w0, w1, until=until, pauses=pauses)
	unpaused = expand_occurrences(rule, START, w0, w1)
	for o in occ:
		assert w0 <= o < w1
		assert not any(p0 <= o.date() <= p1 for p0, p1 in pauses)
		if until is not None:
			assert o.date() <= until
	# Nothing else is dropped: the result is the unpaused expansion, filtered.
	assert occ == [
		o
		for o in unpaused
		if not any(p0 <= o.date() <= p1 for p0, p1 in pauses) and (until is None or o.date() <= until)
	]
	assert occ == sorted(set(occ))
	if "HOURLY" not in rule:
		assert all(o.time() == time(9) for o in occ)
