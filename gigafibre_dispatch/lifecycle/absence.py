"""Recording an absence: the one writer for every way one comes in (the technician's SMS, the board's planning mode,
the Desk form), and what it does to the technician's booked work.

A technician holds any number of absences (Dispatch Absence: whole or partial days, past ones kept as history,
cancelled ones kept with their status; `scheduling/absence.py` reads and checks them). Recording one that overlaps
booked jobs builds one auto-distribute proposal for those jobs (`scheduling.optimize`, re-optimizing them over their
own days: each goes to another qualified technician under every hard rule, or back to the tray with its reason).
Dispatch Settings' `absence_handling` decides what happens next: **Review** (the default) leaves the proposal to the
dispatcher (the board's absence banner links to it), **Automatic** applies it at once through the lifecycle commands
(one transition and audit event per job). A dispatched or pinned job is never moved by it; the board flags it.
It lives here, above `scheduling/`, because applying goes through the lifecycle commands.
"""

from datetime import time

import frappe
from frappe import _
from frappe.utils import add_days, getdate, now_datetime

from gigafibre_dispatch.engine.lifecycle import Actor
from gigafibre_dispatch.lifecycle.optimize import apply
from gigafibre_dispatch.scheduling import optimize
from gigafibre_dispatch.scheduling.absence import DOCTYPE, SOURCES, affected_jobs, mode, publish


def absence_actor(technician: str) -> Actor:
	"""Who moves the jobs of an absence handled automatically: the absence handling, with a dispatcher's rights."""
	return Actor(
		id=f"absence:{technician}",
		roles=frozenset({"dispatcher"}),
		actor_type="absence",
		tool_name="absence-handling",
	)


def record(
	technician: str,
	from_date,
	until_date=None,
	start_time=None,
	end_time=None,
	reason: str = "Absent",
	source: str = "Desk",
	message: str | None = None,
	note: str | None = None,
	actor: Actor | None = None,
	reader: str | None = None,
) -> dict:
	"""Record an absence and handle the jobs it overlaps (see the module). Returns the summary the SMS reply, the
	board and the Desk form show: {absence, affected, moved, released, kept, proposal, mode, applied}."""
	values = {
		"from_date": getdate(from_date),
		"until_date": getdate(until_date)
		if until_date and getdate(until_date) != getdate(from_date)
		else None,
		"start_time": start_time.strftime("%H:%M") if isinstance(start_time, time) else start_time or None,
		"end_time": end_time.strftime("%H:%M") if isinstance(end_time, time) else end_time or None,
		"reason": reason or "Absent",
	}
	same = frappe.db.get_value(
		DOCTYPE,
		{
			"technician": technician,
			"status": "Active",
			**{k: ("is", "not set") if v is None else v for k, v in values.items()},
		},
		"name",
	)
	if same:  # the same absence again (a webhook retried, a message sent twice): recorded once
		return after_record(frappe.get_doc(DOCTYPE, same), actor, reader)
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"technician": technician,
			**values,
			"source": source if source in SOURCES else "Desk",
			"message": message,
			"note": note,
			"status": "Active",
		}
	)
	doc.flags.from_service = True
	doc.insert(ignore_permissions=True)
	return after_record(doc, actor, reader)


def after_record(doc, actor: Actor | None = None, reader: str | None = None) -> dict:
	"""The affected jobs' proposal (applied at once in Automatic mode), stored on the absence; the boards told."""
	from gigafibre_dispatch.lifecycle.actor import current_actor

	summary = handle_affected(doc, actor or current_actor() or absence_actor(doc.technician))
	doc.db_set(
		{"optimization": summary.get("proposal"), "affected_summary": summary_text(summary)},
		update_modified=False,
	)
	publish(doc, "set", {**summary, "reader": reader})
	return {"absence": doc.name, **summary}


def handle_affected(doc, actor: Actor) -> dict:
	affected = affected_jobs(doc)
	jobs = [name for name, _ in affected]
	summary = {"affected": len(jobs), "moved": 0, "released": 0, "kept": 0, "proposal": None, "mode": mode()}
	if not jobs:
		return summary
	starts = [start.date() for _, start in affected]
	date_from = max(min(starts), now_datetime().date())
	date_to = min(max(starts), add_days(date_from, optimize.MAX_DAYS - 1))
	# The proposal reads the jobs as its requester: a texted absence has none (Twilio's request is a guest's), so
	# the absence handling asks as Administrator; the commands that apply it still run as `actor`.
	user = frappe.session.user
	if user == "Guest":
		frappe.set_user("Administrator")
	try:
		name = optimize.start(date_from, date_to, None, jobs, reoptimize=True, inline=True)
	finally:
		if user == "Guest":
			frappe.set_user("Guest")
	proposal = optimize.proposal_of(name)
	moved = {m["job"] for m in proposal["moves"]}
	released = {r["job"] for r in proposal["released"]}
	summary.update(
		{
			"proposal": name,
			"moved": len(moved),
			"released": len(released),
			"kept": len(set(jobs) - moved - released),
			"jobs": jobs,
		}
	)
	if summary["mode"] == "Automatic":
		result = apply(name, None, actor)
		summary["applied"] = result["applied"]
		summary["skipped"] = result["skipped"]
	return summary


