"""Absences as records: reading them for the engine, checking one, ending them, finding the jobs one overlaps.
Recording one and handling its jobs is `lifecycle/absence.py` (it applies commands).

A technician holds any number of absences (Dispatch Absence: whole or partial days, past ones kept as history,
cancelled ones kept with their status). Recording one that overlaps booked jobs builds one auto-distribute proposal
for those jobs (`scheduling.optimize`, re-optimizing them over their own days: each goes to another qualified
technician under every hard rule, or back to the tray with its reason). Dispatch Settings' `absence_handling`
decides what happens next: **Review** (the default) leaves the proposal for the dispatcher (the board's absence
banner links to it), **Automatic** applies it at once through the lifecycle commands (one transition and audit
event per job). A dispatched or pinned job is never moved by it; the board flags it.
"""

from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, get_time, getdate, now_datetime

from gigafibre_dispatch.engine import availability
from gigafibre_dispatch.engine.availability import Absence
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors

DOCTYPE = "Dispatch Absence"
REASONS = ("Malade", "Vacances", "Formation", "Rendez-vous", "Congé", "Absent")
SOURCES = ("Desk", "Board", "SMS", "Migrated")
EVENT = "tech-absence"
# Booked jobs an absence takes off its technician: not started, not cancelled.
BOOKED = ("Triaged", "Proposed", "Scheduled", "Dispatched")


def mode() -> str:
	return frappe.get_cached_doc("Dispatch Settings").get("absence_handling") or "Review"


# ------------------------------------------------------------------ reading


def as_engine(row) -> Absence:
	return Absence(
		from_date=getdate(row.from_date),
		until_date=getdate(row.until_date) if row.get("until_date") else None,
		start_time=get_time(row.start_time) if row.get("start_time") else None,
		end_time=get_time(row.end_time) if row.get("end_time") else None,
		reason=row.get("reason") or "",
	)


ROW_FIELDS = ["name", "technician", "reason", "from_date", "until_date", "start_time", "end_time", "status"]


def load(
	technicians: list[str] | None, date_from: date | None, date_to: date | None
) -> dict[str, list[Absence]]:
	"""Active absences per technician meeting [date_from, date_to] (every one when the range is open)."""
	filters = [["status", "=", "Active"]]
	if technicians is not None:
		if not technicians:
			return {}
		filters.append(["technician", "in", technicians])
	if date_to is not None:
		filters.append(["from_date", "<=", date_to])
	out: dict[str, list[Absence]] = {}
	for r in frappe.get_all(DOCTYPE, filters=filters, fields=ROW_FIELDS, order_by="from_date asc, name asc"):
		if date_from is not None and getdate(r.until_date or r.from_date) < date_from:
			continue
		out.setdefault(r.technician, []).append(as_engine(r))
	return out


def current_and_future(technician: str, today: date) -> list:
	"""The technician's active absences that have not ended before today, earliest first."""
	rows = frappe.get_all(
		DOCTYPE,
		filters={"technician": technician, "status": "Active"},
		fields=ROW_FIELDS,
		order_by="from_date asc, name asc",
	)
	return [r for r in rows if getdate(r.until_date or r.from_date) >= today]


# ------------------------------------------------------------------ writing


def normalize(doc) -> None:
	"""Check and canonicalise an absence record (the Desk form, the board and the SMS alike)."""
	with engine_errors():
		for field in ("start_time", "end_time"):
			value = (doc.get(field) or "").strip()
			doc.set(field, availability.parse_time(value).strftime("%H:%M") if value else None)
	if not doc.from_date:
		frappe.throw(_("An absence needs a start date"), DispatchValidationError)
	if doc.reason not in REASONS:
		frappe.throw(_("Unknown absence reason {0}").format(doc.reason), DispatchValidationError)
	if doc.until_date and getdate(doc.until_date) < getdate(doc.from_date):
		frappe.throw(_("The absence ends before it starts"), DispatchValidationError)
	if doc.until_date and getdate(doc.until_date) == getdate(doc.from_date):
		doc.until_date = None
	if (
		doc.start_time
		and doc.end_time
		and not doc.until_date
		and get_time(doc.end_time) <= get_time(doc.start_time)
	):
		frappe.throw(_("The absence end time must be after its start time"), DispatchValidationError)
	if (getdate(doc.until_date or doc.from_date) - getdate(doc.from_date)).days > 366:
		frappe.throw(_("An absence lasts at most a year"), DispatchValidationError)


