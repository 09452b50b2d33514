"""Row-level rules: a Technician-only user reads the jobs assigned to, or assisted by, their own record."""

import frappe

# Roles that see every job (subject to User Permissions on Customer / Service Location).
DISPATCH_WIDE_ROLES = {
	"System Manager",
	"Dispatch Manager",
	"Dispatcher",
	"QA Reviewer",
	"Billing",
	"Administrator",
}


def is_technician_only(user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user == "Administrator":
		return False
	roles = set(frappe.get_roles(user))
	return "Technician" in roles and not (roles & DISPATCH_WIDE_ROLES)


def technician_for_user(user: str | None = None) -> str | None:
	user = user or frappe.session.user
	return frappe.db.get_value("Dispatch Technician", {"user": user, "active": 1}, "name", cache=True)


def job_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not is_technician_only(user):
		return ""
	tech = technician_for_user(user)
	if not tech:
		return "1=0"
	tech = frappe.db.escape(tech)
	return (
		f"(`tabDispatch Job`.`assigned_technician` = {tech} or exists (select 1 from `tabDispatch Job Assistant` a"
		f" where a.parent = `tabDispatch Job`.`name` and a.parenttype = 'Dispatch Job' and a.tech_id = {tech}))"
	)


def job_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if not is_technician_only(user):
		return None  # defer to the role permissions
	tech = technician_for_user(user)
	if not tech:
		return False
	if doc.get("assigned_technician") == tech:
		return True
	return any(row.get("tech_id") == tech for row in doc.get("assistants") or [])
