"""The job lifecycle: states, commands, who may issue them, and the fail-closed checks.

Pure rules, no I/O. The shell loads the job and the actor, calls `decide`, and either applies the returned
`Decision` (mutation + audit event + transition row in one transaction) or returns its `PolicyError`.
Checks run in a fixed order and the first failure wins: auth, role, scope, validation, state, evidence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .states import CANCELLABLE_STATES, STATES

# The app's roles (the JWT `role` claim) and the Frappe role of each; System Manager and Administrator act as
# dispatch managers. Every role group of the app is read off this table (Frappe side: gigafibre_dispatch/roles.py).
ROLE_TABLE = (
	("dispatch_manager", "Dispatch Manager"),
	("dispatcher", "Dispatcher"),
	("technician", "Technician"),
	("qa_reviewer", "QA Reviewer"),
	("billing", "Billing"),
)
ROLES = tuple(role for role, _frappe_role in ROLE_TABLE)
FRAPPE_ROLES = {
	**{frappe_role: role for role, frappe_role in ROLE_TABLE},
	"System Manager": "dispatch_manager",
	"Administrator": "dispatch_manager",
}
DISPATCH = frozenset({"dispatcher", "dispatch_manager"})  # who books and moves jobs
STAFF = frozenset(ROLES) - {"technician"}  # who sees every job in their scope
DIMENSIONS = ("auth", "role", "scope", "state", "validation", "idempotency", "evidence")
HTTP_STATUS = {
	"auth": 401,
	"role": 403,
	"scope": 403,
	"state": 409,
	"validation": 400,
	"idempotency": 409,
	"evidence": 422,
}

PRIORITIES = ("low", "medium", "high", "urgent")
MAX_NUMBER = 1e9
JOB_TYPES = ("Installation", "Réparation", "Maintenance", "Retrait", "Dépannage", "Autre")
EVIDENCE_KINDS = ("photo", "signature", "document", "scan")
CHANGE_KINDS = ("reschedule", "scope", "materials", "other")


@dataclass(frozen=True, slots=True)
class Field:
	kind: str  # str | text | number | bool | datetime | choice | list | dict
	required: bool = False
	choices: tuple = ()
	max_length: int = 140


@dataclass(frozen=True, slots=True)
class Command:
	name: str
	label: str
	from_states: frozenset[str]
	roles: frozenset[str]
	fields: Mapping[str, Field]
	to_state: str | None = None  # None: decided by `route`
	technician_only_own: bool = False  # a technician may issue it only on their own job


@dataclass(slots=True)
class Actor:
	id: str
	roles: frozenset[str]  # app roles
	actor_type: str = "user"  # user | machine | tool
	tech_id: str | None = None  # the technician record of a technician actor
	account_ids: frozenset[str] | None = None  # None: every account (customer)
	site_ids: frozenset[str] | None = None  # None: every site (service location)
	tool_name: str | None = None


@dataclass(slots=True)
class JobState:
	name: str
	status: str
	customer: str | None = None
	service_location: str | None = None
	assigned_technician: str | None = None
	assistants: tuple[str, ...] = ()
	pinned_assistants: tuple[str, ...] = ()  # assistants pinned to the job (never moved off it by a drag)
	status_before_change: str | None = None
	change_kind: str | None = None
	evidence_kinds: tuple[str, ...] = ()  # kinds already attached (photo, signature, …)
	has_invoice: bool = False


@dataclass(slots=True)
class PolicyError:
	dimension: str
	code: str
	message: str
	details: dict = field(default_factory=dict)

	@property
	def http_status(self) -> int:
		return HTTP_STATUS[self.dimension]

	def as_dict(self) -> dict:
		return {"dimension": self.dimension, "code": self.code, **self.details}


@dataclass(slots=True)
class Decision:
	command: str
	from_state: str
	to_state: str
	updates: dict[str, Any]
	effects: tuple[str, ...] = ()  # e.g. "create_invoice", "count_completion_rejection", "add_evidence"


def _f(kind, required=False, choices=(), max_length=140):
	return Field(kind, required, tuple(choices), max_length)


# A technician and a start (schedule_propose, schedule_book).
schedule_fields = {
	"technician": _f("str", True),
	"start": _f("datetime", True),
	"duration_h": _f("number"),
	"note": _f("text"),
	"past_reason": _f("text"),  # a start in the past is refused without it (a job recorded after the fact)
}

COMMANDS: dict[str, Command] = {
	c.name: c
	for c in (
		Command(
			"intake",
			"Intake",
			frozenset({None}),
			DISPATCH,
			{
				"subject": _f("str", True),
				"customer": _f("str"),
				"service_location": _f("str"),
				"job_type": _f("choice", choices=JOB_TYPES),
				"priority": _f("choice", choices=PRIORITIES),
				"duration_h": _f("number"),
				"description": _f("text"),
				"tags": _f("list"),
				"continuous": _f("bool"),
				"source_issue": _f("str"),
				"sales_order": _f("str"),
				"depends_on": _f("str"),
			},
			"New",
		),
		Command(
			"triage",
			"Triage",
			frozenset({"New", "Triaged"}),
			DISPATCH,
			{
				"priority": _f("choice", True, PRIORITIES),
				"job_type": _f("choice", choices=JOB_TYPES),
				"duration_h": _f("number"),
				"tags": _f("list"),
				"note": _f("text"),
			},
			"Triaged",
		),
		Command(
			"schedule_propose",
			"Propose Schedule",
			frozenset({"Triaged", "Proposed", "Scheduled"}),
			DISPATCH,
			schedule_fields,
			"Proposed",
		),
		Command(
			"schedule_confirm",
			"Confirm Schedule",
			frozenset({"Proposed"}),
			DISPATCH,
			{"note": _f("text")},
			"Scheduled",
		),
		Command(
			# Propose and confirm in one step, a booked job moved in one step: what automatic placement does (the
			# optimizer's apply, an absence's reassignments), one transition and one audit event per job.
			"schedule_book",
			"Book",
			frozenset({"Triaged", "Proposed", "Scheduled"}),
			DISPATCH,
			schedule_fields,
			"Scheduled",
		),
		Command(
			"schedule_release",
			"Release Schedule",
			frozenset({"Proposed", "Scheduled"}),
			DISPATCH,
			{"reason": _f("text"), "note": _f("text")},
			"Triaged",
		),
		Command(
			"assignment_dispatch",
			"Dispatch to Technician",
			frozenset({"Scheduled"}),
			DISPATCH,
			{"note": _f("text")},
			"Dispatched",
		),
		Command(
			# The technician leaves for the job: the customer is texted an arrival estimate (once; again only when it
			# slips). The job stays Dispatched.
			"tech_en_route",
			"On My Way",
			frozenset({"Dispatched"}),
			frozenset({"technician", "dispatch_manager"}),
			{"at": _f("datetime"), "latitude": _f("number"), "longitude": _f("number"), "note": _f("text")},
			None,
			technician_only_own=True,
		),
		Command(
			"tech_check_in",
			"Check In",
			frozenset({"Dispatched"}),
			frozenset({"technician", "dispatch_manager"}),
			{"at": _f("datetime"), "latitude": _f("number"), "longitude": _f("number"), "note": _f("text")},
			"In Progress",
			technician_only_own=True,
		),
		Command(
			"tech_request_change",
			"Request Change",
			frozenset({"Dispatched", "In Progress"}),
			frozenset({"technician", "dispatch_manager"}),
			{
				"kind": _f("choice", True, CHANGE_KINDS),
				"reason": _f("text", True),
				"proposed_start": _f("datetime"),
			},
			"Change Requested",
			technician_only_own=True,
		),
		Command(
			"approval_decide",
			"Decide Change",
			frozenset({"Change Requested"}),
			DISPATCH,
			{
				"decision": _f("choice", True, ("approved", "rejected")),
				"note": _f("text"),
				"new_start": _f("datetime"),
			},
			None,
		),
		Command(
			"evidence_add",
			"Add Evidence",
			frozenset({"Dispatched", "In Progress", "Change Requested", "Completed"}),
			frozenset({"technician", "dispatcher", "dispatch_manager", "qa_reviewer"}),
			{
				"kind": _f("choice", True, EVIDENCE_KINDS),
				"file_url": _f("str", True, max_length=500),
				"note": _f("text"),
			},
			None,
			technician_only_own=True,
		),
		Command(
			"tech_complete",
			"Complete",
			frozenset({"In Progress"}),
			frozenset({"technician", "dispatch_manager"}),
			{
				"completion_notes": _f("text"),
				"no_signature_reason": _f("text"),
				"signature_url": _f("str", max_length=500),
				"evidence": _f("list"),
				"at": _f("datetime"),
			},
			"Completed",
			technician_only_own=True,
		),
		Command(
			"qa_verify",
			"QA Verify",
			frozenset({"Completed"}),
			frozenset({"qa_reviewer", "dispatch_manager"}),
			{"result": _f("choice", True, ("pass", "fail")), "note": _f("text"), "evidence": _f("list")},
			None,
		),
		Command(
			"billing_generate_invoice",
			"Generate Invoice",
			frozenset({"Verified"}),
			frozenset({"billing", "dispatch_manager"}),
			{"note": _f("text")},
			"Invoiced",
		),
		Command(
			"equipment_install",
			"Install Equipment",
			frozenset({"Dispatched", "In Progress"}),
			frozenset({"technician", "dispatcher", "dispatch_manager"}),
			{
				"equipment_type": _f("str", True),
				"serial_no": _f("str", True),
				"mac_address": _f("str"),
				"brand": _f("str"),
				"model": _f("str"),
				"item_code": _f("str"),
			},
			None,
			technician_only_own=True,
		),
		Command(
			"equipment_remove",
			"Remove Equipment",
			frozenset({"Dispatched", "In Progress"}),
			frozenset({"technician", "dispatcher", "dispatch_manager"}),
			{"serial_no": _f("str", True), "reason": _f("text")},
			None,
			technician_only_own=True,
		),
		Command(
			"scan_record",
			"Record Scan",
			frozenset({"Dispatched", "In Progress"}),
			frozenset({"technician", "dispatcher", "dispatch_manager"}),
			{"code": _f("str", True), "symbology": _f("str"), "note": _f("text")},
			None,
			technician_only_own=True,
		),
		Command(
			"assistant_add",
			"Add Assistant",
			frozenset({"New", "Triaged", "Proposed", "Scheduled", "Dispatched", "Change Requested"}),
			DISPATCH,
			{
				"tech_id": _f("str", True),
				"duration_h": _f("number"),
				"pinned": _f("bool"),
				"note": _f("text"),
				"replaces": _f(
					"str"
				),  # an assistant taken off in the same command (an assist dragged to another)
			},
			None,
		),
		Command(
			"assistant_remove",
			"Remove Assistant",
			frozenset({"New", "Triaged", "Proposed", "Scheduled", "Dispatched", "Change Requested"}),
			DISPATCH,
			{"tech_id": _f("str", True), "reason": _f("text")},
			None,
		),
		Command("cancel", "Cancel", CANCELLABLE_STATES, DISPATCH, {"reason": _f("text", True)}, "Cancelled"),
	)
}


def validate_payload(
	command: Command, payload: Mapping[str, Any], parse_datetime: Callable[[str], datetime]
) -> PolicyError | None:
	if not isinstance(payload, Mapping):
		return PolicyError("validation", "payload_not_object", "The request body must be a JSON object")
	unknown = sorted(set(payload) - set(command.fields))
	if unknown:
		return PolicyError("validation", "unknown_fields", "Unknown fields: {fields}", {"fields": unknown})
	missing = sorted(k for k, f in command.fields.items() if f.required and payload.get(k) in (None, "", []))
	if missing:
		return PolicyError("validation", "missing_fields", "Missing fields: {fields}", {"fields": missing})
	for key, value in payload.items():
		if value is None:
			continue
		spec = command.fields[key]
		bad = False
		if spec.kind in ("str", "text"):
			bad = not isinstance(value, str) or len(value) > (
				spec.max_length if spec.kind == "str" else 10000
			)
		elif spec.kind == "number":
			# JSON allows NaN, Infinity and integers of any size; none is a duration or a coordinate.
			bad = (
				isinstance(value, bool)
				or not isinstance(value, int | float)
				or abs(value) > MAX_NUMBER  # before isfinite: a huge int overflows float()
				or not math.isfinite(value)
			)
		elif spec.kind == "bool":
			bad = not isinstance(value, bool)
		elif spec.kind == "choice":
			bad = not isinstance(value, str) or value not in spec.choices
		elif spec.kind == "list":
			bad = not isinstance(value, list)
		elif spec.kind == "datetime":
			try:
				bad = not isinstance(value, str) or parse_datetime(value) is None
			except (TypeError, ValueError, OverflowError):
				bad = True
		if bad:
			return PolicyError(
				"validation",
				"invalid_field",
				"Invalid value for {field}",
				{"field": key, "expected": spec.kind, "choices": list(spec.choices)},
			)
	return None


def check_access(command: Command, actor: Actor | None, job: JobState | None) -> PolicyError | None:
	"""auth, role and scope — the checks a read endpoint shares with the commands."""
	if actor is None or not actor.id:
		return PolicyError("auth", "unauthenticated", "Authentication required")
	if not (actor.roles & command.roles):
		return PolicyError(
			"role", "role_not_allowed", "Role not allowed", {"allowed_roles": sorted(command.roles)}
		)
	return check_scope(actor, job, command.technician_only_own)


def check_scope(actor: Actor, job: JobState | None, own_only: bool = True) -> PolicyError | None:
	if job is None:
		return None
	if actor.account_ids is not None and (job.customer or "") not in actor.account_ids:
		return PolicyError(
			"scope", "account_out_of_scope", "Account out of scope", {"account_id": job.customer}
		)
	if actor.site_ids is not None and (job.service_location or "") not in actor.site_ids:
		return PolicyError(
			"scope", "site_out_of_scope", "Site out of scope", {"site_id": job.service_location}
		)
	if own_only and actor.roles <= {"technician"}:
		if not actor.tech_id or (
			actor.tech_id != job.assigned_technician and actor.tech_id not in job.assistants
		):
			return PolicyError("scope", "not_your_job", "This job is not assigned to you")
	return None


def decide(
	command_name: str,
	actor: Actor | None,
	job: JobState | None,
	payload: Mapping[str, Any],
	*,
	parse_datetime: Callable[[str], datetime],
	evidence_resolves: Callable[[str], bool] = lambda ref: True,
) -> Decision | PolicyError:
	command = COMMANDS.get(command_name)
	if command is None:
		return PolicyError("validation", "unknown_command", "Unknown command")
	denied = check_access(command, actor, job)
	if denied:
		return denied
	invalid = validate_payload(command, payload, parse_datetime)
	if invalid:
		return invalid
	current = job.status if job else None
	if current not in command.from_states:
		return PolicyError(
			"state",
			"invalid_state",
			"Command {command} is not allowed in state {state}",
			{
				"command": command.name,
				"state": current,
				"allowed_states": sorted(s for s in command.from_states if s),
			},
		)
	return _route(command, job, payload, parse_datetime, evidence_resolves)


@dataclass(frozen=True, slots=True)
class _Env:
	"""What a command handler may ask of the shell: parse a datetime, resolve an evidence reference."""

	parse_datetime: Callable[[str], datetime]
	evidence_resolves: Callable[[str], bool]


def _route(command, job, payload, parse_datetime, evidence_resolves) -> Decision | PolicyError:
	return ROUTES[command.name](command, job, payload, _Env(parse_datetime, evidence_resolves))


def _decision(command, job, updates=None, effects=(), to_state=None) -> Decision:
	"""The command's decision from the job's current state; `to_state` defaults to the command's own."""
	current = job.status if job else None
	target = command.to_state if to_state is None else to_state
	return Decision(command.name, current or "", target, updates or {}, tuple(effects))


