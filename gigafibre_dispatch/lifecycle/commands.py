"""The one way a Dispatch Job changes state: `execute(command, job, payload, actor, idempotency_key)`.

Per command, in one database transaction: claim the idempotency key, lock the job row, let the engine decide
(auth, role, scope, validation, state, evidence), apply the mutation, write one audit event and one state
transition, remember the response for replays. A refusal raises `CommandRefused` and writes nothing.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import cint, get_datetime, get_system_timezone, now_datetime

from gigafibre_dispatch.engine import lifecycle
from gigafibre_dispatch.engine.lifecycle import Actor, JobState, PolicyError
from gigafibre_dispatch.lifecycle import customer_eta, customer_notices
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.billing import create_invoice
from gigafibre_dispatch.lifecycle.errors import CommandRefused
from gigafibre_dispatch.lifecycle.http import error_message
from gigafibre_dispatch.scheduling.drop import refusal_message, validate_drop_rules
from gigafibre_dispatch.utils.errors import DispatchValidationError

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
INTAKE_FIELDS = (
	"subject",
	"customer",
	"service_location",
	"job_type",
	"priority",
	"duration_h",
	"description",
	"continuous",
	"source_issue",
	"sales_order",
	"depends_on",
)


@dataclass
class CommandResult:
	status: int
	body: dict
	replayed: bool = False
	headers: dict = field(default_factory=dict)


def _refuse(
	command: str, error: PolicyError, status: int | None = None, actor: Actor | None = None, job=None
):
	obs.count_request(command, status or error.http_status)
	obs.count_error(command, error)
	obs.log_request(command, status or error.http_status, actor=actor, job=job, error=error)
	raise CommandRefused(error, status)


def _canonical(payload: dict) -> str:
	return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def _record_name(actor: Actor, command: str, job: str | None, key: str) -> str:
	return hashlib.sha256(f"{actor.id}\x1f{command}\x1f{job or '-'}\x1f{key.lower()}".encode()).hexdigest()


def _replay(command, record, payload_hash, actor, job) -> CommandResult:
	if record.payload_hash != payload_hash:
		_refuse(
			command,
			PolicyError(
				"idempotency", "payload_mismatch", "This Idempotency-Key was used with a different payload"
			),
			actor=actor,
			job=job,
		)
	obs.count_request(command, record.response_status)
	obs.log_request(command, record.response_status, actor=actor, job=job, replayed=True)
	return CommandResult(
		record.response_status, json.loads(record.response_body), True, {"Idempotent-Replayed": "true"}
	)


def evidence_resolver(job: str | None, actor: Actor | None):
	"""What evidence a command on `job` may name: a File of this site (a /files or /private/files URL, or a
	configured object-store URL) that is not another record's (a file attached elsewhere, e.g. to another
	customer's job, is refused); from the technician's portal, only a file attached to this very job (the photos
	it uploads). The same refusal whether the file exists or not: the answer tells nothing of other records."""

	def resolves(ref: str) -> bool:
		if not isinstance(ref, str) or not ref:
			return False
		prefixes = tuple(frappe.conf.get("dispatch_object_store_prefixes") or ())
		if not (ref.startswith(("/files/", "/private/files/")) or (prefixes and ref.startswith(prefixes))):
			return False
		files = frappe.get_all(
			"File", filters={"file_url": ref}, fields=["attached_to_doctype", "attached_to_name"], limit=5
		)
		ours = [f for f in files if f.attached_to_doctype == "Dispatch Job" and f.attached_to_name == job]
		if actor is not None and actor.tool_name == "portal":
			return bool(ours)
		return bool(ours) or any(not f.attached_to_name for f in files)

	return resolves


STATE_FIELDS = (
	"name",
	"status",
	"customer",
	"service_location",
	"assigned_technician",
	"status_before_change",
	"change_kind",
	"sales_invoice",
	"subject",
	"duration_h",
	"scheduled_start",
	"completion_rejections",
	"actual_start",
	"actual_end",
	"en_route_at",
)
# Commands whose changes touch child tables or scheduling rules go through the full document save;
# the others change a few scalar fields with one UPDATE (the engine already validated them).
FULL_SAVE = frozenset({"intake", "schedule_propose", "schedule_book"})


def state_from(row, assistants=(), evidence_kinds=(), pinned=()) -> JobState:
	"""The engine's view of a job from a row or document (assistants and evidence kinds loaded by the caller)."""
	return JobState(
		name=row.name,
		status=row.status,
		customer=row.customer,
		service_location=row.service_location,
		assigned_technician=row.assigned_technician,
		assistants=tuple(assistants),
		pinned_assistants=tuple(pinned),
		status_before_change=row.get("status_before_change"),
		change_kind=row.get("change_kind"),
		evidence_kinds=tuple(evidence_kinds),
		has_invoice=bool(row.get("sales_invoice")),
	)


