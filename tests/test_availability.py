from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigafibre_dispatch.engine.availability import (
	Absence,
	ExtraShift,
	absence_intervals,
	default_week,
	format_weekly_schedule,
	is_absent_all_day,
	is_working_day,
	on_call_windows,
	parse_time,
	parse_weekly_schedule,
	shift_windows,
	splits_a_shift,
	working_windows,
)
from gigafibre_dispatch.engine.errors import EngineError

MON = date(2026, 11, 23)  # a Monday
TUE, WED, THU, FRI, SAT, SUN = (MON + timedelta(days=i) for i in range(1, 7))


def dt(d, h, m=0):
	return datetime.combine(d, time(h, m))


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
	"text, expected",
	[
		("08:00", time(8)),
		("8:05", time(8, 5)),
		(" 17:30 ", time(17, 30)),
		("23:59:59", time(23, 59, 59)),
		("00:00", time(0)),
	],
)
def test_parse_time(text, expected):
	assert parse_time(text) == expected


@pytest.mark.parametrize(
	"text", ["", "8", "8h00", "24:00", "12:60", "-1:00", "+8:00", "08:00:00.5", None, "ab:cd"]
)
def test_parse_time_invalid(text):
	with pytest.raises(EngineError) as e:
		parse_time(text)
	assert e.value.code == "invalid_time"


@pytest.mark.parametrize("blank", [None, "", "   ", "\n"])
def test_blank_schedule_means_default_week(blank):
	assert parse_weekly_schedule(blank) is None


def test_parse_sorts_ranges_and_skips_off_days():
	week = parse_weekly_schedule('{"tue": ["13:00-17:00", "08:00-12:00"], "sat": [], "sun": null}')
	assert week == {1: [(time(8), time(12)), (time(13), time(17))]}
	assert parse_weekly_schedule({"MON": ["7:30-16:00"], "fri": ["08:00-12:00"]}) == {
		0: [(time(7, 30), time(16))],
		4: [(time(8), time(12))],
	}
	assert parse_weekly_schedule("{}") == {}  # every day off


def test_format_round_trips():
	week = parse_weekly_schedule('{"sun": ["10:00-14:00"], "mon": ["08:00-12:00", "12:30-17:00:30"]}')
	text = format_weekly_schedule(week)
	assert text == '{"mon": ["08:00-12:00", "12:30-17:00:30"], "sun": ["10:00-14:00"]}'
	assert parse_weekly_schedule(text) == week


@pytest.mark.parametrize(
	"value, fragment",
	[
		("{not json", "JSON"),
		("[1, 2]", "object"),
		(42, "object"),
		('{"funday": ["08:00-17:00"]}', "unknown day"),
		('{"mon": ["8h-17h"]}', "HH:MM-HH:MM"),
		('{"mon": ["08:00"]}', "HH:MM-HH:MM"),
		('{"mon": ["17:00-08:00"]}', "end after"),
		('{"mon": ["08:00-08:00"]}', "end after"),
		('{"mon": ["08:00-12:00", "11:00-13:00"]}', "overlap"),
		('{"mon": ["25:00-26:00"]}', "not a valid time"),
		('{"mon": 8}', "list"),
		('{"mon": ["08:00-12:00"], "Mon": ["13:00-14:00"]}', "twice"),
	],
)
def test_invalid_schedules(value, fragment):
	with pytest.raises(EngineError) as e:
		parse_weekly_schedule(value)
	assert e.value.code == "invalid_weekly_schedule"
	assert fragment in str(e.value)


def test_touching_ranges_are_not_an_overlap():
	assert parse_weekly_schedule({"mon": ["08:00-12:00", "12:00-16:00"]}) == {
		0: [(time(8), time(12)), (time(12), time(16))]
	}


ranges = st.lists(st.tuples(st.integers(0, 23), st.integers(1, 60)), max_size=3)