def summary_text(summary: dict) -> str | None:
	if not summary.get("affected"):
		return None
	return _(
		"{0} job(s) booked during the absence: {1} to another technician, {2} back to the tray, {3} left in place ({4})"
	).format(summary["affected"], summary["moved"], summary["released"], summary["kept"], _(summary["mode"]))


KEYS = {
	"absence_reason": "reason",
	"absence_from": "from_date",
	"absence_until": "until_date",
	"absence_start_time": "start_time",
	"absence_end_time": "end_time",
}


def update(name: str, values: dict, actor: Actor | None = None) -> dict:
	"""Change an absence's dates, times or reason (the board's planning mode and its band edges); the jobs it now
	overlaps are handled as for a new one."""
	doc = frappe.get_doc(DOCTYPE, name)
	if doc.status != "Active":
		frappe.throw(_("This absence was cancelled"), frappe.ValidationError)
	doc.update(values)
	doc.flags.from_service = True
	doc.save(ignore_permissions=True)
	return after_record(doc, actor)


def cancel(name: str) -> None:
	doc = frappe.get_doc(DOCTYPE, name)
	doc.db_set("status", "Cancelled")
	publish(doc, "cancel", {})


def save_from_planning(technician: str, values: dict, actor: Actor | None) -> dict | None:
	"""The board's planning dialog: its absence fields (`KEYS`, and `absence_name` for the one it shows) record a
	new absence, change the one shown, or, all blank, cancel it."""
	name = values.get("absence_name")
	fields = {field: values.get(key) or None for key, field in KEYS.items()}
	if name and frappe.db.get_value(DOCTYPE, name, "technician") != technician:
		frappe.throw(_("This absence is another technician's"), frappe.ValidationError)
	if not any(fields.values()):
		if name:
			cancel(name)
		return None
	if name:
		return update(name, fields, actor)
	return record(
		technician,
		fields["from_date"],
		fields["until_date"],
		fields["start_time"],
		fields["end_time"],
		fields["reason"] or "Absent",
		source="Board",
		actor=actor,
	)


# ------------------------------------------------------------------ readings that wait for OUI/YES


def hold(technician: str, intent, message: str, doubts, now) -> str:
	"""A reading with doubts: kept as a Pending absence (read by nothing) until the technician answers OUI/YES
	within CONFIRM_MINUTES; an earlier pending one of theirs is superseded."""
	from datetime import timedelta

	from gigafibre_dispatch.engine.absence_sms import CONFIRM_MINUTES

	for name in frappe.get_all(
		DOCTYPE, filters={"technician": technician, "status": "Pending"}, pluck="name"
	):
		frappe.db.set_value(DOCTYPE, name, "status", "Expired")
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"technician": technician,
			"from_date": intent.from_date,
			"until_date": intent.until_date,
			"start_time": intent.start_time.strftime("%H:%M") if intent.start_time else None,
			"end_time": intent.end_time.strftime("%H:%M") if intent.end_time else None,
			"reason": intent.reason or "Absent",
			"source": "SMS",
			"message": message,
			"status": "Pending",
			"confirm_by": now + timedelta(minutes=CONFIRM_MINUTES),
			"doubts": ", ".join(doubts)[:140],
		}
	)
	doc.flags.from_service = True
	doc.insert(ignore_permissions=True)
	return doc.name


def confirm(technician: str, now, actor: Actor | None = None, reader: str | None = None) -> dict | None:
	"""OUI/YES: the technician's pending reading becomes their absence (its jobs handled as for any); None when
	nothing waits (never sent, answered already, or past its CONFIRM_MINUTES)."""
	name = frappe.db.get_value(
		DOCTYPE,
		{"technician": technician, "status": "Pending", "confirm_by": (">=", now)},
		"name",
		order_by="creation desc",
	)
	if not name:
		return None
	doc = frappe.get_doc(DOCTYPE, name)
	doc.status = "Active"
	doc.flags.from_service = True
	doc.save(ignore_permissions=True)
	return after_record(doc, actor, reader)


def forget(technician: str) -> bool:
	"""NON/NO: the pending reading is dropped. True when there was one."""
	names = frappe.get_all(DOCTYPE, filters={"technician": technician, "status": "Pending"}, pluck="name")
	for name in names:
		frappe.db.set_value(DOCTYPE, name, "status", "Cancelled")
	return bool(names)
