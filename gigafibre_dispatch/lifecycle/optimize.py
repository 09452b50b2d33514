"""Apply an auto-distribute proposal (Dispatch Optimization): each chosen release sends its booked job back to
the tray (`schedule_release`), then each chosen move books its job with `schedule_book` (a New job triaged first),
under the caller: one transition and one audit event per release or move, the drop rules checked as for any
booking.

Each step's Idempotency-Key is derived from the proposal and the row (uuid5), so a row is applied once however
many times the proposal is applied. A row whose job was edited since the proposal (its `modified` moved), whose
technician changed since (shifts, absence, tags, activity) or whose job can no longer be booked or released is
skipped with the reason; a row the commands refuse is skipped with their message and changes nothing (savepoint);
the other rows are applied.
"""

import uuid
from functools import partial

import frappe
from frappe import _
from frappe.utils import get_datetime

from gigafibre_dispatch.engine.lifecycle import COMMANDS, Actor
from gigafibre_dispatch.lifecycle.commands import run_internal
from gigafibre_dispatch.scheduling.optimize import (
	DOCTYPE,
	TECH_KEY,
	publish,
	technician_versions,
)

# Where a booking may start from: New (triaged first) or what schedule_propose accepts.
BOOKABLE = frozenset({"New"}) | COMMANDS["schedule_propose"].from_states
RELEASABLE = COMMANDS["schedule_release"].from_states
KEY_NAMESPACE = uuid.UUID("5d0c4a52-8f1e-4c1b-9a57-0f9d1e3b7a61")
APPLICABLE = ("Ready", "Partly Applied", "Applied")


def move_key(proposal: str, move) -> str:
	"""The move's Idempotency-Key: the same proposal and move always give the same key."""
	start = get_datetime(move.to_start).isoformat(timespec="seconds")
	return str(uuid.uuid5(KEY_NAMESPACE, f"{proposal}\x1f{move.job}\x1f{move.to_technician}\x1f{start}"))


def release_key(proposal: str, release) -> str:
	start = get_datetime(release.from_start).isoformat(timespec="seconds")
	return str(uuid.uuid5(KEY_NAMESPACE, f"{proposal}\x1frelease\x1f{release.job}\x1f{start}"))


def apply(name: str, jobs: list[str] | None, actor: Actor | None) -> dict:
	"""Apply every pending release and move of the proposal, or those of `jobs`. Returns the per-row result."""
	status = frappe.db.get_value(DOCTYPE, name, "status", for_update=True)  # one apply at a time
	if status is None:
		frappe.throw(_("Dispatch Optimization {0} does not exist").format(name), frappe.DoesNotExistError)
	if status not in APPLICABLE:
		frappe.throw(_("Only a ready proposal can be applied (this one is {0})").format(_(status)))
	doc = frappe.get_doc(DOCTYPE, name)
	chosen = set(jobs) if jobs else None
	rows = [*doc.released, *doc.moves]
	if chosen and (unknown := chosen - {r.job for r in rows}):
		frappe.throw(_("Not moves of this proposal: {0}").format(", ".join(sorted(unknown))))
	todo_released = [
		r for r in doc.released if r.apply_status != "applied" and (chosen is None or r.job in chosen)
	]
	todo = [m for m in doc.moves if m.apply_status != "applied" and (chosen is None or m.job in chosen)]
	names = [r.job for r in todo_released] + [m.job for m in todo]
	current = {
		r.name: r
		for r in frappe.get_all(
			"Dispatch Job",
			filters={"name": ("in", names or [""])},
			fields=["name", "status", "priority", "modified", "assigned_technician", "scheduled_start"],
		)
	}
	techs = technician_versions(sorted({m.to_technician for m in todo}))
	for r in todo_released:  # first: a release frees the place a move may take
		reason = _stale_release(r, current.get(r.job)) or _run(name, r, actor, _release)
		r.apply_status, r.apply_reason = ("skipped", reason) if reason else ("applied", None)
	refused = []
	for m in todo:
		reason = _stale(m, current.get(m.job), techs.get(TECH_KEY + m.to_technician))
		if reason:
			m.apply_status, m.apply_reason = "skipped", reason
			continue
		error = _run(name, m, actor, partial(book_move, row=current[m.job]))
		if error:
			refused.append(m)
		m.apply_status, m.apply_reason = ("skipped", error) if error else ("applied", None)
	# A move refused because another move still held its place (re-optimizing swaps jobs): one more try.
	for m in refused:
		if not _run(name, m, actor, partial(book_move, row=current[m.job])):
			m.apply_status, m.apply_reason = "applied", None
	# The customers of the moved jobs hear their new times once these settle (lifecycle/customer_notices.py).
	applied = sum(r.apply_status == "applied" for r in rows)
	if applied:
		doc.status = "Applied" if applied == len(rows) else "Partly Applied"
	doc.flags.from_service = True
	doc.flags.ignore_links = True  # a job deleted since the proposal stays named in it (skipped above)
	doc.save(ignore_permissions=True)
	publish(doc)
	done = [*todo_released, *todo]
	return {
		"name": doc.name,
		"status": doc.status,
		"applied": sum(r.apply_status == "applied" for r in done),
		"skipped": sum(r.apply_status == "skipped" for r in done),
		"released": [
			{"job": r.job, "apply_status": r.apply_status, "apply_reason": r.apply_reason}
			for r in doc.released
			if chosen is None or r.job in chosen
		],
		"moves": [
			{"job": m.job, "apply_status": m.apply_status, "apply_reason": m.apply_reason}
			for m in doc.moves
			if chosen is None or m.job in chosen
		],
	}


