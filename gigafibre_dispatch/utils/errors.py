"""Turn engine errors (plain codes + English detail) into translated Frappe errors."""

from contextlib import contextmanager

import frappe
from frappe import _

from gigafibre_dispatch.engine.errors import EngineError


class DispatchValidationError(frappe.ValidationError):
	pass


def _messages() -> dict:
	# Literal strings so that Frappe's translation extractor finds them.
	return {
		"invalid_weekly_schedule": _("The weekly schedule is not valid: {0}"),
		"invalid_time": _("Invalid time: {0}"),
		"coordinates_out_of_range": _(
			"Coordinates out of range: latitude must be between -90 and 90 and longitude between -180 and 180"
		),
		"invalid_duration": _("Duration must be greater than zero hours and at most two weeks"),
		"invalid_tag_level": _("Tag level must be a whole number from 1 to 5"),
		"dependency_self": _("A job cannot depend on itself"),
		"dependency_cycle": _("These jobs depend on each other in a cycle: {0}"),
		"invalid_rrule": _("The recurrence rule is not valid: {0}"),
		"invalid_date_range": _("The end is before the start"),
		"non_working_day": _(
			"This day is not a working day for the technician; only a continuous job may go there"
		),
		"dependency_not_done": _(
			"This job depends on {0}, which is neither done nor finished before this start"
		),
		"tech_inactive": _("This technician is inactive"),
		"start_in_past": _("This start is in the past; to book it there anyway, give the reason"),
		"start_too_far": _("This start is more than two years ahead: check the year"),
		"invalid_offer_mode": _("Invalid offer: {0}"),
		"invalid_offer_transition": _("An offer cannot go from this status to that one: {0}"),
	}


def engine_message(err: EngineError) -> str:
	template = _messages().get(err.code)
	if not template:
		return str(err)
	detail = err.params.get("path") if err.code == "dependency_cycle" else None
	if err.code == "dependency_not_done":
		detail = err.params.get("dependency") or err.params.get("job") or ""
	return template.format(detail if detail is not None else str(err))


def throw_engine_error(err: EngineError, title: str | None = None):
	frappe.throw(engine_message(err), exc=DispatchValidationError, title=title or _("Not valid"))


@contextmanager
def engine_errors(title: str | None = None):
	"""Run engine code; an EngineError becomes a translated frappe.throw (and the request writes nothing)."""
	try:
		yield
	except EngineError as err:
		throw_engine_error(err, title)
