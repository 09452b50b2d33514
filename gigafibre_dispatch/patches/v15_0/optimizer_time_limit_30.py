"""The optimizer's default time limit went from 10 s to 30 s (a day of 400 jobs needs about 18 s to reach the
travel of a long run). Sites still on the old default move to the new one; a value someone chose stays."""

import frappe


def execute():
	value = frappe.db.get_single_value("Dispatch Settings", "optimizer_time_limit_s")
	if value in (None, 0, 10):
		frappe.db.set_single_value("Dispatch Settings", "optimizer_time_limit_s", 30)