# The hot path's reads are plain parameterised SQL over fixed column lists: the query builder would re-parse and
# sanitise each field name on every command.
_STATE_SQL = (
	"select {}, (select group_concat(a.tech_id order by a.idx separator '\n') from `tabDispatch Job Assistant` a"
	" where a.parent = j.name and a.parenttype = 'Dispatch Job') as _assistants,"
	" (select group_concat(a.tech_id order by a.idx separator '\n') from `tabDispatch Job Assistant` a"
	" where a.parent = j.name and a.parenttype = 'Dispatch Job' and a.pinned = 1) as _pinned"
	" from `tabDispatch Job` j where j.name = %s for update"
).format(", ".join(f"j.`{f}`" for f in STATE_FIELDS))


def load_state(job_name: str, command: str) -> tuple:
	"""The job's lifecycle fields and its assistants under a row lock, in one query (two for tech_complete),
	not the whole document."""
	rows = frappe.db.sql(_STATE_SQL, (job_name,), as_dict=True)
	if not rows:
		return None, None
	row = rows[0]
	packed = row.pop("_assistants", None)
	assistants = packed.split("\n") if packed else []
	pinned = row.pop("_pinned", None)
	kinds = []
	if command == "tech_complete":  # the only rule that looks at evidence already on file
		kinds = frappe.get_all("Dispatch Evidence", filters={"job": job_name}, pluck="kind", distinct=True)
	return row, state_from(row, assistants, kinds, pinned.split("\n") if pinned else ())


def job_state(doc) -> JobState:
	"""For access checks and action lists, which never look at evidence."""
	return state_from(
		doc, [a.tech_id for a in doc.assistants], pinned=[a.tech_id for a in doc.assistants if a.pinned]
	)


def run_internal(
	job: str | None,
	steps,
	actor: Actor | None,
	idempotency_key: str | None = None,
	answers: list | None = None,
) -> str:
	"""Run commands on the caller's behalf inside its request (Desk booking, work orders, offers); a refusal is
	a translated error (PermissionError for auth, role and scope). Returns the job's name (intake creates it).
	With the caller's `idempotency_key` (a UUID, e.g. the board's), each step's key is derived from it and the
	command's name, so a retried request replays its steps instead of running them twice. `answers`: each step's
	answer (its `data`) is appended there."""
	base = None
	if idempotency_key:
		if not UUID.match(str(idempotency_key).strip()):
			frappe.throw(frappe._("The Idempotency-Key must be a UUID"), DispatchValidationError)
		base = uuid.UUID(str(idempotency_key).strip())
	for command, payload in steps:
		key = str(uuid.uuid5(base, command)) if base else str(uuid.uuid4())
		try:
			result = execute(command, job, payload, actor=actor, idempotency_key=key)
		except CommandRefused as refused:
			denied = refused.error.dimension in ("auth", "role", "scope")
			frappe.throw(
				error_message(refused.error), frappe.PermissionError if denied else DispatchValidationError
			)
		job = result.body["data"]["job"]
		if answers is not None:
			answers.append(result.body["data"])
	return job