def _unresolvable(refs, env: _Env) -> list:
	return [r for r in refs if not isinstance(r, str) or not env.evidence_resolves(r)]


def _plain(command, job, payload, env) -> Decision:
	return _decision(command, job)


def _intake(command, job, payload, env) -> Decision:
	return _decision(command, job, effects=("create_job",))


def _triage(command, job, payload, env) -> Decision:
	keys = ("priority", "job_type", "duration_h")
	return _decision(command, job, {k: payload[k] for k in keys if payload.get(k) is not None})


def _schedule_propose(command, job, payload, env) -> Decision:
	updates = {
		"assigned_technician": payload["technician"],
		"scheduled_start": env.parse_datetime(payload["start"]),
		"release_reason": None,
	}
	if payload.get("duration_h") is not None:
		updates["duration_h"] = payload["duration_h"]
	return _decision(command, job, updates, ("check_drop",))


def _schedule_release(command, job, payload, env) -> Decision:
	# Back to the tray: no technician, no time (the end follows the start in the document), and why (the board
	# flags a job an absence or a re-optimization sent back).
	return _decision(
		command,
		job,
		{
			"assigned_technician": None,
			"scheduled_start": None,
			"release_reason": payload.get("reason") or None,
		},
	)


def _assignment_dispatch(command, job, payload, env) -> Decision:
	return _decision(command, job, {"published": 1})


