"""Row-level rules for Dispatch Job.

- A user whose only dispatch role is Technician reads the jobs assigned to, or assisted by, their own record.
- A user with User Permissions on Customer (account) or Service Location (site) sees only jobs in that scope.
  The job's links ignore Frappe's own user-permission check so that this one rule (the engine's check_scope)
  applies everywhere, and a command on an out-of-scope job gets the structured scope `policy_error`.
"""

import frappe

from gigafibre_dispatch.engine.lifecycle import Actor, JobState, check_scope
from gigafibre_dispatch.lifecycle.actor import SERVICE_USER, command_in_path, user_scope
from gigafibre_dispatch.roles import is_technician_only


def technician_for_user(user: str | None = None) -> str | None:
	user = user or frappe.session.user
	return frappe.db.get_value("Dispatch Technician", {"user": user, "active": 1}, "name", cache=True)


NOTHING = frozenset()


def _machine_actor(user: str):
	"""The token's actor when the service user is asking (None for everyone else); a service user without a
	token in this request sees nothing."""
	if user != SERVICE_USER:
		return None
	return getattr(frappe.local, "dispatch_actor", None) or Actor(
		SERVICE_USER, frozenset(), account_ids=NOTHING, site_ids=NOTHING
	)


def _scope(user: str):
	if user == "Administrator":
		return None, None
	machine = _machine_actor(user)
	if machine is not None:
		return machine.account_ids, machine.site_ids  # the token's scope, on every route that reads jobs
	return user_scope(user)


def _own_technician(user: str) -> tuple[bool, str | None]:
	"""(whether the caller sees only their own jobs, their technician record)."""
	machine = _machine_actor(user)
	if machine is not None:
		return machine.roles <= {"technician"}, machine.tech_id
	if not is_technician_only(user):
		return False, None
	return True, technician_for_user(user)


def job_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	conditions = []
	accounts, sites = _scope(user)
	if (accounts is not None and not accounts) or (sites is not None and not sites):
		return "1=0"
	if accounts is not None:
		conditions.append(
			f"`tabDispatch Job`.`customer` in ({', '.join(frappe.db.escape(a) for a in accounts)})"
		)
	if sites is not None:
		conditions.append(
			f"`tabDispatch Job`.`service_location` in ({', '.join(frappe.db.escape(s) for s in sites)})"
		)
	own_only, tech = _own_technician(user)
	if own_only:
		if not tech:
			return "1=0"
		tech = frappe.db.escape(tech)
		conditions.append(
			f"(`tabDispatch Job`.`assigned_technician` = {tech} or exists (select 1 from `tabDispatch Job Assistant` a"
			f" where a.parent = `tabDispatch Job`.`name` and a.parenttype = 'Dispatch Job' and a.tech_id = {tech}))"
		)
	return " and ".join(conditions)


def job_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if ptype == "write" and command_in_path():
		return None  # the command itself enforces role and scope, and answers with a policy error
	accounts, sites = _scope(user)
	if accounts is not None or sites is not None:
		state = JobState(
			name=doc.get("name") or "",
			status=doc.get("status"),
			customer=doc.get("customer"),
			service_location=doc.get("service_location"),
		)
		if check_scope(Actor(user, frozenset(), account_ids=accounts, site_ids=sites), state, own_only=False):
			return False
	own_only, tech = _own_technician(user)
	if not own_only:
		return None  # defer to the role permissions
	if not tech:
		return False
	if doc.get("assigned_technician") == tech:
		return True
	return any(row.get("tech_id") == tech for row in doc.get("assistants") or [])


# Row rules for what holds a job's data: an audit event, a state transition, a piece of evidence, an offer is read
# only by whoever may read its job (the same rule, as a sub-query on the job), so a scoped dispatcher or a
# technician cannot reach another customer's or colleague's job through them, nor through a `job.*` join.
def job_linked_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	table = f"`tab{doctype}`"
	own_only, tech = _own_technician(user)
	if doctype == "Dispatch Offer" and own_only:
		# A technician's offers: those naming them, and broadcasts (the page lists those they qualify for).
		if not tech:
			return "1=0"
		tech = frappe.db.escape(tech)
		return (
			f"({table}.`mode` = 'broadcast' or exists (select 1 from `tabDispatch Offer Candidate` c"
			f" where c.parent = {table}.`name` and c.parenttype = 'Dispatch Offer' and c.technician = {tech}))"
		)
	condition = job_query_conditions(user)
	if not condition:
		return ""
	return f"{table}.`job` in (select `tabDispatch Job`.`name` from `tabDispatch Job` where {condition})"


def job_linked_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if doc.doctype == "Dispatch Offer" and _own_technician(user)[0]:
		tech = _own_technician(user)[1]
		return bool(tech) and (
			doc.get("mode") == "broadcast" or any(c.technician == tech for c in doc.get("candidates") or [])
		)
	job = doc.get("job")
	if not job or (user == "Administrator"):
		return None
	if _scope(user) == (None, None) and not _own_technician(user)[0]:
		return None  # nobody to narrow: the role permissions decide
	if not frappe.db.exists("Dispatch Job", job):
		return None
	return False if job_has_permission(frappe.get_doc("Dispatch Job", job), "read", user) is False else None