def book(
	job: str,
	technician: str,
	start,
	actor: Actor | None,
	duration_h: float | None = None,
	idempotency_key: str | None = None,
	answers: list | None = None,
) -> str:
	"""The one booking path (Desk slot and ranking dialogs, work orders, offers, the board): triage a New job
	with its own priority, then schedule_propose (the drop rules, run once: their warnings are in its answer)
	and schedule_confirm, each audited under `actor`; with an `idempotency_key` a retried booking replays (see
	`run_internal`); `answers` collects each step's answer."""
	row = frappe.db.get_value("Dispatch Job", job, ["status", "priority"], as_dict=True)
	if not row:
		frappe.throw(frappe._("Dispatch Job {0} does not exist").format(job), frappe.DoesNotExistError)
	steps = []
	if row.status == "New":
		steps.append(("triage", {"priority": row.priority or "medium"}))
	propose = {"technician": technician, "start": str(start)}
	if duration_h is not None:
		propose["duration_h"] = float(duration_h)
	steps.append(("schedule_propose", propose))
	steps.append(("schedule_confirm", {}))
	return run_internal(job, steps, actor, idempotency_key, answers)


@dataclass
class _Request:
	"""One command call: who, what, on which job, and the idempotency record it claims."""

	command: str
	job_name: str | None
	payload: dict
	actor: Actor
	key: str
	record_name: str
	payload_hash: str


def execute(
	command: str,
	job_name: str | None,
	payload: dict | None,
	*,
	actor: Actor | None,
	idempotency_key: str | None,
) -> CommandResult:
	request = _request(command, job_name, dict(payload or {}), actor, idempotency_key)
	stored = _stored_response(request.record_name)
	if stored:
		return _replay(command, stored, request.payload_hash, actor, job_name)
	doc, decision = _load_and_decide(request)
	replay = _claim_key(request)
	if replay:
		return replay
	doc, extra = _apply_or_refuse(request, decision, doc)
	return _respond(request, decision, doc, extra)


def _request(command, job_name, payload: dict, actor: Actor | None, idempotency_key) -> _Request:
	"""Who calls and with which key: a caller without either is refused before any query."""
	if actor is None:
		_refuse(command, PolicyError("auth", "unauthenticated", "Authentication required"))
	if not idempotency_key or not UUID.match(idempotency_key.strip()):
		_refuse(
			command,
			PolicyError(
				"idempotency", "idempotency_key_required", "An Idempotency-Key header (UUID) is required"
			),
			400,
			actor,
			job_name,
		)
	key = idempotency_key.strip()
	return _Request(
		command,
		job_name,
		payload,
		actor,
		key,
		_record_name(actor, command, job_name, key),
		hashlib.sha256(_canonical(payload).encode()).hexdigest(),
	)


def _stored_response(record_name: str, for_update: bool = False):
	rows = frappe.db.sql(
		"select payload_hash, response_status, response_body from `tabDispatch Idempotency Record`"
		f" where name = %s{' for update' if for_update else ''}",
		(record_name,),
		as_dict=True,
	)
	return rows[0] if rows else None


def _load_and_decide(request: _Request) -> tuple:
	"""Lock and load the job (intake has none yet) and let the engine decide; a refusal writes nothing."""
	command, job_name, actor = request.command, request.job_name, request.actor
	if command == "intake":
		doc = None
		state = JobState(name="", status=None, **_intake_scope(request.payload))
	else:
		doc, state = load_state(job_name, command) if job_name else (None, None)
		if doc is None:
			_refuse(command, PolicyError("validation", "job_not_found", "Unknown job"), 404, actor, job_name)
	decision = lifecycle.decide(
		command,
		actor,
		state,
		request.payload,
		parse_datetime=_parse_dt,
		evidence_resolves=evidence_resolver(job_name, actor),
	)
	if isinstance(decision, PolicyError):
		_refuse(command, decision, actor=actor, job=job_name)
	return doc, decision


