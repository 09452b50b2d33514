"""SLA deadlines of a job: Respond By (on site by) and Resolve By (done by), from ERPNext's Service Level
Agreement on the job's source Issue where there is one (its `response_by` and `resolution_by`), or set on the job.
The engine turns them into the job's latest end (engine/sla.py) for ranking, slots, the optimizer and the board."""

import frappe

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
