app_name = "gigafibre_dispatch"
app_title = "Gigafibre Dispatch"
app_publisher = "Gigafibre"
app_description = "Field-service dispatch for ERPNext: timeline, ranking, slots, offers, SMS publishing and an enforced job lifecycle"
app_email = "dev@gigafibre.ca"
app_license = "mit"
# "org/repo" form, as frappe/hrms writes it: a bare "erpnext" makes Frappe v15's installer look the
# organisation up on GitHub's API before it notices ERPNext is already installed.
required_apps = ["frappe/erpnext"]

# Installation
# ------------
after_install = "gigafibre_dispatch.setup.install.after_install"
after_migrate = "gigafibre_dispatch.setup.install.after_migrate"
# A brand-new site (no setup wizard) becomes testable: company, UOMs, fiscal year, app defaults.
before_tests = "gigafibre_dispatch.setup.site.before_tests"

# Desk
# ----
app_include_css = []
app_include_js = [
	# Datetime fields render on benches whose air-datepicker has no seconds picker (see the file).
	"/assets/gigafibre_dispatch/js/datetime_compat.js",
	# Idempotency-Key UUIDs for Desk scripts (the technician portal, www/t.html, loads it too).
	"/assets/gigafibre_dispatch/js/uuid4.js",
]
doctype_js = {}

# Permissions
# -----------
# A user whose only dispatch role is Technician sees the jobs assigned to, or assisted by,
# their own Dispatch Technician record.
permission_query_conditions = {
	"Dispatch Job": "gigafibre_dispatch.permissions.job_query_conditions",
	# What holds a job's data follows the job's rule.
	"Dispatch Audit Event": "gigafibre_dispatch.permissions.job_linked_query_conditions",
	"Dispatch State Transition": "gigafibre_dispatch.permissions.job_linked_query_conditions",
	"Dispatch Evidence": "gigafibre_dispatch.permissions.job_linked_query_conditions",
	"Dispatch Offer": "gigafibre_dispatch.permissions.job_linked_query_conditions",
	# A technician reads their own record only; a scoped dispatcher, the messages and proposals of their jobs.
	"Dispatch Technician": "gigafibre_dispatch.permissions.technician_query_conditions",
	"Dispatch SMS Log": "gigafibre_dispatch.permissions.sms_log_query_conditions",
	"Dispatch Optimization": "gigafibre_dispatch.permissions.optimization_query_conditions",
	# A technician: the sites of their jobs and the equipment there.
	"Service Location": "gigafibre_dispatch.permissions.site_query_conditions",
	"Service Equipment": "gigafibre_dispatch.permissions.site_query_conditions",
	# A job's attachments are listed to whoever may read the job.
	"File": "gigafibre_dispatch.permissions.file_query_conditions",
	# A child table's rows follow their parent's rule (list routes asking for child rows by `parent_doctype`).
	**dict.fromkeys(
		(
			"Dispatch Job Tag",
			"Dispatch Job Assistant",
			"Dispatch Job Pause Period",
			"Dispatch Job Equipment",
			"Dispatch Job Material",
			"Dispatch Job Checklist Item",
			"Dispatch Job Photo",
			"Dispatch Optimization Move",
			"Dispatch Optimization Release",
			"Dispatch Optimization Unplaced",
			"Dispatch Technician Tag",
			"Dispatch Extra Shift",
			"Dispatch Offer Candidate",
		),
		"gigafibre_dispatch.permissions.child_query_conditions",
	),
}
has_permission = {
	"Dispatch Job": "gigafibre_dispatch.permissions.job_has_permission",
	"Dispatch Audit Event": "gigafibre_dispatch.permissions.job_linked_has_permission",
	"Dispatch State Transition": "gigafibre_dispatch.permissions.job_linked_has_permission",
	"Dispatch Evidence": "gigafibre_dispatch.permissions.job_linked_has_permission",
	"Dispatch Offer": "gigafibre_dispatch.permissions.job_linked_has_permission",
	"Dispatch Technician": "gigafibre_dispatch.permissions.technician_has_permission",
	"Dispatch SMS Log": "gigafibre_dispatch.permissions.sms_log_has_permission",
	"Dispatch Optimization": "gigafibre_dispatch.permissions.optimization_has_permission",
	"Service Location": "gigafibre_dispatch.permissions.site_has_permission",
	"Service Equipment": "gigafibre_dispatch.permissions.site_has_permission",
}

