"""Install-time setup: roles and the Dispatch Settings defaults. Idempotent, so it runs on every migrate too."""

import frappe

ROLES = ("Dispatch Manager", "Dispatcher", "Technician", "QA Reviewer", "Billing")


def after_install():
	ensure_roles()
	ensure_settings_defaults()
	ensure_service_user()


def after_migrate():
	ensure_roles()
	ensure_service_user()


def ensure_service_user():
	from gigafibre_dispatch.lifecycle.actor import ensure_service_user as ensure

	ensure()


def ensure_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def ensure_settings_defaults():
	"""Fill every empty field of the single Dispatch Settings with its DocType default (the seed's values)."""
	settings = frappe.get_single("Dispatch Settings")
	changed = False
	for df in settings.meta.fields:
		if df.default and settings.get(df.fieldname) in (None, "", 0) and df.fieldtype != "Check":
			settings.set(df.fieldname, df.default)
			changed = True
	if changed:
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)
