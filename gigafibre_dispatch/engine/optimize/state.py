"""From a request to the optimizer's working state: places, travel matrix, technician-days, what is fixed."""

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from ..availability import absence_intervals, working_windows
from ..geo import EARTH_RADIUS_KM, OfflineRouting
from ..lifecycle import STATES
from ..models import JobInfo, TechInfo
from ..states import DONE_STATES as DONE_STATUSES
from .model import BOOKED_STATUSES, IGNORED_STATUSES, PRIORITY_RANK, UNASSIGNED_STATUSES, OptimizeRequest
from .timeline import Item, Timeline

STARTED = frozenset(STATES[STATES.index("In Progress") :]) - IGNORED_STATUSES
BIG = 10**9


def _coords_ok(lat, lon) -> bool:
	return lat is not None and lon is not None


def travel_matrix(points: list[tuple[float, float]], routing) -> "object":
	"""Whole-minute travel times between every pair of points (numpy int32). The offline estimate is
	vectorised and rounded up with a hair of margin, so it never undercuts `geo.travel_minutes`."""
	import numpy as np

	n = len(points)
	if isinstance(routing, OfflineRouting):
		lat = np.radians(np.array([p[0] for p in points], dtype=float))
		lon = np.radians(np.array([p[1] for p in points], dtype=float))
		out = np.empty((n, n), dtype=np.int32)
		factor = routing.detour_factor / routing.speed_kmh * 60.0 * 2 * EARTH_RADIUS_KM
		cos_lat = np.cos(lat)
		step = 512
		for r in range(0, n, step):
			la = lat[r : r + step, None]
			a = np.sin((lat[None, :] - la) / 2) ** 2 + cos_lat[r : r + step, None] * cos_lat[None, :] * (
				np.sin((lon[None, :] - lon[r : r + step, None]) / 2) ** 2
			)
			minutes = factor * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
			block = np.ceil(minutes - 1e-9)
			block[minutes > 1e-9] = np.ceil(minutes[minutes > 1e-9] + 1e-6)
			out[r : r + step] = block
		np.fill_diagonal(out, 0)
		return out
	out = np.zeros((n, n), dtype=np.int32)
	prefetch = getattr(routing, "prefetch", None)
	if prefetch is not None:
		prefetch(points)  # a road service: the whole matrix in a few requests, not one per pair
	for i, a in enumerate(points):
		for j, b in enumerate(points):
			if i != j:
				out[i, j] = math.ceil(routing.travel_minutes(a, b))
	return out


@dataclass(slots=True)
class JobRef:
	"""A movable job, in minutes and place indices."""

	job: JobInfo
	index: int
	loc: int | None
	dur: int
	techs: list[int]  # technicians allowed (required tags met)
	rank: int  # priority rank, 0 = urgent
	due: int | None  # latest end without lateness: the requested date's end, or the SLA deadline if earlier
	booked: bool
	assists: list[tuple[int, int]] = field(default_factory=list)  # (tech index, minutes)