def _tech_check_in(command, job, payload, env) -> Decision:
	at = env.parse_datetime(payload["at"]) if payload.get("at") else None
	return _decision(command, job, {"actual_start": at})


def _tech_request_change(command, job, payload, env) -> Decision:
	return _decision(command, job, {"status_before_change": job.status, "change_kind": payload["kind"]})


def _approval_decide(command, job, payload, env) -> Decision:
	updates: dict[str, Any] = {}
	if payload["decision"] == "approved" and job.change_kind == "reschedule":
		to_state = "Scheduled"
		if payload.get("new_start"):
			updates["scheduled_start"] = env.parse_datetime(payload["new_start"])
	else:
		to_state = job.status_before_change or "Dispatched"
	updates.update({"status_before_change": None, "change_kind": None})
	return _decision(command, job, updates, to_state=to_state)


def _in_place(command, job, payload, env) -> Decision:
	"""Equipment and scans: the job keeps its state, the effect of the command's name does the work."""
	return _decision(command, job, effects=(command.name,), to_state=job.status)


def _evidence_add(command, job, payload, env) -> Decision | PolicyError:
	if not env.evidence_resolves(payload["file_url"]):
		return PolicyError(
			"evidence",
			"evidence_unresolvable",
			"Evidence is not a file of this site",
			{"ref": payload["file_url"]},
		)
	return _decision(command, job, effects=("add_evidence",), to_state=job.status)