@given(st.dictionaries(st.integers(0, 6), ranges))
def test_format_parse_round_trip_property(raw):
	week = {}
	for day, spans in raw.items():
		out, cursor = [], 0
		for start_h, minutes in spans:
			start = max(cursor, start_h * 60)
			end = start + minutes
			if end >= 24 * 60:
				break
			out.append((time(start // 60, start % 60), time(end // 60, end % 60)))
			cursor = end
		if out:
			week[day] = out
	assert parse_weekly_schedule(format_weekly_schedule(week)) == week


# ---------------------------------------------------------------- windows


def test_default_week():
	assert default_week() == {d: [(time(8), time(17))] for d in range(5)}
	assert default_week(time(7), time(15), (5, 6)) == {5: [(time(7), time(15))], 6: [(time(7), time(15))]}
	windows = working_windows(None, [], None, MON, SUN)
	assert windows == [(dt(d, 8), dt(d, 17)) for d in (MON, TUE, WED, THU, FRI)]
	custom = {5: [(time(9), time(12))]}
	assert working_windows(None, [], None, MON, SUN, default=custom) == [(dt(SAT, 9), dt(SAT, 12))]


def test_explicit_week_overrides_default():
	week = parse_weekly_schedule({"wed": ["06:00-10:00", "14:00-18:00"]})
	assert working_windows(week, [], None, MON, SUN, default=default_week()) == [
		(dt(WED, 6), dt(WED, 10)),
		(dt(WED, 14), dt(WED, 18)),
	]
	assert working_windows({}, [], None, MON, SUN) == []


def test_extra_shift_on_a_weekend():
	extra = [ExtraShift(SAT, time(9), time(12))]
	assert is_working_day(None, extra, SAT)
	assert not is_working_day(None, [], SAT)
	assert not is_working_day(None, [ExtraShift(SAT, time(12), time(9))], SAT)  # empty shift
	assert working_windows(None, extra, None, SAT, SUN) == [(dt(SAT, 9), dt(SAT, 12))]


def test_holiday_drops_the_weekly_window_but_not_an_extra_shift():
	holidays = frozenset({MON, TUE})
	assert not is_working_day(None, [], MON, holidays)
	extra = [ExtraShift(TUE, time(10), time(14))]
	assert is_working_day(None, extra, TUE, holidays)
	windows = working_windows(None, extra, None, MON, WED, holidays)
	assert windows == [(dt(TUE, 10), dt(TUE, 14)), (dt(WED, 8), dt(WED, 17))]


def test_extra_shift_merges_with_the_weekly_window():
	extra = [ExtraShift(MON, time(16), time(20)), ExtraShift(MON, time(6), time(8))]
	assert working_windows(None, extra, None, MON, MON) == [(dt(MON, 6), dt(MON, 20))]


def test_extra_shift_outside_the_range_is_ignored():
	extra = [ExtraShift(SAT + timedelta(days=7), time(9), time(12))]
	assert working_windows(None, extra, None, SAT, SUN) == []


def test_bad_range():
	with pytest.raises(EngineError) as e:
		working_windows(None, [], None, MON, date(2026, 11, 1))
	assert e.value.code == "invalid_date_range"


# ---------------------------------------------------------------- absences


def test_whole_day_absence():
	sick = Absence(MON, TUE, reason="Malade")
	assert absence_intervals(sick, MON, SUN) == [(dt(MON, 0), dt(WED, 0))]
	assert absence_intervals(sick, TUE, TUE) == [(dt(TUE, 0), dt(WED, 0))]  # clipped to the range
	assert absence_intervals(sick, WED, SUN) == []
	assert is_absent_all_day(sick, MON) and is_absent_all_day(sick, TUE)
	assert not is_absent_all_day(sick, WED) and not is_absent_all_day(None, MON)
	assert [w[0].date() for w in working_windows(None, [], sick, MON, FRI)] == [WED, THU, FRI]


def test_one_day_absence_when_until_is_empty():
	assert absence_intervals(Absence(WED), MON, SUN) == [(dt(WED, 0), dt(THU, 0))]


def test_daily_band_absence():
	dentist = Absence(MON, TUE, time(10), time(12), "Dentiste")
	assert absence_intervals(dentist, MON, SUN) == [(dt(MON, 10), dt(MON, 12)), (dt(TUE, 10), dt(TUE, 12))]
	assert working_windows(None, [], dentist, MON, MON) == [
		(dt(MON, 8), dt(MON, 10)),
		(dt(MON, 12), dt(MON, 17)),
	]
	assert not is_absent_all_day(dentist, MON)


def test_absence_from_a_start_time_or_until_an_end_time():
	from_noon = Absence(MON, TUE, start_time=time(12))
	assert absence_intervals(from_noon, MON, SUN) == [(dt(MON, 12), dt(WED, 0))]
	assert not is_absent_all_day(from_noon, MON) and is_absent_all_day(from_noon, TUE)
	assert working_windows(None, [], from_noon, MON, WED) == [
		(dt(MON, 8), dt(MON, 12)),
		(dt(WED, 8), dt(WED, 17)),
	]

	until_ten = Absence(MON, TUE, end_time=time(10))
	assert absence_intervals(until_ten, MON, SUN) == [(dt(MON, 0), dt(TUE, 10))]
	assert is_absent_all_day(until_ten, MON) and not is_absent_all_day(until_ten, TUE)
	assert working_windows(None, [], until_ten, MON, TUE) == [(dt(TUE, 10), dt(TUE, 17))]


def test_overnight_band_runs_from_the_first_evening_to_the_last_morning():
	night = Absence(MON, WED, time(18), time(6))
	assert absence_intervals(night, MON, SUN) == [(dt(MON, 18), dt(WED, 6))]


def test_absence_on_an_extra_shift():
	extra = [ExtraShift(SAT, time(8), time(16))]
	assert working_windows(None, extra, Absence(SAT, None, time(8), time(10)), SAT, SAT) == [
		(dt(SAT, 10), dt(SAT, 16))
	]


def test_several_absences_per_technician():
	"""Today's sick day does not erase next month's vacation: every absence is taken out."""
	from gigafibre_dispatch.engine.availability import absences_meeting, is_absent_all_day
	from gigafibre_dispatch.engine.models import TechInfo
	from gigafibre_dispatch.engine.ranking import is_available_on

	mon = date(2026, 11, 23)
	sick = Absence(mon, reason="Malade")
	vacation = Absence(mon + timedelta(days=2), mon + timedelta(days=3), reason="Vacances")
	late = Absence(mon + timedelta(days=4), None, None, time(10), reason="Rendez-vous")
	both = [sick, vacation, late]
	windows = working_windows(None, [], both, mon, mon + timedelta(days=4))
	assert [(a.date(), a.time(), b.time()) for a, b in windows] == [
		(mon + timedelta(days=1), time(8), time(17)),
		(mon + timedelta(days=4), time(10), time(17)),
	]
	assert [is_absent_all_day(both, mon + timedelta(days=i)) for i in range(5)] == [
		True,
		False,
		True,
		True,
		False,
	]
	start = datetime.combine(mon + timedelta(days=3), time(9))
	assert absences_meeting(both, start, start + timedelta(hours=1)) == [vacation]
	tech = TechInfo("T", absences=[sick], absence=vacation)  # the single field joins the list
	assert tech.absences == [sick, vacation]
	assert [is_available_on(tech, mon + timedelta(days=i)) for i in range(4)] == [False, True, False, False]


# ---------------------------------------------------------------- dated kinds: off (a split shift), on call


def test_off_row_splits_the_shift_in_two():
	extra = [ExtraShift(TUE, time(11, 30), time(13), "off")]
	assert working_windows(None, extra, None, TUE, TUE) == [
		(dt(TUE, 8), dt(TUE, 11, 30)),
		(dt(TUE, 13), dt(TUE, 17)),
	]
	assert working_windows(None, extra, None, WED, WED) == [(dt(WED, 8), dt(WED, 17))]  # its date only


def test_off_row_also_cuts_an_added_shift_and_a_whole_day_off_is_not_working():
	extra = [ExtraShift(SAT, time(9), time(15), "shift"), ExtraShift(SAT, time(12), time(13), "off")]
	assert shift_windows(None, extra, SAT, SAT) == [(dt(SAT, 9), dt(SAT, 12)), (dt(SAT, 13), dt(SAT, 15))]
	assert is_working_day(None, extra, SAT)
	whole = [ExtraShift(MON, time(6), time(20), "off")]
	assert not is_working_day(None, whole, MON)
	assert is_working_day(None, whole, TUE)


def test_on_call_is_drawn_not_worked():
	extra = [ExtraShift(SUN, time(8), time(20), "on_call"), ExtraShift(SUN, time(19), time(22), "on_call")]
	assert not is_working_day(None, extra, SUN)
	assert working_windows(None, extra, None, SUN, SUN) == []
	assert on_call_windows(extra, SAT, SUN) == [(dt(SUN, 8), dt(SUN, 22))]
	assert on_call_windows(extra, MON, SAT) == []


def test_a_break_splits_a_shift_only_strictly_inside_one_window():
	windows = [(dt(TUE, 8), dt(TUE, 12)), (dt(TUE, 13), dt(TUE, 17))]
	assert splits_a_shift(windows, dt(TUE, 10), dt(TUE, 11))
	assert not splits_a_shift(windows, dt(TUE, 8), dt(TUE, 9))  # nothing left before it
	assert not splits_a_shift(windows, dt(TUE, 11), dt(TUE, 14))  # across the lunch gap
	assert not splits_a_shift(windows, dt(TUE, 11), dt(TUE, 10))  # ends before it starts
	assert not splits_a_shift([], dt(SAT, 10), dt(SAT, 11))