# Counts follow the caller's permissions and row rules (Frappe v15's get_count counts the whole table).
override_whitelisted_methods = {"frappe.client.get_count": "gigafibre_dispatch.api.counts.get_count"}

# Authentication
# --------------
# Machine clients: Authorization: Bearer <HS256 JWT>; developer mode only: X-Actor-* headers.
# A machine client reaches only the commands and the dispatch read endpoints (lifecycle/actor.py).
auth_hooks = [
	"gigafibre_dispatch.lifecycle.actor.authenticate",
	"gigafibre_dispatch.lifecycle.http.quiet_for_guests",
]
# A JSON body that does not parse is a 400, not Frappe's 500 (it parses the body before any hook runs).
after_request = [
	"gigafibre_dispatch.lifecycle.http.bad_body_response",
	# A guest's error answers carry no traceback (System Settings may allow them for staff).
	"gigafibre_dispatch.lifecycle.http.strip_guest_tracebacks",
	# Server-Timing: how long the server worked on one of this app's answers (for signed-in users).
	"gigafibre_dispatch.utils.server_timing.stamp",
]
# A list's sort order is a field list: a sub-query in `order_by` is refused before any query is built.
before_request = [
	"gigafibre_dispatch.utils.server_timing.start",
	"gigafibre_dispatch.lifecycle.http.guard_sort_order",
	# A field list names the DocType's own columns (a technician joins through no link).
	"gigafibre_dispatch.lifecycle.http.guard_field_list",
]

# A New job may be deleted (a job that has left New never is): its audit rows stay, pointing at the name.
# A proposal is history: a job deleted since is skipped on apply ("The job no longer exists"), never a reason to keep it.
ignore_links_on_delete = [
	"Dispatch Audit Event",
	"Dispatch State Transition",
	"Dispatch Optimization",
	"Dispatch SMS Log",
]

# Document events
# ---------------
doc_events = {
	# An Issue's Service Level Agreement deadlines carry over to its open jobs (scheduling/deadlines.py).
	"Issue": {"on_update": "gigafibre_dispatch.scheduling.deadlines.issue_changed"},
}

# Scheduled tasks
# ---------------
scheduler_events = {
	"hourly": ["gigafibre_dispatch.lifecycle.commands.prune_idempotency_records"],
	"cron": {
		"*/5 * * * *": ["gigafibre_dispatch.lifecycle.observability.snapshot_alerts_job"],
		"* * * * *": [
			"gigafibre_dispatch.gigafibre_dispatch.doctype.dispatch_offer.dispatch_offer.expire_offers",
			"gigafibre_dispatch.integrations.twilio.messages.retry_due",
			"gigafibre_dispatch.integrations.twilio.messages.reconcile_stuck",
			"gigafibre_dispatch.integrations.traccar.poll_positions",
			"gigafibre_dispatch.scheduling.optimize.reconcile_stuck",
			"gigafibre_dispatch.scheduling.absence.expire_pending",
			"gigafibre_dispatch.lifecycle.customer_notices.send_due",
			"gigafibre_dispatch.lifecycle.customer_eta.refresh_due",
		],
	},
}

# Website
# -------
# /t/<token>: the technician's page (www/t.html); /dispatch/calendar/<technician>.ics: the iCal feed.
# Both authenticate by their token and are served by page renderers (no website shell, see portal/renderers.py).
page_renderer = [
	"gigafibre_dispatch.portal.renderers.TechnicianPortal",
	"gigafibre_dispatch.portal.renderers.CalendarFeed",
	"gigafibre_dispatch.portal.renderers.CustomerStatus",
	"gigafibre_dispatch.portal.renderers.CustomerBooking",
]

# Translations: gigafibre_dispatch/translations/fr.csv
