"""Planners: the optimizer (a solver library day by day, then a repair pass) and the seed's greedy loop.

Both start from the same state (fixed jobs in place), place movable jobs on copies of the technician-days
and return a Proposal; neither changes a job.
"""

import copy
import dataclasses
import time as _time
from datetime import datetime

from ..geo import OfflineRouting, haversine_km
from ..lifecycle import COMMANDS
from ..ranking import rank_techs
from .model import (
	PRIORITY_RANK,
	REASONS,
	RELEASE_REASONS,
	Kpis,
	Move,
	OptimizeRequest,
	Proposal,
	Release,
	Unplaced,
)
from .solvers import SOLVERS, RoutingProblem, Solver, Task, Vehicle
from .state import BIG, JobRef, State
from .timeline import FAR, Item, Timeline
from .zones import zone_split

DEFAULT_SOLVER = "vroom"
# Tasks × vehicles per zone when a whole multi-day range is split (see zones.py): measured on the fortnight
# instance, zones of this size at VROOM's lightest exploration place 13 % more jobs, with 27 % less driving, than
# the whole range at once at its most thorough given ten times the time.
ZONE_SIZE = 30_000
# One day over capacity is split into zones twice that size, at the solver's usual exploration: a hundred
# technicians and 1,500 jobs (three times their capacity) place 459 against VROOM's 455 alone at level 5 in 60 s.
DAY_ZONE_FACTOR = 2
OVER_CAPACITY = 0.8  # jobs' hours above this share of the working time: about a fifth of it goes to driving
# Booked statuses a re-optimization may send back to the tray (the schedule_release command's).
RELEASABLE = COMMANDS["schedule_release"].from_states
ASSIST_STEP_MIN = 5


def _clone(tl: Timeline) -> Timeline:
	c = Timeline(tl.tech, tl.day, tl.windows, tl.home, tl.cap, tl.gap)
	c.items = list(tl.items)
	c.used = tl.used
	return c


