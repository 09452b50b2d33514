"""The routing problem handed to a solver library, and the two implementations behind one interface.

A vehicle is a stretch of one technician-day between its fixed jobs (or the day's start and end), starting and
ending at given places and times, with its breaks (lunch, a partial absence: no job inside) and a share of the
daily hour cap. Consecutive tasks are `gap` minutes (the travel buffer) apart on top of travel, and so are a task
and a stretch end that is a fixed job (not home). A task is a job with a place, a duration, the window its start
must fall in and the technicians allowed (required tag levels). Solvers return, per vehicle, the task indices in
visiting order; the caller recomputes the times (drives inside working windows) and checks every rule again.
"""

from dataclasses import dataclass, field
from typing import Protocol

DROP_PENALTY = 10_000_000  # dropping a job costs more than any travel a whole plan could save


@dataclass(slots=True)
class Vehicle:
	tech: int
	start: int
	end: int
	start_loc: int
	end_loc: int
	cap: int
	start_gap: int = 0  # the buffer after the stretch's start place (a fixed job; 0 from home)
	end_gap: int = 0  # the buffer before its end place (a fixed job; 0 to home)
	breaks: list[tuple[int, int]] = field(default_factory=list)  # no job inside: lunch, a partial absence


@dataclass(slots=True)
class Task:
	loc: int
	service: int
	earliest: int
	latest: int  # latest start
	techs: frozenset  # allowed technicians
	bonus: int = 0  # added to the drop penalty (priority, lateness): ties between equal placements
	soft: dict[int, int] = field(default_factory=dict)  # technician -> cost (wanted tags, surplus levels)


@dataclass(slots=True)
class RoutingProblem:
	mat: object  # numpy int32 [place, place] travel minutes
	vehicles: list[Vehicle]
	tasks: list[Task]
	travel_weight: float = 1.0
	overtime_weight: float = 0.0
	balance_weight: float = 0.0
	gap: int = 0  # minutes kept between two tasks on top of travel (the travel buffer)


Routes = list[list[int]]


class Solver(Protocol):
	name: str

	def solve(self, problem: RoutingProblem, time_limit_s: float | None, seed: int) -> Routes:
		"""Routes per vehicle; time_limit_s None = search to the end (deterministic)."""
		...


def _sub_matrix(problem: RoutingProblem, locs: list[int]):
	import numpy as np

	idx = np.asarray(locs, dtype=np.int64)
	return problem.mat[np.ix_(idx, idx)]


