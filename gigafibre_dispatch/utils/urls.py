"""The site's public address, as links sent by SMS and e-mail name it, and the secrets those links are signed
with."""

import frappe
from frappe import _
from frappe.utils import get_url


def base_url() -> str:
	"""Dispatch Settings › Public Base URL, else the site's own URL; no trailing slash."""
	return (frappe.get_cached_doc("Dispatch Settings").public_base_url or get_url()).rstrip("/")


def secret(field: str) -> str:
	"""A Dispatch Settings secret (magic_link_secret signs the technicians' and the customers' links, ical_secret the
	calendar feeds); unset, a translated error that says how to set it."""
	value = frappe.get_cached_doc("Dispatch Settings").get_password(field, raise_exception=False)
	if not value:
		frappe.throw(
			_("{0} is not set: run bench --site {1} dispatch rotate-secrets").format(field, frappe.local.site)
		)
	return value
