"""Read side of the lifecycle: job, timeline, evidence, dispatcher cockpit, technician job packet.

Same actor, role and scope checks as the commands; refusals carry the same `policy_error` body.
Commands themselves are Dispatch Job methods: POST /api/v2/document/Dispatch Job/<name>/method/<command>.
"""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine.lifecycle import (
	COMMANDS,
	STAFF,
	TERMINAL,
	Actor,
	PolicyError,
	allowed_actions,
	check_scope,
)
from gigafibre_dispatch.engine.states import BACKLOG_STATES, STATES
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.actor import require_actor
from gigafibre_dispatch.lifecycle.commands import job_state, state_from
from gigafibre_dispatch.lifecycle.http import json_response, refusal
from gigafibre_dispatch.scheduling.data import JOB_VIEW_FIELDS

JOB_FIELDS = (
	*JOB_VIEW_FIELDS,
	"actual_start",
	"actual_end",
	"sales_invoice",
	"completion_rejections",
	"change_kind",
	"change_reason",
)


def _job(name: str, actor: Actor):
	if not name or not frappe.db.exists("Dispatch Job", name):
		raise refusal("read", PolicyError("validation", "job_not_found", "Unknown job"), 404)
	doc = frappe.get_doc("Dispatch Job", name)
	denied = check_scope(actor, job_state(doc))
	if denied:
		raise refusal("read", denied)
	return doc


def _ok(data) -> Response:
	return json_response(200, {"data": data}, obs.response_headers(obs.request_context()))


def _job_dict(doc) -> dict:
	return {f: doc.get(f) for f in JOB_FIELDS}


@frappe.whitelist(methods=["GET"])
def get_job(job: str) -> Response:
	actor = require_actor()
	doc = _job(job, actor)
	return _ok(
		{
			**_job_dict(doc),
			"tags": [t.as_dict(no_default_fields=True) for t in doc.tags],
			"actions": allowed_actions(actor, job_state(doc)),
		}
	)


@frappe.whitelist(methods=["GET"])
def get_timeline(job: str) -> Response:
	actor = require_actor()
	doc = _job(job, actor)
	events = frappe.get_all(
		"Dispatch Audit Event",
		filters={"job": doc.name},
		fields=[
			"name",
			"creation",
			"command",
			"from_state",
			"to_state",
			"actor",
			"actor_type",
			"role",
			"request_id",
			"payload",
		],
		order_by="creation asc, name asc",
	)
	transitions = frappe.get_all(
		"Dispatch State Transition",
		filters={"job": doc.name},
		fields=["name", "creation", "command", "from_state", "to_state", "actor", "audit_event"],
		order_by="creation asc, name asc",
	)
	by_event = {t.audit_event: t for t in transitions}
	timeline = [
		{
			"at": e.creation,
			"command": e.command,
			"from_state": e.from_state,
			"to_state": e.to_state,
			"actor": e.actor,
			"actor_type": e.actor_type,
			"request_id": e.request_id,
			"audit_event": e.name,
			"transition": by_event.get(e.name, {}).get("name"),
			"payload": frappe.parse_json(e.payload) if e.payload else None,
		}
		for e in events
	]
	return _ok({"job": doc.name, "status": doc.status, "timeline": timeline})


@frappe.whitelist(methods=["GET"])
def get_evidence(job: str) -> Response:
	actor = require_actor()
	doc = _job(job, actor)
	rows = frappe.get_all(
		"Dispatch Evidence",
		filters={"job": doc.name},
		fields=["name", "creation", "kind", "file_url", "file", "note", "added_by"],
		order_by="creation asc",
	)
	return _ok({"job": doc.name, "evidence": rows})