def _tech_complete(command, job, payload, env) -> Decision | PolicyError:
	refs = [r for r in (payload.get("evidence") or [])] + (
		[payload["signature_url"]] if payload.get("signature_url") else []
	)
	bad = _unresolvable(refs, env)
	if bad:
		return PolicyError(
			"evidence", "evidence_unresolvable", "Evidence is not a file of this site", {"refs": bad}
		)
	has_signature = "signature" in job.evidence_kinds or bool(payload.get("signature_url"))
	if not has_signature and not (payload.get("no_signature_reason") or "").strip():
		return PolicyError(
			"evidence", "signature_required", "A signature or a no_signature_reason is required"
		)
	updates = {"actual_end": env.parse_datetime(payload["at"]) if payload.get("at") else None}
	for key in ("completion_notes", "no_signature_reason"):
		if payload.get(key):
			updates[key] = payload[key]
	return _decision(command, job, updates, ("add_signature",) if payload.get("signature_url") else ())


def _qa_verify(command, job, payload, env) -> Decision | PolicyError:
	bad = _unresolvable(payload.get("evidence") or [], env)
	if bad:
		return PolicyError(
			"evidence", "evidence_unresolvable", "Evidence is not a file of this site", {"refs": bad}
		)
	if payload["result"] == "pass":
		return _decision(command, job, to_state="Verified")
	if not (payload.get("note") or "").strip():
		return PolicyError("validation", "missing_fields", "Missing fields: {fields}", {"fields": ["note"]})
	return _decision(command, job, effects=("count_completion_rejection",), to_state="In Progress")


