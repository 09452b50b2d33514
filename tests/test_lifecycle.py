from datetime import datetime

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from gigafibre_dispatch.engine.lifecycle import (
	COMMANDS,
	ROUTES,
	STATES,
	Actor,
	Decision,
	JobState,
	PolicyError,
	allowed_actions,
	decide,
	reachable_states,
)


def parse(value):
	return datetime.fromisoformat(value)


DISPATCHER = Actor("d1", frozenset({"dispatcher"}))
TECH = Actor("t1", frozenset({"technician"}), tech_id="TECH-1")
QA = Actor("q1", frozenset({"qa_reviewer"}))
BILLING = Actor("b1", frozenset({"billing"}))


def job(status, **kw):
	return JobState("DJ-1", status, customer="C1", service_location="L1", assigned_technician="TECH-1", **kw)


def run(command, actor, state, payload, **kw):
	return decide(command, actor, state, payload, parse_datetime=parse, **kw)


def test_happy_path():
	steps = [
		("triage", DISPATCHER, {"priority": "high"}, "Triaged"),
		(
			"schedule_propose",
			DISPATCHER,
			{"technician": "TECH-1", "start": "2026-11-23T09:00:00"},
			"Proposed",
		),
		("schedule_confirm", DISPATCHER, {}, "Scheduled"),
		("assignment_dispatch", DISPATCHER, {}, "Dispatched"),
		("tech_check_in", TECH, {}, "In Progress"),
		("tech_complete", TECH, {"no_signature_reason": "Client absent"}, "Completed"),
		("qa_verify", QA, {"result": "pass"}, "Verified"),
		("billing_generate_invoice", BILLING, {}, "Invoiced"),
	]
	state = job("New")
	for command, actor, payload, expected in steps:
		d = run(command, actor, state, payload)
		assert isinstance(d, Decision), (command, d)
		assert d.to_state == expected
		state.status = expected


def test_policy_dimensions():
	assert run("triage", None, job("New"), {"priority": "low"}).dimension == "auth"
	assert run("triage", TECH, job("New"), {"priority": "low"}).dimension == "role"
	scoped = Actor("d2", frozenset({"dispatcher"}), account_ids=frozenset({"OTHER"}))
	e = run("triage", scoped, job("New"), {"priority": "low"})
	assert (e.dimension, e.http_status) == ("scope", 403)
	other_tech = Actor("t2", frozenset({"technician"}), tech_id="TECH-2")
	assert run("tech_check_in", other_tech, job("Dispatched"), {}).code == "not_your_job"
	e = run("triage", DISPATCHER, job("New"), {"priority": "low", "colour": "red"})
	assert (e.dimension, e.code, e.details["fields"]) == ("validation", "unknown_fields", ["colour"])
	assert run("triage", DISPATCHER, job("New"), {}).code == "missing_fields"
	assert run("triage", DISPATCHER, job("New"), {"priority": "whenever"}).code == "invalid_field"
	assert (
		run("schedule_propose", DISPATCHER, job("Triaged"), {"technician": "T", "start": "tuesday"}).code
		== "invalid_field"
	)
	e = run("schedule_confirm", DISPATCHER, job("New"), {})
	assert (e.dimension, e.http_status) == ("state", 409)
	e = run("tech_complete", TECH, job("In Progress"), {})
	assert (e.dimension, e.code) == ("evidence", "signature_required")
	e = run(
		"tech_complete",
		TECH,
		job("In Progress"),
		{"signature_url": "https://evil.example/x.png"},
		evidence_resolves=lambda r: r.startswith("/files/"),
	)
	assert (e.dimension, e.code) == ("evidence", "evidence_unresolvable")
	ok = run(
		"tech_complete",
		TECH,
		job("In Progress"),
		{"signature_url": "/files/sig.png"},
		evidence_resolves=lambda r: r.startswith("/files/"),
	)
	assert ok.to_state == "Completed" and "add_signature" in ok.effects
	assert (
		run("tech_complete", TECH, job("In Progress", evidence_kinds=("signature",)), {}).to_state
		== "Completed"
	)


def test_qa_failure_sends_back_and_counts():
	assert run("qa_verify", QA, job("Completed"), {"result": "fail"}).code == "missing_fields"
	d = run("qa_verify", QA, job("Completed"), {"result": "fail", "note": "Pas de photo"})
	assert d.to_state == "In Progress" and "count_completion_rejection" in d.effects


