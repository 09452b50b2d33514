"""Driving inside working time: the one rule the optimizer's timeline and the drop check share.

A drive happens only inside the technician's working windows: it may be split around a break, it is never
driven during lunch, an absence or off-hours, and waiting is free.
"""


def drive_end(windows, t, minutes):
	"""When `minutes` of driving that may start at `t` end, inside `windows` (sorted, disjoint (start, end)
	pairs); None when the windows end first. Works on whole minutes (ints) or on datetimes with `minutes` a
	timedelta."""
	zero = minutes - minutes
	if minutes <= zero:
		return t
	for ws, we in windows:
		if we <= t:
			continue
		a = t if t > ws else ws
		if a + minutes <= we:
			return a + minutes
		minutes -= we - a
		t = we
	return None
