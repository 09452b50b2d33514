"""A job's details edited from the board: what it is about, not when or by whom.

Subject, note, priority, type, place and tags are plain fields of the job (no lifecycle command owns them); they are
saved through the document with the caller's write permission and its validation (tags at levels 1-5, a place of the
job's customer). Who, when and how long stay with the commands (the board's drop and resize). A job that changed
since the dialog opened is refused, not overwritten.
"""

import frappe
from frappe import _

from gigafibre_dispatch.engine import geo
from gigafibre_dispatch.engine.states import CLOSED_STATES
from gigafibre_dispatch.scheduling.places import copy_coordinates
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors

EDITABLE = ("subject", "description", "priority", "job_type", "service_location")


def edit_details(job: str, values: dict, tags: list | None, expected_modified: str | None) -> dict:
	"""Save `values` (only EDITABLE keys) and, when given, the tag rows; returns the changed field names."""
	doc = frappe.get_doc("Dispatch Job", job)
	doc.check_permission("write")
	if doc.status in CLOSED_STATES:
		frappe.throw(_("A {0} job is not edited any more").format(_(doc.status)), DispatchValidationError)
	if expected_modified and str(doc.modified) != str(expected_modified):
		frappe.throw(
			_("Job {0} was changed by someone else meanwhile: reload it and edit again").format(job),
			frappe.TimestampMismatchError,
		)
	unknown = set(values) - set(EDITABLE)
	if unknown:
		frappe.throw(
			_("These fields are not edited here: {0}").format(", ".join(sorted(unknown))),
			DispatchValidationError,
		)
	changed = [f for f in EDITABLE if f in values and (values[f] or None) != (doc.get(f) or None)]
	for f in changed:
		doc.set(f, values[f] or None)
	if tags is not None:
		rows = [(t.tag, int(t.level), bool(t.required)) for t in tags]  # engine TagReq, parsed at the edge
		if rows != [(t.tag, int(t.level or 1), bool(t.required)) for t in doc.tags]:
			doc.set("tags", [{"tag": tag, "level": level, "required": int(req)} for tag, level, req in rows])
			changed.append("tags")
	if changed:
		if "subject" in changed and not (doc.subject or "").strip():
			frappe.throw(_("A job needs a subject"), DispatchValidationError)
		doc.save()
	return {"job": doc.name, "changed": changed, "modified": str(doc.modified)}


def place_location(doc, latitude: float, longitude: float) -> dict:
	"""Place on map: the job's Service Location gets the clicked coordinates (its own record, saved with its checks
	and the caller's write permission), and the open jobs there, which fetch them from it, get them too. Not a
	lifecycle field: no command."""
	if not doc.service_location:
		frappe.throw(_("Job {0} has no service location to place").format(doc.name), DispatchValidationError)
	location = frappe.get_doc("Service Location", doc.service_location)
	location.check_permission("write")
	with engine_errors():
		geo.validate_coordinates(latitude, longitude)
	location.latitude = round(float(latitude), 6)
	location.longitude = round(float(longitude), 6)
	location.save()
	names = copy_coordinates(location.name, location.latitude, location.longitude, "geofix", also=[doc.name])
	return {
		"job": doc.name,
		"service_location": location.name,
		"latitude": location.latitude,
		"longitude": location.longitude,
		"jobs": names,
	}