class VroomSolver:
	"""VROOM (pyvroom): fast construction + local search. Travel is the only cost it models; skills carry the
	required tags, the capacity the daily cap, time windows the shifts and release/due times."""

	name = "vroom"
	priority_before_count = True  # VROOM maximises the priority sum before the number of jobs

	def __init__(self, exploration_level: int = 3, threads: int = 2, wide_level: int = 0):
		self.exploration_level = exploration_level
		self.threads = threads
		self.wide_level = wide_level  # for the zones of a large problem (many small problems: it converges)

	@property
	def wide(self) -> "VroomSolver":
		return VroomSolver(self.wide_level, self.threads, self.wide_level)

	def solve(self, problem: RoutingProblem, time_limit_s: float | None, seed: int) -> Routes:
		from datetime import timedelta

		import numpy as np
		import vroom

		if not problem.tasks or not problem.vehicles:
			return [[] for _ in problem.vehicles]
		# Matrix nodes: (place, gap added when a task is on the other side, is a task).
		keys: list[tuple[int, int, bool]] = []
		local: dict[tuple[int, int, bool], int] = {}

		def li(loc: int, gap: int = 0, task: bool = False) -> int:
			key = (loc, gap, task)
			i = local.get(key)
			if i is None:
				i = local[key] = len(keys)
				keys.append(key)
			return i

		skill_of: dict[frozenset, int] = {}
		for t in problem.tasks:
			skill_of.setdefault(t.techs, len(skill_of) + 1)
		inp = vroom.Input()
		vehicles = []
		break_id = 0
		for vi, v in enumerate(problem.vehicles):
			skills = {s for techs, s in skill_of.items() if v.tech in techs}
			breaks = []
			for a, b in v.breaks:
				break_id += 1
				breaks.append(vroom.Break(break_id, time_windows=[vroom.TimeWindow(a, a)], service=b - a))
			vehicles.append(
				vroom.Vehicle(
					vi,
					start=li(v.start_loc, v.start_gap),
					end=li(v.end_loc, v.end_gap),
					capacity=[max(0, v.cap)],
					skills=skills,
					time_window=vroom.TimeWindow(v.start, v.end),
					breaks=breaks,
				)
			)
		jobs = []
		for ti, t in enumerate(problem.tasks):
			jobs.append(
				vroom.Job(
					ti,
					location=li(t.loc, problem.gap, True),
					default_service=t.service,
					delivery=[t.service],
					skills={skill_of[t.techs]},
					priority=min(100, t.bonus),
					time_windows=[vroom.TimeWindow(t.earliest, t.latest)],
				)
			)
		mat = _sub_matrix(problem, [k[0] for k in keys]).astype(np.int64)
		gaps = np.array([k[1] for k in keys], dtype=np.int64)
		is_task = np.array([k[2] for k in keys], dtype=bool)
		# A task and anything but home: the gap of the non-task side (a task's own gap is the buffer).
		extra = np.where(is_task[:, None], gaps[None, :], 0) + np.where(is_task[None, :], gaps[:, None], 0)
		extra[np.ix_(is_task, is_task)] = problem.gap
		mat = np.ascontiguousarray(mat + extra * (is_task[:, None] | is_task[None, :]), dtype=np.uint32)
		inp.set_durations_matrix(profile="car", matrix_input=mat)
		inp.add_vehicle(vehicles)
		inp.add_job(jobs)
		sol = inp.solve(
			exploration_level=self.exploration_level,
			nb_threads=1 if time_limit_s is None else self.threads,  # threads race: one for determinism
			timeout=None if time_limit_s is None else timedelta(seconds=max(0.05, time_limit_s)),
		)
		routes: Routes = [[] for _ in problem.vehicles]
		df = sol.routes
		if df is None or "id" not in getattr(df, "columns", ()):  # nothing routed
			return routes
		kinds = df["type"].tolist()
		vids = df["vehicle_id"].tolist()
		ids = df["id"].tolist()
		for kind, vid, jid in zip(kinds, vids, ids, strict=True):
			if kind == "job":
				routes[int(vid)].append(int(jid))
		return routes


