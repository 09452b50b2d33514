"""Apply an auto-distribute proposal (Dispatch Optimization): each chosen move books its job through the one
booking path (`commands.book`: triage if New, schedule_propose, schedule_confirm), under the caller.

Each move's Idempotency-Key is derived from the proposal and the move (uuid5), and `book` derives each step's
key from it and the command, so a move is booked once however many times it is applied. A move whose job was
edited since the proposal (its `modified` moved) or can no longer be booked is skipped with the reason; a move
the commands refuse is skipped with their message and changes nothing (savepoint).
"""

import uuid

import frappe
from frappe import _
from frappe.utils import get_datetime

from gigafibre_dispatch.engine.lifecycle import COMMANDS, Actor
from gigafibre_dispatch.lifecycle.commands import book
from gigafibre_dispatch.scheduling.optimize import DOCTYPE, publish

# Where a booking may start from: New (triaged first) or what schedule_propose accepts.
BOOKABLE = frozenset({"New"}) | COMMANDS["schedule_propose"].from_states
KEY_NAMESPACE = uuid.UUID("5d0c4a52-8f1e-4c1b-9a57-0f9d1e3b7a61")
APPLICABLE = ("Ready", "Partly Applied", "Applied")


def move_key(proposal: str, move) -> str:
	"""The move's Idempotency-Key: the same proposal and move always give the same key."""
	start = get_datetime(move.to_start).isoformat(timespec="seconds")
	return str(uuid.uuid5(KEY_NAMESPACE, f"{proposal}\x1f{move.job}\x1f{move.to_technician}\x1f{start}"))


def apply(name: str, jobs: list[str] | None, actor: Actor | None) -> dict:
	"""Apply every pending move of the proposal, or those of `jobs`. Returns the per-move result."""
	status = frappe.db.get_value(DOCTYPE, name, "status", for_update=True)  # one apply at a time
	if status is None:
		frappe.throw(_("Dispatch Optimization {0} does not exist").format(name), frappe.DoesNotExistError)
	if status not in APPLICABLE:
		frappe.throw(_("Only a ready proposal can be applied (this one is {0})").format(_(status)))
	doc = frappe.get_doc(DOCTYPE, name)
	chosen = set(jobs) if jobs else None
	if chosen and (unknown := chosen - {m.job for m in doc.moves}):
		frappe.throw(_("Not moves of this proposal: {0}").format(", ".join(sorted(unknown))))
	todo = [m for m in doc.moves if m.apply_status != "applied" and (chosen is None or m.job in chosen)]
	current = {
		r.name: r
		for r in frappe.get_all(
			"Dispatch Job",
			filters={"name": ("in", [m.job for m in todo] or [""])},
			fields=["name", "status", "modified"],
		)
	}
	refused = []
	for m in todo:
		reason = _stale(m, current.get(m.job))
		if reason:
			m.apply_status, m.apply_reason = "skipped", reason
			continue
		error = _book(name, m, actor)
		if error:
			refused.append(m)
			m.apply_status, m.apply_reason = "skipped", error
	# A move refused because another move still held its place (re-optimizing swaps jobs): one more try.
	for m in refused:
		if not _book(name, m, actor):
			m.apply_status, m.apply_reason = "applied", None
	applied = sum(m.apply_status == "applied" for m in doc.moves)
	if applied:
		doc.status = "Applied" if applied == len(doc.moves) else "Partly Applied"
	doc.flags.from_service = True
	doc.save(ignore_permissions=True)
	publish(doc)
	return {
		"name": doc.name,
		"status": doc.status,
		"applied": sum(m.apply_status == "applied" for m in todo),
		"skipped": sum(m.apply_status == "skipped" for m in todo),
		"moves": [
			{"job": m.job, "apply_status": m.apply_status, "apply_reason": m.apply_reason}
			for m in doc.moves
			if chosen is None or m.job in chosen
		],
	}


def _stale(move, row) -> str | None:
	if row is None:
		return _("The job no longer exists")
	if move.job_modified and get_datetime(row.modified) != get_datetime(move.job_modified):
		return _("The job changed after the proposal was made")
	if row.status not in BOOKABLE:
		return _("The job is {0}: it can no longer be booked").format(_(row.status))
	return None


def _book(proposal: str, move, actor: Actor | None) -> str | None:
	"""Book one move; None when booked, else the refusal (nothing of the move is kept)."""
	messages = len(frappe.local.message_log)
	frappe.db.savepoint("dispatch_optimization_move")
	try:
		book(move.job, move.to_technician, move.to_start, actor, idempotency_key=move_key(proposal, move))
	except (frappe.ValidationError, frappe.PermissionError, frappe.DoesNotExistError) as exc:
		frappe.db.rollback(save_point="dispatch_optimization_move")
		del frappe.local.message_log[messages:]  # the refusal is the move's reason, not an error of the call
		return str(exc) or type(exc).__name__
	move.apply_status, move.apply_reason = "applied", None
	return None
