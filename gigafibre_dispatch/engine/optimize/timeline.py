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

	def _before(self, pos: int) -> list[tuple[int, int]]:
		"""(end, place) of the item just before position `pos` and of any earlier one overlapping it (a
		dispatcher may book two jobs at once): the drive to a new item starts after each of them."""
		items = self.items
		if not pos:
			return [(self.first, self.home)]
		p = items[pos - 1]
		return [(p.end, p.loc)] + [(it.end, it.loc) for it in items[: pos - 1] if it.end > p.start]

	def _after(self, pos: int) -> list[tuple[int, int]]:
		"""(start, place) of the item at position `pos` and of any later one overlapping it."""
		items = self.items
		if pos >= len(items):
			return [(self.last, self.home)]
		n = items[pos]
		out = [(n.start, n.loc)]
		for it in items[pos + 1 :]:
			if it.start >= n.end:
				break
			out.append((it.start, it.loc))
		return out

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
		n = len(self.items)
		for pos in range(n + 1):
			prev_end, prev_loc, next_start, next_loc = self._neighbours(pos)
			before = self._before(pos) if pos else None
			if before is not None and len(before) > 1:
				prev_end = max(e for e, _ in before)
			if next_start - prev_end < dur:
				continue
			to = int(mat[prev_loc, loc])
			gap_in = self.gap if pos else 0
			if before is not None and len(before) > 1:
				s = max(self.after(e, int(mat[pl, loc]) + gap_in) for e, pl in before)
			else:
				s = self.after(prev_end, to + gap_in)
			if s < release:
				s = release
			s = self._window_start(s, dur) if s < FAR else None
			if s is None or s + dur > latest_end:
				if s is None or s > latest_end:
					break
				continue
			back = int(mat[loc, next_loc])
			gap_out = self.gap if pos < n else 0
			if any(self.after(s + dur, int(mat[loc, nl]) + gap_out) > ns for ns, nl in self._after(pos)):
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
		gap_in = self.gap if pos else 0
		gap_out = self.gap if pos < len(items) else 0
		before, after = self._before(pos), self._after(pos)
		if not window:  # a continuous job keeps its own hours: plain clock arithmetic around it
			legs_in = before if pos else []  # it need not follow the day's first window
			legs_out = after if pos < len(items) else []
			return all(e + int(mat[pl, loc]) + gap_in <= start for e, pl in legs_in) and all(
				end + int(mat[loc, nl]) + gap_out <= ns for ns, nl in legs_out
			)
		return all(self.after(e, int(mat[pl, loc]) + gap_in) <= start for e, pl in before) and all(
			self.after(end, int(mat[loc, nl]) + gap_out) <= ns for ns, nl in after
		)

	def stretches(self) -> list[tuple[int, int, int, int, bool, bool, list[tuple[int, int]]]]:
		"""The day between what occupies it: (start, end, place before, place after, after an item, before an
		item, breaks). A stretch runs from the day's first window (or an item's end) to the next item's start (or
		the last window's end), trimmed to working time; its breaks are the times inside it that are not working
		windows (lunch, a partial absence)."""
		out = []
		start, prev = self.first, None
		for it in [*self.items, None]:
			end = it.start if it is not None else self.last
			if end > start:
				inside = [(max(a, start), min(b, end)) for a, b in self.windows if b > start and a < end]
				if inside:
					breaks = [(x[1], y[0]) for x, y in zip(inside, inside[1:], strict=False) if y[0] > x[1]]
					out.append(
						(
							inside[0][0],
							inside[-1][1],
							prev.loc if prev is not None else self.home,
							it.loc if it is not None else self.home,
							prev is not None,
							it is not None,
							breaks,
						)
					)
			if it is not None and it.end >= start:
				start, prev = it.end, it
		return out

	def conflict(self, mat) -> str | None:
		"""The first placed (not fixed) job breaking a travel rule with a job before or after it, if any.
		Stretches on both sides of a gap in the windows are routed apart; this catches the rare pair that then
		lacks the drive between them (and a placement beside two overlapping fixed jobs)."""
		items = self.items
		first_regular = True
		for k, it in enumerate(items):
			if first_regular and not it.counts_cap:  # a continuous job keeps its own hours
				continue
			if first_regular:
				first_regular = False
				if not it.fixed and self.after(self.first, int(mat[self.home, it.loc])) > it.start:
					return it.job
			for prev in items[:k]:
				if prev.end > it.start or (prev.fixed and it.fixed):
					continue
				if self.after(prev.end, int(mat[prev.loc, it.loc]) + self.gap) > it.start:
					return it.job if not it.fixed else prev.job
		last = items[-1] if items else None
		if (
			last is not None
			and not last.fixed
			and last.counts_cap
			and self.after(last.end, int(mat[last.loc, self.home])) > self.last
		):
			return last.job
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
