"""Slot suggestion: the N best free windows over a horizon, a few per technician."""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .availability import working_windows
from .errors import EngineError
from .intervals import subtract
from .models import JobInfo, TechInfo
from .states import INACTIVE_STATES


@dataclass(slots=True)
class Slot:
	"""A suggested start for a technician; score is the technician's rank (higher first at equal starts)."""

	tech_id: str
	start: datetime
	end: datetime
	score: float = 0.0


def busy_by_tech(
	jobs: Iterable[JobInfo],
	buffer: timedelta,
	tech_ids: Collection[str] | None = None,
	window: tuple[datetime, datetime] | None = None,
) -> dict[str, list[tuple[datetime, datetime]]]:
	"""Every technician's occupied intervals (jobs they run, or assist for their own duration or the job's),
	widened by the travel buffer, sorted. Optionally only for `tech_ids` and intervals meeting `window`."""
	busy: dict[str, list] = defaultdict(list)
	lengths: dict[float, timedelta] = {}
	lo, hi = window if window is not None else (None, None)
	for j in jobs:
		start = j.start
		if start is None or j.status in INACTIVE_STATES:
			continue
		if hi is not None and start - buffer >= hi:
			continue
		length = lengths.get(j.duration_h)
		if length is None:
			length = lengths[j.duration_h] = timedelta(hours=j.duration_h)
		tid = j.tech_id
		if tid and (tech_ids is None or tid in tech_ids):
			end = start + length + buffer
			if lo is None or end > lo:
				busy[tid].append((start - buffer, end))
		for a in j.assistants:
			if tech_ids is not None and a.tech_id not in tech_ids:
				continue
			a_len = lengths.get(a.duration_h) if a.duration_h else length
			if a_len is None:
				a_len = lengths[a.duration_h] = timedelta(hours=a.duration_h)
			end = start + a_len + buffer
			if lo is None or end > lo:
				busy[a.tech_id].append((start - buffer, end))
	for intervals in busy.values():
		intervals.sort()
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
	busy: list[tuple[datetime, datetime]],
	length: timedelta,
	not_before: datetime,
	granularity: int,
	per_tech: int,
) -> list[datetime]:
	"""Earliest fitting start in each free gap, chronological, one per day, at most per_tech."""
	out: list[datetime] = []
	days: set[date] = set()
	for gap_start, gap_end in subtract(windows, busy):
		if gap_end <= not_before:
			continue
		s = _align_up(max(gap_start, not_before), granularity)
		if s + length <= gap_end and s.date() not in days:
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
) -> list[Slot]:
	"""Up to `limit` free starts for a job of `duration_h` hours over [start_date, start_date + horizon_days):
	per technician at most `per_tech`, the earliest fitting start of each free interval, one per day; free
	time is the working windows minus every job they run or assist, widened by `buffer_min`. Sorted by start,
	then by `rank` (higher first), then by technician. Material resources are considered only if ranked."""
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
	busy = busy_by_tech(jobs, timedelta(minutes=buffer_min), {t.id for t in candidates}, window)
	found: list[Slot] = []
	for t in candidates:
		windows = working_windows(
			t.week, t.extra_shifts, t.absence, first, last, t.holidays_or(holidays), default_week
		)
		score = rank.get(t.id, 0.0)
		for s in free_starts(windows, busy.get(t.id, []), length, now, granularity, per_tech):
			found.append(Slot(t.id, s, s + length, score))
	found.sort(key=lambda s: (s.start, -s.score, s.tech_id))
	return found[:limit]
