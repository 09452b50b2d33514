# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from gigafibre_dispatch.scheduling import optimize


class DispatchOptimization(Document):
	"""An auto-distribute proposal: the optimizer writes it, a dispatcher applies it (`api/optimizer.apply`).
	It never changes a job by itself. Created from Desk, it starts the run; afterwards only the optimizer and
	the apply step write it."""

	def validate(self):
		if self.flags.from_service:
			return
		if not self.is_new():
			frappe.throw(
				_("A proposal changes only through the optimizer and its Apply"), frappe.PermissionError
			)
		optimize.prepare(self)
		self.flags.launch = True

	def after_insert(self):
		if self.flags.launch:
			optimize.launch(self.name)
