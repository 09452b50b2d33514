"""SLA deadlines of a job: Respond By (on site by) and Resolve By (done by), from ERPNext's Service Level
Agreement on the job's source Issue where there is one (its `response_by` and `resolution_by`), or set on the job.
The engine turns them into the job's latest end (engine/sla.py) for ranking, slots, the optimizer and the board."""

import frappe
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.engine.sla import sla_state
from gigafibre_dispatch.engine.states import DONE_STATES
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.scheduling.suggest import slots_for

FIELDS = ("response_by", "resolution_by")
OPEN = ("New", "Triaged", "Proposed", "Scheduled", "Dispatched", "Change Requested")


def from_issue(doc) -> None:
	"""Dispatch Job validate: a job made from an Issue takes the Issue's deadlines it does not set itself."""
	if not doc.get("source_issue"):
		return
	issue = frappe.db.get_value("Issue", doc.source_issue, list(FIELDS), as_dict=True)
	if not issue:
		return
	for field in FIELDS:
		if not doc.get(field) and issue.get(field):
			doc.set(field, issue.get(field))


def issue_changed(issue, method=None) -> None:
	"""Issue on_update (hooks): the Issue's SLA was set or reset; its open jobs follow (a job's own deadline,
	set by hand to something else, stays)."""
	before = issue.get_doc_before_save()
	for field in FIELDS:
		new, old = issue.get(field), before.get(field) if before else None
		if new == old or not new:
			continue
		jobs = frappe.get_all(
			"Dispatch Job",
			filters={"source_issue": issue.name, "status": ("in", OPEN)},
			fields=["name", field],
		)
		for job in jobs:
			if not job.get(field) or (old and str(job.get(field)) == str(old)):
				frappe.db.set_value("Dispatch Job", job.name, field, new)


def state_of(doc) -> dict | None:
	"""A job's SLA state for its card (engine/sla.py), None without a deadline: booked, its end against the
	deadline; not booked, the earliest end the slots engine finds (at risk when that is past the deadline)."""
	info = data.job_info(doc)
	if info.deadline is None:
		return None
	done = doc.status in DONE_STATES
	end = get_datetime(doc.actual_end) if done and doc.get("actual_end") else info.end
	earliest = None
	if end is None and not done and doc.status not in ("Cancelled",) and info.duration_h > 0:
		found = slots_for(info, limit=1)
		earliest = found[0].end if found else None
	state = sla_state(info.deadline, now_datetime(), end, earliest, done=done)
	return {
		**state,
		"deadline": info.deadline.isoformat(),
		"earliest_end": earliest.isoformat() if earliest else None,
	}