def test_change_request_round_trip():
	d = run(
		"tech_request_change", TECH, job("In Progress"), {"kind": "materials", "reason": "Manque de fibre"}
	)
	assert d.to_state == "Change Requested" and d.updates["status_before_change"] == "In Progress"
	back = run(
		"approval_decide",
		DISPATCHER,
		job("Change Requested", status_before_change="In Progress", change_kind="materials"),
		{"decision": "approved"},
	)
	assert back.to_state == "In Progress"
	resched = run(
		"approval_decide",
		DISPATCHER,
		job("Change Requested", status_before_change="Dispatched", change_kind="reschedule"),
		{"decision": "approved", "new_start": "2026-11-24T10:00:00"},
	)
	assert resched.to_state == "Scheduled" and resched.updates["scheduled_start"] == datetime(
		2026, 11, 24, 10
	)


def test_invoice_once_and_cancel():
	assert (
		run("billing_generate_invoice", BILLING, job("Verified", has_invoice=True), {}).code
		== "already_invoiced"
	)
	assert run("cancel", DISPATCHER, job("Scheduled"), {"reason": "Client annule"}).to_state == "Cancelled"
	assert run("cancel", DISPATCHER, job("Invoiced"), {"reason": "x"}).dimension == "state"


def test_schedule_book_places_or_moves_in_one_step():
	payload = {"technician": "T2", "start": "2026-11-24T10:00:00"}
	for status in ("Triaged", "Proposed", "Scheduled"):
		d = run("schedule_book", DISPATCHER, job(status), payload)
		assert d.to_state == "Scheduled" and d.updates["assigned_technician"] == "T2", status
		assert d.updates["scheduled_start"] == datetime(2026, 11, 24, 10) and "check_drop" in d.effects
	for status in ("New", "Dispatched", "In Progress", "Completed", "Cancelled"):
		assert run("schedule_book", DISPATCHER, job(status), payload).dimension == "state", status
	assert run("schedule_book", TECH, job("Scheduled"), payload).dimension == "role"
	assert run("schedule_book", DISPATCHER, job("Scheduled"), {"technician": "T2"}).code == "missing_fields"


def test_schedule_release_back_to_triaged():
	for status in ("Proposed", "Scheduled"):
		d = run("schedule_release", DISPATCHER, job(status), {"reason": "Client indisponible"})
		assert isinstance(d, Decision), d
		assert d.to_state == "Triaged"
		assert d.updates == {
			"assigned_technician": None,
			"scheduled_start": None,
			"release_reason": "Client indisponible",  # the board flags the job in the tray with it
		}
	bare = run("schedule_release", DISPATCHER, job("Scheduled"), {})
	assert bare.to_state == "Triaged" and bare.updates["release_reason"] is None
	for status in ("New", "Triaged", "Dispatched", "In Progress", "Completed", "Cancelled"):
		assert run("schedule_release", DISPATCHER, job(status), {}).dimension == "state", status
	assert run("schedule_release", TECH, job("Scheduled"), {}).dimension == "role"
	assert run("schedule_release", QA, job("Scheduled"), {}).dimension == "role"
	assert run("schedule_release", DISPATCHER, job("Scheduled"), {"technician": "X"}).code == "unknown_fields"


def test_assistant_remove_keeps_the_state():
	open_states = ("New", "Triaged", "Proposed", "Scheduled", "Dispatched", "Change Requested")
	for status in open_states:
		d = run("assistant_remove", DISPATCHER, job(status, assistants=("TECH-2",)), {"tech_id": "TECH-2"})
		assert isinstance(d, Decision), d
		assert (d.from_state, d.to_state, d.updates, d.effects) == (status, status, {}, ("assistant_remove",))
	assert run(
		"assistant_remove",
		DISPATCHER,
		job("New", assistants=("TECH-2",)),
		{"tech_id": "TECH-2", "reason": "x"},
	)
	for status in ("In Progress", "Completed", "Verified", "Invoiced", "Cancelled"):
		refused = run(
			"assistant_remove", DISPATCHER, job(status, assistants=("TECH-2",)), {"tech_id": "TECH-2"}
		)
		assert refused.dimension == "state", status
	not_assistant = run(
		"assistant_remove", DISPATCHER, job("Scheduled", assistants=("TECH-2",)), {"tech_id": "TECH-1"}
	)
	assert (not_assistant.dimension, not_assistant.code) == ("validation", "not_an_assistant")
	assert not_assistant.details == {"tech_id": "TECH-1"}
	assert run("assistant_remove", DISPATCHER, job("Scheduled"), {}).code == "missing_fields"
	assert run("assistant_remove", DISPATCHER, job("Scheduled"), {"tech_id": 3}).code == "invalid_field"
	assert (
		run("assistant_remove", DISPATCHER, job("Scheduled"), {"tech_id": "T", "x": 1}).code
		== "unknown_fields"
	)
	for actor in (TECH, QA, BILLING):
		assert (
			run(
				"assistant_remove", actor, job("Scheduled", assistants=("TECH-1",)), {"tech_id": "TECH-1"}
			).dimension
			== "role"
		)


