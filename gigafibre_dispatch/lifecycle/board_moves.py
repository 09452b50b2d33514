"""The board's changes and their rules: which jobs move, where the board saw a job (a job moved meanwhile is not
moved again), what a drop there would do, the answer each change gives and the change that undoes it.

Every change is a lifecycle command under the caller (`lifecycle.commands.book` / `run_internal`) with the
browser's Idempotency-Key, so a retried drop replays instead of booking twice. The face (`api/board.py`) parses,
checks the caller and calls one function here."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import get_datetime

from gigafibre_dispatch.engine.lifecycle import COMMANDS, JOB_TYPES, PRIORITIES, Actor, allowed_actions
from gigafibre_dispatch.engine.states import CLOSED_STATES
from gigafibre_dispatch.lifecycle.commands import book, job_state, run_internal
from gigafibre_dispatch.scheduling import deadlines
from gigafibre_dispatch.scheduling.args import iso
from gigafibre_dispatch.scheduling.data import JOB_VIEW_FIELDS
from gigafibre_dispatch.scheduling.drop import refusal_message, validate_drop_rules
from gigafibre_dispatch.utils.errors import DispatchValidationError

# A job the board may drop: not booked yet, or booked and not yet sent to the technician.
MOVABLE = frozenset({"New"}) | COMMANDS["schedule_propose"].from_states
RELEASABLE = COMMANDS["schedule_release"].from_states
CARD_FIELDS = (*JOB_VIEW_FIELDS, "latitude", "longitude", "continuous", "description", "template_id")


class BoardConflict(frappe.ValidationError):
	"""The job changed since the board drew it (another dispatcher moved it)."""

	http_status_code = 409


def fixed_message(status: str) -> str:
	return _("This job is {0}: only jobs not yet dispatched move on the board").format(_(status))


def warning_message(w: dict) -> str:
	code = w.get("code")
	if code == "tag_shortfall":
		return _("Skill {0}: level {1} required, the technician has {2}").format(
			w.get("tag"), w.get("required"), w.get("has")
		)
	if code == "absence":
		return _("The technician is absent ({0})").format(w.get("reason") or _("absence"))
	if code == "outside_shift":
		return _("Outside the technician's shift")
	if code == "overlap":
		return _("Overlaps job {0}").format(w.get("job"))
	if code == "travel_before":
		return _("Not enough working time to drive from job {0} ({1} min with the travel buffer)").format(
			w.get("job"), w.get("minutes")
		)
	if code == "travel_after":
		return _("Not enough working time to drive to job {0} ({1} min with the travel buffer)").format(
			w.get("job"), w.get("minutes")
		)
	return code or ""


# ------------------------------------------------------------------ reads


def job_card(doc, actor: Actor | None) -> dict:
	"""What the hover card and the right panel show of one job, with the commands `actor` may issue now."""
	card = {f: doc.get(f) for f in CARD_FIELDS}
	card["tags"] = [{"tag": t.tag, "level": t.level, "required": t.required} for t in doc.tags]
	names = dict(
		frappe.get_all(
			"Dispatch Technician",
			filters={"name": ("in", [a.tech_id for a in doc.assistants] or [""])},
			fields=["name", "technician_name"],
			as_list=True,
		)
	)
	card["assistants"] = [
		{"tech_id": a.tech_id, "name": names.get(a.tech_id) or a.tech_id, "duration_h": a.duration_h}
		for a in doc.assistants
	]
	card["customer_name"] = (
		frappe.db.get_value("Customer", doc.customer, "customer_name") if doc.customer else None
	)
	card["address"] = None
	if doc.service_location:
		loc = frappe.db.get_value(
			"Service Location",
			doc.service_location,
			["location_name", "address_line", "city", "postal_code"],
			as_dict=True,
		)
		if loc:
			card["address"] = (
				", ".join(p for p in (loc.address_line, loc.city, loc.postal_code) if p) or loc.location_name
			)
	card["actions"] = allowed_actions(actor, job_state(doc)) if actor else []
	card["movable"] = doc.status in MOVABLE
	card["editable"] = doc.status not in CLOSED_STATES and doc.has_permission("write")
	card["sla"] = deadlines.state_of(doc)
	card["job_types"] = list(JOB_TYPES)
	card["priorities"] = list(PRIORITIES)
	if not card["movable"]:
		card["why_fixed"] = fixed_message(doc.status)
	return card


def drop_verdict(doc, technician: str, at: datetime) -> dict:
	"""The drop rules for this job on that technician at that time, as the board shows them while the user
	hovers: allowed, warning or blocked, with translated messages. Changes nothing."""
	if doc.status not in MOVABLE:
		return {
			"allowed": False,
			"level": "blocked",
			"code": "not_movable",
			"message": fixed_message(doc.status),
		}
	result = validate_drop_rules(doc, technician, at)
	out = {
		"allowed": result.allowed,
		"code": result.code,
		"warnings": [{**w, "message": warning_message(w)} for w in result.warnings],
	}
	if not result.allowed:
		out["level"] = "blocked"
		out["message"] = refusal_message(doc, result)
	else:
		out["level"] = "warning" if result.warnings else "allowed"
	return out


# ------------------------------------------------------------------ changes (each one a lifecycle command)


def drop_job(
	name: str,
	technician: str,
	at: datetime,
	actor: Actor,
	*,
	key: str | None = None,
	duration_h: float | None = None,
	expected_technician: str | None = None,
	expected_start: str | None = None,
) -> dict:
	"""Book the job on the technician at `at` in one call (a New job is triaged first, then schedule_propose and
	schedule_confirm). `expected_*` is where the board saw the job: if someone moved it meanwhile the drop is
	refused (409) and the board redraws. A drop where the job already is replays."""
	before = _lock(name)
	target = (technician, at, float(duration_h) if duration_h is not None else float(before.duration_h or 0))
	if _where(before) != target:
		_check_movable(before)
		_check_expected(before, expected_technician, expected_start)
	answers: list[dict] = []
	book(name, technician, at, actor, duration_h=duration_h, idempotency_key=key, answers=answers)
	after = booking(name)
	# The drop rules ran once, in schedule_propose: its answer carries their warnings (a replay, the same).
	proposed = next((a for a in answers if a.get("command") == "schedule_propose"), {})
	after["warnings"] = [{**w, "message": warning_message(w)} for w in proposed.get("warnings") or []]
	after["undo"] = _undo_of(before)
	return after


def resize_job(
	name: str,
	duration: float,
	actor: Actor,
	*,
	key: str | None = None,
	expected_duration: float | None = None,
) -> dict:
	"""A booked job's new duration, through schedule_propose (same technician and start) and schedule_confirm."""
	before = _lock(name)
	if float(before.duration_h or 0) != duration:
		_check_movable(before)
		if not (before.assigned_technician and before.scheduled_start):
			frappe.throw(_("Only a booked job can be resized on the board"), DispatchValidationError)
		if expected_duration is not None and float(expected_duration) != float(before.duration_h or 0):
			_conflict(before)
	book(
		name,
		before.assigned_technician,
		get_datetime(before.scheduled_start),
		actor,
		duration_h=duration,
		idempotency_key=key,
	)
	return {**booking(name), "undo": _undo_of(before)}


