"""billing generate-invoice: a draft ERPNext Sales Invoice from the job's labour and materials."""

import math

import frappe
from frappe.utils import flt, nowdate, time_diff_in_hours

from gigafibre_dispatch.engine.lifecycle import PolicyError
from gigafibre_dispatch.lifecycle.errors import CommandRefused

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


def _refuse(code: str, message: str, **details):
	raise CommandRefused(PolicyError("validation", code, message, details))


def billing_setup(job) -> tuple[str, str]:
	"""The company and labour Item to bill with, or a refusal that says what to set up (a site whose ERPNext setup
	was never completed has no company, no units of measure and no item groups)."""
	company = default_company()
	if not company:
		_refuse(
			"no_company",
			"No company to invoice from: complete ERPNext's setup (Setup Wizard) or set a Default Company in Global Defaults",
		)
	item = frappe.db.get_single_value("Dispatch Settings", "labour_item")
	if not item:
		_refuse(
			"labour_item_not_configured",
			"Set the Labour Service Item in Dispatch Settings: a service Item sold by the hour",
		)
	row = frappe.db.get_value("Item", item, ["stock_uom", "disabled"], as_dict=True)
	if not row or row.disabled:
		_refuse(
			"labour_item_missing",
			"The Labour Service Item {item} of Dispatch Settings does not exist or is disabled",
			item=item,
		)
	if not row.stock_uom or not frappe.db.exists("UOM", row.stock_uom):
		_refuse(
			"labour_item_no_uom",
			"The Labour Service Item {item} has no unit of measure: set its Default Unit of Measure (e.g. Hour)",
			item=item,
		)
	for m in job.materials_used:
		if not frappe.db.exists("Item", m.item_code):
			_refuse("material_item_missing", "The material Item {item} does not exist", item=m.item_code)
		if m.uom and not frappe.db.exists("UOM", m.uom):
			_refuse("material_uom_missing", "The unit of measure {uom} does not exist", uom=m.uom)
	return company, item


def create_invoice(job) -> str:
	"""Create the draft invoice and link it on the job; the caller holds the job's row lock, so never twice."""
	if job.sales_invoice:
		raise CommandRefused(PolicyError("state", "already_invoiced", "This job already has an invoice"))
	if not job.customer:
		raise CommandRefused(PolicyError("validation", "no_customer", "The job has no customer to invoice"))
	company, item = billing_setup(job)
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