def test_assistant_add_rules():
	for status in ("New", "Triaged", "Proposed", "Scheduled", "Dispatched", "Change Requested"):
		d = run("assistant_add", DISPATCHER, job(status), {"tech_id": "TECH-2"})
		assert isinstance(d, Decision), d
		assert (d.from_state, d.to_state, d.updates, d.effects) == (status, status, {}, ("assistant_add",))
	for status in ("In Progress", "Completed", "Cancelled"):
		assert run("assistant_add", DISPATCHER, job(status), {"tech_id": "TECH-2"}).dimension == "state"

	def code(state, payload):
		out = run("assistant_add", DISPATCHER, state, payload)
		return None if isinstance(out, Decision) else out.code

	two = job("Scheduled", assistants=("TECH-2", "TECH-3"), pinned_assistants=("TECH-3",))
	assert code(two, {"tech_id": "TECH-1"}) == "assistant_is_technician"  # the job's own technician
	assert code(two, {"tech_id": "TECH-2"}) == "already_an_assistant"
	assert code(two, {"tech_id": "TECH-4", "replaces": "TECH-9"}) == "not_an_assistant"
	assert code(two, {"tech_id": "TECH-4", "replaces": "TECH-3"}) == "assistant_pinned"  # pinned stays
	assert code(two, {"tech_id": "TECH-4", "replaces": "TECH-2"}) is None  # moved to another helper
	assert code(two, {"tech_id": "TECH-2", "replaces": "TECH-2"}) is None  # dropped back where it was
	assert code(two, {"tech_id": "TECH-3", "replaces": "TECH-2"}) == "already_an_assistant"
	assert code(two, {"tech_id": "TECH-4", "duration_h": 2.5, "pinned": True, "note": "nacelle"}) is None
	for hours in (0, -1, 24.5):
		assert code(two, {"tech_id": "TECH-4", "duration_h": hours}) == "invalid_duration", hours
	assert code(two, {"tech_id": "TECH-4", "pinned": "yes"}) == "invalid_field"
	assert code(two, {}) == "missing_fields"
	for actor in (TECH, QA, BILLING):
		assert run("assistant_add", actor, two, {"tech_id": "TECH-4"}).dimension == "role"


def test_allowed_actions_explain_disabled_ones():
	actions = {a["command"]: a for a in allowed_actions(TECH, job("Dispatched"))}
	assert actions["tech_check_in"]["enabled"]
	assert actions["triage"]["policy_error"]["dimension"] == "role"
	assert actions["tech_complete"]["policy_error"]["dimension"] == "state"


def test_one_handler_per_command():
	assert set(ROUTES) == set(COMMANDS)


def test_every_state_reachable():
	assert reachable_states() == set(STATES)


ACTORS = [DISPATCHER, TECH, QA, BILLING, Actor("m", frozenset({"dispatch_manager"}))]
PAYLOADS = {
	"triage": {"priority": "medium"},
	"schedule_propose": {"technician": "TECH-1", "start": "2026-11-23T09:00:00"},
	"tech_request_change": {"kind": "reschedule", "reason": "Client absent"},
	"approval_decide": {"decision": "approved"},
	"evidence_add": {"kind": "photo", "file_url": "/files/p.jpg"},
	"tech_complete": {"no_signature_reason": "absent"},
	"qa_verify": {"result": "fail", "note": "refaire"},
	"cancel": {"reason": "x"},
}


class LifecycleMachine(RuleBasedStateMachine):
	def __init__(self):
		super().__init__()
		self.job = job("New")

	@rule(
		command=st.sampled_from([c for c in COMMANDS if c != "intake"]),
		actor=st.sampled_from(ACTORS),
		qa_pass=st.booleans(),
	)
	def issue(self, command, actor, qa_pass):
		payload = dict(PAYLOADS.get(command, {}))
		if command == "qa_verify" and qa_pass:
			payload = {"result": "pass"}
		before = self.job.status
		out = run(command, actor, self.job, payload)
		if isinstance(out, PolicyError):
			assert out.dimension in ("role", "scope", "state", "evidence", "validation")
			return
		# Every transition is allowed for the role that made it, from the state it started in.
		assert actor.roles & COMMANDS[command].roles
		assert before in COMMANDS[command].from_states
		assert out.to_state in STATES
		for key in ("status_before_change", "change_kind"):
			if key in out.updates:
				setattr(self.job, key, out.updates[key])
		if "create_invoice" in out.effects:
			self.job.has_invoice = True
		self.job.status = out.to_state

	@invariant()
	def state_is_defined(self):
		assert self.job.status in STATES


TestLifecycleMachine = LifecycleMachine.TestCase
TestLifecycleMachine.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