def _billing_generate_invoice(command, job, payload, env) -> Decision | PolicyError:
	if job.has_invoice:
		return PolicyError("state", "already_invoiced", "This job already has an invoice")
	return _decision(command, job, effects=("create_invoice",))


def _assistant_remove(command, job, payload, env) -> Decision | PolicyError:
	if payload["tech_id"] not in job.assistants:
		return PolicyError(
			"validation",
			"not_an_assistant",
			"{tech_id} is not an assistant on this job",
			{"tech_id": payload["tech_id"]},
		)
	return _decision(command, job, effects=("assistant_remove",), to_state=job.status)


def _assistant_add(command, job, payload, env) -> Decision | PolicyError:
	"""A helper on the job (a technician dragged onto it, or an assist dragged from another helper, `replaces`):
	never the job's own technician nor twice the same helper; a pinned helper stays; a share of 0 to 24 hours."""
	tech, replaces = payload["tech_id"], payload.get("replaces") or None
	if tech == job.assigned_technician:
		return PolicyError(
			"validation",
			"assistant_is_technician",
			"{tech_id} is the job's own technician",
			{"tech_id": tech},
		)
	if replaces is not None:
		if replaces not in job.assistants:
			return PolicyError(
				"validation",
				"not_an_assistant",
				"{tech_id} is not an assistant on this job",
				{"tech_id": replaces},
			)
		if replaces in job.pinned_assistants:
			return PolicyError(
				"validation",
				"assistant_pinned",
				"{tech_id} is pinned to this job: unpin them on the job to move them",
				{"tech_id": replaces},
			)
	if tech in job.assistants and tech != replaces:
		return PolicyError(
			"validation", "already_an_assistant", "{tech_id} already assists on this job", {"tech_id": tech}
		)
	hours = payload.get("duration_h")
	if hours is not None and not 0 < hours <= 24:
		return PolicyError(
			"validation", "invalid_duration", "The duration must be more than 0 and at most 24 hours"
		)
	return _decision(command, job, effects=("assistant_add",), to_state=job.status)


