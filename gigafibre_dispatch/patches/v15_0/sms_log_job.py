"""SMS logs name the job a customer's message is about (their row rule follows the job's): the customer messages
logged before it get theirs from their dedupe key (`schedule:<job>:<time>`)."""

import frappe


def execute():
	for name, key in frappe.get_all(
		"Dispatch SMS Log",
		filters={"kind": "customer", "job": ("is", "not set"), "dedupe_key": ("like", "schedule:%")},
		fields=["name", "dedupe_key"],
		as_list=True,
	):
		job = key.split(":")[1] if key.count(":") >= 2 else None
		if job and frappe.db.exists("Dispatch Job", job):
			frappe.db.set_value("Dispatch SMS Log", name, "job", job, update_modified=False)
