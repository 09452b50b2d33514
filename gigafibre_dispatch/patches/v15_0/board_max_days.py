"""Dispatch Settings hold the board's day limit (one limit for every board read, once two: 42 and 62 days): sites
made before it start at 42 days, as a new site does."""

import frappe


def execute():
	if not frappe.db.get_single_value("Dispatch Settings", "board_max_days"):
		frappe.db.set_single_value("Dispatch Settings", "board_max_days", 42)
