"""A technician held one absence band (absence_from/absence_until/… on Dispatch Technician); absences are records
of their own now (Dispatch Absence, several per technician). Each band still stored becomes one record (source
"Migrated", no job is touched: its jobs were handled, or not, when it was set) and the old columns are emptied.
Frappe keeps a removed field's column, so the old values are read from it."""

import frappe

OLD = ("absence_reason", "absence_from", "absence_until", "absence_start_time", "absence_end_time")
REASONS = ("Malade", "Vacances", "Formation", "Rendez-vous", "Congé", "Absent")


def execute():
	table = "tabDispatch Technician"
	if not all(frappe.db.has_column("Dispatch Technician", c) for c in OLD):
		return
	rows = frappe.db.sql(
		f"select name, {', '.join(OLD)} from `{table}` where absence_from is not null", as_dict=True
	)
	for r in rows:
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Absence",
				"technician": r.name,
				"reason": r.absence_reason if r.absence_reason in REASONS else "Absent",
				"from_date": r.absence_from,
				"until_date": r.absence_until
				if r.absence_until and r.absence_until >= r.absence_from
				else None,
				"start_time": (r.absence_start_time or None),
				"end_time": (r.absence_end_time or None),
				"source": "Migrated",
				"note": r.absence_reason if r.absence_reason not in REASONS else None,
			}
		)
		doc.flags.from_service = True  # no job handling for a band set before
		try:
			doc.insert(ignore_permissions=True)
		except frappe.ValidationError:
			doc.update({"start_time": None, "end_time": None})
			doc.insert(ignore_permissions=True)
	frappe.db.sql(f"update `{table}` set {', '.join(f'{c} = null' for c in OLD)}")
