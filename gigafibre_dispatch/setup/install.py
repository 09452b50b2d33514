"""Install-time setup: roles and the Dispatch Settings defaults. Idempotent, so it runs on every migrate too."""

import frappe

from gigafibre_dispatch.lifecycle.actor import ensure_service_user
from gigafibre_dispatch.roles import APP_ROLES


def after_install():
	ensure_roles()
	ensure_settings_defaults()
	ensure_secrets()
	ensure_service_user()


def after_migrate():
	ensure_roles()
	ensure_secrets()
	ensure_service_user()


SECRETS = ("magic_link_secret", "ical_secret")


def ensure_secrets(rotate: bool = False):
	"""Magic-link and iCal secrets are generated on the site, never shipped; rotate=True replaces them."""
	import secrets

	settings = frappe.get_single("Dispatch Settings")
	changed = False
	for field in SECRETS:
		if rotate or not settings.get_password(field, raise_exception=False):
			settings.set(field, secrets.token_urlsafe(32))
			changed = True
	if changed:
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)


def ensure_roles():
	for role in APP_ROLES:
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
