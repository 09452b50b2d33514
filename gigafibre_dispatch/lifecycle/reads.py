"""The lifecycle's read side, assembled for the faces (api/lifecycle.py): a job as the API shows it, its audit
timeline, its evidence, the dispatcher's cockpit (jobs per state, stuck scheduling, what the caller may do on each
open job) and the technician's job packet. The faces check the caller and the job's scope first."""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.engine.lifecycle import TERMINAL, Actor, allowed_actions
from gigafibre_dispatch.engine.states import BACKLOG_STATES, STATES
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.commands import job_state, state_from
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


def job_dict(doc) -> dict:
	return {f: doc.get(f) for f in JOB_FIELDS}


def timeline(job: str) -> list[dict]:
	"""The job's audit events in order, each with its state transition."""
	events = frappe.get_all(
		"Dispatch Audit Event",
		filters={"job": job},
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
		filters={"job": job},
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
	return timeline


def evidence(job: str) -> list[dict]:
	rows = frappe.get_all(
		"Dispatch Evidence",
		filters={"job": job},
		fields=["name", "creation", "kind", "file_url", "file", "note", "added_by"],
		order_by="creation asc",
	)
	return rows


def cockpit(actor: Actor, limit: int = 200) -> dict:
	"""Jobs per state, stuck scheduling items, and for each open job what `actor` may do (or why not), within the
	actor's accounts and sites."""
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
		{**job_dict(row), "actions": allowed_actions(actor, state_from(row, assistants.get(row.name, ())))}
		for row in rows
	]
	return {"counts": counts, "stuck": stuck, "stuck_after_minutes": minutes, "jobs": jobs}


def job_packet(doc, actor: Actor) -> dict:
	"""What a technician needs on site: the job, where, whom to call, the checklist, the equipment, the actions."""
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
	return {
		"job": job_dict(doc),
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