def release_job(name: str, actor: Actor, *, key: str | None = None, reason: str | None = None) -> dict:
	"""Unassign: schedule_release, back to Triaged (audited), the job returns to the tray."""
	before = _lock(name)
	if before.status not in RELEASABLE and before.assigned_technician:
		frappe.throw(fixed_message(before.status), DispatchValidationError)
	payload = {"reason": reason} if reason else {}
	run_internal(name, [("schedule_release", payload)], actor, key)
	return {**booking(name), "undo": _undo_of(before)}


def _lock(name: str):
	return frappe.db.get_value(
		"Dispatch Job",
		name,
		["name", "status", "assigned_technician", "scheduled_start", "duration_h", "modified_by", "modified"],
		as_dict=True,
		for_update=True,
	)


def _where(row) -> tuple:
	return (
		row.assigned_technician,
		get_datetime(row.scheduled_start) if row.scheduled_start else None,
		float(row.duration_h or 0),
	)


def _check_movable(row):
	if row.status not in MOVABLE:
		frappe.throw(fixed_message(row.status), DispatchValidationError)


def _check_expected(row, technician: str | None, start: str | None):
	"""The board says where it saw the job ("" for the tray); a job that has moved since is not moved again."""
	if technician is None and start is None:
		return
	seen = (technician or None, get_datetime(start) if start else None)
	now = (
		row.assigned_technician or None,
		get_datetime(row.scheduled_start) if row.scheduled_start else None,
	)
	if seen != now:
		_conflict(row)


def _conflict(row):
	who = frappe.utils.get_fullname(row.modified_by) if row.modified_by else "?"
	frappe.throw(
		_("{0} was changed by {1} at {2}: the board shows it where it is now").format(
			row.name, who, get_datetime(row.modified).strftime("%H:%M:%S")
		),
		BoardConflict,
		title=_("Changed meanwhile"),
	)


def _undo_of(before) -> dict:
	"""The board action that puts the job back where it was (issued as new commands, never a snapshot)."""
	if before.assigned_technician and before.scheduled_start and before.status in RELEASABLE:
		return {
			"action": "drop",
			"job": before.name,
			"technician": before.assigned_technician,
			"start": iso(get_datetime(before.scheduled_start)),
			"duration_h": float(before.duration_h or 0),
		}
	return {"action": "release", "job": before.name}


def booking(name: str) -> dict:
	"""Where a job stands after a change: {job, status, technician, start, end, duration_h}."""
	row = frappe.db.get_value(
		"Dispatch Job",
		name,
		["name", "status", "assigned_technician", "scheduled_start", "scheduled_end", "duration_h"],
		as_dict=True,
	)
	return {
		"job": row.name,
		"status": row.status,
		"technician": row.assigned_technician,
		"start": iso(get_datetime(row.scheduled_start)) if row.scheduled_start else None,
		"end": iso(get_datetime(row.scheduled_end)) if row.scheduled_end else None,
		"duration_h": float(row.duration_h or 0),
	}