def _claim_key(request: _Request) -> CommandResult | None:
	"""Claim the key: a concurrent request with the same key blocks here until this transaction ends, then
	finds the key taken and replays what this one stored (the returned result); None once claimed."""
	record = {
		"actor": request.actor.id,
		"command": request.command,
		"job": request.job_name,
		"idempotency_key": request.key,
		"payload_hash": request.payload_hash,
		"response_status": 0,
		"expires_at": now_datetime() + timedelta(hours=_ttl_hours()),
	}
	frappe.db.savepoint("dispatch_command")
	try:
		_insert_row("Dispatch Idempotency Record", record, name=request.record_name)
		return None
	except frappe.DuplicateEntryError:
		frappe.db.rollback(save_point="dispatch_command")
	# A locking read sees the committed row whatever this transaction's snapshot.
	stored = _stored_response(request.record_name, for_update=True)
	if not stored or not stored.response_status:
		_refuse(
			request.command,
			PolicyError("idempotency", "in_progress", "A request with this Idempotency-Key is in progress"),
			409,
			request.actor,
			request.job_name,
		)
	return _replay(request.command, stored, request.payload_hash, request.actor, request.job_name)


def _apply_or_refuse(request: _Request, decision, doc) -> tuple:
	"""Apply the decision; a refusal on the way (drop rules, equipment, document validation) undoes it all."""
	command, actor, job_name = request.command, request.actor, request.job_name
	try:
		return _apply(decision, doc, request.payload, actor)
	except CommandRefused as refused:
		frappe.db.rollback(save_point="dispatch_command")
		_refuse(command, refused.error, refused.status, actor, job_name)
	except (frappe.ValidationError, frappe.DuplicateEntryError) as e:
		frappe.db.rollback(save_point="dispatch_command")
		frappe.clear_messages()
		message = frappe.utils.strip_html_tags(str(e)) or type(e).__name__
		_refuse(command, PolicyError("validation", "invalid_document", message), actor=actor, job=job_name)


def _respond(request: _Request, decision, doc, extra: dict) -> CommandResult:
	"""Audit the change, store the response for replays, count, log and tell the board."""
	command = request.command
	audit, transition = _audit(decision, doc, request.payload, request.actor, request.key)
	# The customer hears of a new time once it settles, of a cancellation at once (customer_notices.py).
	customer_notices.touch(doc.name, command)
	ctx = obs.request_context()
	status = 201 if command == "intake" else 200
	body = {
		"data": {
			"job": doc.name,
			"command": command,
			"from_state": decision.from_state or None,
			"to_state": decision.to_state,
			"status": doc.status,
			"audit_event": audit,
			"transition": transition,
			"request_id": ctx["request_id"],
			**extra,
		}
	}
	frappe.db.sql(
		"update `tabDispatch Idempotency Record` set response_status = %s, response_body = %s where name = %s",
		(status, json.dumps(body, default=str), request.record_name),
	)
	obs.count_request(command, status)
	obs.count_transition(command, decision.from_state or "-", decision.to_state)
	obs.log_request(command, status, actor=request.actor, job=doc.name)
	frappe.publish_realtime(
		"dispatch:job_updated",
		{
			"job": doc.name,
			"status": doc.status,
			"command": command,
			"from_state": decision.from_state or None,
			"technician": doc.assigned_technician or None,  # the boards patch this row (and the one it left)
		},
		after_commit=True,
	)
	return CommandResult(status, body)


def _ttl_hours() -> int:
	return cint(frappe.get_cached_doc("Dispatch Settings").idempotency_ttl_hours) or 24


def _parse_dt(value: str):
	"""A command's date and time: naive, the site's wall clock. One with a UTC offset is converted to it; an offset
	no place has (past ±14 h) is not a time (ValueError: the command answers 400)."""
	parsed = get_datetime(value)
	if parsed is not None and parsed.tzinfo is not None:
		offset = parsed.utcoffset()
		if offset is None or abs(offset) > timedelta(hours=14):
			raise ValueError(f"no place is at UTC offset {offset}")
		parsed = parsed.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)
	return parsed


def _intake_scope(payload: dict) -> dict:
	customer = payload.get("customer") if isinstance(payload.get("customer"), str) else None
	location = payload.get("service_location") if isinstance(payload.get("service_location"), str) else None
	if location and not customer:
		customer = frappe.db.get_value("Service Location", location, "customer")
	return {"customer": customer, "service_location": location}


