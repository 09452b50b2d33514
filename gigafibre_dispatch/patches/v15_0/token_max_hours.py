"""Bearer tokens get a maximum lifetime (Dispatch Settings › Bearer Token Max Lifetime, 24 h by default): sites
made before it get the default, so a token minted for ten years stops working at the next request."""

import frappe


def execute():
	if not frappe.db.get_single_value("Dispatch Settings", "token_max_hours"):
		frappe.db.set_single_value("Dispatch Settings", "token_max_hours", 24)
