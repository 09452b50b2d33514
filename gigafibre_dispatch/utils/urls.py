"""The site's public address, as links sent by SMS and e-mail name it."""

import frappe
from frappe.utils import get_url


def base_url() -> str:
	"""Dispatch Settings › Public Base URL, else the site's own URL; no trailing slash."""
	return (frappe.get_cached_doc("Dispatch Settings").public_base_url or get_url()).rstrip("/")
