"""billing generate-invoice: a draft ERPNext Sales Invoice from the job's labour and materials."""

import math

import frappe
from frappe.utils import flt, nowdate, time_diff_in_hours

from gigafibre_dispatch.engine.lifecycle import PolicyError

BILLING_INCREMENT_H = 0.25


def labour_hours(job) -> float:
	"""Actual time on site (check-in to completion), rounded up to the quarter hour; the planned duration
	when the job was never checked in."""
	if job.actual_start and job.actual_end:
		hours = max(0.0, time_diff_in_hours(job.actual_end, job.actual_start))
		return max(
			BILLING_INCREMENT_H, math.ceil(round(hours / BILLING_INCREMENT_H, 6)) * BILLING_INCREMENT_H
		)
	return flt(job.duration_h, 2)


def default_company() -> str | None:
	return (
		frappe.defaults.get_user_default("Company")
		or frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.db.get_value("Company", {}, "name")
	)


def create_invoice(job) -> str:
	"""Create the draft invoice and link it on the job; the caller holds the job's row lock, so never twice."""
	from gigafibre_dispatch.lifecycle.commands import CommandRefused

	if job.sales_invoice:
		raise CommandRefused(PolicyError("state", "already_invoiced", "This job already has an invoice"))
	if not job.customer:
		raise CommandRefused(PolicyError("validation", "no_customer", "The job has no customer to invoice"))
	item = frappe.db.get_single_value("Dispatch Settings", "labour_item")
	if not item:
		raise CommandRefused(
			PolicyError(
				"validation", "labour_item_not_configured", "Set the labour service Item in Dispatch Settings"
			)
		)
	company = default_company()
	if not company:
		raise CommandRefused(PolicyError("validation", "no_company", "No company to invoice from"))
	si = frappe.new_doc("Sales Invoice")
	si.customer = job.customer
	si.company = company
	si.posting_date = nowdate()
	si.due_date = nowdate()
	si.remarks = f"Dispatch Job {job.name}: {job.subject}"
	si.append(
		"items", {"item_code": item, "qty": labour_hours(job), "description": f"{job.subject} ({job.name})"}
	)
	for m in job.materials_used:
		si.append("items", {"item_code": m.item_code, "qty": flt(m.qty) or 1, "uom": m.uom or None})
	# The command already checked who may bill this job; ERPNext's party lookups check Customer read
	# permission for the session user, which a machine client's service user does not hold.
	si.flags.ignore_permissions = True
	si.set_missing_values()
	si.insert(ignore_permissions=True)
	job.db_set("sales_invoice", si.name, update_modified=False)
	return si.name
