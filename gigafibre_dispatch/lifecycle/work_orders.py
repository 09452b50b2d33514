"""A work order (+ WO on the board, the scheduling API): a Dispatch Job made through `intake` under the caller,
then, with a technician and a start, or with auto-assign (the best suggested slot), booked through the lifecycle
(triage, propose, confirm). A place picked in the address search becomes the customer's Service Location."""

import frappe
from frappe import _

from gigafibre_dispatch.engine.lifecycle import JOB_TYPES, PRIORITIES, Actor
from gigafibre_dispatch.lifecycle.commands import book, run_internal
from gigafibre_dispatch.scheduling import data, places
from gigafibre_dispatch.scheduling.suggest import slot_dicts, slots_for
from gigafibre_dispatch.utils.errors import DispatchValidationError


def create(
	subject: str,
	values: dict,
	*,
	tags=(),
	technician: str | None = None,
	start=None,
	auto_assign: bool = False,
	place=None,
	actor: Actor,
) -> tuple[str, dict | None]:
	"""The new job's name and, with auto-assign, the slot it was booked on (or None)."""
	if not (subject or "").strip():
		frappe.throw(_("A work order needs a subject"), DispatchValidationError)
	if values.get("priority") not in PRIORITIES:
		frappe.throw(_("Priority must be one of {0}").format(", ".join(PRIORITIES)), DispatchValidationError)
	if values.get("job_type") not in JOB_TYPES:
		frappe.throw(_("Job type must be one of {0}").format(", ".join(JOB_TYPES)), DispatchValidationError)
	if bool(technician) != bool(start) and not auto_assign:
		frappe.throw(
			_("To book a work order give both a technician and a start (or neither, or auto-assign)"),
			DispatchValidationError,
		)
	if place and not values.get("service_location"):
		values = {**values, "service_location": places.location_for(values.get("customer"), place)}
	payload = {
		**values,
		"subject": subject.strip(),
		"tags": [{"tag": t.tag, "level": t.level, "required": t.required} for t in tags],
	}
	name = run_internal(None, [("intake", {k: v for k, v in payload.items() if v is not None})], actor)
	suggestion = None
	if technician and start:
		book(name, technician, start, actor)
	elif auto_assign:
		found = slots_for(data.job_info(frappe.get_doc("Dispatch Job", name)), None, 1)
		if found:
			suggestion = slot_dicts(found[:1])[0]
			book(name, found[0].tech_id, found[0].start, actor)
	return name, suggestion
