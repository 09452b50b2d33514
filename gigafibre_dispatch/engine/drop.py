"""Drop rules shared by the board, the API and the portal: may this job go on that technician at that time?"""

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from .availability import absences_meeting, is_working_day, working_windows
from .drive import drive_end
from .intervals import overlaps
from .models import JobInfo, TechInfo
from .states import DONE_STATES, INACTIVE_STATES

PAST_GRACE = timedelta(minutes=30)  # a drop on the current quarter-hour is not "the past"
MAX_AHEAD = timedelta(days=731)  # further than two years: a typing slip in the year


@dataclass(slots=True)
class DropCheck:
	allowed: bool
	code: str | None = None
	reason: str | None = None
	warnings: list[dict] = field(default_factory=list)

	def as_dict(self) -> dict:
		return asdict(self)


def check_drop(
	job: JobInfo,
	tech: TechInfo,
	start: datetime,
	*,
	dependency: JobInfo | None = None,
	tech_jobs: Iterable[JobInfo] = (),
	default_week=None,
	holidays: frozenset = frozenset(),
	routing=None,
	buffer_min: int = 0,
	now: datetime | None = None,
	past_reason: str | None = None,
) -> DropCheck:
	"""May `job` go on `tech` at `start`? Refusals (inactive, a start in the past without `past_reason` or more
	than two years ahead, given `now`; day off, dependency) and warnings (skill, absence, shift, overlap and,
	given a routing provider, too little working time to drive from the job before or to the job after, travel
	buffer included: the optimizer's drive rule)."""
	end = start + timedelta(hours=job.duration_h)
	hol = tech.holidays_or(holidays)
	if not tech.active:
		return DropCheck(False, "tech_inactive", "the technician is inactive")
	if now is not None and start < now - PAST_GRACE and not (past_reason or "").strip():
		return DropCheck(False, "start_in_past", f"{start} is before now ({now}) and no reason was given")
	if now is not None and start > now + MAX_AHEAD:
		return DropCheck(False, "start_too_far", f"{start} is more than two years ahead")
	if not job.continuous and not is_working_day(
		tech.week, tech.extra_shifts, start.date(), hol, default_week
	):
		return DropCheck(False, "non_working_day", f"{start.date()} is not a working day for {tech.id}")
	if dependency is not None and dependency.status not in DONE_STATES:
		if dependency.start is None or dependency.end > start:
			return DropCheck(False, "dependency_not_done", f"{dependency.id} is not done before {start}")
	warnings: list[dict] = []
	for t in job.tags:
		has = tech.tags.get(t.tag, 0)
		if t.required and has < t.level:
			warnings.append({"code": "tag_shortfall", "tag": t.tag, "required": t.level, "has": has})
	days = (start.date(), end.date())
	for a in absences_meeting(tech.absences, start, end):
		warnings.append({"code": "absence", "reason": a.reason})
		break
	windows = working_windows(tech.week, tech.extra_shifts, None, days[0], days[1], hol, default_week)
	if not any(ws <= start and end <= we for ws, we in windows):
		warnings.append({"code": "outside_shift"})
	for other in tech_jobs:
		if other.id == job.id or other.start is None or other.status in INACTIVE_STATES:
			continue
		if overlaps(start, end, other.start, other.end):
			warnings.append({"code": "overlap", "job": other.id})
	if routing is not None and not job.continuous and job.lat is not None and job.lon is not None:
		working = working_windows(
			tech.week, tech.extra_shifts, tech.absences, days[0], days[0], hol, default_week
		)
		warnings += _drive_warnings(job, start, end, tech_jobs, working, routing, buffer_min)
	return DropCheck(True, None, None, warnings)


def _drive_warnings(job, start, end, tech_jobs, windows, routing, buffer_min) -> list[dict]:
	"""The drive from the technician's job just before, and to the one just after, each with the buffer, must fit
	in working time between them."""
	same_day = [
		o
		for o in tech_jobs
		if o.id != job.id
		and o.start is not None
		and o.status not in INACTIVE_STATES
		and not o.continuous
		and o.start.date() == start.date()
		and o.lat is not None
		and o.lon is not None
	]
	place = (job.lat, job.lon)
	out = []
	before = max((o for o in same_day if o.end <= start), key=lambda o: o.end, default=None)
	after = min((o for o in same_day if o.start >= end), key=lambda o: o.start, default=None)
	legs = []  # (code, the other job, the drive may start, from, to, must arrive by)
	if before is not None:
		legs.append(("travel_before", before, before.end, (before.lat, before.lon), place, start))
	if after is not None:
		legs.append(("travel_after", after, end, place, (after.lat, after.lon), after.start))
	for code, other, leaves, frm, to, deadline in legs:
		need = math.ceil(routing.travel_minutes(frm, to)) + buffer_min
		arrives = drive_end(windows, leaves, timedelta(minutes=need))
		if arrives is None or arrives > deadline:
			out.append({"code": code, "job": other.id, "minutes": need})
	return out
