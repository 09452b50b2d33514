"""An independent checker for the auto-distribute optimizer's proposals.

It re-derives every scheduling rule from the plain instance data (technicians, jobs before and after a
proposal) without importing the optimizer nor the availability helpers of the engine: standard library only,
duck-typed attribute access. `check(...)` returns human-readable violation strings, each starting with its
rule code in brackets ("[material_alone] J12 on M001 ..."); `summarize(...)` counts them per code.

Semantic choices (the caller must know them):
- Working windows of a technician on a date = the weekly windows of that weekday (none on a holiday) plus the
  extra shifts of that date (only when end > start), MERGED where they overlap or touch (08:00-12:00 and
  12:00-17:00 are one window 08:00-17:00), minus the date's `off` extra shifts (a split shift's break; an
  `on_call` extra shift is not working time), minus the absence bands (every record of `absences`, and `absence`). Weekly windows with end <= start are
  ignored (a window never crosses midnight).
- A job "fits one window" when [start, end] lies inside one merged window (a 1-second tolerance is used on all
  time comparisons). A block crossing midnight never fits.
- Assistant blocks inherit the job's `continuous` flag (a continuous job's assistant is checked like the job:
  start inside a window, no absence overlap).
- `overlap` clips continuous blocks at midnight of their start day (as the brief asks) and never pairs two
  blocks of the same job (an assistant equal to the job's technician is reported as `assistant` only).
- `travel`/`buffer` are checked for HUMAN technicians only: a material resource follows the human it assists,
  so its own home base is not used. A leg is skipped when a coordinate is missing, when its two blocks
  overlap (reported as `overlap`) or when one of its blocks does not fit one working window (reported as
  `window` for moved jobs; a hand-placed block outside the windows is the dispatcher's). A leg short of
  travel minutes is `travel`; one that has the travel minutes but not travel + buffer is `buffer`. The
  buffer applies between every pair of consecutive blocks, also at the same place, unless
  `buffer_same_place=False`.
- `travel`, `buffer` and `cap` look at every block of a technician-day holding a moved job (main or assistant
  block), whoever placed the other blocks of that day.
- `dependency`: a Cancelled predecessor no longer constrains (like a done one); a predecessor missing from
  `jobs_after` is ignored. A moved predecessor left without a start blocks its scheduled, not-moved successor.
- `assistant`: also reports an INACTIVE assistant (besides unknown ids and the job's own technician).
- Moved jobs that are Cancelled, have no start or no technician are only checked by the rules that still make
  sense (`fixed_moved`, and `dependency`/`range` need a start).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

RULES: tuple[str, ...] = (
	"fixed_moved",
	"material_alone",
	"skill",
	"inactive",
	"range",
	"window",
	"overlap",
	"travel",
	"buffer",
	"cap",
	"dependency",
	"assistant",
)

DONE_STATUSES = frozenset({"Completed", "Verified", "Invoiced"})
STARTED_STATUSES = frozenset({"In Progress"})
CANCELLED = "Cancelled"
DEFAULT_WEEK: dict[int, list[tuple[time, time]]] = {wd: [(time(8), time(17))] for wd in range(5)}

TOL = timedelta(seconds=1)
EPS = 1e-9

Interval = tuple[datetime, datetime]


# ---------------------------------------------------------------- small helpers


def _values(items: Any) -> list:
	"""A list of the objects, whether given as an iterable or a dict id -> object."""
	if items is None:
		return []
	if isinstance(items, dict):
		return list(items.values())
	return list(items)


def _end(job: Any) -> datetime | None:
	start = getattr(job, "start", None)
	if start is None:
		return None
	return start + timedelta(hours=float(getattr(job, "duration_h", 0) or 0))


def _hm(t: datetime) -> str:
	return t.strftime("%Y-%m-%d %H:%M")


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
	"""Union of intervals, touching ones joined."""
	out: list[list[datetime]] = []
	for s, e in sorted(i for i in intervals if i[1] > i[0]):
		if out and s <= out[-1][1]:
			out[-1][1] = max(out[-1][1], e)
		else:
			out.append([s, e])
	return [(s, e) for s, e in out]


def _subtract(windows: list[Interval], bands: list[Interval]) -> list[Interval]:
	"""windows minus bands (both lists of intervals)."""
	result = list(windows)
	for bs, be in bands:
		nxt: list[Interval] = []
		for ws, we in result:
			if be <= ws or bs >= we:
				nxt.append((ws, we))
				continue
			if bs > ws:
				nxt.append((ws, bs))
			if be < we:
				nxt.append((be, we))
		result = nxt
	return result


def _minutes_in(windows: list[Interval], a: datetime, b: datetime) -> float:
	"""Minutes of [a, b] that lie inside the windows."""
	total = 0.0
	for ws, we in windows:
		lo, hi = max(a, ws), min(b, we)
		if hi > lo:
			total += (hi - lo).total_seconds() / 60.0
	return total


def _fits_one(windows: list[Interval], s: datetime, e: datetime) -> bool:
	return any(ws <= s + TOL and e <= we + TOL for ws, we in windows)


def _starts_inside(windows: list[Interval], s: datetime) -> bool:
	return any(ws <= s + TOL and s < we for ws, we in windows)


def _overlaps(a: Interval, b: Interval) -> bool:
	return a[0] < b[1] - TOL and b[0] < a[1] - TOL


def absence_bands(absence: Any) -> list[Interval]:
	"""The absent intervals [start, end) of one absence record."""
	if absence is None:
		return []
	first: date = absence.from_date
	last: date = getattr(absence, "until_date", None) or first
	if last < first:
		last = first
	st: time | None = getattr(absence, "start_time", None)
	et: time | None = getattr(absence, "end_time", None)
	day0 = datetime.combine(first, time(0))
	after_last = datetime.combine(last + timedelta(days=1), time(0))
	if st is not None and et is not None:
		if et > st:
			bands = []
			d = first
			while d <= last:
				bands.append((datetime.combine(d, st), datetime.combine(d, et)))
				d += timedelta(days=1)
			return bands
		band = (datetime.combine(first, st), datetime.combine(last, et))
		return [band] if band[1] > band[0] else []
	if st is not None:
		return [(datetime.combine(first, st), after_last)]
	if et is not None:
		return [(day0, datetime.combine(last, et))]
	return [(day0, after_last)]


class Calendar:
	"""Working windows of technicians per date, re-derived from the raw data (cached)."""

	def __init__(self, holidays: frozenset = frozenset(), default_week: dict | None = None):
		self.holidays = frozenset(holidays or ())
		self.default_week = default_week if default_week is not None else DEFAULT_WEEK
		self._bands: dict[str, list[Interval]] = {}
		self._windows: dict[tuple[str, date], list[Interval]] = {}

	def bands(self, tech: Any) -> list[Interval]:
		if tech.id not in self._bands:
			records = list(getattr(tech, "absences", None) or [])
			one = getattr(tech, "absence", None)
			if one is not None and one not in records:
				records.append(one)
			self._bands[tech.id] = [band for a in records for band in absence_bands(a)]
		return self._bands[tech.id]

	def _weekly(self, tech: Any, day: date) -> list[tuple[time, time]]:
		week = getattr(tech, "week", None)
		if week is None:
			week = self.default_week
		wd = day.weekday()
		return list(week.get(wd) or week.get(str(wd)) or [])

	def windows(self, tech: Any, day: date) -> list[Interval]:
		key = (tech.id, day)
		if key in self._windows:
			return self._windows[key]
		own = getattr(tech, "holidays", None)
		holidays = own if own is not None else self.holidays
		raw: list[Interval] = []
		if day not in holidays:
			for s, e in self._weekly(tech, day):
				if e > s:
					raw.append((datetime.combine(day, s), datetime.combine(day, e)))
		offs: list[Interval] = []
		for x in getattr(tech, "extra_shifts", None) or []:
			if x.on_date != day or x.end <= x.start:
				continue
			kind = getattr(x, "kind", "shift")
			span = (datetime.combine(day, x.start), datetime.combine(day, x.end))
			if kind == "shift":
				raw.append(span)
			elif kind == "off":
				offs.append(span)
			# "on_call": reachable, not working time
		result = _subtract(_subtract(_merge(raw), sorted(offs)), self.bands(tech))
		self._windows[key] = result
		return result


@dataclass(frozen=True)
class Block:
	"""A technician's occupied time: a job itself or an assistant's share of it."""

	job_id: str
	tech_id: str
	start: datetime
	end: datetime
	lat: float | None
	lon: float | None
	assist: bool
	continuous: bool
	moved: bool

	@property
	def day(self) -> date:
		return self.start.date()

	@property
	def label(self) -> str:
		return f"{self.job_id}{' (assist)' if self.assist else ''}"

	@property
	def place(self) -> tuple[float, float] | None:
		if self.lat is None or self.lon is None:
			return None
		return (self.lat, self.lon)

	def clipped(self) -> Interval:
		"""The block's time for `overlap`: a continuous block stops at midnight of its start day."""
		if self.continuous:
			midnight = datetime.combine(self.day + timedelta(days=1), time(0))
			return (self.start, min(self.end, midnight))
		return (self.start, self.end)


