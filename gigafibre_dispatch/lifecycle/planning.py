"""Planning mode: a technician's own record (weekly schedule, dated extra shifts: added time, breaks that split a
shift, on-call bands) and the absence the planning dialog shows, read and written for the board. Every write is
checked by the technician record under the caller's write permission, then the boards are told."""

from datetime import date, datetime, time

import frappe
from frappe import _
from frappe.utils import get_time, now_datetime

from gigafibre_dispatch.engine.availability import shift_windows, splits_a_shift
from gigafibre_dispatch.engine.lifecycle import Actor
from gigafibre_dispatch.lifecycle.absence import KEYS as ABSENCE_FIELDS
from gigafibre_dispatch.lifecycle.absence import save_from_planning
from gigafibre_dispatch.scheduling import args
from gigafibre_dispatch.scheduling.absence import current_and_future
from gigafibre_dispatch.scheduling.data import EXTRA_KIND, default_shift_week, load_techs
from gigafibre_dispatch.utils.errors import DispatchValidationError

ABSENCE_KEYS = ("absence_name", *ABSENCE_FIELDS)
KINDS = tuple(EXTRA_KIND)  # as stored: Shift, Off, On call


def planning_of(technician: str) -> dict:
	"""What the planning dialog and the month sidebar show of one technician."""
	doc = frappe.get_doc("Dispatch Technician", technician)
	return {
		"technician": doc.name,
		"technician_name": doc.technician_name,
		"weekly_schedule": doc.weekly_schedule,
		"extra_shifts": _extra_rows(doc),
		**shown_absence(doc.name),
	}


def shown_absence(technician: str) -> dict:
	"""The absence the planning dialog shows: the technician's current or next one (the others: `absences`)."""
	rows = current_and_future(technician, now_datetime().date())
	first = rows[0] if rows else None

	def value(field):
		v = first.get(field) if first else None
		return str(v) if v else None

	return {
		"absence_name": first.name if first else None,
		"absence_reason": value("reason"),
		"absence_from": value("from_date"),
		"absence_until": value("until_date") or value("from_date"),
		"absence_start_time": value("start_time"),
		"absence_end_time": value("end_time"),
		"absences": [
			{
				k: (str(r[k]) if r[k] else None)
				for k in ("name", "reason", "from_date", "until_date", "start_time", "end_time")
			}
			for r in rows
		],
	}


def parse_extra_rows(rows) -> list[dict]:
	"""Extra shift rows as sent by the board (a list of {shift_date, start_time, end_time, kind, note}), each date
	and time checked; the record checks that each ends after it starts."""
	if isinstance(rows, str):
		try:
			rows = frappe.parse_json(rows)
		except Exception:
			rows = None
	if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
		frappe.throw(_("Extra shifts must be a list of {date, start, end}"), DispatchValidationError)
	out = []
	for r in rows:
		kind = r.get("kind") or "Shift"
		if kind not in KINDS:
			frappe.throw(
				_("{0} is not a kind of extra shift").format(frappe.bold(kind)), DispatchValidationError
			)
		out.append(
			{
				"shift_date": args.parse_date(r.get("shift_date"), "Shift Date"),
				"start_time": _time(r.get("start_time"), "Start Time"),
				"end_time": _time(r.get("end_time"), "End Time"),
				"kind": kind,
				"note": r.get("note"),
			}
		)
	return out


def parse_absence(values) -> dict:
	if isinstance(values, str):
		try:
			values = frappe.parse_json(values)
		except Exception:
			values = None
	if not isinstance(values, dict) or set(values) - set(ABSENCE_KEYS):
		frappe.throw(_("Unknown absence fields"), DispatchValidationError)
	return values


def save_planning(
	technician: str, weekly_schedule: str | None, extra_shifts, absence: dict | None, actor: Actor
) -> dict:
	"""The board's planning dialog: the weekly schedule and the extra shifts (each given part replaced, checked by
	the technician record), then the absence it shows (`save_from_planning`); the boards told."""
	doc = frappe.get_doc("Dispatch Technician", technician)
	doc.check_permission("write")
	if weekly_schedule is not None:
		doc.weekly_schedule = weekly_schedule.strip() or None
	if extra_shifts is not None:
		doc.set("extra_shifts", extra_shifts)
	doc.save()
	if absence is not None:
		save_from_planning(doc.name, absence, actor)
	_tell(doc.name)
	return planning_of(doc.name)


def split_shift(technician: str, day: date, start: time, end: time, note: str | None = None) -> dict:
	"""A technician dragged onto their own row in planning mode: the shift that holds `start` on `day` is split by
	a break from `start` to `end` (an `Off` extra shift of that date), both pieces left of it and right of it kept.
	Refused when the break does not lie inside one of that day's shifts or leaves nothing on one side."""
	doc = frappe.get_doc("Dispatch Technician", technician)
	doc.check_permission("write")
	if end <= start:
		frappe.throw(_("The break must end after it starts"), DispatchValidationError)
	tech = load_techs(names=[doc.name], date_from=day, date_to=day)[0]
	windows = shift_windows(
		tech.week, tech.extra_shifts, day, day, tech.holidays_or(frozenset()), default_shift_week()
	)
	if not splits_a_shift(windows, datetime.combine(day, start), datetime.combine(day, end)):
		frappe.throw(
			_("{0} to {1} is not inside one shift of {2} on {3}: nothing to split").format(
				start.strftime("%H:%M"), end.strftime("%H:%M"), doc.technician_name or doc.name, day
			),
			DispatchValidationError,
		)
	doc.append(
		"extra_shifts",
		{"shift_date": day, "start_time": start, "end_time": end, "kind": "Off", "note": note or _("Break")},
	)
	doc.save()
	_tell(doc.name)
	return planning_of(doc.name)


def _time(value, label: str) -> str:
	try:
		if value in (None, ""):
			raise ValueError
		t = get_time(value)
	except Exception:
		frappe.throw(
			_("{0}: {1} is not a valid time").format(_(label), frappe.bold(value)), DispatchValidationError
		)
	return t.strftime("%H:%M:%S")


def _extra_rows(doc) -> list[dict]:
	return [
		{
			"shift_date": str(r.shift_date),
			"start_time": get_time(r.start_time).strftime("%H:%M"),
			"end_time": get_time(r.end_time).strftime("%H:%M"),
			"kind": r.kind or "Shift",
			"note": r.note,
		}
		for r in sorted(doc.extra_shifts, key=lambda r: (str(r.shift_date), str(r.start_time)))
	]


def _tell(technician: str):
	frappe.publish_realtime(
		"dispatch:technician_updated",
		{"technician": technician, "by": frappe.session.user},
		after_commit=True,
	)