def end_from(technician: str, back: date, today: date, reader: str | None = None) -> dict:
	"""The technician works again from `back`: absences starting then or later are cancelled, a running one ends
	the day before. Returns {outcome: clear | shorten | already | none, changed: [names], reason, from, until} (the
	first absence concerned, as it was declared)."""
	rows = current_and_future(technician, today)
	if not rows:
		return {"outcome": "none", "changed": []}
	changed, outcome = [], "already"
	for r in rows:
		first, last = getdate(r.from_date), getdate(r.until_date or r.from_date)
		was = {"reason": r.reason, "from": str(first), "until": str(last), "back": str(back)}
		if first >= back:
			frappe.db.set_value(DOCTYPE, r.name, "status", "Cancelled")
			event = {"action": "clear", "from": None, "until": None}
			outcome = "clear" if outcome != "shorten" else outcome
		elif last >= back:
			until = back - timedelta(days=1)
			frappe.db.set_value(DOCTYPE, r.name, {"until_date": until, "end_time": None})
			event = {"action": "shorten", "from": str(first), "until": str(until)}
			outcome = "shorten"
		else:
			continue
		changed.append(r.name)
		_event(technician, r, {**event, "cancelled": was, "source": reader or "SMS"})
	first = rows[0]
	return {
		"outcome": outcome if changed else "already",
		"changed": changed,
		"reason": first.reason,
		"from": getdate(first.from_date),
		"until": getdate(first.until_date or first.from_date),
	}


def end_now(technician: str, now: datetime, reader: str | None = None) -> dict:
	"""Back at work now ("de retour"): a running absence ends now; one that had not begun yet today is cancelled;
	a planned one on a later day stays."""
	today, clock = now.date(), now.strftime("%H:%M")
	changed = []
	for r in current_and_future(technician, today):
		first, last = getdate(r.from_date), getdate(r.until_date or r.from_date)
		if first > today:
			continue
		if last == today and r.end_time and get_time(r.end_time) <= now.time():
			continue  # over already
		if first == today and r.start_time and get_time(r.start_time) >= now.time():
			frappe.db.set_value(DOCTYPE, r.name, "status", "Cancelled")
		else:
			frappe.db.set_value(
				DOCTYPE, r.name, {"until_date": today if first < today else None, "end_time": clock}
			)
		changed.append(r.name)
	for r in rows_changed(changed):
		_event(technician, r, {"action": "clear", "from": None, "until": None, "source": reader or "SMS"})
	return {"outcome": "clear" if changed else "none", "changed": changed}


def rows_changed(names: list[str]) -> list:
	return frappe.get_all(DOCTYPE, filters={"name": ("in", names or [""])}, fields=ROW_FIELDS)


def _event(technician: str, row, values: dict) -> None:
	"""The `tech-absence` realtime event for one absence record, to every open board."""
	frappe.publish_realtime(
		EVENT,
		{
			"absence": row.name,
			"technician": technician,
			"technician_name": frappe.get_cached_value("Dispatch Technician", technician, "technician_name"),
			"reason": row.reason,
			**values,
		},
		after_commit=True,
	)


# ------------------------------------------------------------------ the jobs an absence overlaps


def affected_jobs(doc, now: datetime | None = None) -> list[tuple[str, datetime]]:
	"""Booked jobs of the technician (not started) overlapping the absence, from now on: (name, start)."""
	now = now or now_datetime()
	absence = as_engine(doc)
	first, last = absence.from_date, absence.last_date
	bands = availability.absence_intervals(absence, first, last)
	rows = frappe.get_all(
		"Dispatch Job",
		filters={
			"assigned_technician": doc.technician,
			"status": ("in", BOOKED),
			"scheduled_start": (
				"between",
				(datetime.combine(first, time.min) - timedelta(days=1), datetime.combine(last, time.max)),
			),
		},
		fields=["name", "scheduled_start", "duration_h"],
		order_by="scheduled_start asc",
	)
	out = []
	for r in rows:
		start = get_datetime(r.scheduled_start)
		end = start + timedelta(hours=float(r.duration_h or 0))
		if end <= now:
			continue
		if any(a < end and start < b for a, b in bands):
			out.append((r.name, start))
	return out


def publish(doc, action: str, summary: dict) -> None:
	_event(
		doc.technician,
		doc,
		{
			"action": action,
			"from": str(getdate(doc.from_date)),
			"until": str(getdate(doc.until_date or doc.from_date)),
			"status": doc.get("status") or "Active",
			"proposal": summary.get("proposal"),
			"affected": summary.get("affected", 0),
			"source": summary.get("reader") or doc.get("source"),
		},
	)


def expire_pending() -> int:
	"""Every minute (scheduler): readings nobody confirmed in time are Expired (they never counted)."""
	names = frappe.get_all(
		DOCTYPE, filters={"status": "Pending", "confirm_by": ("<", now_datetime())}, pluck="name"
	)
	if names:
		frappe.db.set_value(DOCTYPE, {"name": ("in", names)}, "status", "Expired", update_modified=False)
	return len(names)
