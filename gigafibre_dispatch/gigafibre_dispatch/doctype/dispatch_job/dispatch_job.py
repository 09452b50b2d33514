# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from datetime import timedelta

import frappe
from frappe import _
from frappe.model.base_document import BaseDocument
from frappe.model.document import Document
from frappe.utils import get_datetime, getdate
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine import geo, recurrence, validation
from gigafibre_dispatch.lifecycle.commands import record_direct_delete, record_direct_insert
from gigafibre_dispatch.lifecycle.endpoint import http_command
from gigafibre_dispatch.roles import is_dispatcher
from gigafibre_dispatch.scheduling import deadlines
from gigafibre_dispatch.utils.errors import engine_errors

# Fields only the lifecycle commands change: state, assignment and timing (schedule_propose applies the drop
# rules to them), publication, what the technician recorded on site, the invoice.
LIFECYCLE_FIELDS = (
	"status",
	"status_before_change",
	"change_kind",
	"change_reason",
	"completion_rejections",
	"cancel_reason",
	"release_reason",
	"sales_invoice",
	"actual_start",
	"actual_end",
	"assigned_technician",
	"scheduled_start",
	"scheduled_end",
	"published",
	"customer_signature",
	"no_signature_reason",
	"customer_told_start",
	"customer_notice_due",
	"en_route_at",
	"customer_eta",
	"booking_link_nonce",
)
# What a job created outside the commands may not carry: a booking is made by the commands.
BOOKING_FIELDS = ("assigned_technician", "published")


def _command_method(name: str):
	def method(self, **payload):
		return http_command(name, self.name, payload)

	method.__name__ = name
	method.__doc__ = f"Lifecycle command {name}: POST /api/v2/document/Dispatch Job/<name>/method/{name}"
	return frappe.whitelist(methods=["POST"])(method)


@frappe.whitelist(methods=["POST"])
def intake(**payload) -> Response:
	"""Create a job through the lifecycle: POST /api/v2/method/Dispatch Job/intake."""
	return http_command("intake", None, payload)