def _tag_rows(tags) -> list[dict]:
	"""`tags` rows: {tag (a name), level (1 to 5), required (true/false)}, nothing else."""
	rows = []
	for t in tags or []:
		level = t.get("level", 1) if isinstance(t, dict) else None
		if (
			not isinstance(t, dict)
			or set(t) - {"tag", "level", "required"}
			or not isinstance(t.get("tag"), str)
			or not t["tag"].strip()
			or len(t["tag"]) > 140
			or isinstance(level, bool)
			or not isinstance(level, int)
			or not 1 <= level <= 5
			or not isinstance(t.get("required", True), bool | int)
		):
			raise CommandRefused(
				PolicyError(
					"validation",
					"invalid_field",
					"Invalid value for {field}",
					{"field": "tags", "expected": "list of {tag, level 1-5, required}"},
				)
			)
		rows.append({"tag": t["tag"], "level": level, "required": 1 if t.get("required", True) else 0})
	if len({r["tag"] for r in rows}) != len(rows) or len(rows) > 50:
		raise CommandRefused(
			PolicyError("validation", "invalid_field", "Invalid value for {field}", {"field": "tags"})
		)
	return rows


def _apply(decision, row, payload: dict, actor: Actor):
	"""Mutate the job as the engine decided; returns (job with .name/.status, extra response fields)."""
	updates = _updates(decision, row, payload)
	if decision.command == "intake":
		doc = _insert_job(decision, payload)
	elif _needs_full_save(decision, updates, payload):
		doc = _save_job(decision, row.name, updates, payload)
	else:
		# A state change of scalar fields only: one UPDATE, no document machinery (the audit event is the history).
		frappe.db.set_value("Dispatch Job", row.name, updates)
		doc = frappe._dict(row, **updates)
	extra: dict = {}
	if getattr(doc, "flags", None) and doc.flags.get("drop_warnings") is not None:
		extra["warnings"] = doc.flags.drop_warnings
	for effect, handler in EFFECTS.items():
		if effect in decision.effects:
			extra.update(handler(doc, payload, actor))
	return doc, extra


def _updates(decision, row, payload: dict) -> dict:
	"""The engine's field changes plus what only the shell knows: the clock, stored values, counters."""
	name = decision.command
	now = now_datetime()
	updates = dict(decision.updates)
	if name == "tech_check_in":
		updates["actual_start"] = updates.get("actual_start") or row.actual_start or now
	if name == "tech_complete":
		updates["actual_end"] = updates.get("actual_end") or row.actual_end or now
	if name == "tech_request_change":
		updates["change_reason"] = payload.get("reason")
	if name == "tech_en_route":
		updates["en_route_at"] = row.en_route_at or updates.get("en_route_at") or now
	elif decision.to_state in ("Triaged", "Proposed", "Scheduled"):
		# Booked again (or sent back): the next trip texts its own arrival estimate.
		updates["en_route_at"] = updates["customer_eta"] = None
	if "count_completion_rejection" in decision.effects:
		updates["completion_rejections"] = cint(row.completion_rejections) + 1
		obs.count_completion_rejection()
	if "assigned_technician" in updates and not updates["assigned_technician"]:
		updates["technician_name"] = (
			None  # fetched from the technician: no technician, no name (a partial write)
		)
	updates["status"] = decision.to_state
	return updates


def _needs_full_save(decision, updates: dict, payload: dict) -> bool:
	return (
		decision.command in FULL_SAVE
		or "duration_h" in updates
		or "scheduled_start" in updates  # approval_decide's new_start: the end is recomputed
		or (decision.command == "triage" and payload.get("tags") is not None)
	)


def _insert_job(decision, payload: dict):
	doc = frappe.new_doc("Dispatch Job")
	doc.update({k: payload[k] for k in INTAKE_FIELDS if payload.get(k) is not None})
	doc.set("tags", _tag_rows(payload.get("tags")))
	doc.status = decision.to_state
	doc.flags.via_command = True
	doc.insert(ignore_permissions=True)
	return doc


