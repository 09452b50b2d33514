"""Slot suggestion: the N best free windows over a horizon, a few per technician."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .availability import working_windows
from .errors import EngineError
from .intervals import subtract
from .models import JobInfo, TechInfo


@dataclass(slots=True)
class Slot:
	tech_id: str
	start: datetime
	end: datetime
	score: float = 0.0


def busy_by_tech(jobs: Iterable[JobInfo], buffer: timedelta) -> dict[str, list[tuple[datetime, datetime]]]:
	"""Every technician's occupied intervals (jobs they run or assist), widened by the travel buffer, sorted."""
	busy: dict[str, list] = defaultdict(list)
	for j in jobs:
		if j.start is None or j.status == "Cancelled":
			continue
		end = j.start + timedelta(hours=j.duration_h)
		if j.tech_id:
			busy[j.tech_id].append((j.start - buffer, end + buffer))
		for a in j.assistants:
			a_end = j.start + timedelta(hours=a.duration_h) if a.duration_h else end
			busy[a.tech_id].append((j.start - buffer, a_end + buffer))
	for intervals in busy.values():
		intervals.sort()
	return busy


def _align_up(t: datetime, granularity: int) -> datetime:
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
	if duration_h is None or duration_h <= 0:
		raise EngineError("invalid_duration", "duration must be > 0", hours=duration_h)
	first = start_date or now.date()
	last = first + timedelta(days=max(1, horizon_days) - 1)
	length = timedelta(hours=duration_h)
	busy = busy_by_tech(jobs, timedelta(minutes=buffer_min))
	rank = rank or {}
	found: list[Slot] = []
	for t in techs:
		if not t.active:
			continue
		if t.resource_type == "material" and t.id not in rank:
			continue
		windows = working_windows(
			t.week, t.extra_shifts, t.absence, first, last, t.holidays_or(holidays), default_week
		)
		score = rank.get(t.id, 0.0)
		for s in free_starts(windows, busy.get(t.id, []), length, now, granularity_min, per_tech):
			found.append(Slot(t.id, s, s + length, score))
	found.sort(key=lambda s: (s.start, -s.score, s.tech_id))
	return found[:limit]
