"""A technician-day as the optimizer sees it: working windows, what already occupies it, and insertion.

Times are whole minutes from the first day of the range at 00:00; places are indices into the travel matrix.
Rules (the same ones the benchmark's independent checker enforces):
- a job the technician runs or assists lies inside one working window (continuous jobs excepted);
- every minute of driving lies inside the working windows (a drive may be split around a break, never driven
  during lunch, an absence or off-hours; waiting is free): between two consecutive items there are at least the
  travel time plus the travel buffer (`gap`) of working minutes; the drive from home to the first item starts no
  earlier than the first window's start, the drive home after the last ends by the last window's end;
- the job hours of the day (runs and assists, continuous jobs excepted) stay within the daily cap.
"""

from bisect import insort
from dataclasses import dataclass

from ..drive import drive_end
from ..intervals import merge, subtract

FAR = 10**9  # no time: a drive that does not fit in the day's windows


@dataclass(slots=True, order=True)
class Item:
	start: int
	end: int
	loc: int
	job: str
	fixed: bool = True
	counts_cap: bool = True


class Timeline:
	__slots__ = ("tech", "day", "windows", "home", "items", "cap", "used", "gap")

	def __init__(
		self, tech: int, day: int, windows: list[tuple[int, int]], home: int, cap: int, gap: int = 0
	):
		self.tech = tech
		self.day = day
		self.windows = windows
		self.home = home
		self.items: list[Item] = []
		self.cap = cap
		self.used = 0
		self.gap = gap  # the travel buffer between two consecutive jobs (not on the drives from and to home)

	def after(self, t: int, minutes: int) -> int:
		"""When `minutes` of driving that may start at t end, driving only inside working windows."""
		end = drive_end(self.windows, t, minutes)
		return FAR if end is None else end

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
			s = self.after(prev_end, to + (self.gap if pos else 0))
			if s < release:
				s = release
			s = self._window_start(s, dur) if s < FAR else None
			if s is None or s + dur > latest_end:
				if s is None or s > latest_end:
					break
				continue
			back = int(mat[loc, next_loc])
			if self.after(s + dur, back + (self.gap if pos < len(self.items) else 0)) > next_start:
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
		need_in = int(mat[prev_loc, loc]) + (self.gap if pos else 0)
		need_out = int(mat[loc, next_loc]) + (self.gap if pos < len(items) else 0)
		if not window:  # a continuous job keeps its own hours: plain clock arithmetic around it
			if pos == 0:
				prev_end = -FAR  # it need not follow the day's first window
			if pos == len(items):
				next_start = FAR
			return prev_end + need_in <= start and end + need_out <= next_start
		return self.after(prev_end, need_in) <= start and self.after(end, need_out) <= next_start

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
			need = int(mat[prev_loc, it.loc]) + (self.gap if prev is not None else 0)
			if (not it.fixed or (prev is not None and not prev.fixed)) and self.after(
				prev_end, need
			) > it.start:
				return it.job if not it.fixed else prev.job
			prev_end, prev_loc, prev = it.end, it.loc, it
		if (
			prev is not None
			and not prev.fixed
			and prev.counts_cap
			and self.after(prev.end, int(mat[prev.loc, self.home])) > self.last
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