@frappe.whitelist(methods=["GET"])
def cockpit(limit: int = 200) -> Response:
	"""Jobs per state, stuck scheduling items, and for each open job what this caller may do (or why not)."""
	actor = require_actor(STAFF)
	filters = {"is_recurring": 0}
	if actor.account_ids is not None:
		filters["customer"] = ("in", list(actor.account_ids) or [""])
	if actor.site_ids is not None:
		filters["service_location"] = ("in", list(actor.site_ids) or [""])
	counts = {s: 0 for s in STATES}
	for row in frappe.get_all(
		"Dispatch Job", filters=filters, fields=["status", "count(name) as n"], group_by="status"
	):
		counts[row.status] = row.n
	minutes = obs.thresholds()["stuck_scheduling_minutes"]
	cutoff = now_datetime() - timedelta(minutes=max(1, minutes))
	stuck = frappe.get_all(
		"Dispatch Job",
		filters={**filters, "status": ("in", BACKLOG_STATES), "modified": ("<", cutoff)},
		fields=["name", "subject", "status", "modified"],
		order_by="modified asc",
		limit_page_length=100,
	)
	# Open jobs and their assistants in two queries, whatever their number.
	rows = frappe.get_all(
		"Dispatch Job",
		filters={**filters, "status": ("not in", tuple(TERMINAL))},
		fields=list(dict.fromkeys((*JOB_FIELDS, "status_before_change"))),
		order_by="modified desc",
		limit_page_length=max(1, min(int(limit or 200), 500)),
	)
	assistants: dict[str, list] = {}
	for a in frappe.get_all(
		"Dispatch Job Assistant",
		filters={"parenttype": "Dispatch Job", "parent": ("in", [r.name for r in rows] or [""])},
		fields=["parent", "tech_id"],
	):
		assistants.setdefault(a.parent, []).append(a.tech_id)
	jobs = [
		{**_job_dict(row), "actions": allowed_actions(actor, state_from(row, assistants.get(row.name, ())))}
		for row in rows
	]
	return _ok({"counts": counts, "stuck": stuck, "stuck_after_minutes": minutes, "jobs": jobs})


@frappe.whitelist(methods=["GET"])
def job_packet(job: str) -> Response:
	"""What a technician needs on site: the job, where, whom to call, the checklist, the equipment, the actions."""
	actor = require_actor()
	doc = _job(job, actor)
	location = None
	if doc.service_location:
		loc = frappe.get_doc("Service Location", doc.service_location)
		location = {
			"name": loc.name,
			"label": loc.location_name,
			"address": ", ".join(p for p in (loc.address_line, loc.city, loc.province, loc.postal_code) if p),
			"latitude": loc.latitude,
			"longitude": loc.longitude,
			"map_url": f"https://www.openstreetmap.org/?mlat={loc.latitude}&mlon={loc.longitude}#map=17/{loc.latitude}/{loc.longitude}"
			if loc.latitude or loc.longitude
			else None,
			"access_notes": loc.access_notes,
		}
		contacts = (
			[{"name": loc.contact, "phone": loc.contact_phone}] if (loc.contact or loc.contact_phone) else []
		)
	else:
		contacts = []
	if doc.customer:
		contacts.append(
			{"customer": doc.customer, "name": frappe.db.get_value("Customer", doc.customer, "customer_name")}
		)
	return _ok(
		{
			"job": _job_dict(doc),
			"location": location,
			"contacts": contacts,
			"checklist": [{"item": c.item, "done": c.done, "note": c.note} for c in doc.checklist],
			"equipment": [
				{
					k: e.get(k)
					for k in (
						"item_code",
						"equipment_type",
						"serial_no",
						"mac_address",
						"brand",
						"model",
						"action",
					)
				}
				for e in doc.equipment_items
			],
			"actions": allowed_actions(actor, job_state(doc)),
		}
	)


@frappe.whitelist(methods=["GET"])
def command_specs() -> Response:
	"""Each command's payload fields (for forms and clients)."""
	require_actor()
	return _ok(
		{
			name: {
				"label": c.label,
				"from_states": sorted(s for s in c.from_states if s),
				"roles": sorted(c.roles),
				"fields": {
					k: {"kind": f.kind, "required": f.required, "choices": list(f.choices)}
					for k, f in c.fields.items()
				},
			}
			for name, c in COMMANDS.items()
		}
	)