class Planner:
	def __init__(self, st: State):
		self.st = st
		self.mat = st.mat
		self.days = [{ti: _clone(tl) for ti, tl in day.items()} for day in st.days]
		self.placed: dict[str, tuple[int, int, int]] = {}  # job -> (tech, start, end)

	# Placing.
	def place(self, ref: JobRef, ti: int, s: int) -> None:
		e = s + ref.dur
		cont = ref.job.continuous
		jid = ref.job.id
		first = s // 1440
		last = (e - 1) // 1440 if cont else first
		for d in range(first, min(last, self.st.ndays - 1) + 1):
			tl = self.days[d].get(ti)
			if tl is not None:
				tl.add(Item(s, e, ref.loc, jid, False, not cont))
		for ati, amin in ref.assists:
			tl = self.days[first].get(ati)
			if tl is not None:
				tl.add(Item(s, s + amin, ref.loc, jid, False, True))
		self.placed[jid] = (ti, s, e)

	def unplace(self, jid: str) -> None:
		ti, s, e = self.placed.pop(jid)
		for d in range(s // 1440, min((e - 1) // 1440, self.st.ndays - 1) + 1):
			for tl in self.days[d].values():
				tl.remove(jid)

	def sanitize(self, d: int) -> None:
		"""Take out any placed job that breaks a travel rule (none should; never emit one that does)."""
		for tl in self.days[d].values():
			while (jid := tl.conflict(self.mat)) is not None:
				self.unplace(jid)

	def static_reason(self, ref: JobRef) -> str | None:
		if ref.loc is None:
			return "no_coordinates"
		if not ref.techs:
			return "no_skill"
		if any(ati < 0 for ati, _ in ref.assists):
			return "assistant_unavailable"
		if not ref.job.continuous:
			longest = 0
			for day in self.days:
				for ti in ref.techs:
					tl = day.get(ti)
					if tl is not None:
						longest = max(longest, max(b - a for a, b in tl.windows))
			if longest < ref.dur:
				return "no_window"
		return None

	def insert(self, ref: JobRef, tl: Timeline, release: int, deadline: int, earliest: bool):
		"""(start, added travel) for `ref` on `tl`, assistants included, or None."""
		latest_end = min(deadline, (tl.day + 1) * 1440)
		if not ref.assists:
			return tl.insertion(self.mat, ref.loc, ref.dur, release, latest_end, earliest)
		found = tl.insertion(self.mat, ref.loc, ref.dur, release, latest_end, True)
		if found is None:
			return None
		others = []
		for ati, amin in ref.assists:
			atl = self.days[tl.day].get(ati)
			if atl is None or ati == tl.tech:
				return None
			others.append((atl, amin))
		s = found[0]
		while s + ref.dur <= latest_end and s + ref.dur <= tl.last:
			if tl.fits_at(self.mat, ref.loc, s, ref.dur) and all(
				atl.fits_at(self.mat, ref.loc, s, amin) for atl, amin in others
			):
				return s, found[1]
			s += ASSIST_STEP_MIN
		return None

	def place_continuous(self, ref: JobRef, release: int) -> bool:
		"""A continuous job runs whole from a start inside a working window, across nights if need be,
		never over an absence or another job; it does not count toward the daily cap."""
		st = self.st
		mat = self.mat
		order = sorted(ref.techs, key=lambda ti: (int(mat[ti, ref.loc]), st.techs[ti].id))
		for d in range(st.ndays):
			for ti in order:
				tl = self.days[d].get(ti)
				if tl is None:
					continue
				for ws, we in tl.windows:
					s = max(ws + int(mat[tl.home, ref.loc]) if ws == tl.first else ws, release)
					if s >= we:
						continue
					if self._continuous_fits(ref, ti, s):
						self.place(ref, ti, s)
						return True
		return False

	def _continuous_fits(self, ref: JobRef, ti: int, s: int) -> bool:
		st = self.st
		e = s + ref.dur
		if e > st.deadline_of(ref):
			return False
		if any(a < e and s < b for a, b in st.absences[ti]):
			return False
		for d in range(s // 1440, min((e - 1) // 1440, st.ndays - 1) + 1):
			tl = self.days[d].get(ti)
			if tl is not None and not tl.fits_at(self.mat, ref.loc, s, ref.dur, window=False, cap=False):
				return False
		for f in st.fixed_by_tech.get(ti, ()):
			if f[0] < e + int(self.mat[ref.loc, f[2]]) and s < f[1] + int(self.mat[f[2], ref.loc]):
				return False
		return True

	# Measuring.
	def kpis(self, refs: list[JobRef]) -> Kpis:
		st = self.st
		mat = self.mat
		routing = st.req.routing
		detour = routing.detour_factor if isinstance(routing, OfflineRouting) else 1.0
		pts = st.points
		k = Kpis()
		job_min: dict[int, int] = {}
		window_min: dict[int, int] = {}
		for day in self.days:
			for ti, tl in day.items():
				window_min[ti] = window_min.get(ti, 0) + sum(b - a for a, b in tl.windows)
				if not tl.items:
					continue
				job_min[ti] = job_min.get(ti, 0) + tl.used
				travel = tl.route_travel(mat)
				k.travel_min += travel
				k.overtime_min += max(0, tl.used + travel - tl.cap)
				loc = tl.home
				for it in [*tl.items, None]:
					nxt = it.loc if it is not None else tl.home
					if nxt != loc:
						k.travel_km += haversine_km(*pts[loc], *pts[nxt]) * detour
					loc = nxt
		k.travel_km = round(k.travel_km, 1)
		for ref in refs:
			p = self.placed.get(ref.job.id)
			if p is None:
				continue
			k.placed += 1
			if ref.due is not None and p[2] > ref.due:
				k.late_jobs += 1
				k.lateness_h += (p[2] - ref.due) / 60
		k.lateness_h = round(k.lateness_h, 2)
		k.utilisation = {
			st.techs[ti].id: round(job_min.get(ti, 0) / w, 3) for ti, w in sorted(window_min.items()) if w
		}
		return k

	def prev_travel(self, ref: JobRef) -> int:
		ti, s, _ = self.placed[ref.job.id]
		tl = self.days[s // 1440].get(ti)
		loc = tl.home
		for it in tl.items:
			if it.job == ref.job.id and it.start == s:
				return int(self.mat[loc, it.loc])
			loc = it.loc
		return 0


def _before(st: State) -> Planner:
	"""The plan as it stands: booked movable jobs where they are."""
	pl = Planner(st)
	for ref in st.movable:
		if ref.booked:
			ti = st.tech_index[ref.job.tech_id]
			pl.place(ref, ti, st.minute_of(ref.job.start))
	return pl


def _proposal(st: State, pl: Planner, reasons: dict[str, str], solver: str, t0: float) -> Proposal:
	moves, unplaced, assignments, released = [], [], {}, []
	for ref in st.movable:
		j = ref.job
		p = pl.placed.get(j.id)
		if p is None and ref.booked:  # re-optimizing: back to the tray (optimize() decides whether it may)
			code = "displaced" if st.spot_ok(ref) else "unavailable"
			released.append(Release(j.id, j.tech_id, j.start, code, RELEASE_REASONS[code]))
			continue
		if p is None:
			code = reasons.get(j.id, "no_capacity")
			if code == "no_capacity" and ref.assists:
				code = "assistant_unavailable"
			unplaced.append(Unplaced(j.id, code, REASONS[code]))
			continue
		ti, s, e = p
		tech_id, start = st.techs[ti].id, st.at(s)
		assignments[j.id] = (tech_id, start)
		if ref.booked and j.tech_id == tech_id and j.start == start:
			continue
		moves.append(Move(j.id, j.tech_id, j.start, tech_id, start, st.at(e), pl.prev_travel(ref)))
	moves.sort(key=lambda m: (m.to_start, m.to_tech, m.job))
	unplaced.sort(key=lambda u: u.job)
	released.sort(key=lambda r: r.job)
	return Proposal(
		moves,
		unplaced,
		_before(st).kpis(st.movable),
		pl.kpis(st.movable),
		solver,
		_time.perf_counter() - t0,
		assignments,
		released,
	)


def _triage(st: State, pl: Planner, refs: list[JobRef], reasons: dict[str, str]) -> list[JobRef]:
	"""Static reasons first, continuous jobs placed whole; the regular jobs left to plan."""
	regular = []
	for ref in refs:
		code = pl.static_reason(ref)
		if code:
			reasons[ref.job.id] = code
		elif ref.job.continuous:
			release = st.release_of(ref, pl.placed)
			if release is None:
				reasons[ref.job.id] = "dependency"
			elif not pl.place_continuous(ref, release):
				reasons[ref.job.id] = "continuous_no_room"
		else:
			regular.append(ref)
	return regular


def _final_reasons(st: State, pl: Planner, regular: list[JobRef], reasons: dict[str, str]) -> None:
	for ref in regular:
		if ref.job.id not in pl.placed and ref.job.id not in reasons:
			reasons[ref.job.id] = "dependency" if st.release_of(ref, pl.placed) is None else "no_capacity"


# The seed's greedy loop.
def greedy(req: OptimizeRequest) -> Proposal:
	"""The seed's auto-distribute: each job by priority, the ranking's best technician with a free slot
	(earliest start that fits travel, shifts and the cap), day by day from the first."""
	t0 = _time.perf_counter()
	st = State(req)
	pl = Planner(st)
	reasons: dict[str, str] = {}
	refs = sorted(st.movable, key=lambda r: (r.rank, r.due if r.due is not None else BIG, r.job.id))
	regular = _triage(st, pl, refs, reasons)
	now = req.now or st.t0
	todo = regular
	while todo:
		deferred = []
		progress = False
		for ref in todo:
			release = st.release_of(ref, pl.placed)
			if release is None:
				deferred.append(ref)
				continue
			if _greedy_one(st, pl, ref, release, now):
				progress = True
		if not progress:
			break
		todo = deferred
	_final_reasons(st, pl, regular, reasons)
	return _proposal(st, pl, reasons, "greedy", t0)


def _greedy_one(st: State, pl: Planner, ref: JobRef, release: int, now: datetime) -> bool:
	deadline = st.deadline_of(ref)
	techs = [st.techs[ti] for ti in ref.techs]
	for d in range(max(0, release // 1440), st.ndays):
		day = pl.days[d]
		if not day:
			continue
		cands = [t for t in techs if st.tech_index[t.id] in day]
		load = {t.id: day[st.tech_index[t.id]].used / 60 for t in cands}
		ranked = rank_techs(ref.job, cands, load, now)
		for bound in _latest_ends(ref, release, deadline, d):
			for rt in ranked:
				ti = st.tech_index[rt.tech_id]
				found = pl.insert(ref, day[ti], release, bound, True)
				if found is not None:
					pl.place(ref, ti, found[0])
					return True
	return False


def _in_time_end(ref: JobRef, release: int, deadline: int, d: int) -> int | None:
	"""The job's due minute (an SLA deadline) when it falls inside day d before every other bound and the job could
	still end by it there; None otherwise (a requested date's due is a day's end: never inside a day)."""
	due = ref.due
	if due is None or due >= min(deadline, (d + 1) * 1440):
		return None
	return due if max(release, d * 1440) + ref.dur <= due else None


def _latest_ends(ref: JobRef, release: int, deadline: int, d: int) -> tuple[int, ...]:
	"""The latest ends to try on day d, in order: in time for the job's SLA deadline first when it may still be
	met that day, then any time (late, rather than not at all)."""
	due = _in_time_end(ref, release, deadline, d)
	return (deadline,) if due is None else (due, deadline)


# The optimizer.
def _soft_costs(st: State, ref: JobRef) -> dict[int, int]:
	w = st.req.weights
	tags = ref.job.tags
	if not tags:
		return {}
	out = {}
	for ti in ref.techs:
		have = st.techs[ti].tags
		surplus = sum(have.get(t.tag, 0) - t.level for t in tags if t.required)
		missing_wanted = sum(1 for t in tags if not t.required and not have.get(t.tag))
		cost = int(round(w.tag_surplus * surplus + w.tag_wanted_bonus * missing_wanted))
		if cost:
			out[ti] = cost
	return out


def _vehicles(pl: Planner, d: int, min_dur: int) -> list[Vehicle]:
	"""One vehicle per stretch of a technician-day between fixed items, its breaks (lunch, partial absences)
	inside it; the day's spare cap shared between its stretches by working minutes."""
	out = []
	for ti in sorted(pl.days[d]):
		if pl.st.techs[ti].resource_type == "material":
			continue  # a material resource never takes a job: it only goes beside one
		tl = pl.days[d][ti]
		spare = tl.cap - tl.used
		if spare < min_dur:
			continue
		stretches = []
		for a, b, sl, el, after_item, before_item, breaks in tl.stretches():
			work = (b - a) - sum(y - x for x, y in breaks)
			# A stretch too short for one job, or for the drive between its two ends, takes nothing.
			if work >= min_dur + int(pl.mat[sl, el]):
				stretches.append((a, b, sl, el, after_item, before_item, breaks, work))
		total = sum(s[-1] for s in stretches)
		for a, b, sl, el, after_item, before_item, breaks, work in stretches:
			cap = spare if len(stretches) == 1 else spare * work // total
			gap_in = tl.gap if after_item else 0
			gap_out = tl.gap if before_item else 0
			out.append(Vehicle(ti, a, b, sl, el, cap, gap_in, gap_out, breaks))
	return out


def _apply(pl: Planner, problem: RoutingProblem, routes, refs: list[JobRef]) -> None:
	"""Times from the solver's order under the timeline's rules (every drive inside working windows, the travel
	buffer, one window per job, the cap); a job that does not fit is left out."""
	mat = pl.mat
	for vi, route in enumerate(routes):
		if not route:
			continue
		v = problem.vehicles[vi]
		tl = pl.days[v.start // 1440][v.tech]
		kept: list[tuple[int, int]] = []
		t, loc, used, gap = v.start, v.start_loc, 0, v.start_gap
		for k in route:
			task = problem.tasks[k]
			s = tl.after(t, int(mat[loc, task.loc]) + gap)
			s = tl._window_start(max(s, task.earliest), task.service) if s < FAR else None
			if s is None or s > task.latest or s + task.service > v.end or used + task.service > v.cap:
				continue
			kept.append((k, s))
			t, loc, used, gap = s + task.service, task.loc, used + task.service, tl.gap
		while kept:
			k, s = kept[-1]
			task = problem.tasks[k]
			if tl.after(s + task.service, int(mat[task.loc, v.end_loc]) + v.end_gap) <= v.end:
				break
			kept.pop()
		for k, s in kept:
			pl.place(refs[k], v.tech, s)


def _repair(st: State, pl: Planner, d: int, pending: list[JobRef]) -> None:
	"""Cheapest insertion on day d for what the solver left (and what its placements unlocked)."""
	day = pl.days[d]
	day_end = (d + 1) * 1440
	for _ in range(4):
		progress = False
		for ref in pending:
			if ref.job.id in pl.placed:
				continue
			release = st.release_of(ref, pl.placed)
			if release is None or release >= day_end:
				continue
			best = None
			for bound in _latest_ends(ref, release, st.deadline_of(ref), d):
				for ti in ref.techs:
					tl = day.get(ti)
					if tl is None or tl.cap - tl.used < ref.dur:
						continue
					found = pl.insert(ref, tl, release, bound, False)
					if found is not None and (best is None or found[1] < best[2]):  # the least added travel
						best = (ti, found[0], found[1])
				if best is not None:
					break
			if best is not None:
				pl.place(ref, best[0], best[1])
				progress = True
		if not progress:
			break


def optimize(
	req: OptimizeRequest, solver: "Solver | str | None" = None, zone_size: int | None = ZONE_SIZE
) -> Proposal:
	"""Place the movable jobs of `req` without touching fixed ones; return a proposal (nothing changes).

	Re-optimizing, a booked job (not pinned, not started) may go back to the tray only when that lets more jobs,
	or at an equal count higher-priority ones, be placed than keeping it where it stands; the plan that keeps it
	is computed and compared, and the proposal lists each released job with why (`Proposal.released`). A booked
	job whose place no longer keeps its technician's rules (an absence, a shift, a tag) and that nobody can take
	is released as "unavailable"; one whose status cannot go back to the tray stays where it is.

	`zone_size`: how large (tasks × vehicles) a multi-day routing problem may be before it is solved zone by zone
	(see zones.py); None solves it whole (the benchmark's reference: the solver library alone).
	"""
	t0 = _time.perf_counter()
	if solver is None or isinstance(solver, str):
		solver = SOLVERS[solver or DEFAULT_SOLVER]()
	out, invalid = _optimize_once(req, solver, t0, zone_size)
	if not req.reoptimize or not out.released:
		return out
	deadline = t0 + req.time_limit_s
	movable = set(out.assignments) | {u.job for u in out.unplaced} | {r.job for r in out.released}
	jobs = {j.id: j for j in req.jobs}
	booked = {i for i in movable if jobs[i].tech_id and jobs[i].start is not None}
	# Held where they stand whatever happens: booked jobs whose status cannot go back to the tray.
	must_stay = {i for i in booked if jobs[i].status not in RELEASABLE}
	kept: set[str] = set()

	def plan_holding(hold: set[str]) -> Proposal:
		alt_req = copy.copy(req)
		alt_req.job_ids = frozenset(movable - hold)
		alt_req.time_limit_s = max(0.5, deadline - _time.perf_counter())
		return _optimize_once(alt_req, solver, _time.perf_counter(), zone_size)[0]

	for _ in range(3):
		optional = {r.job for r in out.released if r.reason == "displaced" and r.job not in must_stay}
		forced = {r.job for r in out.released if r.job in must_stay}
		if not optional and not forced:
			break
		hold = kept | optional | forced
		alt = plan_holding(hold)
		gain = None if forced else _gain(out, kept, alt, hold, jobs)
		if gain is not None:
			_justify(out.released, gain)
			break
		out, kept = alt, hold
	else:
		# Still releasing after three rounds: the plan holding every booked job whose place is still good.
		hold = (booked - invalid) | must_stay
		alt = plan_holding(hold)
		gain = _gain(out, kept, alt, hold, jobs) if not (must_stay & {r.job for r in out.released}) else None
		if gain is not None:
			_justify(out.released, gain)
		else:
			out = alt
	out.seconds = _time.perf_counter() - t0
	return out


def _justify(released, gain: int) -> None:
	for r in released:
		if r.reason == "displaced" and gain > 0:
			r.count, r.message = gain, RELEASE_REASONS["displaced"].format(count=gain)
		elif r.reason == "displaced":
			r.reason, r.message = "displaced_priority", RELEASE_REASONS["displaced_priority"]


def _gain(a: Proposal, a_kept: set[str], b: Proposal, b_kept: set[str], jobs) -> int | None:
	"""How many more jobs plan `a` books than plan `b` (both over the same movable jobs, each counting the
	booked jobs it holds in place), 0 when equal in count but `a` books higher priorities; None when `a` is not
	better."""
	booked_a = set(a.assignments) | a_kept
	booked_b = set(b.assignments) | b_kept
	if len(booked_a) != len(booked_b):
		return len(booked_a) - len(booked_b) if len(booked_a) > len(booked_b) else None

	def profile(ids):
		ranks = [PRIORITY_RANK.get(jobs[i].priority, 2) for i in ids]
		return tuple(ranks.count(r) for r in range(4))

	return 0 if profile(booked_a) > profile(booked_b) else None


def _optimize_once(
	req: OptimizeRequest, solver: Solver, t0: float, zone_size: int | None
) -> tuple[Proposal, set[str]]:
	"""One plan of the movable jobs (see `optimize`), booked ones released freely; also the booked jobs whose
	place no longer keeps the rules.

	Day by day, earliest first: the day's free stretches become vehicles, the jobs ready that day (predecessor
	placed or done, no assistant) become tasks, the solver routes them; a cheapest-insertion pass then places
	what is left, dependants of jobs placed that day and jobs with assistants. What stays is carried to the
	next day. It never places fewer jobs than the greedy loop: when greedy places more, its plan is returned
	(`solver` then names both counts); `req.greedy_floor=False` turns that off."""
	# Placing comes first: the greedy loop is the floor (run first, so its seconds come out of the budget).
	floor = greedy(req) if req.greedy_floor else None
	st = State(req)
	pl = Planner(st)
	reasons: dict[str, str] = {}
	refs = sorted(st.movable, key=st.priority_key)
	regular = _triage(st, pl, refs, reasons)
	soft = {ref.job.id: _soft_costs(st, ref) for ref in regular}
	w = req.weights
	work_days = [d for d in range(st.ndays) if pl.days[d]]
	budget_end = t0 + req.time_limit_s * 0.85
	if len(work_days) > 1:  # over capacity: which day takes which job is decided for the whole range at once
		_whole_range(st, pl, regular, soft, solver, budget_end, req, zone_size)
	for k, d in enumerate(work_days):
		pending = [r for r in regular if r.job.id not in pl.placed]
		if not pending:
			break
		day_start, day_end = d * 1440, (d + 1) * 1440
		assisted = [r for r in pending if r.assists]
		if assisted:  # two technicians at once: placed before the solver fills the day
			_repair(st, pl, d, assisted)
			pending = [r for r in pending if r.job.id not in pl.placed]
		min_dur = min(r.dur for r in pending)
		vehicles = _vehicles(pl, d, min_dur)
		capacity = sum(min(v.end - v.start, v.cap) for v in vehicles)
		ready, tasks, load = [], [], 0
		for ref in pending:
			if ref.assists:
				continue
			release = st.release_of(ref, pl.placed)
			if release is None or release >= day_end:
				continue
			deadline = st.deadline_of(ref)
			latest = min(deadline, day_end) - ref.dur
			earliest = max(release, day_start)
			if latest < earliest:
				continue
			# An SLA deadline that may still be met today: the solver places the job in time or leaves it to the
			# repair pass below, which places it in time if it can, else late.
			due = _in_time_end(ref, release, deadline, d)
			if due is not None:
				latest = due - ref.dur
			bonus = (3 - ref.rank) + (10 if ref.due is not None and ref.due <= day_end else 0)
			ready.append(ref)
			tasks.append(
				Task(ref.loc, ref.dur, earliest, latest, frozenset(ref.techs), bonus, soft[ref.job.id])
			)
			load += ref.dur
			if load > 1.6 * capacity + 600:
				break
		if tasks and vehicles:
			problem = RoutingProblem(
				st.mat, vehicles, tasks, w.travel, w.overtime, w.balance, max(0, int(req.min_gap_min))
			)
			if getattr(solver, "priority_before_count", False):
				for t in tasks:
					t.bonus = 0  # VROOM ranks priority before the number of jobs placed: placing comes first
			left = max(0.2, (budget_end - _time.perf_counter()) / (len(work_days) - k))
			# Over capacity, which jobs to take matters more than a zone's edge: a large day goes zone by zone.
			over = zone_size and load > OVER_CAPACITY * capacity
			_route(
				pl, problem, ready, solver, left, req, zone_size * DAY_ZONE_FACTOR if over else None, False
			)
			pl.sanitize(d)
		_repair(st, pl, d, ready + [r for r in pending if r.assists or r.job.depends_on])
	_final_reasons(st, pl, regular, reasons)
	out = _proposal(st, pl, reasons, solver.name, t0)
	invalid = {r.job.id for r in st.movable if r.booked and not st.spot_ok(r)}
	if floor is not None and floor.kpis_after.placed > out.kpis_after.placed:
		floor.solver = f"greedy (placed {floor.kpis_after.placed}, {solver.name} {out.kpis_after.placed})"
		floor.seconds = _time.perf_counter() - t0
		return floor, invalid
	return out, invalid


def _whole_range(st, pl, regular, soft, solver, budget_end, req, zone_size) -> None:
	"""Over several days with more work than capacity: every day's stretches and every ready job (no predecessor
	still to place, no assistant) in one routing problem, so the solver also chooses the day. Day by day, each day
	would take the jobs due first and leave the next days a worse mix. When everything may fit, it does nothing:
	the day-by-day pass (due dates first) does as well, faster. What it places is checked like any route."""
	pending = [r for r in regular if r.job.id not in pl.placed and not r.assists]
	if not pending:
		return
	min_dur = min(r.dur for r in pending)
	vehicles = [v for d in range(st.ndays) if pl.days[d] for v in _vehicles(pl, d, min_dur)]
	ready, tasks = [], []
	horizon = st.ndays * 1440
	for ref in pending:
		release = st.release_of(ref, pl.placed)
		if release is None or ref.job.depends_on:
			continue
		latest = min(st.deadline_of(ref), horizon) - ref.dur
		if latest < release:
			continue
		ready.append(ref)
		tasks.append(Task(ref.loc, ref.dur, release, latest, frozenset(ref.techs), 0, soft[ref.job.id]))
	if not tasks or not vehicles:
		return
	capacity = sum(min(v.end - v.start, v.cap) for v in vehicles)
	if sum(t.service for t in tasks) <= OVER_CAPACITY * capacity:
		return
	w = req.weights
	problem = RoutingProblem(
		st.mat, vehicles, tasks, w.travel, w.overtime, w.balance, max(0, int(req.min_gap_min))
	)
	left = max(0.5, (budget_end - _time.perf_counter()) * 0.7)
	_route(pl, problem, ready, solver, left, req, zone_size, True)
	for d in range(st.ndays):
		if pl.days[d]:
			pl.sanitize(d)


def _route(
	pl: Planner, problem: RoutingProblem, refs, solver: Solver, seconds: float, req, zone_size, light: bool
) -> None:
	"""Solve `problem`, zone by zone when it is larger than `zone_size` (see zones.py), and place what the routes
	keep (`_apply`: every rule checked again). Each zone gets a share of `seconds` by its size; `light`: the zones
	at the solver's lighter exploration (many zones, a second or two each: it converges, the usual level does
	not)."""
	zones = zone_split(problem, zone_size)
	total = sum(len(vis) * len(tis) for vis, tis in zones)
	for vis, tis in zones:
		if len(zones) == 1:
			sub, use = problem, solver
		else:
			sub = dataclasses.replace(
				problem, vehicles=[problem.vehicles[i] for i in vis], tasks=[problem.tasks[i] for i in tis]
			)
			use = getattr(solver, "wide", solver) if light else solver
		share = max(0.2, seconds * len(vis) * len(tis) / max(1, total))
		routes = use.solve(sub, None if req.deterministic else share, req.seed)
		_apply(pl, sub, routes, [refs[i] for i in tis])