def dismiss(name: str) -> dict:
	"""The dispatcher sets a proposal aside: nothing of it is applied, and it can no longer be (its rows stay as
	the record of what was proposed)."""
	status = frappe.db.get_value(DOCTYPE, name, "status", for_update=True)
	if status is None:
		frappe.throw(_("Dispatch Optimization {0} does not exist").format(name), frappe.DoesNotExistError)
	if status not in ("Ready", "Partly Applied", "Failed"):
		frappe.throw(_("Only a ready proposal can be dismissed (this one is {0})").format(_(status)))
	doc = frappe.get_doc(DOCTYPE, name)
	doc.status = "Dismissed"
	doc.flags.from_service = True
	doc.save(ignore_permissions=True)
	publish(doc)
	return {"name": doc.name, "status": doc.status}


def _stale_release(release, row) -> str | None:
	if row is None:
		return _("The job no longer exists")
	if release.job_modified and get_datetime(row.modified) != get_datetime(release.job_modified):
		return _("The job changed after the proposal was made")
	if row.status not in RELEASABLE:
		return _("The job is {0}: it can no longer go back to the tray").format(_(row.status))
	return None


def _stale(move, row, technician_modified) -> str | None:
	if row is None:
		return _("The job no longer exists")
	if move.job_modified and get_datetime(row.modified) != get_datetime(move.job_modified):
		return _("The job changed after the proposal was made")
	if technician_modified is None:
		return _("The technician {0} no longer exists").format(move.to_technician)
	if move.technician_modified and technician_modified != get_datetime(move.technician_modified):
		return _("The technician {0} changed after the proposal was made").format(move.to_technician)
	if row.status not in BOOKABLE:
		return _("The job is {0}: it can no longer be booked").format(_(row.status))
	return None


def _run(proposal: str, row, actor: Actor | None, step) -> str | None:
	"""Apply one row; None when done, else the refusal (nothing of the row is kept)."""
	messages = len(frappe.local.message_log)
	frappe.db.savepoint("dispatch_optimization_row")
	try:
		step(proposal, row, actor)
	except (frappe.ValidationError, frappe.PermissionError, frappe.DoesNotExistError) as exc:
		frappe.db.rollback(save_point="dispatch_optimization_row")
		del frappe.local.message_log[messages:]  # the refusal is the row's reason, not an error of the call
		return str(exc) or type(exc).__name__
	return None


def book_move(proposal: str, move, actor: Actor | None, row=None) -> None:
	"""One `schedule_book` (a New job triaged first with its own priority): one transition and one audit event.
	`row`: the job's status and priority when the caller read them already."""
	row = row or frappe.db.get_value("Dispatch Job", move.job, ["status", "priority"], as_dict=True)
	steps = []
	if row and row.status == "New":
		steps.append(("triage", {"priority": row.priority or "medium"}))
	start = get_datetime(move.to_start).isoformat(sep=" ", timespec="seconds")
	steps.append(("schedule_book", {"technician": move.to_technician, "start": start}))
	run_internal(move.job, steps, actor, move_key(proposal, move))


def _release(proposal: str, release, actor: Actor | None) -> None:
	payload = {"reason": release.message or release.reason}
	run_internal(release.job, [("schedule_release", payload)], actor, release_key(proposal, release))