class State:
	"""Everything the planners share. Built once per request; planners work on copies of the timelines."""

	def __init__(self, req: OptimizeRequest):
		self.req = req
		self.t0 = datetime.combine(req.date_from, time.min)
		self.ndays = (req.date_to - req.date_from).days + 1
		self.now_min = max(0, self.minute_of(req.now)) if req.now else 0
		scope_techs = req.tech_ids
		self.techs: list[TechInfo] = [
			t
			for t in req.techs
			if t.active and _coords_ok(t.lat, t.lon) and (scope_techs is None or t.id in scope_techs)
		]
		self.tech_index = {t.id: i for i, t in enumerate(self.techs)}
		self.jobs_by_id = {j.id: j for j in req.jobs}
		points = [(t.lat, t.lon) for t in self.techs]
		self.job_loc: dict[str, int] = {}
		for j in req.jobs:
			if _coords_ok(j.lat, j.lon):
				self.job_loc[j.id] = len(points)
				points.append((j.lat, j.lon))
		self.points = points
		self.mat = travel_matrix(points, req.routing)
		self._classify()
		self._timelines()

	def minute_of(self, dt: datetime) -> int:
		return int((dt - self.t0).total_seconds() // 60)

	def end_minute_of(self, dt: datetime) -> int:
		return math.ceil((dt - self.t0).total_seconds() / 60)

	def at(self, minute: int) -> datetime:
		return self.t0 + timedelta(minutes=minute)

	# Which jobs move, which stay.
	def _classify(self) -> None:
		req = self.req
		lo, hi = self.t0, self.t0 + timedelta(days=self.ndays)
		self.fixed: list[JobInfo] = []
		self.movable: list[JobRef] = []
		for j in req.jobs:
			if j.status in IGNORED_STATUSES:
				continue
			booked = j.start is not None and j.tech_id is not None
			in_scope = req.job_ids is None or j.id in req.job_ids
			movable = False
			if in_scope and not j.pinned and j.status not in STARTED:
				if not booked and j.status in UNASSIGNED_STATUSES:
					movable = True
				elif (
					booked
					and req.reoptimize
					and j.status in BOOKED_STATUSES
					and lo <= j.start < hi
					and j.tech_id in self.tech_index
					and not j.continuous
					and not j.assistants
				):
					movable = True
			if movable:
				self.movable.append(self._ref(j, len(self.movable), booked))
			elif booked:
				self.fixed.append(j)
		self.movable_ids = {r.job.id: r for r in self.movable}

	def _ref(self, j: JobInfo, index: int, booked: bool) -> JobRef:
		techs = []
		for i, t in enumerate(self.techs):
			# A material resource (bucket truck, splicer) never does a job: it is booked beside a human's job that
			# names it as an assistant, for that job's time, and goes where that technician goes.
			if t.resource_type == "material":
				continue
			if all(t.tags.get(r.tag, 0) >= r.level for r in j.tags if r.required):
				techs.append(i)
		due = None
		if j.requested_date is not None:
			due = ((j.requested_date - self.req.date_from).days + 1) * 1440
		if j.deadline is not None:
			# The SLA's latest end, rounded down to the minute (never counted in time when it ends past it); naive
			# wall-clock minutes like every other time here. Before the range it is negative: late wherever it goes.
			sla = self.minute_of(j.deadline)
			due = sla if due is None else min(due, sla)
		assists = []
		dur = max(1, math.ceil(j.duration_h * 60))
		for a in j.assistants:
			if a.tech_id in self.tech_index:
				assists.append(
					(self.tech_index[a.tech_id], math.ceil(a.duration_h * 60) if a.duration_h else dur)
				)
			else:
				assists.append((-1, 0))
		return JobRef(
			j,
			index,
			self.job_loc.get(j.id),
			dur,
			techs,
			PRIORITY_RANK.get(j.priority, 2),
			due,
			booked,
			assists,
		)

	# Technician-days.
	def _timelines(self) -> None:
		req = self.req
		self.days: list[dict[int, Timeline]] = [dict() for _ in range(self.ndays)]
		self.absences: list[list[tuple[int, int]]] = []
		for ti, t in enumerate(self.techs):
			hol = t.holidays_or(req.holidays)
			windows = working_windows(
				t.week, t.extra_shifts, t.absences, req.date_from, req.date_to, hol, req.default_week
			)
			self.absences.append(
				[
					(self.minute_of(a), self.end_minute_of(b))
					for a, b in absence_intervals(t.absences, req.date_from, req.date_to)
				]
			)
			per_day: dict[int, list] = {}
			for a, b in windows:
				s, e = self.end_minute_of(a), self.minute_of(b)
				while s < e:  # a window crossing midnight is cut at midnight
					d = s // 1440
					cut = min(e, (d + 1) * 1440)
					if cut - s > 0:
						per_day.setdefault(d, []).append((max(s, self.now_min), cut))
					s = cut
			cap = int(round(t.daily_hour_cap * 60))
			for d, ws in per_day.items():
				ws = [(a, b) for a, b in ws if b > a]
				if ws and 0 <= d < self.ndays:
					self.days[d][ti] = Timeline(ti, d, ws, ti, cap, max(0, int(self.req.min_gap_min)))
		self.fixed_by_tech: dict[int, list[tuple[int, int, int]]] = {}
		for j in self.fixed:
			self._occupy(j)

	def _occupy(self, j: JobInfo) -> None:
		s, e = self.minute_of(j.start), self.end_minute_of(j.end)
		loc = self.job_loc.get(j.id)
		runs = [(j.tech_id, e)]
		runs += [
			(a.tech_id, self.end_minute_of(j.start + timedelta(hours=a.duration_h)) if a.duration_h else e)
			for a in j.assistants
		]
		for tid, end in runs:
			ti = self.tech_index.get(tid)
			if ti is None:
				continue
			self.fixed_by_tech.setdefault(ti, []).append((s, end, loc if loc is not None else ti))
			for d in range(max(0, s // 1440), min(self.ndays - 1, (end - 1) // 1440) + 1):
				tl = self.days[d].get(ti)
				if tl is None:
					continue
				tl.add(Item(s, end, loc if loc is not None else tl.home, j.id, True, not j.continuous))

	def timeline(self, ti: int, d: int) -> Timeline | None:
		return self.days[d].get(ti)

	def release_of(self, ref: JobRef, placed: dict[str, tuple[int, int, int]]) -> int | None:
		"""Earliest start allowed by the predecessor (None: the predecessor is not done nor placed)."""
		dep = ref.job.depends_on
		if not dep:
			return self.now_min
		pred = self.jobs_by_id.get(dep)
		if pred is None or pred.status in DONE_STATUSES:
			return self.now_min
		if dep in placed:
			return max(self.now_min, placed[dep][2])
		if dep in self.movable_ids:
			return None
		if pred.start is not None and pred.status not in IGNORED_STATUSES:
			return max(self.now_min, self.end_minute_of(pred.end))
		return None

	def deadline_of(self, ref: JobRef) -> int:
		"""Latest end allowed by fixed successors (a pinned job waiting for this one)."""
		return self.successor_deadline.get(ref.job.id, BIG)

	@property
	def successor_deadline(self) -> dict[str, int]:
		cached = getattr(self, "_succ", None)
		if cached is None:
			cached = {}
			for j in self.fixed:
				if j.depends_on and j.depends_on in self.movable_ids:
					m = self.minute_of(j.start)
					cached[j.depends_on] = min(cached.get(j.depends_on, BIG), m)
			self._succ = cached
		return cached

	def spot_ok(self, ref: JobRef) -> bool:
		"""Does a booked job's current place still keep the technician's rules (working window, no absence,
		required tags)? A job whose place no longer does must leave it."""
		j = ref.job
		ti = self.tech_index.get(j.tech_id)
		if ti is None or ti not in ref.techs or j.start is None:
			return False
		s = self.minute_of(j.start)
		tl = self.days[s // 1440].get(ti) if 0 <= s // 1440 < self.ndays else None
		return tl is not None and tl._window_start(s, ref.dur) == s

	def priority_key(self, ref: JobRef):
		return (ref.due if ref.due is not None else BIG, ref.rank, ref.job.id)