def _save_job(decision, job: str, updates: dict, payload: dict):
	doc = frappe.get_doc("Dispatch Job", job)  # the row is already locked
	doc.update(updates)
	if decision.command == "triage" and payload.get("tags") is not None:
		doc.set("tags", _tag_rows(payload["tags"]))
	if "check_drop" in decision.effects:
		_check_drop(doc, payload)
	elif "scheduled_start" in updates and doc.assigned_technician:
		# An approved reschedule moves the job: the same drop rules as a proposal.
		_check_drop(doc, {"technician": doc.assigned_technician, "start": str(updates["scheduled_start"])})
	doc.flags.via_command = True
	doc.save(ignore_permissions=True)
	return doc


def _effect_add_evidence(doc, payload: dict, actor: Actor) -> dict:
	return {"evidence": _add_evidence(doc, payload["kind"], payload["file_url"], payload.get("note"), actor)}


def _effect_add_signature(doc, payload: dict, actor: Actor) -> dict:
	evidence = _add_evidence(doc, "signature", payload["signature_url"], None, actor)
	frappe.db.set_value(
		"Dispatch Job", doc.name, "customer_signature", payload["signature_url"], update_modified=False
	)
	return {"evidence": evidence}


def _effect_equipment_install(doc, payload: dict, actor: Actor) -> dict:
	return {"equipment": _install_equipment(doc, payload)}


def _effect_equipment_remove(doc, payload: dict, actor: Actor) -> dict:
	return {"equipment": _remove_equipment(doc, payload)}


def _effect_scan_record(doc, payload: dict, actor: Actor) -> dict:
	_job_equipment_row(
		doc.name,
		{
			"serial_no": payload["code"],
			"equipment_type": payload.get("symbology") or "scan",
			"action": "On site",
			"note": payload.get("note"),
		},
	)
	return {}


def _effect_assistant_remove(doc, payload: dict, actor: Actor) -> dict:
	# The engine checked that this technician is an assistant of the job (the row is locked).
	frappe.db.delete(
		"Dispatch Job Assistant",
		{
			"parent": doc.name,
			"parenttype": "Dispatch Job",
			"parentfield": "assistants",
			"tech_id": payload["tech_id"],
		},
	)
	return {"assistant_removed": payload["tech_id"]}


def _effect_assistant_add(doc, payload: dict, actor: Actor) -> dict:
	# The engine checked the job's side (its technician, its helpers, a pinned one); the helper must be an active
	# technician. The replaced helper's row goes, the new one is appended (the row is locked).
	tech = frappe.db.get_value(
		"Dispatch Technician", payload["tech_id"], ["active", "technician_name"], as_dict=True
	)
	if not tech or not tech.active:
		raise CommandRefused(
			PolicyError(
				"validation",
				"unknown_technician",
				"{tech_id} is not an active technician",
				{"tech_id": payload["tech_id"]},
			)
		)
	if payload.get("replaces"):
		_effect_assistant_remove(doc, {"tech_id": payload["replaces"]}, actor)
	idx = frappe.db.count("Dispatch Job Assistant", {"parent": doc.name, "parenttype": "Dispatch Job"}) + 1
	_insert_row(
		"Dispatch Job Assistant",
		{
			"parent": doc.name,
			"parenttype": "Dispatch Job",
			"parentfield": "assistants",
			"idx": idx,
			"tech_id": payload["tech_id"],
			"tech_name": tech.technician_name,
			"duration_h": payload.get("duration_h") or 0,
			"pinned": 1 if payload.get("pinned") else 0,
			"note": payload.get("note"),
		},
	)
	return {"assistant_added": payload["tech_id"], "assistant_removed": payload.get("replaces") or None}


def _effect_customer_on_my_way(doc, payload: dict, actor: Actor) -> dict:
	told = customer_eta.tell(doc.name, payload)
	return {"eta": told["eta"], "eta_source": told["eta_source"]}


