"""Drop rules shared by the board, the API and the portal: may this job go on that technician at that time?"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from .availability import absence_intervals, is_working_day, working_windows
from .intervals import overlaps
from .models import JobInfo, TechInfo
from .states import DONE_STATES, INACTIVE_STATES


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
) -> DropCheck:
	end = start + timedelta(hours=job.duration_h)
	hol = tech.holidays_or(holidays)
	if not tech.active:
		return DropCheck(False, "tech_inactive", "the technician is inactive")
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
	if any(overlaps(start, end, a, b) for a, b in absence_intervals(tech.absence, *days)):
		warnings.append({"code": "absence", "reason": tech.absence.reason if tech.absence else ""})
	windows = working_windows(tech.week, tech.extra_shifts, None, days[0], days[1], hol, default_week)
	if not any(ws <= start and end <= we for ws, we in windows):
		warnings.append({"code": "outside_shift"})
	for other in tech_jobs:
		if other.id == job.id or other.start is None or other.status in INACTIVE_STATES:
			continue
		if overlaps(start, end, other.start, other.end):
			warnings.append({"code": "overlap", "job": other.id})
	return DropCheck(True, None, None, warnings)
