# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_dispatch.doctype_helpers import AppendOnly


class DispatchEvidence(AppendOnly, Document):
	pass
