"""A technician-day as the optimizer sees it: working windows, what already occupies it, and insertion.

Times are whole minutes from the first day of the range at 00:00; places are indices into the travel matrix.
Rules (the same ones the benchmark's independent checker enforces):
- a job the technician runs or assists lies inside one working window (continuous jobs excepted);
- between two consecutive items there is at least the travel time; the first item of the day starts no
  earlier than the first window's start plus the drive from home, the last ends in time to drive home
  before the last window's end;
- the job hours of the day (runs and assists, continuous jobs excepted) stay within the daily cap.
"""

from bisect import insort
from dataclasses import dataclass

from ..intervals import merge, subtract


@dataclass(slots=True, order=True)
class Item:
	start: int
	end: int
	loc: int
	job: str
	fixed: bool = True
	counts_cap: bool = True


class Timeline:
	__slots__ = ("tech", "day", "windows", "home", "items", "cap", "used")

	def __init__(self, tech: int, day: int, windows: list[tuple[int, int]], home: int, cap: int):
		self.tech = tech
		self.day = day
		self.windows = windows
		self.home = home
		self.items: list[Item] = []
		self.cap = cap
		self.used = 0

	@property
	def first(self) -> int:
		return self.windows[0][0]

	@property
	def last(self) -> int:
		return self.windows[-1][1]

	def add(self, item: Item) -> None:
		insort(self.items, item)
		if item.counts_cap:
			self.used += item.end - item.start

	def remove(self, job: str) -> None:
		for i, it in enumerate(self.items):
			if it.job == job:
				del self.items[i]
				if it.counts_cap:
					self.used -= it.end - it.start
				return

	def _neighbours(self, pos: int) -> tuple[int, int, int, int]:
		items = self.items
		if pos:
			p = items[pos - 1]
			prev_end, prev_loc = p.end, p.loc
		else:
			prev_end, prev_loc = self.first, self.home
		if pos < len(items):
			n = items[pos]
			next_start, next_loc = n.start, n.loc
		else:
			next_start, next_loc = self.last, self.home
		return prev_end, prev_loc, next_start, next_loc

	def _window_start(self, s: int, dur: int) -> int | None:
		"""The earliest start ≥ s with [start, start + dur] inside one window."""
		for ws, we in self.windows:
			if we - dur < s:
				continue
			s2 = s if s > ws else ws
			if s2 + dur <= we:
				return s2
		return None

	def insertion(
		self, mat, loc: int, dur: int, release: int, latest_end: int, earliest: bool = True
	) -> tuple[int, int] | None:
		"""(start, added travel) of the earliest (or the cheapest) feasible insertion, or None."""
		if self.used + dur > self.cap:
			return None
		best = None
		for pos in range(len(self.items) + 1):
			prev_end, prev_loc, next_start, next_loc = self._neighbours(pos)
			if next_start - prev_end < dur:
				continue
			to = int(mat[prev_loc, loc])
			s = prev_end + to
			if s < release:
				s = release
			s = self._window_start(s, dur)
			if s is None or s + dur > latest_end:
				if s is None or s > latest_end:
					break
				continue
			back = int(mat[loc, next_loc])
			if s + dur + back > next_start:
				continue
			delta = to + back - int(mat[prev_loc, next_loc])
			if earliest:
				return s, delta
			if best is None or delta < best[1]:
				best = (s, delta)
		return best

	def fits_at(self, mat, loc: int, start: int, dur: int, window: bool = True, cap: bool = True) -> bool:
		"""Can [start, start + dur) at `loc` go in as it is (travel both sides, window, cap)?"""
		if cap and self.used + dur > self.cap:
			return False
		if window and not any(ws <= start and start + dur <= we for ws, we in self.windows):
			return False
		end = start + dur
		items = self.items
		pos = 0
		while pos < len(items) and items[pos].start < start:
			pos += 1
		prev_end, prev_loc, next_start, next_loc = self._neighbours(pos)
		if pos == 0 and not window:
			prev_end = -(10**9)  # a continuous job need not follow the day's first window
		if pos == len(items) and not window:
			next_start = 10**9
		return prev_end + int(mat[prev_loc, loc]) <= start and end + int(mat[loc, next_loc]) <= next_start

	def pieces(self) -> list[tuple[int, int, int, int]]:
		"""Free stretches of working time: (start, end, place before, place after)."""
		items = self.items
		busy = merge((it.start, it.end) for it in items)
		out: list[tuple[int, int, int, int]] = []
		for a, b in subtract(self.windows, busy):
			prev_loc, next_loc = self.home, self.home
			for it in items:
				if it.end <= a:
					prev_loc = it.loc
				elif it.start >= b:
					next_loc = it.loc
					break
			out.append((a, b, prev_loc, next_loc))
		return out

	def conflict(self, mat) -> str | None:
		"""The first placed (not fixed) job breaking a travel rule with its neighbour, if any. Stretches on
		both sides of a gap in the windows are routed apart; this catches the rare pair that then lacks the
		drive between them."""
		items = self.items
		prev_end, prev_loc, prev = self.first, self.home, None
		for it in items:
			if prev is None and not it.counts_cap:  # a continuous job keeps its own hours
				prev_end, prev_loc, prev = it.end, it.loc, it
				continue
			if (not it.fixed or (prev is not None and not prev.fixed)) and prev_end + int(
				mat[prev_loc, it.loc]
			) > it.start:
				return it.job if not it.fixed else prev.job
			prev_end, prev_loc, prev = it.end, it.loc, it
		if (
			prev is not None
			and not prev.fixed
			and prev.counts_cap
			and prev.end + int(mat[prev.loc, self.home]) > self.last
		):
			return prev.job
		return None

	def route_travel(self, mat) -> int:
		"""Minutes driven: home, every item in order, home."""
		if not self.items:
			return 0
		total, loc = 0, self.home
		for it in self.items:
			total += int(mat[loc, it.loc])
			loc = it.loc
		return total + int(mat[loc, self.home])
