"""`frappe.client.get_count`, answered with the caller's permissions (hooks: override_whitelisted_methods).

Frappe v15's own get_count counts straight in the database: any user could count another customer's jobs, or a
colleague's records, one filter at a time, and learn their values from the counts. This one counts what the
caller's list would show (role permissions, User Permissions and the app's row rules), with the same arguments."""

import frappe
from frappe.client import get_safe_filters


@frappe.whitelist()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
) -> int:
	rows = frappe.get_list(
		doctype, filters=get_safe_filters(filters), fields=["count(*) as n"], limit_page_length=1
	)
	return rows[0].n if rows else 0
