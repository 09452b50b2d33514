"""/t: without a token, the "ask for a new link" page. /t/<token> itself is served by
portal/renderers.py (TechnicianPortal) from the same template."""

import frappe

from gigafibre_dispatch.portal.context import page_context

no_cache = 1


def get_context(context):
	context.no_cache = 1
	context.no_header = 1
	context.no_breadcrumbs = 1
	token = frappe.form_dict.get("token") or ""
	context.update(page_context(token, frappe.form_dict.get("job")))
	if context.state != "ok":
		context.http_status_code = 401
	context.title = "Mes tâches"
	return context