def _effect_create_invoice(doc, payload: dict, actor: Actor) -> dict:
	return {"sales_invoice": create_invoice(frappe.get_doc("Dispatch Job", doc.name))}


# The engine's effects that run once the job is written, in this order, each returning its response fields.
# The others act before the write: count_completion_rejection (`_updates`), check_drop (`_save_job`) and
# create_job (`_insert_job`).
EFFECTS = {
	"add_evidence": _effect_add_evidence,
	"add_signature": _effect_add_signature,
	"equipment_install": _effect_equipment_install,
	"equipment_remove": _effect_equipment_remove,
	"scan_record": _effect_scan_record,
	"assistant_add": _effect_assistant_add,
	"assistant_remove": _effect_assistant_remove,
	"create_invoice": _effect_create_invoice,
	"customer_on_my_way": _effect_customer_on_my_way,
}


def _job_equipment_row(job: str, values: dict):
	"""Append a row to the job's equipment table without loading or re-saving the job (the command is the audit)."""
	idx = frappe.db.count("Dispatch Job Equipment", {"parent": job, "parenttype": "Dispatch Job"}) + 1
	_insert_row(
		"Dispatch Job Equipment",
		{
			"parent": job,
			"parenttype": "Dispatch Job",
			"parentfield": "equipment_items",
			"idx": idx,
			"recorded_at": now_datetime(),
			**values,
		},
	)


def _install_equipment(doc, payload: dict) -> str:
	serial = payload["serial_no"].strip()
	existing = frappe.db.get_value("Service Equipment", serial, ["status", "service_location"], as_dict=True)
	if existing and existing.status == "Installed":
		raise CommandRefused(
			PolicyError(
				"validation",
				"already_installed",
				"This serial number is already installed",
				{"service_location": existing.service_location},
			)
		)
	location = frappe.db.get_value("Dispatch Job", doc.name, "service_location")
	values = {
		"mac_address": (payload.get("mac_address") or "").strip().upper() or None,
		"equipment_type": payload["equipment_type"],
		"brand": payload.get("brand"),
		"model": payload.get("model"),
		"item_code": payload.get("item_code"),
		"status": "Installed",
		"service_location": location,
		"installed_by_job": doc.name,
		"installed_on": now_datetime(),
		"removed_by_job": None,
		"removed_on": None,
		"removal_reason": None,
	}
	if existing:
		equipment = frappe.get_doc("Service Equipment", serial)
		equipment.update(values)
		equipment.save(ignore_permissions=True)
	else:
		equipment = frappe.get_doc({"doctype": "Service Equipment", "serial_no": serial, **values}).insert(
			ignore_permissions=True
		)
	_job_equipment_row(
		doc.name,
		{
			"serial_no": serial,
			"mac_address": values["mac_address"],
			"equipment_type": values["equipment_type"],
			"brand": values["brand"],
			"model": values["model"],
			"item_code": values["item_code"],
			"action": "Installed",
		},
	)
	return equipment.name


def _remove_equipment(doc, payload: dict) -> str:
	serial = payload["serial_no"].strip()
	row = frappe.db.get_value(
		"Service Equipment", serial, ["status", "service_location", "equipment_type"], as_dict=True
	)
	location = frappe.db.get_value("Dispatch Job", doc.name, "service_location")
	if not row or row.status != "Installed" or (location and row.service_location != location):
		raise CommandRefused(
			PolicyError("validation", "equipment_not_on_site", "No such equipment installed at this location")
		)
	frappe.db.set_value(
		"Service Equipment",
		serial,
		{
			"status": "Removed",
			"removed_by_job": doc.name,
			"removed_on": now_datetime(),
			"removal_reason": payload.get("reason"),
		},
	)
	_job_equipment_row(
		doc.name,
		{
			"serial_no": serial,
			"equipment_type": row.equipment_type,
			"action": "Removed",
			"note": payload.get("reason"),
		},
	)
	return serial


