"""Scheduling API: who is the best technician, when, create a work order, board data, recurrence, drops.

Thin faces: each method checks permissions, parses its arguments (scheduling.args) and hands the work to the
scheduling services or, for anything that changes a job, to the lifecycle commands.
"""

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.lifecycle import work_orders
from gigafibre_dispatch.lifecycle.actor import current_actor
from gigafibre_dispatch.lifecycle.board_moves import booking
from gigafibre_dispatch.lifecycle.commands import book
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling import data, places
from gigafibre_dispatch.scheduling.args import (
	adhoc_job,
	get_job,
	get_technician_name,
	parse_date,
	parse_dt,
	parse_tags,
)
from gigafibre_dispatch.scheduling.suggest import ranked_dicts, slot_dicts, slots_for


@frappe.whitelist()
@dispatcher_only  # who is free where: the dispatchers' (a technician would learn where colleagues are)
def best_technicians(
	job: str | None = None,
	latitude: float | None = None,
	longitude: float | None = None,
	tags: str | list | None = None,
	date: str | None = None,
	duration_h: float | None = None,
	limit: int = 10,
) -> list[dict]:
	"""Technicians ranked for a job (or for a location + tags + date), best first, each with its score breakdown."""
	frappe.has_permission("Dispatch Job", "read", throw=True)
	limit = max(1, min(int(limit or 10), 500))
	if job:
		info = data.job_info(get_job(job))
		on_date = (
			parse_date(date, "Date") if date else (info.start.date() if info.start else now_datetime().date())
		)
	else:
		on_date = parse_date(date, "Date") if date else now_datetime().date()
		info = adhoc_job(latitude, longitude, tags, None, duration_h)
	return ranked_dicts(info, on_date, limit)


@frappe.whitelist()
@dispatcher_only  # who is free where: the dispatchers' (a technician would learn where colleagues are)
def suggest_slots(
	job: str | None = None,
	duration_h: float | None = None,
	tags: str | list | None = None,
	latitude: float | None = None,
	longitude: float | None = None,
	start_date: str | None = None,
	limit: int | None = None,
) -> list[dict]:
	"""The N best free windows over the horizon, at most a few per technician."""
	frappe.has_permission("Dispatch Job", "read", throw=True)
	if job:
		info = data.job_info(get_job(job))
		if duration_h not in (None, ""):
			info.duration_h = float(duration_h)
	else:
		info = adhoc_job(latitude, longitude, tags, None, duration_h)
	first = parse_date(start_date, "Start Date") if start_date else None
	limit = max(1, min(int(limit), 100)) if limit else None
	return slot_dicts(slots_for(info, first, limit))


@frappe.whitelist(methods=["GET"])
def search_address(q: str, customer: str | None = None) -> dict:
	"""+ WO's address search: the site's Service Locations matching the text, then the geocoding provider's places
	(`provider_ok` false when it failed: the site's results still come)."""
	frappe.has_permission("Service Location", "read", throw=True)
	return places.search(q, customer)


@frappe.whitelist(methods=["POST"])
def create_work_order(
	subject: str,
	customer: str | None = None,
	service_location: str | None = None,
	job_type: str = "Installation",
	priority: str = "medium",
	duration_h: float = 1.0,
	tags: str | list | None = None,
	description: str | None = None,
	scheduled_start: str | None = None,
	assigned_technician: str | None = None,
	auto_assign: bool = False,
	continuous: bool = False,
	source_issue: str | None = None,
	sales_order: str | None = None,
	depends_on: str | None = None,
	place: str | dict | None = None,
) -> dict:
	"""Create a Dispatch Job through `intake`, audited under the caller; with a technician and a start, or with
	auto_assign (the best suggested slot), book it through the lifecycle (triage, propose, confirm). `place` (an
	address picked in the search, no service location given): the customer's Service Location there, made if
	needed."""
	frappe.has_permission("Dispatch Job", "create", throw=True)
	name, suggestion = work_orders.create(
		subject,
		{
			"customer": customer,
			"service_location": service_location,
			"job_type": job_type,
			"priority": priority,
			"duration_h": float(duration_h) if duration_h not in (None, "") else None,
			"description": description,
			"continuous": bool(continuous),
			"source_issue": source_issue,
			"sales_order": sales_order,
			"depends_on": depends_on,
		},
		tags=parse_tags(tags),
		technician=get_technician_name(assigned_technician) if assigned_technician else None,
		start=parse_dt(scheduled_start, "Scheduled Start") if scheduled_start else None,
		auto_assign=bool(auto_assign),
		place=place,
		actor=current_actor(),
	)
	return {**_booking(name), "suggestion": suggestion}


@frappe.whitelist(methods=["POST"])
def book_slot(job: str, technician: str, start: str) -> dict:
	"""Book a job on a technician at a start (Desk: Suggest Slots › Book, Best Technicians › Book): a New job is
	triaged, then schedule_propose (the drop rules) and schedule_confirm run, audited under the caller."""
	doc = get_job(job)
	book(doc.name, get_technician_name(technician), parse_dt(start, "Start"), current_actor())
	return _booking(doc.name)


def _booking(name: str) -> dict:
	"""Where the job stands, in this API's names."""
	b = booking(name)
	return {
		"name": b["job"],
		"status": b["status"],
		"assigned_technician": b["technician"],
		"scheduled_start": b["start"],
		"scheduled_end": b["end"],
	}
