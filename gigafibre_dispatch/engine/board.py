"""The timeline payload: per resource, shift / absence / job / assist / ghost / travel segments."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from operator import itemgetter

from .availability import absence_intervals, on_call_windows, shift_windows
from .errors import EngineError
from .geo import OfflineRouting, RoutingProvider
from .intervals import overlaps
from .models import JobInfo, TechInfo
from .sla import sla_state
from .states import DONE_STATES, INACTIVE_STATES, STARTED_STATES

BY_START_TYPE = itemgetter("start", "type")  # a row's segments in time order


def _iso(d: datetime) -> str:
	return d.isoformat(timespec="seconds")


def build_board(
	techs: Sequence[TechInfo],
	jobs: Sequence[JobInfo],
	date_from: date,
	date_to: date,
	*,
	ghosts: Sequence[dict] = (),
	default_week=None,
	holidays: frozenset = frozenset(),
	routing: RoutingProvider | None = None,
	now: datetime | None = None,
) -> dict:
	"""The timeline of [date_from, date_to] (inclusive): one row of segments per resource, sorted by start, and
	the unassigned tray. Shifts are drawn before the absence is taken out (the absence is drawn on top);
	weekly off days are gaps. Travel sits before each job that follows another of the same technician on
	the same day, both geocoded. Cancelled jobs are left out. Each job starting in the range carries its
	`conflicts` (see `job_conflicts`)."""
	if date_to < date_from:
		raise EngineError(
			"invalid_date_range", "{date_to} is before {date_from}", date_from=date_from, date_to=date_to
		)
	routing = routing or OfflineRouting()
	start = datetime.combine(date_from, time.min)
	end = datetime.combine(date_to + timedelta(days=1), time.min)
	rows = {t.id: [] for t in techs}
	own_jobs: dict[str, list[JobInfo]] = defaultdict(list)
	job_segs: dict[str, dict] = {}
	unassigned = []
	ends: dict[str, datetime] = {}  # each booked job's end, computed once
	for j in jobs:
		if j.status in INACTIVE_STATES:
			continue
		if not j.tech_id or j.start is None:
			unassigned.append(
				{
					"job": j.id,
					"title": j.title,
					"duration_h": j.duration_h,
					"priority": j.priority,
					"status": j.status,
					"start": _iso(j.start) if j.start else None,
					"released": j.release_reason,
					# A tray job whose wanted start has passed (booked for a time, then left without a technician).
					"conflicts": ["past"]
					if now is not None and j.start is not None and j.start < now
					else [],
				}
			)
			if j.deadline is not None:
				# Unbooked, it cannot end before now + its duration: a deadline before that is at risk already.
				unassigned[-1]["sla"] = _sla(
					j, now, None, now + timedelta(hours=j.duration_h) if now else None
				)
			continue
		j_end = ends[j.id] = j.end
		if not overlaps(j.start, j_end, start, end):
			continue
		if j.tech_id in rows:
			own_jobs[j.tech_id].append(j)
			job_segs[j.id] = {
				"type": "job",
				"job": j.id,
				"title": j.title,
				"start": _iso(j.start),
				"end": _iso(j_end),
				"status": j.status,
				"priority": j.priority,
				"continuous": j.continuous,
				"published": j.published,
				"conflicts": [],
				"assistants": [a.tech_id for a in j.assistants],
			}
			if j.deadline is not None:
				job_segs[j.id]["sla"] = _sla(j, now, j_end, None)
			rows[j.tech_id].append(job_segs[j.id])
		for a in j.assistants:
			if a.tech_id in rows:
				a_end = j.start + timedelta(hours=a.duration_h) if a.duration_h else j_end
				rows[a.tech_id].append(
					{
						"type": "assist",
						"job": j.id,
						"technician": j.tech_id,  # the job's own technician (the helper is the row)
						"title": j.title,
						"start": _iso(j.start),
						"end": _iso(a_end),
						"pinned": a.pinned,
						"duration_h": a.duration_h or j.duration_h,
					}
				)
	for g in ghosts:
		g_start = g["start"]
		g_end = g_start + timedelta(hours=g.get("duration_h") or 1)
		if g.get("tech_id") in rows and overlaps(g_start, g_end, start, end):
			rows[g["tech_id"]].append(
				{
					"type": "ghost",
					"template": g["template"],
					"title": g.get("title", ""),
					"start": _iso(g_start),
					"end": _iso(g_end),
				}
			)
	resources = []
	for t in techs:
		segs = rows[t.id]
		hol = t.holidays_or(holidays)
		shifts = shift_windows(t.week, t.extra_shifts, date_from, date_to, hol, default_week)
		for ws, we in shifts:
			segs.append({"type": "shift", "start": _iso(ws), "end": _iso(we)})
		for ws, we in on_call_windows(t.extra_shifts, date_from, date_to):
			segs.append({"type": "on_call", "start": _iso(ws), "end": _iso(we)})
		away = []
		for a in t.absences:
			for a_s, a_e in absence_intervals(a, date_from, date_to):
				away.append((a_s, a_e))
				segs.append({"type": "absence", "start": _iso(a_s), "end": _iso(a_e), "reason": a.reason})
		mine = sorted(own_jobs.get(t.id, ()), key=lambda j: j.start)
		clashing = overlapping_ids(mine, ends)
		for j in mine:
			if start <= j.start < end:
				job_segs[j.id]["conflicts"] = job_conflicts(j, mine, shifts, away, now, clashing, ends[j.id])
		for prev, nxt in zip(mine, mine[1:], strict=False):
			# Coordinates first: the week view reads none, and then no date is compared.
			if None in (prev.lat, prev.lon, nxt.lat, nxt.lon) or prev.start.date() != nxt.start.date():
				continue
			minutes = int(round(routing.travel_minutes((prev.lat, prev.lon), (nxt.lat, nxt.lon))))
			if minutes <= 0:
				continue
			segs.append(
				{
					"type": "travel",
					"from_job": prev.id,
					"to_job": nxt.id,
					"start": _iso(nxt.start - timedelta(minutes=minutes)),
					"end": _iso(nxt.start),
					"minutes": minutes,
				}
			)
		segs.sort(key=BY_START_TYPE)
		resources.append(
			{
				"id": t.id,
				"name": t.name or t.id,
				"resource_type": t.resource_type,
				"category": t.category,
				"team": t.team,
				"tags": dict(t.tags),
				"home": [t.lat, t.lon] if t.lat is not None and t.lon is not None else None,
				"segments": segs,
			}
		)
	return {
		"from": date_from.isoformat(),
		"to": date_to.isoformat(),
		"resources": resources,
		"unassigned": unassigned,
	}


CONFLICTS = ("absence", "outside_shift", "overlap", "past")


def overlapping_ids(jobs: Sequence[JobInfo], ends: dict[str, datetime] | None = None) -> set[str]:
	"""The jobs (sorted by start, active) that overlap at least one other, in one sweep: a job overlaps an earlier
	one exactly when the latest end before it is past its start, and that earlier job is then flagged too."""
	out: set[str] = set()
	best_end, best_id = None, None
	points = []
	for j in jobs:
		if j.duration_h <= 0:
			points.append(j)  # a job of no length: checked against every other below (rare)
			continue
		end = ends[j.id] if ends is not None else j.end
		if best_end is not None and j.start < best_end:
			out.add(j.id)
			out.add(best_id)
		if best_end is None or end > best_end:
			best_end, best_id = end, j.id
	for p in points:
		for o in jobs:
			if o.id != p.id and overlaps(p.start, p.end, o.start, o.end):
				out.update((p.id, o.id))
	return out


def job_conflicts(
	job: JobInfo,
	same_tech: Sequence[JobInfo],
	shifts,
	absences,
	now: datetime | None,
	overlapping: set[str] | None = None,
	end: datetime | None = None,
) -> list[str]:
	"""What is wrong with a booked job where it stands, for the board's flag: inside an absence of its technician,
	not inside one of their shifts (a continuous job excepted), over another of their jobs (`overlapping`: those
	ids, already swept; else `same_tech` is scanned), or not started while its start is past (`now` given); `end`:
	the job's end when the caller has it.
	Codes from CONFLICTS, in that order."""
	out = []
	end = end or job.end
	if any(overlaps(job.start, end, a, b) for a, b in absences):
		out.append("absence")
	if not job.continuous and not any(a <= job.start and end <= b for a, b in shifts):
		out.append("outside_shift")
	if (
		job.id in overlapping
		if overlapping is not None
		else any(
			o.id != job.id and o.status not in INACTIVE_STATES and overlaps(job.start, end, o.start, o.end)
			for o in same_tech
		)
	):
		out.append("overlap")
	if now is not None and job.start < now and job.status not in STARTED_STATES:
		out.append("past")
	return out


def _sla(
	job: JobInfo, now: datetime | None, end: datetime | None, earliest_end: datetime | None
) -> dict | None:
	"""A job's deadline state for the board (engine/sla.py), None for a job without a deadline."""
	if job.deadline is None or now is None:
		return None
	done = job.status in DONE_STATES
	return {**sla_state(job.deadline, now, end, earliest_end, done=done), "deadline": _iso(job.deadline)}
