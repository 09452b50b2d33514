"""Splitting one large routing problem into zones solved one after the other.

Technicians are grouped by where they live (k-medoids on the travel matrix between their homes, groups of equal
size); each job goes to the zone of the closest technician allowed to do it. A zone is a routing problem of its
own: its vehicles are its technicians' stretches, its tasks its jobs. A solver's search grows faster than the
problem, so zones solved in turn reach a better plan in the same time than the whole problem at once; what is
lost is a job on a zone's edge that the neighbouring zone could have taken more cheaply.
"""

import math

import numpy as np

from .solvers import RoutingProblem


def zone_count(problem: RoutingProblem, size: int | None) -> int:
	"""How many zones keep each zone's tasks × vehicles near `size` (None: one)."""
	if not size:
		return 1
	techs = {v.tech for v in problem.vehicles}
	work = len(problem.tasks) * len(problem.vehicles)
	return max(1, min(len(techs), math.ceil(math.sqrt(work / max(1, size)))))


def _medoids(dist: np.ndarray, k: int, rounds: int = 6) -> list[int]:
	n = len(dist)
	seeds = [int(np.argmax(dist.sum(axis=1)))]
	while len(seeds) < k:
		seeds.append(int(np.argmax(dist[:, seeds].min(axis=1))))
	for _ in range(rounds):
		groups = _balanced(dist, seeds)
		new = []
		for g in range(k):
			members = [i for i in range(n) if groups[i] == g]
			if not members:  # technicians living at the same place: fewer groups than seeds
				new.append(seeds[g])
				continue
			sub = dist[np.ix_(members, members)]
			new.append(members[int(np.argmin(sub.sum(axis=1)))])
		if new == seeds:
			break
		seeds = new
	return seeds


def _balanced(dist: np.ndarray, seeds: list[int]) -> list[int]:
	"""Each point to its nearest seed, no group above ceil(n / k) points (closest pairs first)."""
	n, k = len(dist), len(seeds)
	room = [math.ceil(n / k)] * k
	group = [-1] * n
	pairs = sorted((int(dist[i, s]), g, i) for g, s in enumerate(seeds) for i in range(n))
	for _, g, i in pairs:
		if group[i] < 0 and room[g] > 0:
			group[i], room[g] = g, room[g] - 1
	return group


def zone_split(problem: RoutingProblem, size: int | None) -> list[tuple[list[int], list[int]]]:
	"""(vehicle indices, task indices) per zone; one zone holding everything when the problem is small. A
	technician's home is its index in the matrix (the State's convention: technicians come first)."""
	k = zone_count(problem, size)
	all_v = list(range(len(problem.vehicles)))
	all_t = list(range(len(problem.tasks)))
	if k <= 1:
		return [(all_v, all_t)]
	techs = sorted({v.tech for v in problem.vehicles})
	mat = np.asarray(problem.mat)
	homes = np.array(techs)
	dist = mat[np.ix_(homes, homes)].astype(np.int64)
	dist = dist + dist.T  # both ways
	seeds = _medoids(dist, k)
	group = _balanced(dist, seeds)
	zone_of = {t: group[i] for i, t in enumerate(techs)}
	vis: list[list[int]] = [[] for _ in range(k)]
	for i, v in enumerate(problem.vehicles):
		vis[zone_of[v.tech]].append(i)
	tis: list[list[int]] = [[] for _ in range(k)]
	for i, task in enumerate(problem.tasks):
		allowed = [t for t in task.techs if t in zone_of]
		if not allowed:
			continue
		near = min(allowed, key=lambda t: (int(mat[t, task.loc]), t))
		tis[zone_of[near]].append(i)
	return [(v, t) for v, t in zip(vis, tis, strict=True) if v and t]
