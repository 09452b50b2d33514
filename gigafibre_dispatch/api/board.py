"""The dispatch board's face (Desk page `dispatch-board`): the one API of the board, reads and changes.

Dispatchers only (Dispatcher, Dispatch Manager, System Manager), within their User Permissions. Each method parses,
checks the caller and calls one service: reads in `scheduling/board.py`, changes and their rules in
`lifecycle/board_moves.py` (every change a lifecycle command under the caller, with the browser's Idempotency-Key),
planning in `lifecycle/planning.py`.
"""

import frappe
from frappe import _
from frappe.utils import get_time

from gigafibre_dispatch.lifecycle import board_moves, planning
from gigafibre_dispatch.lifecycle.actor import current_actor
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling import args
from gigafibre_dispatch.scheduling import board as board_service
from gigafibre_dispatch.scheduling.details import edit_details, place_location
from gigafibre_dispatch.scheduling.quick import read_line as read_typed_line
from gigafibre_dispatch.scheduling.recurrence import materialize as materialize_ghost
from gigafibre_dispatch.utils.errors import DispatchValidationError

# ------------------------------------------------------------------ reads


@frappe.whitelist(methods=["GET", "POST"])
@dispatcher_only
def get_board(
	date_from: str,
	date_to: str,
	resource_type: str | None = None,
	tags: str | list | None = None,
	technicians: str | list | None = None,
	detail: str | None = None,
) -> dict:
	"""The timeline of [date_from, date_to]: rows of segments, the unassigned tray (with its true total), and the
	technicians' last GPS fixes; only technicians and jobs the caller may read. `detail` "week": no travel nor
	job coordinates (the week and month views)."""
	d_from, d_to = board_service.board_range(date_from, date_to, resource_type)
	# Technicians holding every tag at its level or above (a bare name: level 1).
	minimum = {}
	for t in args.parse_tags(tags):
		minimum[t.tag] = max(minimum.get(t.tag, 1), t.level)
	return board_service.board_view(
		d_from, d_to, resource_type, minimum or None, args.parse_names(technicians), detail or "full"
	)


@frappe.whitelist(methods=["GET"])
@dispatcher_only
def read_line(text: str) -> dict:
	"""Type-to-dispatch: the job, technician and start a typed line names, with its doubts (books nothing)."""
	if not isinstance(text, str) or len(text) > 300:
		frappe.throw(_("Type one short line"), DispatchValidationError)
	return read_typed_line(text)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def edit_job(
	job: str,
	values: str | dict | None = None,
	tags: str | list | None = None,
	expected_modified: str | None = None,
) -> dict:
	"""A job's subject, note, priority, type, place and tags from the right panel (scheduling/details.py)."""
	doc = args.get_job(job, "write")
	data = frappe.parse_json(values) if isinstance(values, str) else (values or {})
	if not isinstance(data, dict) or not all(v is None or isinstance(v, str) for v in data.values()):
		frappe.throw(_("The values must be an object of texts"), DispatchValidationError)
	parsed = None if tags is None else args.parse_tags(tags)
	return edit_details(doc.name, data, parsed, expected_modified)


@frappe.whitelist(methods=["GET", "POST"])
@dispatcher_only
def get_job_card(job: str) -> dict:
	"""What the hover card and the right panel show of one job, with the commands this user may issue now."""
	return board_moves.job_card(args.get_job(job), current_actor())


@frappe.whitelist(methods=["GET", "POST"])
@dispatcher_only
def check_drop(job: str, technician: str, start: str) -> dict:
	"""The drop rules for this job on that technician at that time, asked while the user hovers: allowed,
	warning or blocked, with translated messages. Changes nothing."""
	doc = args.get_job(job)
	return board_moves.drop_verdict(doc, args.get_technician_name(technician), args.parse_dt(start, "Start"))


# ------------------------------------------------------------------ changes (each one a lifecycle command)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def drop(
	job: str,
	technician: str,
	start: str,
	idempotency_key: str | None = None,
	expected_technician: str | None = None,
	expected_start: str | None = None,
	duration_h: float | None = None,
) -> dict:
	"""Book the job on the technician at `start` in one call (a New job is triaged first, then schedule_propose
	and schedule_confirm). `expected_*` is where the board saw the job: if someone moved it meanwhile the drop
	is refused and the board redraws."""
	doc = args.get_job(job)
	return board_moves.drop_job(
		doc.name,
		args.get_technician_name(technician),
		args.parse_dt(start, "Start"),
		current_actor(),
		key=_key(idempotency_key),
		duration_h=None if duration_h in (None, "") else float(duration_h),
		expected_technician=expected_technician,
		expected_start=expected_start,
	)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def resize(
	job: str, duration_h: float, idempotency_key: str | None = None, expected_duration: float | None = None
) -> dict:
	"""A booked job's new duration, through schedule_propose (same technician and start) and schedule_confirm."""
	doc = args.get_job(job)
	return board_moves.resize_job(
		doc.name,
		float(duration_h),
		current_actor(),
		key=_key(idempotency_key),
		expected_duration=None if expected_duration in (None, "") else float(expected_duration),
	)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def release(job: str, idempotency_key: str | None = None, reason: str | None = None) -> dict:
	"""Unassign: schedule_release, back to Triaged (audited), the job returns to the tray."""
	doc = args.get_job(job)
	return board_moves.release_job(doc.name, current_actor(), key=_key(idempotency_key), reason=reason)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def materialize(template: str, occurrence_start: str) -> dict:
	"""A ghost clicked: its concrete job, created once even when two clicks race (the template row is locked)."""
	tpl = args.get_job(template)
	frappe.has_permission("Dispatch Job", "create", throw=True)
	return materialize_ghost(tpl, args.parse_dt(occurrence_start, "Occurrence Start"))


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def geofix(job: str, latitude: float, longitude: float) -> dict:
	"""Place on map: the job's Service Location gets the clicked coordinates (scheduling/details.py)."""
	return place_location(args.get_job(job), latitude, longitude)


# ------------------------------------------------------------------ planning (the technician's own record)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def save_planning(
	technician: str,
	weekly_schedule: str | None = None,
	extra_shifts: str | list | None = None,
	absence: str | dict | None = None,
) -> dict:
	"""Planning mode: a technician's weekly schedule and extra shifts, each given part replaced and validated by the
	record itself, and the absence the dialog shows (new, changed, or cancelled when blank; its jobs handled as
	for any absence). Bad ranges, an end before its start: refused, nothing saved."""
	return planning.save_planning(
		args.get_technician_name(technician),
		weekly_schedule,
		None if extra_shifts is None else planning.parse_extra_rows(extra_shifts),
		None if absence is None else planning.parse_absence(absence),
		current_actor(),
	)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def split_shift(technician: str, day: str, start_time: str, end_time: str) -> dict:
	"""Planning mode, a technician dragged onto their row: the shift holding `start_time` that day split by a break
	until `end_time`."""
	rows = planning.parse_extra_rows(
		[{"shift_date": day, "start_time": start_time, "end_time": end_time, "kind": "Off"}]
	)
	r = rows[0]
	return planning.split_shift(
		args.get_technician_name(technician),
		r["shift_date"],
		get_time(r["start_time"]),
		get_time(r["end_time"]),
	)


@frappe.whitelist(methods=["GET", "POST"])
@dispatcher_only
def get_planning(technician: str) -> dict:
	return planning.planning_of(args.get_technician_name(technician))


def _key(value: str | None) -> str | None:
	"""The browser's Idempotency-Key: the argument or the header."""
	key = value or frappe.get_request_header("Idempotency-Key")
	return key.strip() if key else None
