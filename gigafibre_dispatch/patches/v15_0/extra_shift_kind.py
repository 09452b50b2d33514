"""Extra shifts get a kind (Shift, Off: a break that splits the day's shift, On call: drawn, never booked): every
row made before it was added working time, so it becomes a Shift."""

import frappe


def execute():
	frappe.db.sql("""update `tabDispatch Extra Shift` set kind = 'Shift' where coalesce(kind, '') = ''""")