def _blocks_of(job: Any, moved: bool) -> list[Block]:
	"""The blocks a job occupies (nothing if cancelled or unscheduled). Assistant blocks of any id."""
	start = getattr(job, "start", None)
	if start is None or getattr(job, "status", None) == CANCELLED:
		return []
	cont = bool(getattr(job, "continuous", False))
	lat, lon = getattr(job, "lat", None), getattr(job, "lon", None)
	out = []
	if getattr(job, "tech_id", None):
		out.append(Block(job.id, job.tech_id, start, _end(job), lat, lon, False, cont, moved))
	for a in getattr(job, "assistants", None) or []:
		hours = float(getattr(a, "duration_h", 0) or 0) or float(job.duration_h or 0)
		end = start + timedelta(hours=hours)
		out.append(Block(job.id, a.tech_id, start, end, lat, lon, True, cont, moved))
	return out


# ---------------------------------------------------------------- the checker


def check(
	techs: Any,
	jobs_before: Any,
	jobs_after: Any,
	*,
	now: datetime,
	date_from: date,
	date_to: date,
	travel_minutes: Callable[[tuple[float, float], tuple[float, float]], float],
	holidays: frozenset = frozenset(),
	default_week: dict | None = None,
	travel_buffer_min: float = 0,
	moved: set[str] | None = None,
	done_statuses: frozenset = DONE_STATUSES,
	started_statuses: frozenset = STARTED_STATUSES,
	buffer_same_place: bool = True,
) -> list[str]:
	"""Every rule violation of the proposal (jobs_before -> jobs_after), one string each, "[code] ..."."""
	tech_by_id = {t.id: t for t in _values(techs)}
	before = {j.id: j for j in _values(jobs_before)}
	after = {j.id: j for j in _values(jobs_after)}
	cal = Calendar(holidays, default_week)
	out: list[str] = []

	if moved is None:
		moved = set()
		for jid, a in after.items():
			b = before.get(jid)
			if b is None or (b.tech_id, b.start) != (a.tech_id, a.start):
				moved.add(jid)
	moved = set(moved)

	def no_longer_binding(job: Any) -> bool:
		return getattr(job, "status", None) in done_statuses or getattr(job, "status", None) == CANCELLED

	# 1. fixed_moved: pinned or started jobs must stay exactly as they were
	for jid in sorted(before):
		b = before[jid]
		a = after.get(jid)
		fixed = bool(getattr(b, "pinned", False)) or getattr(b, "status", None) in started_statuses
		if a is not None:
			fixed = fixed or bool(getattr(a, "pinned", False))
		if not fixed:
			continue
		if a is None:
			out.append(f"[fixed_moved] {jid}: fixed job missing after the proposal")
			continue
		diffs = [
			name
			for name in ("tech_id", "start", "duration_h", "status")
			if getattr(b, name, None) != getattr(a, name, None)
		]
		if diffs or jid in moved:
			what = ", ".join(f"{n} {getattr(b, n, None)} -> {getattr(a, n, None)}" for n in diffs)
			what = what or "in moved"
			out.append(f"[fixed_moved] {jid}: pinned/started job changed ({what})")

	# per moved job rules
	for jid in sorted(moved):
		job = after.get(jid)
		if job is None or getattr(job, "status", None) == CANCELLED:
			continue
		tid = getattr(job, "tech_id", None)
		tech = tech_by_id.get(tid) if tid else None
		start = getattr(job, "start", None)
		end = _end(job)
		cont = bool(getattr(job, "continuous", False))

		if tid:
			if tech is None:
				out.append(f"[inactive] {jid} on {tid}: unknown technician")
			elif not getattr(tech, "active", True):
				out.append(f"[inactive] {jid} on {tid}: inactive technician")
			if tech is not None and getattr(tech, "resource_type", "human") == "material":
				out.append(f"[material_alone] {jid} on {tid}: a material resource can only assist")
			if tech is not None:
				levels = getattr(tech, "tags", None) or {}
				for req in getattr(job, "tags", None) or []:
					if not getattr(req, "required", True):
						continue
					have = int(levels.get(req.tag, 0) or 0)
					if have < int(req.level):
						out.append(f"[skill] {jid} on {tid}: {req.tag} level {have} < required {req.level}")

		valid_assistants = []
		for a in getattr(job, "assistants", None) or []:
			at = tech_by_id.get(a.tech_id)
			if at is None:
				out.append(f"[assistant] {jid}: unknown assistant {a.tech_id}")
			elif a.tech_id == tid:
				out.append(f"[assistant] {jid}: assistant {a.tech_id} is the job's own technician")
			elif not getattr(at, "active", True):
				out.append(f"[assistant] {jid}: assistant {a.tech_id} is inactive")
			else:
				valid_assistants.append(a)

		if start is None:
			continue

		if start < now - TOL:
			out.append(f"[range] {jid}: starts {_hm(start)} before now {_hm(now)}")
		elif not (date_from <= start.date() <= date_to):
			out.append(f"[range] {jid}: starts {start.date()} outside [{date_from}, {date_to}]")

		# window: the job itself, then each valid assistant's block
		checks = []
		if tech is not None:
			checks.append((tech, start, end, ""))
		for a in valid_assistants:
			hours = float(getattr(a, "duration_h", 0) or 0) or float(job.duration_h or 0)
			checks.append((tech_by_id[a.tech_id], start, start + timedelta(hours=hours), " (assist)"))
		for t, s, e, tag in checks:
			wins = cal.windows(t, s.date())
			if cont:
				if not _starts_inside(wins, s):
					out.append(f"[window] {jid}{tag} on {t.id}: continuous start {_hm(s)} outside windows")
				elif any(_overlaps((s, e), band) for band in cal.bands(t)):
					out.append(f"[window] {jid}{tag} on {t.id}: continuous {_hm(s)}+ overlaps an absence")
			elif not _fits_one(wins, s, e):
				out.append(f"[window] {jid}{tag} on {t.id}: {_hm(s)}-{e:%H:%M} not inside one working window")

		# dependency (moved successor)
		dep = getattr(job, "depends_on", None)
		pred = after.get(dep) if dep else None
		if pred is not None and not no_longer_binding(pred):
			pend = _end(pred)
			if pend is None:
				out.append(f"[dependency] {jid}: predecessor {dep} has no start")
			elif pend > start + TOL:
				out.append(f"[dependency] {jid}: starts {_hm(start)}, predecessor {dep} ends {_hm(pend)}")

	# dependency (not-moved successor of a moved predecessor)
	for sid in sorted(after):
		succ = after[sid]
		dep = getattr(succ, "depends_on", None)
		if sid in moved or not dep or dep not in moved or getattr(succ, "start", None) is None:
			continue
		if no_longer_binding(succ):
			continue
		pred = after.get(dep)
		if pred is None or no_longer_binding(pred):
			continue
		pend = _end(pred)
		if pend is None:
			out.append(f"[dependency] {sid}: moved predecessor {dep} left without a start")
		elif pend > succ.start + TOL:
			out.append(f"[dependency] {sid}: moved predecessor {dep} now ends {_hm(pend)} after it starts")

	# blocks of every job, per known technician
	by_tech: dict[str, list[Block]] = defaultdict(list)
	for jid in sorted(after):
		for blk in _blocks_of(after[jid], jid in moved):
			if blk.tech_id in tech_by_id and not (blk.assist and blk.tech_id == after[jid].tech_id):
				by_tech[blk.tech_id].append(blk)

	# 7. overlap
	for tid in sorted(by_tech):
		blocks = sorted(by_tech[tid], key=lambda b: (b.start, b.end, b.job_id))
		for i, x in enumerate(blocks):
			for y in blocks[i + 1 :]:
				if x.job_id == y.job_id or not (x.moved or y.moved):
					continue
				if _overlaps(x.clipped(), y.clipped()):
					out.append(
						f"[overlap] {tid}: {x.label} {_hm(x.start)}-{x.end:%H:%M} "
						f"and {y.label} {_hm(y.start)}-{y.end:%H:%M}"
					)

	# technician-days holding a moved block
	days = sorted({(b.tech_id, b.day) for bl in by_tech.values() for b in bl if b.moved})
	for tid, day in days:
		tech = tech_by_id[tid]
		day_blocks = [b for b in by_tech[tid] if b.day == day]

		# 10. cap: the technician's own non-continuous jobs
		own = [b for b in day_blocks if not b.assist and not b.continuous]
		hours = sum((b.end - b.start).total_seconds() / 3600 for b in own)
		cap = float(getattr(tech, "daily_hour_cap", 8.0))
		if hours > cap + EPS:
			out.append(f"[cap] {tid} {day}: {hours:g} h of jobs > daily cap {cap:g} h")

		# 8./9. travel and buffer (human technicians only)
		if getattr(tech, "resource_type", "human") == "material":
			continue
		wins = cal.windows(tech, day)
		seq = sorted((b for b in day_blocks if not b.continuous), key=lambda b: (b.start, b.end, b.job_id))
		if not seq or not wins:
			continue
		lat, lon = getattr(tech, "lat", None), getattr(tech, "lon", None)
		home = (lat, lon) if lat is not None and lon is not None else None
		fits = {id(b): _fits_one(wins, b.start, b.end) for b in seq}

		# A leg is the proposal's when it drives to or from a block the proposal placed: a drive between (or
		# from and to home around) blocks the dispatcher placed by hand is the dispatcher's.
		first, last = seq[0], seq[-1]
		if home and first.place and fits[id(first)] and first.moved:
			need = float(travel_minutes(home, first.place))
			have = _minutes_in(wins, wins[0][0], first.start)
			if have + EPS < need:
				out.append(
					f"[travel] {tid} {day}: home -> {first.label}: {have:g} min in working windows "
					f"before {first.start:%H:%M}, {need:g} needed"
				)
		for x, y in zip(seq, seq[1:], strict=False):
			if y.start < x.end - TOL or not (fits[id(x)] and fits[id(y)]) or not (x.place and y.place):
				continue
			if not (x.moved or y.moved):
				continue
			drive = float(travel_minutes(x.place, y.place))
			buf = float(travel_buffer_min) if (buffer_same_place or x.place != y.place) else 0.0
			have = _minutes_in(wins, x.end, y.start)
			if have + EPS < drive:
				out.append(
					f"[travel] {tid} {day}: {x.label} -> {y.label}: {have:g} min in working windows "
					f"between {x.end:%H:%M} and {y.start:%H:%M}, {drive:g} needed"
				)
			elif have + EPS < drive + buf:
				out.append(
					f"[buffer] {tid} {day}: {x.label} -> {y.label}: {have:g} min in working windows "
					f"between {x.end:%H:%M} and {y.start:%H:%M}, {drive:g} travel + {buf:g} buffer needed"
				)
		if home and last.place and fits[id(last)] and last.moved:
			need = float(travel_minutes(last.place, home))
			have = _minutes_in(wins, last.end, wins[-1][1])
			if have + EPS < need:
				out.append(
					f"[travel] {tid} {day}: {last.label} -> home: {have:g} min in working windows "
					f"after {last.end:%H:%M}, {need:g} needed"
				)

	return out


def summarize(violations: Iterable[str]) -> dict[str, int]:
	"""Count of violations per rule code (codes without violations are left out)."""
	counts: dict[str, int] = {}
	for v in violations:
		code = v[1 : v.index("]")] if v.startswith("[") and "]" in v else "?"
		counts[code] = counts.get(code, 0) + 1
	return counts
