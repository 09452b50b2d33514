"""The dispatch board's face (Desk page `dispatch-board`): what the timeline draws, and every change it makes.

Dispatchers only (Dispatcher, Dispatch Manager, System Manager), within their User Permissions. Reads go through
the scheduling services; every change goes through the lifecycle commands under the caller, with the browser's
Idempotency-Key (each step's key derived from it), so a retried drop replays instead of booking twice. Each change
answers the inverse change the board issues on Ctrl+Z (`undo`).
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, get_time

from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.lifecycle import COMMANDS, JOB_TYPES, allowed_actions
from gigafibre_dispatch.engine.states import CLOSED_STATES
from gigafibre_dispatch.lifecycle import planning
from gigafibre_dispatch.lifecycle.actor import current_actor
from gigafibre_dispatch.lifecycle.commands import book, job_state, run_internal
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling import args
from gigafibre_dispatch.scheduling import board as board_service
from gigafibre_dispatch.scheduling.details import edit_details, place_location
from gigafibre_dispatch.scheduling.drop import validate_drop_rules
from gigafibre_dispatch.scheduling.quick import read_line as read_typed_line
from gigafibre_dispatch.scheduling.recurrence import materialize as materialize_ghost
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_message

MAX_DAYS = 42
# A job the board may drop: not booked yet, or booked and not yet sent to the technician.
MOVABLE = frozenset({"New"}) | COMMANDS["schedule_propose"].from_states
RELEASABLE = COMMANDS["schedule_release"].from_states
CARD_FIELDS = (
	"name",
	"subject",
	"status",
	"priority",
	"job_type",
	"customer",
	"service_location",
	"assigned_technician",
	"technician_name",
	"scheduled_start",
	"scheduled_end",
	"duration_h",
	"latitude",
	"longitude",
	"continuous",
	"published",
	"description",
	"template_id",
	"modified",
)


class BoardConflict(frappe.ValidationError):
	"""The job changed since the board drew it (another dispatcher moved it)."""

	http_status_code = 409


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
	d_from, d_to = board_service.board_range(date_from, date_to, resource_type, MAX_DAYS)
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
	doc = args.get_job(job)
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
	actor = current_actor()
	card["actions"] = allowed_actions(actor, job_state(doc)) if actor else []
	card["movable"] = doc.status in MOVABLE
	card["editable"] = doc.status not in CLOSED_STATES and doc.has_permission("write")
	card["job_types"] = list(JOB_TYPES)
	if not card["movable"]:
		card["why_fixed"] = fixed_message(doc.status)
	return card


@frappe.whitelist(methods=["GET", "POST"])
@dispatcher_only
def check_drop(job: str, technician: str, start: str) -> dict:
	"""The drop rules for this job on that technician at that time, asked while the user hovers: allowed,
	warning or blocked, with translated messages. Changes nothing."""
	doc = args.get_job(job)
	technician = args.get_technician_name(technician)
	at = args.parse_dt(start, "Start")
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
		out["message"] = engine_message(
			EngineError(result.code, result.reason or "", dependency=doc.depends_on or "")
		)
	else:
		out["level"] = "warning" if result.warnings else "allowed"
	return out


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
	key = _key(idempotency_key)
	doc = args.get_job(job)
	technician = args.get_technician_name(technician)
	at = args.parse_dt(start, "Start")
	before = _lock(doc.name)
	target = (
		technician,
		at,
		float(duration_h) if duration_h not in (None, "") else float(before.duration_h or 0),
	)
	if _where(before) != target:
		_check_movable(before)
		_check_expected(before, expected_technician, expected_start)
	book(
		doc.name,
		technician,
		at,
		current_actor(),
		duration_h=float(duration_h) if duration_h not in (None, "") else None,
		idempotency_key=key,
	)
	after = _booking(doc.name)
	after["warnings"] = [
		{**w, "message": warning_message(w)}
		for w in validate_drop_rules(frappe.get_doc("Dispatch Job", doc.name), technician, at).warnings
	]
	after["undo"] = _undo_of(before)
	return after


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def resize(
	job: str, duration_h: float, idempotency_key: str | None = None, expected_duration: float | None = None
) -> dict:
	"""A booked job's new duration, through schedule_propose (same technician and start) and schedule_confirm."""
	key = _key(idempotency_key)
	doc = args.get_job(job)
	before = _lock(doc.name)
	duration = float(duration_h)
	if float(before.duration_h or 0) != duration:
		_check_movable(before)
		if not (before.assigned_technician and before.scheduled_start):
			frappe.throw(_("Only a booked job can be resized on the board"), DispatchValidationError)
		if expected_duration not in (None, "") and float(expected_duration) != float(before.duration_h or 0):
			_conflict(before)
	book(
		doc.name,
		before.assigned_technician,
		get_datetime(before.scheduled_start),
		current_actor(),
		duration_h=duration,
		idempotency_key=key,
	)
	return {**_booking(doc.name), "undo": _undo_of(before)}


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def release(job: str, idempotency_key: str | None = None, reason: str | None = None) -> dict:
	"""Unassign: schedule_release, back to Triaged (audited), the job returns to the tray."""
	key = _key(idempotency_key)
	doc = args.get_job(job)
	before = _lock(doc.name)
	if before.status not in RELEASABLE and before.assigned_technician:
		frappe.throw(fixed_message(before.status), DispatchValidationError)
	payload = {"reason": reason} if reason else {}
	run_internal(doc.name, [("schedule_release", payload)], current_actor(), key)
	return {**_booking(doc.name), "undo": _undo_of(before)}


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def materialize(template: str, occurrence_start: str) -> dict:
	"""A ghost clicked: its concrete job, created once even when two clicks race (the template row is locked)."""
	tpl = args.get_job(template)
	frappe.has_permission("Dispatch Job", "create", throw=True)
	frappe.db.get_value("Dispatch Job", tpl.name, "name", for_update=True)
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


def _key(value: str | None) -> str | None:
	"""The browser's Idempotency-Key: the argument or the header."""
	key = value or frappe.get_request_header("Idempotency-Key")
	return key.strip() if key else None


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
			"start": args.iso(get_datetime(before.scheduled_start)),
			"duration_h": float(before.duration_h or 0),
		}
	return {"action": "release", "job": before.name}


def _booking(name: str) -> dict:
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
		"start": args.iso(get_datetime(row.scheduled_start)) if row.scheduled_start else None,
		"end": args.iso(get_datetime(row.scheduled_end)) if row.scheduled_end else None,
		"duration_h": float(row.duration_h or 0),
	}