# A technician reads their own technician record only: a colleague's phone, home, GPS position and schedule are not
# theirs to read (their name reaches them where their work needs it: a helper's name on a job they share).
def technician_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	own_only, tech = _own_technician(user or frappe.session.user)
	if not own_only:
		return ""
	return f"`tabDispatch Technician`.`name` = {frappe.db.escape(tech)}" if tech else "1=0"


def technician_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	own_only, tech = _own_technician(user or frappe.session.user)
	if not own_only:
		return None
	return bool(tech) and doc.get("name") == tech


# What a dispatcher limited to some customers (User Permissions) reads of the SMS logs and the optimizer's runs:
# a customer's message only when its job is theirs (a technician's messages hold a magic link to their whole day:
# none); a proposal only when every job it moves is theirs.
def _scoped(user: str) -> bool:
	return _scope(user) != (None, None)


def _readable_jobs_sql(user: str) -> str:
	"""The jobs a scoped user may read, as a sub-query."""
	return (
		f"select `tabDispatch Job`.`name` from `tabDispatch Job` where {job_query_conditions(user) or '1=1'}"
	)


def sms_log_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	return f"`tabDispatch SMS Log`.`job` in ({_readable_jobs_sql(user)})" if _scoped(user) else ""


def optimization_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if not _scoped(user):
		return ""
	return (
		"not exists (select 1 from `tabDispatch Optimization Move` m where m.parent = `tabDispatch Optimization`.`name`"
		f" and m.parenttype = 'Dispatch Optimization' and m.job not in ({_readable_jobs_sql(user)}))"
	)


def _jobs_all_readable(jobs: set[str], user: str) -> bool | None:
	"""None (the role permissions decide) when the user may read every one of these jobs, else False."""
	if not _scoped(user) or not jobs:
		return None
	readable = set(frappe.get_list("Dispatch Job", filters={"name": ("in", list(jobs))}, pluck="name"))
	return False if jobs - readable else None


def sms_log_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if _scoped(user) and not doc.get("job"):
		return False  # a technician's message (their magic link): not for a scoped dispatcher
	return _jobs_all_readable({doc.get("job")} - {None}, user)


def optimization_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	return _jobs_all_readable({m.job for m in doc.get("moves") or [] if m.job}, user or frappe.session.user)


# A technician reads the sites of their own jobs and the equipment there, not every customer's address, contact
# phone and equipment (the portal's own reads go through portal/; Desk and REST follow this rule).
def _technician_sites_sql(user: str) -> str | None:
	if not _own_technician(user)[0]:
		return None
	return (
		"select `tabDispatch Job`.`service_location` from `tabDispatch Job`"
		f" where {job_query_conditions(user) or '1=0'}"
	)


def site_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	sites = _technician_sites_sql(user)
	if sites is None:
		return ""
	column = "name" if doctype == "Service Location" else "service_location"
	return f"`tab{doctype}`.`{column}` in ({sites})"


def site_has_permission(doc, ptype: str = "read", user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if not _own_technician(user)[0]:
		return None
	site = doc.get("name") if doc.doctype == "Service Location" else doc.get("service_location")
	return bool(site) and bool(
		frappe.get_list("Dispatch Job", filters={"service_location": site}, limit_page_length=1, pluck="name")
	)


# A child table's rows follow their parent's row rule: Frappe checks only the parent's role when a list route asks
# for child rows (`parent_doctype`), never its row rule (hooks.py names the child tables this applies to).
PARENT_RULES = {
	"Dispatch Job": job_query_conditions,
	"Dispatch Optimization": optimization_query_conditions,
	"Dispatch Technician": technician_query_conditions,
	"Dispatch Offer": job_linked_query_conditions,
}


def _parent_of(child: str) -> str | None:
	"""The parent (of PARENT_RULES) whose table fields hold this child table, read from the DocTypes."""
	for parent in PARENT_RULES:
		if any(df.options == child for df in frappe.get_meta(parent).get_table_fields()):
			return parent
	return None


def child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	parent = _parent_of(doctype)
	if not parent:
		return ""
	condition = PARENT_RULES[parent](user or frappe.session.user, parent)
	if not condition:
		return ""
	return (
		f"`tab{doctype}`.`parent` in (select `tab{parent}`.`name` from `tab{parent}` where {condition})"
		f" and `tab{doctype}`.`parenttype` = {frappe.db.escape(parent)}"
	)


def file_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Files attached to a job are listed only to whoever may read the job (Frappe's own File rule serves a private
	file by its attachment, but its list names every attachment)."""
	condition = job_query_conditions(user or frappe.session.user)
	if not condition:
		return ""
	return (
		"(ifnull(`tabFile`.`attached_to_doctype`, '') != 'Dispatch Job' or `tabFile`.`attached_to_name` in"
		f" (select `tabDispatch Job`.`name` from `tabDispatch Job` where {condition}))"
	)
