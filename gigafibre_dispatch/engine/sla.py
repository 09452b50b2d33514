"""SLA deadlines: when a job must be started or finished, how late a time is, and a job's SLA state.

A job may carry two deadlines (the Dispatch Job's fields):
	response_by: a technician on site by then, i.e. the job STARTS at or before it;
	resolution_by: the job DONE by then, i.e. it ENDS at or before it.
Both come down to one "finish by" (`latest_end`): the job's end, `JobInfo.deadline`; ending later is lateness
(the optimizer's lateness cost, the slots' `late_min`, the ranking's `late_h`).

Times are naive local datetimes, like the rest of the engine: a DST change day is simply a day whose wall
clock jumps; minutes are wall-clock minutes.
"""

from datetime import datetime, timedelta

MINUTE = timedelta(minutes=1)
SLA_STATES = ("none", "ok", "at_risk", "breached", "met")


def latest_end(
	duration_h: float, response_by: datetime | None, resolution_by: datetime | None
) -> datetime | None:
	"""The effective finish-by: min(resolution_by, response_by + duration); None when neither is set.

	Starting at response_by at the latest means ending at response_by + duration at the latest."""
	ends = []
	if response_by is not None:
		ends.append(response_by + timedelta(hours=duration_h or 0.0))
	if resolution_by is not None:
		ends.append(resolution_by)
	return min(ends) if ends else None


def lateness_minutes(end: datetime, deadline: datetime | None) -> int:
	"""Whole minutes `end` falls after `deadline`, rounded up (a second late is a minute late); 0 when on time
	(ending exactly at the deadline is not late) or when there is no deadline."""
	if deadline is None:
		return 0
	late = end - deadline
	if late <= timedelta(0):
		return 0
	return -((-late) // MINUTE)  # ceil, exact to the microsecond


def sla_state(
	deadline: datetime | None,
	now: datetime,
	end: datetime | None,
	earliest_end: datetime | None,
	*,
	done: bool = False,
) -> dict:
	"""A job's SLA state: {"state": "none" | "ok" | "at_risk" | "breached" | "met", "minutes_left": int | None}.

	`deadline`: the job's finish-by (`latest_end`); `end`: the job's end — its scheduled end when it is booked,
	its actual end when it is `done` — else None; `earliest_end`: the earliest end it could have if booked now
	(the first free slot's end), None when unknown.

	Rules, in order:
	- no deadline → "none" (minutes_left None);
	- done: "met" when it ended at or before the deadline, "breached" when after; a done job with no known end is
	  taken to have ended now at the latest (so "met" while now ≤ deadline, else "breached");
	- not done and now > deadline → "breached" (however it was booked);
	- not done, deadline not passed: "at_risk" when booked to end after the deadline, or, not booked, when its
	  earliest possible end is known and after the deadline; otherwise "ok" (booked in time, or not booked with
	  no known earliest end or one in time).
	Ending exactly at the deadline is in time; now exactly at the deadline is not yet a breach.

	minutes_left: whole minutes from now to the deadline, rounded down (negative once it has passed), whatever the
	state (a done job's too: the caller shows it for open jobs); None only when there is no deadline."""
	if deadline is None:
		return {"state": "none", "minutes_left": None}
	minutes_left = (deadline - now) // MINUTE
	if done:
		finished = end if end is not None else now
		state = "met" if finished <= deadline else "breached"
	elif now > deadline:
		state = "breached"
	elif end is not None:
		state = "at_risk" if end > deadline else "ok"
	elif earliest_end is not None and earliest_end > deadline:
		state = "at_risk"
	else:
		state = "ok"
	return {"state": state, "minutes_left": minutes_left}