def _check_drop(doc, payload):
	if not frappe.db.exists("Dispatch Technician", payload["technician"]):
		raise CommandRefused(PolicyError("validation", "technician_not_found", "Unknown technician"), 404)
	result = validate_drop_rules(
		doc, payload["technician"], get_datetime(payload["start"]), payload.get("past_reason")
	)
	# Run once per booking: its warnings go out in the command's answer (and its replays), not asked again.
	doc.flags.drop_warnings = list(result.warnings)
	if not result.allowed:  # the reason translated as the board shows it
		message = refusal_message(doc, result)
		raise CommandRefused(PolicyError("validation", result.code, message, {"reason": result.reason}))


def _add_evidence(doc, kind: str, file_url: str, note: str | None, actor: Actor) -> str:
	ev = frappe.get_doc(
		{
			"doctype": "Dispatch Evidence",
			"job": doc.name,
			"kind": kind,
			"file_url": file_url,
			"file": frappe.db.get_value("File", {"file_url": file_url}, "name"),
			"note": note,
			"added_by": actor.id,
		}
	)
	ev.flags.via_command = True  # evidence is append-only: only a command adds it
	ev.insert(ignore_permissions=True)
	return ev.name


def _audit(decision, doc, payload: dict, actor: Actor, key: str) -> tuple[str, str]:
	ctx = obs.request_context()
	audit = _insert_row(
		"Dispatch Audit Event",
		{
			"job": doc.name,
			"command": decision.command,
			"from_state": decision.from_state or None,
			"to_state": decision.to_state,
			"actor": actor.id,
			"actor_type": actor.actor_type,
			"role": ",".join(sorted(actor.roles)),
			"tool_name": actor.tool_name,
			"request_id": ctx["request_id"],
			"correlation_id": ctx["correlation_id"],
			"trace_id": ctx["trace_id"],
			"idempotency_key": key,
			"payload": json.dumps(payload, default=str, ensure_ascii=False),
			"changes": json.dumps(decision.updates, default=str, ensure_ascii=False),
		},
	)
	transition = _insert_row(
		"Dispatch State Transition",
		{
			"job": doc.name,
			"from_state": decision.from_state or None,
			"to_state": decision.to_state,
			"command": decision.command,
			"actor": actor.id,
			"audit_event": audit,
			"request_id": ctx["request_id"],
		},
	)
	return audit, transition


def _insert_row(doctype: str, values: dict, name: str | None = None) -> str:
	"""Insert a log or child row with one plain INSERT (these rows have no controller logic), stamped like
	insert(): a random name (their naming rule) unless one is given; a taken name raises DuplicateEntryError.
	The columns are this module's own field names, the values parameters."""
	from frappe.utils import now

	stamp, user = now(), frappe.session.user
	row = {
		"name": name or frappe.generate_hash(length=10),
		"owner": user,
		"creation": stamp,
		"modified": stamp,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
		**values,
	}
	columns = ", ".join(f"`{c}`" for c in row)
	try:
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values ({', '.join(['%s'] * len(row))})",
			tuple(row.values()),
		)
	except Exception as e:
		if frappe.db.is_primary_key_violation(e):
			raise frappe.DuplicateEntryError(doctype, row["name"], e) from e
		raise
	return row["name"]


def record_direct_insert(doc):
	"""A job created outside the intake command (Desk form, import) is audited as an intake all the same."""
	decision = lifecycle.Decision("intake", "", doc.status or "New", {}, ())
	_audit(
		decision,
		doc,
		{"source": "direct"},
		Actor(id=frappe.session.user, roles=frozenset(), actor_type="user"),
		"",
	)


def record_direct_delete(doc):
	"""A New job deleted by a user (Desk, REST): the deletion is audited under that user, like a direct insert."""
	decision = lifecycle.Decision("delete", doc.status or "New", "Deleted", {}, ())
	_audit(
		decision,
		doc,
		{"source": "direct", "subject": doc.subject, "customer": doc.customer},
		Actor(id=frappe.session.user, roles=frozenset(), actor_type="user"),
		"",
	)


def prune_idempotency_records():
	"""Scheduled: drop expired keys."""
	frappe.db.delete("Dispatch Idempotency Record", {"expires_at": ("<", now_datetime())})
