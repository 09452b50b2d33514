"""Fixtures for the browser checks in e2e/ (run through `bench --site S execute`; they commit, like the demo)."""

import json
from datetime import timedelta

import frappe
from frappe.utils import now_datetime


def portal_fixture() -> str:
	"""A technician with one dispatched, published job today; prints its magic link and an expired one."""
	from gigafibre_dispatch.engine.magic import make_magic_token
	from gigafibre_dispatch.portal.links import magic_link_for
	from gigafibre_dispatch.setup.install import ensure_secrets

	frappe.set_user("Administrator")
	ensure_secrets()
	name = "E2E-PORTAL-TECH"
	if not frappe.db.exists("Dispatch Technician", name):
		frappe.get_doc(
			{
				"doctype": "Dispatch Technician",
				"technician_name": "Tech E2E",
				"home_latitude": 45.5,
				"home_longitude": -73.57,
			}
		).insert(set_name=name)
	frappe.db.set_value("Dispatch Technician", name, {"active": 1, "link_version": 0})
	for old in frappe.get_all("Dispatch Job", filters={"assigned_technician": name}, pluck="name"):
		for doctype in ("Dispatch Evidence", "Dispatch State Transition", "Dispatch Audit Event"):
			frappe.db.delete(doctype, {"job": old})
		frappe.db.delete("Dispatch Idempotency Record", {"job": old})
		frappe.delete_doc("Dispatch Job", old, force=True, ignore_permissions=True)
	# Within the portal's window whatever the hour (the window starts today: a run may cross midnight).
	start = (now_datetime() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
	location = _customer_location("E2E Famille Tremblay", "fr", "E2E-LOC-FR", "514-555-0101", 45.52, -73.60)
	job = frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"subject": "Installation fibre — Famille Tremblay",
			"service_location": location,
			"assigned_technician": name,
			"scheduled_start": start,
			"duration_h": 1,
			"status": "Dispatched",
			"published": 1,
			"description": "Sonner deux fois. Chien gentil.",
			"checklist": [{"item": "Vérifier le signal à l'ONT"}, {"item": "Photo de l'installation"}],
			"equipment_items": [{"equipment_type": "ONT", "serial_no": "ZTEG1234ABCD", "action": "On site"}],
		}
	)
	job.flags.ignore_lifecycle = True
	job.insert(ignore_permissions=True)
	secret = frappe.get_single("Dispatch Settings").get_password("magic_link_secret")
	expired = make_magic_token(name, secret, now=now_datetime() - timedelta(hours=100))
	frappe.db.commit()
	out = json.dumps({"link": magic_link_for(name).split("/t/", 1)[1], "expired": expired, "job": job.name})
	print(out)
	return out


def _customer_location(customer: str, language: str, name: str, phone: str, lat: float, lon: float) -> str:
	"""A customer (in `language`) and its service location with a phone, made once."""
	if not frappe.db.exists("Customer", customer):
		doc = frappe.new_doc("Customer")
		doc.customer_name = customer
		doc.customer_type = "Individual"
		doc.insert(ignore_permissions=True, set_name=customer)
	frappe.db.set_value("Customer", customer, "language", language)
	if not frappe.db.exists("Service Location", name):
		frappe.get_doc(
			{
				"doctype": "Service Location",
				"location_name": name,
				"customer": customer,
				"contact_phone": phone,
				"latitude": lat,
				"longitude": lon,
			}
		).insert(ignore_permissions=True, set_name=name)
	return name


def booking_fixture() -> str:
	"""Two jobs needing a time, one for a French and one for an English customer, each with a booking link sent;
	and a rival job (Triaged) the check books into a slot to take it meanwhile. Prints their names and links."""
	from gigafibre_dispatch.lifecycle import self_booking
	from gigafibre_dispatch.setup.install import ensure_secrets

	frappe.set_user("Administrator")
	ensure_secrets()
	out = {}
	for key, customer, lang, loc, phone in (
		("fr", "E2E Famille Tremblay", "fr", "E2E-LOC-FR", "514-555-0101"),
		("en", "E2E Smith Household", "en", "E2E-LOC-EN", "514-555-0102"),
		("rival", "E2E Smith Household", "en", "E2E-LOC-EN", "514-555-0102"),
	):
		location = _customer_location(customer, lang, loc, phone, 45.50, -73.58)
		job = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": f"Réparation — e2e {key}",
				"service_location": location,
				"duration_h": 1,
				"status": "Triaged" if key == "rival" else "New",
				"priority": "medium",
				"job_type": "Réparation",
			}
		)
		job.flags.ignore_lifecycle = True
		job.insert(ignore_permissions=True)
		out[key] = job.name
		if key != "rival":
			out[f"{key}_link"] = self_booking.send_link(job.name)["url"].split("/book/", 1)[1]
	frappe.db.commit()
	print(json.dumps(out))
	return json.dumps(out)


def periodic_jobs_just_run() -> None:
	"""CI on a faked clock (DISPATCH_CI_NOW): the site was made on the real clock, so on the faked one every periodic
	job of Frappe and ERPNext would be overdue and flood the single worker at once. They count as just run, and start
	again on their schedule."""
	frappe.db.sql("update `tabScheduled Job Type` set last_execution = %s", (now_datetime(),))
	frappe.db.commit()
