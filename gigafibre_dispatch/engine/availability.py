"""Working windows: weekly schedule + extra shifts − holidays − absences (a technician may hold several)."""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .errors import EngineError
from .intervals import Interval, merge, subtract

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*-\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*$")

Week = dict[int, list[tuple[time, time]]]


@dataclass(frozen=True, slots=True)
class Absence:
	"""An absence band. `until_date` None = one day. Both times: [start, end) on every day of the range (if
	end <= start, one band from the first day's start to the last day's end); only start_time: from then
	on the first day to the end of the last day; only end_time: from the first day's start to then on the
	last day; no times: whole days."""

	from_date: date
	until_date: date | None = None
	start_time: time | None = None
	end_time: time | None = None
	reason: str = ""

	@property
	def last_date(self) -> date:
		return self.until_date or self.from_date


@dataclass(frozen=True, slots=True)
class ExtraShift:
	"""A dated change to the weekly schedule: `shift` adds working time, `off` takes it out (a shift split by a
	break), `on_call` marks a reachable band that is not working time (drawn in planning mode, never booked)."""

	on_date: date
	start: time
	end: time
	kind: str = "shift"


EXTRA_KINDS = ("shift", "off", "on_call")


_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def parse_time(value: str) -> time:
	"""Parse "HH:MM" or "HH:MM:SS" (24-hour clock)."""
	m = _TIME.match(str(value)) if value is not None else None
	try:
		if not m:
			raise ValueError
		return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
	except ValueError:
		raise EngineError("invalid_time", "{value} is not a time (HH:MM)", value=value) from None


def parse_weekly_schedule(value: "str | dict | None") -> Week | None:
	"""Parse `{"mon": ["08:00-17:00"], "sat": []}`; blank means "the default week" (None)."""
	if value is None or (isinstance(value, str) and not value.strip()):
		return None
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError as e:
			raise EngineError("invalid_weekly_schedule", "not valid JSON ({detail})", detail=str(e)) from None
	if not isinstance(value, dict):
		raise EngineError("invalid_weekly_schedule", "it must be an object keyed by day (mon … sun)")
	week: Week = {}
	seen: set[int] = set()
	for key, ranges in value.items():
		day = str(key).strip().lower()
		if day not in WEEKDAYS:
			raise EngineError(
				"invalid_weekly_schedule", "unknown day {day}; use mon, tue, wed, thu, fri, sat, sun", day=key
			)
		weekday = WEEKDAYS.index(day)
		if weekday in seen:
			raise EngineError("invalid_weekly_schedule", "{day} is given twice", day=key)
		seen.add(weekday)
		if ranges in (None, [], ""):
			continue
		if isinstance(ranges, str):
			ranges = [ranges]
		if not isinstance(ranges, list):
			raise EngineError(
				"invalid_weekly_schedule", '{day}: give a list of "HH:MM-HH:MM" ranges', day=key
			)
		parsed = []
		for r in ranges:
			m = _RANGE.match(str(r))
			if not m:
				raise EngineError(
					"invalid_weekly_schedule", "{day}: {range} is not HH:MM-HH:MM", day=key, range=r
				)
			try:
				start, end = parse_time(m.group(1)), parse_time(m.group(2))
			except EngineError:
				raise EngineError(
					"invalid_weekly_schedule", "{day}: {range} is not a valid time range", day=key, range=r
				) from None
			if end <= start:
				raise EngineError(
					"invalid_weekly_schedule", "{day}: {range} must end after it starts", day=key, range=r
				)
			parsed.append((start, end))
		parsed.sort()
		for (s1, e1), (s2, e2) in zip(parsed, parsed[1:], strict=False):
			if s2 < e1:
				raise EngineError(
					"invalid_weekly_schedule",
					"{day}: {first} and {second} overlap",
					day=key,
					first=f"{_fmt(s1)}-{_fmt(e1)}",
					second=f"{_fmt(s2)}-{_fmt(e2)}",
				)
		week[weekday] = parsed
	return week


def _fmt(t: time) -> str:
	return t.strftime("%H:%M") if not t.second else t.strftime("%H:%M:%S")


def format_weekly_schedule(week: Week) -> str:
	"""Canonical JSON of a parsed week (working days only); parse_weekly_schedule reads it back unchanged."""
	return json.dumps(
		{WEEKDAYS[d]: [f"{_fmt(s)}-{_fmt(e)}" for s, e in week[d]] for d in sorted(week) if week[d]}
	)


def default_week(start: time = time(8), end: time = time(17), days: Iterable[int] = (0, 1, 2, 3, 4)) -> Week:
	"""The same window on each of `days` (0 = Monday): Monday to Friday 08:00–17:00 by default."""
	return {d: [(start, end)] for d in days}


def _dt(d: date, t: time) -> datetime:
	return datetime(d.year, d.month, d.day, t.hour, t.minute, t.second)


Absences = "Absence | Iterable[Absence] | None"


def as_list(absences: Absences) -> list[Absence]:
	"""One absence, several, or none, as a list."""
	if absences is None:
		return []
	if isinstance(absences, Absence):
		return [absences]
	return [a for a in absences if a is not None]


