from datetime import date, datetime, time

import pytest

from gigafibre_dispatch.engine.availability import (
	Absence,
	ExtraShift,
	absence_intervals,
	format_weekly_schedule,
	is_absent_all_day,
	is_working_day,
	parse_weekly_schedule,
	working_windows,
)
from gigafibre_dispatch.engine.errors import EngineError

MON = date(2026, 11, 23)  # a Monday


def dt(d, h, m=0):
	return datetime.combine(d, time(h, m))


def test_blank_schedule_means_default_week():
	assert parse_weekly_schedule(None) is None
	assert parse_weekly_schedule("  ") is None
	windows = working_windows(None, [], None, MON, date(2026, 11, 29))
	assert [w[0].weekday() for w in windows] == [0, 1, 2, 3, 4]
	assert windows[0] == (dt(MON, 8), dt(MON, 17))


def test_parse_and_round_trip():
	week = parse_weekly_schedule('{"tue": ["13:00-17:00", "08:00-12:00"], "sat": [], "sun": null}')
	assert week == {1: [(time(8), time(12)), (time(13), time(17))]}
	assert parse_weekly_schedule(format_weekly_schedule(week)) == week


@pytest.mark.parametrize(
	"value",
	[
		"{not json",
		"[1, 2]",
		'{"funday": ["08:00-17:00"]}',
		'{"mon": ["8h-17h"]}',
		'{"mon": ["17:00-08:00"]}',
		'{"mon": ["08:00-08:00"]}',
		'{"mon": ["08:00-12:00", "11:00-13:00"]}',
		'{"mon": ["25:00-26:00"]}',
		'{"mon": 8}',
	],
)
def test_invalid_schedules(value):
	with pytest.raises(EngineError) as e:
		parse_weekly_schedule(value)
	assert e.value.code == "invalid_weekly_schedule"


def test_extra_shift_on_weekend_and_holiday():
	sat = date(2026, 11, 28)
	extra = [ExtraShift(sat, time(9), time(12))]
	assert is_working_day(None, extra, sat)
	assert not is_working_day(None, [], sat)
	holidays = frozenset({MON})
	assert not is_working_day(None, [], MON, holidays)
	windows = working_windows(None, extra, None, MON, sat, holidays)
	assert (dt(sat, 9), dt(sat, 12)) in windows
	assert all(w[0].date() != MON for w in windows)


def test_whole_and_partial_absences():
	whole = Absence(MON, date(2026, 11, 24), reason="Malade")
	assert absence_intervals(whole, MON, date(2026, 11, 29)) == [(dt(MON, 0), dt(date(2026, 11, 25), 0))]
	assert is_absent_all_day(whole, MON) and not is_absent_all_day(whole, date(2026, 11, 25))
	windows = working_windows(None, [], whole, MON, date(2026, 11, 27))
	assert [w[0].date() for w in windows] == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]

	dentist = Absence(MON, None, time(10), time(12), "Dentiste")
	assert working_windows(None, [], dentist, MON, MON) == [
		(dt(MON, 8), dt(MON, 10)),
		(dt(MON, 12), dt(MON, 17)),
	]
	assert not is_absent_all_day(dentist, MON)

	from_noon = Absence(MON, date(2026, 11, 24), start_time=time(12))
	assert working_windows(None, [], from_noon, MON, date(2026, 11, 25)) == [
		(dt(MON, 8), dt(MON, 12)),
		(dt(date(2026, 11, 25), 8), dt(date(2026, 11, 25), 17)),
	]


def test_merge_of_overlapping_extra_shift():
	extra = [ExtraShift(MON, time(16), time(20))]
	assert working_windows(None, extra, None, MON, MON) == [(dt(MON, 8), dt(MON, 20))]


def test_bad_range():
	with pytest.raises(EngineError) as e:
		working_windows(None, [], None, MON, date(2026, 11, 1))
	assert e.value.code == "invalid_date_range"
