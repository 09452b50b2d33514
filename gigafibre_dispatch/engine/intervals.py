"""Half-open [start, end) interval arithmetic on sorted lists."""

from collections.abc import Iterable
from datetime import datetime

Interval = tuple[datetime, datetime]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
	out: list[list] = []
	for start, end in sorted(intervals):
		if end <= start:
			continue
		if out and start <= out[-1][1]:
			if end > out[-1][1]:
				out[-1][1] = end
		else:
			out.append([start, end])
	return [(s, e) for s, e in out]


def subtract(base: list[Interval], cuts: list[Interval]) -> list[Interval]:
	"""base minus cuts; both sorted by start, base non-overlapping. One sweep."""
	if not cuts:
		return list(base)
	out = []
	j = 0
	n = len(cuts)
	for start, end in base:
		while j < n and cuts[j][1] <= start:
			j += 1
		cur = start
		k = j
		while k < n and cuts[k][0] < end:
			cs, ce = cuts[k]
			if cs > cur:
				out.append((cur, cs))
			if ce > cur:
				cur = ce
			k += 1
		if cur < end:
			out.append((cur, end))
	return out


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
	return a_start < b_end and b_start < a_end