def _tech_en_route(command, job, payload, env) -> Decision:
	at = env.parse_datetime(payload["at"]) if payload.get("at") else None
	return _decision(command, job, {"en_route_at": at}, ("customer_on_my_way",), to_state=job.status)


def _cancel(command, job, payload, env) -> Decision:
	return _decision(command, job, {"cancel_reason": payload["reason"]})


# One handler per command of COMMANDS (tests check both have the same names), run after the checks `decide`
# runs for every command: what the command changes, its effects and, where the table says None, its target.
ROUTES: dict[str, Callable[..., Decision | PolicyError]] = {
	"intake": _intake,
	"triage": _triage,
	"schedule_propose": _schedule_propose,
	"schedule_confirm": _plain,
	"schedule_book": _schedule_propose,
	"schedule_release": _schedule_release,
	"assignment_dispatch": _assignment_dispatch,
	"tech_en_route": _tech_en_route,
	"tech_check_in": _tech_check_in,
	"tech_request_change": _tech_request_change,
	"approval_decide": _approval_decide,
	"evidence_add": _evidence_add,
	"tech_complete": _tech_complete,
	"qa_verify": _qa_verify,
	"billing_generate_invoice": _billing_generate_invoice,
	"equipment_install": _in_place,
	"equipment_remove": _in_place,
	"scan_record": _in_place,
	"assistant_add": _assistant_add,
	"assistant_remove": _assistant_remove,
	"cancel": _cancel,
}


def allowed_actions(actor: Actor, job: JobState) -> list[dict]:
	"""Every command with whether this actor may issue it now and, if not, the policy error (for cockpits)."""
	out = []
	for command in COMMANDS.values():
		if command.name == "intake":
			continue
		error = check_access(command, actor, job)
		if error is None and job.status not in command.from_states:
			error = PolicyError(
				"state",
				"invalid_state",
				"Command {command} is not allowed in state {state}",
				{"command": command.name, "state": job.status},
			)
		out.append(
			{
				"command": command.name,
				"label": command.label,
				"enabled": error is None,
				"policy_error": error.as_dict() if error else None,
			}
		)
	return out


# No command leaves these.
TERMINAL = frozenset(s for s in STATES if not any(s in c.from_states for c in COMMANDS.values()))


def reachable_states() -> set[str]:
	"""States the command table can reach from intake (documentation and tests)."""
	seen = {"New"}
	frontier = ["New"]
	dynamic = {
		"approval_decide": set(STATES) - TERMINAL,
		"evidence_add": None,
		"tech_en_route": None,
		"equipment_install": None,
		"equipment_remove": None,
		"scan_record": None,
		"assistant_add": None,
		"assistant_remove": None,
		"qa_verify": {"Verified", "In Progress"},
	}
	while frontier:
		state = frontier.pop()
		for c in COMMANDS.values():
			if state not in c.from_states:
				continue
			targets = {c.to_state} if c.to_state else (dynamic[c.name] or {state})
			for t in targets:
				if t not in seen:
					seen.add(t)
					frontier.append(t)
	return seen
