"""Customer notices of a changed appointment: the quiet period starts at 10 minutes, and the jobs already booked
count as told at their current time (the CSR gave it when booking), so only a later change is texted."""

import frappe

from gigafibre_dispatch.engine.states import INACTIVE_STATES


def execute():
	if not frappe.db.get_single_value("Dispatch Settings", "customer_notice_quiet_min"):
		frappe.db.set_single_value("Dispatch Settings", "customer_notice_quiet_min", 10)
	frappe.db.sql(
		"""update `tabDispatch Job` set customer_told_start = scheduled_start
		where customer_told_start is null and scheduled_start is not null
			and ifnull(assigned_technician, '') != '' and status not in %(inactive)s""",
		{"inactive": tuple(INACTIVE_STATES)},
	)