class OrToolsSolver:
	"""Google OR-Tools routing: the full objective (travel, overtime past the cap, balance, wanted tags,
	priorities) with guided local search until the time limit."""

	name = "ortools"

	def __init__(
		self, first_solution: str = "LOCAL_CHEAPEST_INSERTION", metaheuristic: str = "GUIDED_LOCAL_SEARCH"
	):
		self.first_solution = first_solution
		self.metaheuristic = metaheuristic

	def solve(self, problem: RoutingProblem, time_limit_s: float | None, seed: int) -> Routes:
		from ortools.constraint_solver import pywrapcp, routing_enums_pb2

		V, T = len(problem.vehicles), len(problem.tasks)
		if not T or not V:
			return [[] for _ in problem.vehicles]
		# Nodes: one start and one end per vehicle, then the tasks.
		locs = [v.start_loc for v in problem.vehicles] + [v.end_loc for v in problem.vehicles]
		locs += [t.loc for t in problem.tasks]
		service = [0] * (2 * V) + [t.service for t in problem.tasks]
		sub = _sub_matrix(problem, locs).astype("int64")
		# The travel buffer: between two tasks, after a start and before an end that are fixed jobs.
		sub[2 * V :, 2 * V :] += problem.gap
		for vi, v in enumerate(problem.vehicles):
			sub[vi, 2 * V :] += v.start_gap
			sub[2 * V :, V + vi] += v.end_gap
		w = max(1, int(round(problem.travel_weight * 10)))
		manager = pywrapcp.RoutingIndexManager(len(locs), V, list(range(V)), list(range(V, 2 * V)))
		routing = pywrapcp.RoutingModel(manager)
		# Matrices and vectors registered with the model are indexed by node.
		svc = service
		cost_cb = routing.RegisterTransitMatrix((sub * w).tolist())
		routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
		time_cb = routing.RegisterTransitMatrix((sub + [[s] for s in svc]).tolist())
		horizon = max(v.end for v in problem.vehicles) + 1
		routing.AddDimension(time_cb, horizon, horizon, False, "time")
		time_dim = routing.GetDimensionOrDie("time")
		work_cb = routing.RegisterUnaryTransitVector(svc)
		routing.AddDimensionWithVehicleCapacity(
			work_cb, 0, [max(0, v.cap) for v in problem.vehicles], True, "work"
		)
		if problem.overtime_weight > 0 or problem.balance_weight > 0:
			routing.AddDimension(time_cb, 0, horizon, True, "busy")
			busy = routing.GetDimensionOrDie("busy")
			if problem.balance_weight > 0:
				busy.SetGlobalSpanCostCoefficient(max(1, int(round(problem.balance_weight * 10))))
			if problem.overtime_weight > 0:
				ow = max(1, int(round(problem.overtime_weight * 10)))
				for vi, v in enumerate(problem.vehicles):
					busy.SetCumulVarSoftUpperBound(routing.End(vi), v.cap, ow)
		for vi, v in enumerate(problem.vehicles):
			time_dim.CumulVar(routing.Start(vi)).SetRange(v.start, v.end)
			time_dim.CumulVar(routing.End(vi)).SetRange(v.start, v.end)
		any_soft = any(t.soft for t in problem.tasks)
		if any_soft:
			techs = sorted({v.tech for v in problem.vehicles})
			vec_cb = {}
			for tech in techs:
				vec = [0] * (2 * V) + [t.soft.get(tech, 0) * w for t in problem.tasks]
				vec_cb[tech] = routing.RegisterUnaryTransitVector(vec)
			routing.AddDimensionWithVehicleTransits(
				[vec_cb[v.tech] for v in problem.vehicles], 0, 10**9, True, "tags"
			)
			routing.GetDimensionOrDie("tags").SetSpanCostCoefficientForAllVehicles(1)
		vehicle_of_tech: dict[int, list[int]] = {}
		for vi, v in enumerate(problem.vehicles):
			vehicle_of_tech.setdefault(v.tech, []).append(vi)
		for ti, t in enumerate(problem.tasks):
			index = manager.NodeToIndex(2 * V + ti)
			allowed = [vi for tech in t.techs for vi in vehicle_of_tech.get(tech, ())]
			if not allowed:
				routing.AddDisjunction([index], DROP_PENALTY)
				routing.VehicleVar(index).SetValues([-1])
				continue
			lo = max(t.earliest, min(problem.vehicles[vi].start for vi in allowed))
			hi = min(t.latest, max(problem.vehicles[vi].end for vi in allowed) - t.service)
			if lo > hi:  # no vehicle's time can hold it
				routing.AddDisjunction([index], DROP_PENALTY)
				routing.VehicleVar(index).SetValues([-1])
				continue
			if len(allowed) < V:
				routing.VehicleVar(index).SetValues([-1, *allowed])
			time_dim.CumulVar(index).SetRange(lo, hi)
			routing.AddDisjunction([index], DROP_PENALTY + 1000 * t.bonus)
		solver = routing.solver()
		for vi, v in enumerate(problem.vehicles):  # fixed breaks: no job inside; a drive may go around them
			if v.breaks:
				intervals = [
					solver.FixedDurationIntervalVar(a, a, b - a, False, f"break {vi} {k}")
					for k, (a, b) in enumerate(v.breaks)
				]
				time_dim.SetBreakIntervalsOfVehicle(intervals, vi, svc)
		params = pywrapcp.DefaultRoutingSearchParameters()
		params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, self.first_solution)
		params.local_search_metaheuristic = getattr(
			routing_enums_pb2.LocalSearchMetaheuristic, self.metaheuristic
		)
		if time_limit_s is None:  # deterministic: a bounded number of solutions instead of a clock
			params.solution_limit = 20 * (V + T)
			# The large-neighbourhood sub-searches stop on a clock of their own (0.1 s by default): a loaded
			# machine would cut them elsewhere. Their own bounds end them long before this.
			params.lns_time_limit.FromSeconds(60)
		else:
			params.time_limit.FromMilliseconds(max(50, int(time_limit_s * 1000)))
		solution = routing.SolveWithParameters(params)
		routes: Routes = [[] for _ in problem.vehicles]
		if solution is None:
			return routes
		for vi in range(V):
			i = solution.Value(routing.NextVar(routing.Start(vi)))
			while not routing.IsEnd(i):
				routes[vi].append(manager.IndexToNode(i) - 2 * V)
				i = solution.Value(routing.NextVar(i))
		return routes


SOLVERS = {"vroom": VroomSolver, "ortools": OrToolsSolver}