class DispatchJob(Document):
	triage = _command_method("triage")
	schedule_propose = _command_method("schedule_propose")
	schedule_confirm = _command_method("schedule_confirm")
	schedule_book = _command_method("schedule_book")
	schedule_release = _command_method("schedule_release")
	assignment_dispatch = _command_method("assignment_dispatch")
	tech_en_route = _command_method("tech_en_route")
	tech_check_in = _command_method("tech_check_in")
	tech_request_change = _command_method("tech_request_change")
	approval_decide = _command_method("approval_decide")
	evidence_add = _command_method("evidence_add")
	tech_complete = _command_method("tech_complete")
	qa_verify = _command_method("qa_verify")
	billing_generate_invoice = _command_method("billing_generate_invoice")
	equipment_install = _command_method("equipment_install")
	equipment_remove = _command_method("equipment_remove")
	scan_record = _command_method("scan_record")
	assistant_add = _command_method("assistant_add")
	assistant_remove = _command_method("assistant_remove")
	cancel = _command_method("cancel")

	def load_from_db(self):
		"""A whole job, except for the one load of Frappe's command router for a machine client: the row the
		auth hook read (lifecycle/actor.py), the child tables left unread (the command reads and locks what it
		needs itself, and the service user holds no User Permission a child row could fail). Such a partial job
		is never saved (see validate)."""
		row = frappe.local.flags.get("dispatch_router_row")
		if not row or row.get("name") != self.name or self.flags.for_update:
			return super().load_from_db()
		frappe.local.flags.dispatch_router_row = None  # once: any later load of the job is whole
		self.flags.ignore_children = True
		BaseDocument.__init__(self, row)
		self.flags.pop("ignore_children", None)
		for df in self._get_table_fields():
			self.set(df.fieldname, [])
		self.flags.children_not_loaded = True

	def autoname(self):
		"""The naming series, never a name already taken: a series counter left behind the existing names
		(restore, import, deleted test jobs) is moved past them instead of failing every insert."""
		from frappe.model.naming import set_name_by_naming_series

		for _attempt in range(3):
			set_name_by_naming_series(self)
			number = self.name[len(series_prefix(self.naming_series)) :]
			# A deleted New job's name keeps its audit history (Frappe hands the newest name back on delete):
			# taking it again would give this job that history.
			if (
				number.isdigit()
				and not frappe.db.exists("Dispatch Job", self.name)
				and not frappe.db.exists("Dispatch Audit Event", {"job": self.name})
			):
				return
			advance_series_past_existing(self.naming_series)
		frappe.throw(
			_("No free job name in series {0}; check the naming series counter").format(self.naming_series),
			frappe.DuplicateEntryError,
		)

	def on_trash(self):
		"""A job that has left New is never deleted (cancel it): not from Desk, REST or frappe.client, whoever asks.
		Only server maintenance code that deletes with ignore_permissions (demo reset, test clean-up) may."""
		if self.flags.ignore_permissions:
			return
		if (self.status or "New") != "New":
			frappe.throw(
				_("Job {0} is {1}: only a New job can be deleted; cancel it instead").format(
					self.name, _(self.status)
				),
				frappe.PermissionError,
			)
		record_direct_delete(self)  # the intake row stays (hooks: ignore_links_on_delete); so does this one

	def validate(self):
		if self.flags.children_not_loaded:
			frappe.throw(_("This job was loaded without its tables and cannot be saved; reload it."))
		self.guard_lifecycle()
		with engine_errors():
			validation.validate_duration(self.duration_h)
			for row in self.tags:
				validation.validate_tag_level(row.level)
			geo.validate_coordinates(self.latitude or None, self.longitude or None)
			validation.check_dependency(self.name, self.depends_on, self._depends_on_of)
			if self.is_recurring:
				recurrence.validate_rrule(self.recurrence_rule or "")
		self.validate_location()
		self.validate_tags_unique()
		self.validate_assistants()
		self.validate_recurrence()
		deadlines.from_issue(self)
		self.set_scheduled_end()

	def guard_lifecycle(self):
		"""Status and lifecycle fields change only through the commands; technicians, QA and billing
		(who hold write permission so they can issue commands) cannot edit a job directly."""
		if self.flags.via_command or self.flags.ignore_lifecycle:
			return
		if self.is_new():
			if (self.status or "New") != "New":
				frappe.throw(_("A new job starts in status New; its lifecycle commands move it on"))
			self.status = "New"
			booked = [f for f in BOOKING_FIELDS if self.get(f)]
			if booked and not (self.is_recurring or self.flags.materialized or self.flags.ignore_permissions):
				frappe.throw(
					_(
						"{0}: a new job is booked through its commands (Propose Schedule, then Confirm Schedule)"
					).format(", ".join(_(self.meta.get_label(f)) for f in booked)),
					frappe.PermissionError,
				)
			return
		before = self.get_doc_before_save()
		changed = [
			f for f in LIFECYCLE_FIELDS if before and str(before.get(f) or "") != str(self.get(f) or "")
		]
		if changed:
			frappe.throw(
				_("{0} change only through the job's lifecycle commands").format(
					", ".join(_(self.meta.get_label(f)) for f in changed)
				),
				frappe.PermissionError,
			)
		if not is_dispatcher():
			frappe.throw(_("Use the job's commands to act on it"), frappe.PermissionError)

	def after_insert(self):
		if not self.flags.via_command and not self.flags.ignore_lifecycle:
			record_direct_insert(self)

	def _depends_on_of(self, name: str) -> str | None:
		if name == self.name:
			return self.depends_on
		return frappe.db.get_value("Dispatch Job", name, "depends_on")

	def validate_location(self):
		if not self.service_location:
			return
		loc_customer = frappe.db.get_value("Service Location", self.service_location, "customer")
		if loc_customer and not self.customer:
			self.customer = loc_customer
		elif loc_customer and self.customer != loc_customer:
			frappe.throw(
				_("Service Location {0} belongs to customer {1}, not {2}").format(
					self.service_location, loc_customer, self.customer
				)
			)

	def validate_tags_unique(self):
		seen = set()
		for row in self.tags:
			if row.tag in seen:
				frappe.throw(_("Tag {0} is listed twice").format(row.tag))
			seen.add(row.tag)

	def validate_assistants(self):
		seen = set()
		for row in self.assistants:
			if row.tech_id == self.assigned_technician:
				frappe.throw(_("The assigned technician cannot also be an assistant on the same job"))
			if row.tech_id in seen:
				frappe.throw(_("Assistant {0} is listed twice").format(row.tech_id))
			if row.duration_h and row.duration_h < 0:
				frappe.throw(_("An assistant's duration cannot be negative"))
			seen.add(row.tech_id)

	def validate_recurrence(self):
		if not self.is_recurring:
			return
		if not self.scheduled_start:
			frappe.throw(_("A recurring template needs a scheduled start: it is the first occurrence"))
		for row in self.pause_periods:
			if getdate(row.to_date) < getdate(row.from_date):
				frappe.throw(_("Pause period row {0}: the end is before the start").format(row.idx))
		if self.recurrence_end and getdate(self.recurrence_end) < getdate(self.scheduled_start):
			frappe.throw(_("The recurrence ends before its first occurrence"))

	def set_scheduled_end(self):
		if self.scheduled_start:
			self.scheduled_end = get_datetime(self.scheduled_start) + timedelta(
				hours=float(self.duration_h or 0)
			)
		else:
			self.scheduled_end = None


def series_prefix(naming_series: str) -> str:
	from frappe.model.naming import NamingSeries

	return NamingSeries(naming_series + ".#####").get_prefix()


def advance_series_past_existing(naming_series: str):
	"""Move a naming-series counter (e.g. DJ-2026-) past the highest job name of that series, living or deleted
	with an audit history (and off a negative value, which would name jobs DJ-2026--0003)."""
	prefix = series_prefix(naming_series)
	highest = frappe.db.sql(
		"""select max(n) from (
			select max(cast(substring(name, %(start)s) as unsigned)) n from `tabDispatch Job`
			where left(name, %(length)s) = %(prefix)s and substring(name, %(start)s) regexp '^[0-9]+$'
			union all
			select max(cast(substring(job, %(start)s) as unsigned)) n from `tabDispatch Audit Event`
			where left(job, %(length)s) = %(prefix)s and substring(job, %(start)s) regexp '^[0-9]+$'
		) names""",
		{"start": len(prefix) + 1, "length": len(prefix), "prefix": prefix},
	)[0][0]
	# The row getseries reads, moved forward only (never back).
	frappe.db.sql(
		"""insert into `tabSeries` (name, current) values (%(prefix)s, %(n)s)
		on duplicate key update current = greatest(current, %(n)s)""",
		{"prefix": prefix, "n": int(highest or 0)},
	)
