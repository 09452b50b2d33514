"""Recurring templates on the site: one ghost occurrence made a concrete job."""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate

from gigafibre_dispatch.engine import recurrence
from gigafibre_dispatch.scheduling.args import parse_dt
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors


def materialize(tpl, occurrence_start) -> dict:
	"""The job of template `tpl` (a document) at `occurrence_start`, created once with template_id set:
	{name, created}. The template's row is locked first: two clicks racing on one ghost make one job."""
	frappe.db.get_value("Dispatch Job", tpl.name, "name", for_update=True)
	if not tpl.is_recurring:
		frappe.throw(
			_("Dispatch Job {0} is not a recurring template").format(tpl.name), DispatchValidationError
		)
	occ = parse_dt(occurrence_start, "Occurrence Start")
	existing = frappe.db.get_value("Dispatch Job", {"template_id": tpl.name, "scheduled_start": occ}, "name")
	if existing:
		return {"name": existing, "created": False}
	with engine_errors():
		valid = recurrence.expand_occurrences(
			tpl.recurrence_rule,
			get_datetime(tpl.scheduled_start),
			occ,
			occ + timedelta(seconds=1),
			until=getdate(tpl.recurrence_end) if tpl.recurrence_end else None,
			pauses=[(getdate(p.from_date), getdate(p.to_date)) for p in tpl.pause_periods],
		)
	if occ not in valid:
		frappe.throw(
			_("{0} is not an occurrence of {1} (outside the rule, paused or past its end)").format(
				occ, tpl.name
			),
			DispatchValidationError,
		)
	fields = recurrence.materialize(tpl.as_dict(), occ)
	doc = frappe.copy_doc(tpl)
	for key, value in fields.items():
		if not isinstance(value, list):
			doc.set(key, value)
	doc.set("pause_periods", [])
	doc.status = "New"
	doc.flags.materialized = True  # the occurrence carries the template's technician and time
	doc.insert()
	return {"name": doc.name, "created": True}
