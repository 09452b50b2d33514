"""Small helpers shared by controllers and endpoints."""

import re


def phone_digits(phone: str | None) -> str:
	"""The last 10 digits of a phone number: how an inbound SMS finds its technician."""
	return re.sub(r"\D", "", phone or "")[-10:]


class AppendOnly:
	"""Mixin for the lifecycle's own records (audit events, transitions, idempotency records, evidence).

	The command executor writes them (a plain INSERT, or an insert flagged `via_command`); no route (Desk, REST v1/v2, `frappe.client`,
	imports) may create, edit or delete one through the document API, whoever asks. The only removal is the
	scheduled prune of expired idempotency keys, a direct DELETE.
	"""

	def before_insert(self):
		if not self.flags.via_command:
			self._refuse()

	def validate(self):
		if not (self.flags.via_command and self.is_new()):
			self._refuse()

	def on_trash(self):
		self._refuse()

	def _refuse(self):
		import frappe
		from frappe import _

		frappe.throw(
			_("{0} records are append-only: written by the job's commands, never edited or deleted").format(
				_(self.doctype)
			),
			frappe.PermissionError,
		)
