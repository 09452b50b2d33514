"""Factories shared by the integration tests (real site, rolled back by FrappeTestCase)."""

import json
from datetime import date, datetime, time, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, nowdate


class DispatchTestCase(FrappeTestCase):
	"""Class fixtures live for the class (rolled back at its end); each test is rolled back to a savepoint."""

	def setUp(self):
		super().setUp()
		frappe.db.savepoint("dispatch_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="dispatch_test")
		super().tearDown()


def next_monday(weeks_ahead: int = 1) -> date:
	today = getdate(nowdate())
	return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
	return datetime.combine(day, time(hour, minute))


def make_tag(name: str, category: str = "Skill") -> str:
	if not frappe.db.exists("Dispatch Tag", name):
		frappe.get_doc({"doctype": "Dispatch Tag", "tag_name": name, "category": category}).insert(
			ignore_permissions=True
		)
	return name


def make_customer(name: str) -> str:
	if not frappe.db.exists("Customer", name):
		doc = frappe.new_doc("Customer")
		doc.customer_name = name
		doc.customer_type = "Company"
		if frappe.db.exists("Customer Group", "All Customer Groups"):
			doc.customer_group = "All Customer Groups"
		if frappe.db.exists("Territory", "All Territories"):
			doc.territory = "All Territories"
		doc.insert(ignore_permissions=True, set_name=name)
	return name


def make_location(
	customer: str | None, lat: float | None, lon: float | None, label: str = "Test location"
) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Service Location",
			"location_name": label,
			"customer": customer,
			"latitude": lat,
			"longitude": lon,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def make_tech(
	label: str,
	lat: float | None = 45.50,
	lon: float | None = -73.57,
	tags: dict | None = None,
	week: dict | None = None,
	user: str | None = None,
	resource_type: str = "human",
	category: str | None = None,
	absence: dict | None = None,
	extra_shifts: list | None = None,
	active: int = 1,
	phone: str | None = None,
	daily_hour_cap: float = 8,
) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Dispatch Technician",
			"technician_name": label,
			"resource_type": resource_type,
			"resource_category": category,
			"home_latitude": lat,
			"home_longitude": lon,
			"weekly_schedule": json.dumps(week) if week else None,
			"user": user,
			"active": active,
			"phone": phone,
			"daily_hour_cap": daily_hour_cap,
			"tags": [{"tag": make_tag(t), "level": lvl} for t, lvl in (tags or {}).items()],
			"extra_shifts": extra_shifts or [],
		}
	)
	doc.insert(ignore_permissions=True)
	if absence:  # {absence_reason, absence_from, absence_until, absence_start_time, absence_end_time}
		make_absence(
			doc.name,
			absence.get("absence_from"),
			absence.get("absence_until"),
			absence.get("absence_reason") or "Absent",
			absence.get("absence_start_time"),
			absence.get("absence_end_time"),
		)
	return doc.name


def make_absence(
	technician, from_date, until_date=None, reason="Absent", start_time=None, end_time=None
) -> str:
	"""An absence record alone (no job handling: a fixture)."""
	doc = frappe.get_doc(
		{
			"doctype": "Dispatch Absence",
			"technician": technician,
			"from_date": from_date,
			"until_date": until_date,
			"reason": reason,
			"start_time": start_time,
			"end_time": end_time,
		}
	)
	doc.flags.from_service = True
	doc.insert(ignore_permissions=True)
	return doc.name


def make_job(
	subject: str = "Test job",
	tech: str | None = None,
	start: datetime | None = None,
	duration_h: float = 1.0,
	location: str | None = None,
	tags: list[tuple] | None = None,
	**fields,
):
	doc = frappe.get_doc(
		{
			"doctype": "Dispatch Job",
			"subject": subject,
			"assigned_technician": tech,
			"scheduled_start": start,
			"duration_h": duration_h,
			"service_location": location,
			"tags": [{"tag": make_tag(t), "level": lvl, "required": req} for t, lvl, req in (tags or [])],
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def make_user(email: str, roles: list[str]) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	return email
