"""Offers carry their own start (when the job is booked if accepted). Offers made before kept it on the job: their
start is the job's planned start at the time of the patch, so accepting them books as before."""

import frappe


def execute():
	frappe.db.sql(
		"""update `tabDispatch Offer` o join `tabDispatch Job` j on j.name = o.job
		set o.start = j.scheduled_start
		where o.start is null and j.scheduled_start is not null"""
	)