def absence_intervals(absences: Absences, date_from: date, date_to: date) -> list[Interval]:
	"""The absences as datetime intervals, clipped to [date_from, date_to] (whole days, date_to inclusive),
	sorted and merged."""
	found = as_list(absences)
	if len(found) == 1:
		return _intervals_of(found[0], date_from, date_to)
	return merge(iv for a in found for iv in _intervals_of(a, date_from, date_to))


def absences_meeting(absences: Absences, start: datetime, end: datetime) -> list[Absence]:
	"""The absences overlapping [start, end)."""
	return [
		a
		for a in as_list(absences)
		if any(s < end and start < e for s, e in _intervals_of(a, start.date(), end.date()))
	]


def _intervals_of(absence: Absence, date_from: date, date_to: date) -> list[Interval]:
	first, last = absence.from_date, absence.last_date
	lo, hi = max(first, date_from), min(last, date_to)
	if lo > hi:
		return []
	s_t, e_t = absence.start_time, absence.end_time
	if s_t is not None and e_t is not None and e_t > s_t:
		out = []
		d = lo
		while d <= hi:
			out.append((_dt(d, s_t), _dt(d, e_t)))
			d += timedelta(days=1)
		return out
	start = _dt(first, s_t) if s_t is not None else _dt(first, time.min)
	end = _dt(last, e_t) if e_t is not None else _dt(last + timedelta(days=1), time.min)
	start = max(start, _dt(date_from, time.min))
	end = min(end, _dt(date_to + timedelta(days=1), time.min))
	return [(start, end)] if start < end else []


def is_absent_all_day(absences: Absences, d: date) -> bool:
	"""The absences cover all of day `d` (00:00 to 24:00)."""
	found = [a for a in as_list(absences) if a.from_date <= d <= a.last_date]
	if not found:
		return False
	day = (_dt(d, time.min), _dt(d + timedelta(days=1), time.min))
	cover = absence_intervals(found, d, d)
	return bool(cover) and cover[0][0] <= day[0] and cover[0][1] >= day[1]


_DEFAULT_WEEK = default_week()


def _weekly(week: Week | None, default: Week | None) -> Week:
	if week is not None:
		return week
	return default if default is not None else _DEFAULT_WEEK


def is_working_day(
	week: Week | None,
	extra_shifts: Iterable[ExtraShift],
	d: date,
	holidays: frozenset = frozenset(),
	default: Week | None = None,
) -> bool:
	"""A weekly window that day (unless it is a holiday) or an extra shift on that date, not all taken out by
	the date's `off` rows."""
	if any(x.kind == "off" and x.on_date == d for x in extra_shifts):
		return bool(shift_windows(week, extra_shifts, d, d, holidays, default))
	if d not in holidays and _weekly(week, default).get(d.weekday()):
		return True
	for x in extra_shifts:
		if x.kind == "shift" and x.on_date == d and x.end > x.start:
			return True
	return False


def shift_windows(
	week: Week | None,
	extra_shifts: Iterable[ExtraShift],
	date_from: date,
	date_to: date,
	holidays: frozenset = frozenset(),
	default: Week | None = None,
) -> list[Interval]:
	"""Scheduled windows before the absence is taken out (what the board draws as shifts)."""
	if date_to < date_from:
		raise EngineError(
			"invalid_date_range", "{date_to} is before {date_from}", date_from=date_from, date_to=date_to
		)
	weekly = _weekly(week, default)
	out = []
	d = date_from
	while d <= date_to:
		if d not in holidays:
			for s, e in weekly.get(d.weekday(), ()):
				out.append((_dt(d, s), _dt(d, e)))
		d += timedelta(days=1)
	cuts = []
	for x in extra_shifts:
		if date_from <= x.on_date <= date_to and x.end > x.start:
			if x.kind == "shift":
				out.append((_dt(x.on_date, x.start), _dt(x.on_date, x.end)))
			elif x.kind == "off":
				cuts.append((_dt(x.on_date, x.start), _dt(x.on_date, x.end)))
	return subtract(merge(out), merge(cuts))


def splits_a_shift(windows: Iterable[Interval], start: datetime, end: datetime) -> bool:
	"""A break from start to end splits a shift: it lies strictly inside one window, leaving time on each side."""
	return end > start and any(ws < start and end < we for ws, we in windows)


def on_call_windows(extra_shifts: Iterable[ExtraShift], date_from: date, date_to: date) -> list[Interval]:
	"""On-call bands from date_from to date_to inclusive (reachable, not working time), sorted and merged."""
	return merge(
		(_dt(x.on_date, x.start), _dt(x.on_date, x.end))
		for x in extra_shifts
		if x.kind == "on_call" and date_from <= x.on_date <= date_to and x.end > x.start
	)


def working_windows(
	week: Week | None,
	extra_shifts: Iterable[ExtraShift],
	absence: Absences,
	date_from: date,
	date_to: date,
	holidays: frozenset = frozenset(),
	default: Week | None = None,
) -> list[Interval]:
	"""Free-to-work intervals from date_from to date_to inclusive: the weekly windows (`default` or Monday to
	Friday 08:00–17:00 when `week` is None) except on holidays, plus extra shifts, minus the absences (one, a
	list, or None); sorted and merged."""
	base = shift_windows(week, extra_shifts, date_from, date_to, holidays, default)
	return subtract(base, absence_intervals(absence, date_from, date_to))
