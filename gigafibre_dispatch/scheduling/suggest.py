"""Who is the best technician for a job, and when: the engine's ranking and slot search fed from the site."""

import math
from datetime import date, datetime, time, timedelta

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.engine import ranking, slots
from gigafibre_dispatch.engine.models import JobInfo
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.scheduling.args import ADHOC, iso
from gigafibre_dispatch.utils.errors import engine_errors


def rank_for(job: JobInfo, on_date: date, limit: int | None = None, techs=None) -> list[ranking.RankedTech]:
	if techs is None:
		techs = data.load_techs({"active": 1}, date_from=on_date, date_to=on_date)
	load = data.load_hours_by_tech(on_date)
	if job.id != ADHOC and job.tech_id and job.start and job.start.date() == on_date:
		# The job itself does not count against the load of the technician it is already on.
		load[job.tech_id] = max(0.0, load.get(job.tech_id, 0.0) - job.duration_h)
	return ranking.rank_techs(
		job,
		techs,
		load,
		now_datetime(),
		data.score_weights(),
		on_date=on_date,
		default_week=data.default_shift_week(),
		limit=limit,
		# With a deadline, a technician who cannot finish it in time costs its lateness (engine/ranking.py).
		earliest_end=earliest_ends(job, techs, on_date) if job.deadline else None,
		deadline=job.deadline,
	)


def earliest_ends(job: JobInfo, techs, on_date: date) -> dict[str, datetime]:
	"""Each technician's earliest end for the job from `on_date` (the slots engine, one slot each, the same rules
	as Suggest Slots); a technician with no free time in the horizon is absent."""
	active = [t for t in techs if t.active]
	rank = {t.id: 0.0 for t in active}
	found = _search(job, active, on_date, rank, 1, max(1, len(active)), None, job.duration_h or 1.0)
	out: dict[str, datetime] = {}
	for slot in found:
		out.setdefault(slot.tech_id, slot.end)
	return out


def ranked_dicts(job: JobInfo, on_date: date, limit: int | None = None) -> list[dict]:
	"""The technicians ranked for a job as callers see them, each with the drive from where the ranking placed
	them (their fresh GPS fix, else home) to the job: from the routing service when one is set up (one matrix
	request for all of them, `travel_source` its name), else, or when it fails, the estimate at the settings'
	speed and detour (`travel_source` "estimate")."""
	loaded = data.load_techs({"active": 1}, date_from=on_date, date_to=on_date)
	ranked = rank_for(job, on_date, limit, loaded)
	techs = {t.id: t for t in loaded}  # the ranked ones' positions, from the same read
	routing = data.routing()
	dest = (job.lat, job.lon) if job.lat is not None and job.lon is not None else None
	origins = {}
	for r in ranked:
		t = techs.get(r.tech_id)
		position = r.breakdown.get("position")
		if dest is None or t is None or position is None:
			continue
		origins[r.tech_id] = (t.gps_lat, t.gps_lon) if position == "gps" else (t.lat, t.lon)
	if origins:
		routing.prefetch([dest, *origins.values()])
	out = []
	for r in ranked:
		minutes, source = routing.leg(origins[r.tech_id], dest) if r.tech_id in origins else (None, None)
		out.append(
			{
				"technician": r.tech_id,
				"technician_name": r.name,
				"score": round(r.score, 2),
				"breakdown": r.breakdown,
				"warnings": r.warnings,
				"travel_min": None if minutes is None else math.ceil(minutes),
				"travel_source": source,
			}
		)
	return out


def slots_for(job: JobInfo, start_date: date | None = None, limit: int | None = None) -> list[slots.Slot]:
	s = data.settings()
	now = now_datetime()
	first_day = max(start_date or now.date(), now.date())
	last_day = first_day + timedelta(days=data.setting_int("slot_horizon_days", 7, s) - 1)
	techs = data.load_techs({"active": 1}, date_from=first_day, date_to=last_day)
	ranked = ranking.rank_techs(
		job,
		techs,
		data.load_hours_by_tech(first_day),
		now,
		data.score_weights(s),
		default_week=data.default_shift_week(s),
	)
	# Technicians short of a required skill are offered only when nobody has it.
	adequate = [r for r in ranked if not r.breakdown.get("tag_shortfall")]
	rank = {r.tech_id: r.score for r in (adequate or ranked)}
	eligible = [t for t in techs if t.id in rank]
	return _search(
		job,
		eligible,
		first_day,
		rank,
		data.setting_int("slots_per_technician", 2, s),
		limit or data.setting_int("slot_count", 10, s),
		job.deadline,
	)


def _search(
	job: JobInfo, techs, start_date: date, rank, per_tech: int, limit: int, deadline, hours=None
) -> list[slots.Slot]:
	"""The slots engine over the settings' horizon from `start_date` (today at the earliest): every job of the
	range occupies its technician, whoever may read it; drives by the routing provider."""
	s = data.settings()
	now = now_datetime()
	first_day = max(start_date, now.date())
	horizon = data.setting_int("slot_horizon_days", 7, s)
	last_day = first_day + timedelta(days=horizon - 1)
	busy = data.load_jobs_between(
		datetime.combine(first_day, time.min),
		datetime.combine(last_day + timedelta(days=1), time.min),
		tech_ids=None,
		for_user=False,  # every job occupies its technician, whoever may read it
	)
	with engine_errors():
		return slots.suggest_slots(
			techs,
			[j for j in busy if j.id != job.id],
			job.duration_h if hours is None else hours,
			now,
			start_date=first_day,
			horizon_days=horizon,
			per_tech=per_tech,
			limit=limit,
			buffer_min=data.setting_int("travel_buffer_min", 15, s),
			granularity_min=data.setting_int("slot_granularity_min", 15, s),
			default_week=data.default_shift_week(s),
			rank=rank,
			place=(job.lat, job.lon) if job.lat is not None and job.lon is not None else None,
			routing=data.routing(s),
			deadline=deadline,
		)


def slot_dicts(found: list[slots.Slot]) -> list[dict]:
	names = tech_names(s.tech_id for s in found)
	return [
		{
			"technician": slot.tech_id,
			"technician_name": names.get(slot.tech_id, slot.tech_id),
			"start": iso(slot.start),
			"end": iso(slot.end),
			"score": round(slot.score, 2),
			"late_min": slot.late_min,  # past the job's SLA deadline (0: in time, or no deadline)
		}
		for slot in found
	]


def tech_names(ids) -> dict[str, str]:
	ids = list(set(ids))
	if not ids:
		return {}
	rows = frappe.get_all(
		"Dispatch Technician", filters={"name": ("in", ids)}, fields=["name", "technician_name"]
	)
	return {r.name: r.technician_name for r in rows}
