"""Type-to-dispatch on the board: the line read against the jobs and technicians the caller may see
(engine/quick_dispatch.py), shaped for the board with the doubts in the user's language. Reading books nothing: the
board books the reading through its drop (the drop rules, the lifecycle commands) when the dispatcher confirms."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from gigafibre_dispatch.engine.quick_dispatch import job_references, read_dispatch_line
from gigafibre_dispatch.engine.states import CLOSED_STATES
from gigafibre_dispatch.scheduling.args import iso

MAX_JOBS = 200  # candidates for the line's references
MAX_NUMBERS = 3


def _doubt_messages() -> dict:
	return {
		"no_job": _("No job in the line (its ID, or # and its number)"),
		"job_ambiguous": _("Several jobs match: {0}"),
		"no_technician": _("No technician in the line (a name or an ID)"),
		"technician_ambiguous": _("Several technicians match: {0}"),
		"no_time": _("No time in the line (10h, 14:30, 2pm)"),
		"bad_date": _("A date that does not exist"),
		"day_guessed": _("No day given and that time is past today: tomorrow"),
		"past": _("This start is in the past"),
	}


def read_line(text: str) -> dict:
	ids, numbers = job_references(text or "")
	# Only the jobs the line can name (its ID-like tokens, its #numbers), not every open job on each keystroke.
	jobs = frappe.get_list(
		"Dispatch Job",
		filters={"status": ("not in", CLOSED_STATES), "is_recurring": 0},
		or_filters=[["name", "in", sorted(ids) or [""]]]
		+ [["name", "like", f"%{n}"] for n in sorted(numbers)[:MAX_NUMBERS]],
		fields=["name", "subject"],
		limit_page_length=MAX_JOBS,
	)
	techs = frappe.get_list(
		"Dispatch Technician",
		filters={"active": 1, "resource_type": "human"},
		fields=["name", "technician_name"],
		limit_page_length=0,
	)
	reading = read_dispatch_line(
		text or "",
		now_datetime(),
		[(j.name, j.subject) for j in jobs],
		[(t.name, t.technician_name) for t in techs],
	)
	messages = _doubt_messages()
	listed = {
		"job_ambiguous": reading.details.get("jobs"),
		"technician_ambiguous": reading.details.get("technicians"),
	}
	out = {
		"job": reading.job,
		"technician": reading.technician,
		"start": iso(reading.start) if reading.start else None,
		"certain": reading.certain,
		"doubts": [
			{"code": c, "message": messages[c].format(", ".join(listed.get(c) or []))} for c in reading.doubts
		],
	}
	if reading.job:
		row = frappe.db.get_value(
			"Dispatch Job",
			reading.job,
			["subject", "duration_h", "assigned_technician", "scheduled_start", "status"],
			as_dict=True,
		)
		out.update(
			job_title=row.subject,
			duration_h=row.duration_h,
			current_technician=row.assigned_technician,
			current_start=iso(row.scheduled_start) if row.scheduled_start else None,
			status=row.status,
		)
	if reading.technician:
		out["technician_name"] = next(t.technician_name for t in techs if t.name == reading.technician)
	return out
