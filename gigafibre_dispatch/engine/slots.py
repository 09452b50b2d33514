"""Slot suggestion: the N best free windows over a horizon, a few per technician."""

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .availability import working_windows
from .drive import drive_end
from .errors import EngineError
from .intervals import merge, subtract
from .models import JobInfo, TechInfo
from .sla import lateness_minutes
from .states import INACTIVE_STATES


@dataclass(slots=True)
class Slot:
	"""A suggested start for a technician; score is the technician's rank (higher first at equal starts);
	late_min: whole minutes its end falls past the job's SLA deadline (0: in time, or no deadline)."""

	tech_id: str
	start: datetime
	end: datetime
	score: float = 0.0
	late_min: int = 0


@dataclass(slots=True, order=True)
class Busy:
	"""A job a technician runs or assists: its time and place (None when unknown)."""

	start: datetime
	end: datetime
	place: tuple[float, float] | None = None


def busy_by_tech(
	jobs: Iterable[JobInfo],
	tech_ids: Collection[str] | None = None,
	window: tuple[datetime, datetime] | None = None,
) -> dict[str, list[Busy]]:
	"""Every technician's occupied times (jobs they run, or assist for their own duration or the job's) with the
	job's place, sorted. Optionally only for `tech_ids` and times meeting `window`."""
	busy: dict[str, list] = defaultdict(list)
	lengths: dict[float, timedelta] = {}
	lo, hi = window if window is not None else (None, None)
	for j in jobs:
		start = j.start
		if start is None or j.status in INACTIVE_STATES:
			continue
		if hi is not None and start >= hi:
			continue
		length = lengths.get(j.duration_h)
		if length is None:
			length = lengths[j.duration_h] = timedelta(hours=j.duration_h)
		place = (j.lat, j.lon) if j.lat is not None and j.lon is not None else None
		tid = j.tech_id
		if tid and (tech_ids is None or tid in tech_ids):
			end = start + length
			if lo is None or end > lo:
				busy[tid].append(Busy(start, end, place))
		for a in j.assistants:
			if tech_ids is not None and a.tech_id not in tech_ids:
				continue
			a_len = lengths.get(a.duration_h) if a.duration_h else length
			if a_len is None:
				a_len = lengths[a.duration_h] = timedelta(hours=a.duration_h)
			end = start + a_len
			if lo is None or end > lo:
				busy[a.tech_id].append(Busy(start, end, place))
	for items in busy.values():
		items.sort(key=lambda b: (b.start, b.end))
	return busy


def _align_up(t: datetime, granularity: int) -> datetime:
	"""The first multiple of `granularity` minutes since midnight at or after t."""
	minutes = t.hour * 60 + t.minute
	rem = minutes % granularity
	if rem == 0 and t.second == 0 and t.microsecond == 0:
		return t
	base = t.replace(second=0, microsecond=0) - timedelta(minutes=rem)
	return base + timedelta(minutes=granularity)


def free_starts(
	windows: list[tuple[datetime, datetime]],
	busy: list[Busy],
	length: timedelta,
	not_before: datetime,
	granularity: int,
	per_tech: int,
	need=None,
	place: tuple[float, float] | None = None,
) -> list[datetime]:
	"""Earliest fitting start in each free gap, chronological, one per day, at most per_tech. `need(a, b)` is
	the working time (timedelta) a drive from place a to place b takes, travel buffer included: the drive from
	the job before on that day, and to the job after, lies inside the working windows (engine/drive.py, the rule
	of the optimizer and of the board's drops)."""
	out: list[datetime] = []
	days: set[date] = set()
	need = need or (lambda a, b: timedelta(0))
	ends = sorted(busy, key=lambda b: b.end)
	for gap_start, gap_end in subtract(windows, merge((b.start, b.end) for b in busy)):
		if gap_end <= not_before:
			continue
		s = max(gap_start, not_before)
		day = gap_start.date()
		before = [b for b in ends if b.end <= gap_start and b.end.date() == day]
		if before:
			prev = before[-1]
			arrives = drive_end(windows, prev.end, need(prev.place, place))
			if arrives is None:
				continue
			s = max(s, arrives)
		s = _align_up(s, granularity)
		if s + length > gap_end or s.date() in days:
			continue
		after = next((b for b in busy if b.start >= s + length and b.start.date() == day), None)
		if after is not None:
			arrives = drive_end(windows, s + length, need(place, after.place))
			if arrives is None or arrives > after.start:
				continue
		out.append(s)
		days.add(s.date())
		if len(out) >= per_tech:
			break
	return out


def suggest_slots(
	techs: Sequence[TechInfo],
	jobs: Iterable[JobInfo],
	duration_h: float,
	now: datetime,
	*,
	start_date: date | None = None,
	horizon_days: int = 7,
	per_tech: int = 2,
	limit: int = 10,
	buffer_min: int = 15,
	granularity_min: int = 15,
	default_week=None,
	holidays: frozenset = frozenset(),
	rank: Mapping[str, float] | None = None,
	place: tuple[float, float] | None = None,
	routing=None,
	deadline: datetime | None = None,
) -> list[Slot]:
	"""Up to `limit` free starts for a job of `duration_h` hours over [start_date, start_date + horizon_days):
	per technician at most `per_tech`, the earliest fitting start of each free interval, one per day; free
	time is the working windows minus every job they run or assist. Between the job and the technician's job
	before it and after it on that day, the drive (`routing`, from and to the job's `place`; none when either
	place or the routing is unknown) plus `buffer_min` must fit in working time (lunch and absences excluded).
	Sorted by start, then by `rank` (higher first), then by technician. Material resources are considered only
	if ranked. With an SLA `deadline` (the job's latest end, engine/sla.py), each slot's `late_min` is how late
	its end is, and the slots that meet it come first (by start, rank, technician), then the late ones (the
	same order). Every slot lasts `duration_h`, so this is also the order by start: the deadline adds the
	lateness, it does not reorder."""
	if duration_h is None or duration_h <= 0:
		raise EngineError("invalid_duration", "{hours} h is not a duration", hours=duration_h)
	if per_tech <= 0 or limit <= 0:
		return []
	granularity = max(1, int(granularity_min))
	first = start_date or now.date()
	last = first + timedelta(days=max(1, horizon_days) - 1)
	length = timedelta(hours=duration_h)
	rank = rank or {}
	candidates = [t for t in techs if t.active and (t.resource_type != "material" or t.id in rank)]
	window = (datetime.combine(first, time.min), datetime.combine(last + timedelta(days=1), time.min))
	busy = busy_by_tech(jobs, {t.id for t in candidates}, window)
	buffer = timedelta(minutes=max(0, buffer_min))
	travel: dict = {}

	def need(a, b) -> timedelta:
		if a is None or b is None or routing is None:
			return buffer
		key = (a, b)
		if key not in travel:
			travel[key] = timedelta(minutes=math.ceil(routing.travel_minutes(a, b))) + buffer
		return travel[key]

	found: list[Slot] = []
	for t in candidates:
		windows = working_windows(
			t.week, t.extra_shifts, t.absences, first, last, t.holidays_or(holidays), default_week
		)
		score = rank.get(t.id, 0.0)
		for s in free_starts(windows, busy.get(t.id, []), length, now, granularity, per_tech, need, place):
			found.append(Slot(t.id, s, s + length, score))
	if deadline is None:
		found.sort(key=lambda s: (s.start, -s.score, s.tech_id))
	else:
		for slot in found:
			slot.late_min = lateness_minutes(slot.end, deadline)
		found.sort(key=lambda s: (s.late_min > 0, s.start, -s.score, s.tech_id))
	return found[:limit]
