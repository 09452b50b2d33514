"""Read side of the lifecycle: job, timeline, evidence, dispatcher cockpit, technician job packet.

Same actor, role and scope checks as the commands; refusals carry the same `policy_error` body.
Commands themselves are Dispatch Job methods: POST /api/v2/document/Dispatch Job/<name>/method/<command>.
"""

import frappe
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine.lifecycle import (
	COMMANDS,
	STAFF,
	Actor,
	PolicyError,
	allowed_actions,
	check_scope,
)
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle import reads
from gigafibre_dispatch.lifecycle.actor import require_actor
from gigafibre_dispatch.lifecycle.commands import job_state
from gigafibre_dispatch.lifecycle.http import json_response, refusal


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


@frappe.whitelist(methods=["GET"])
def get_job(job: str) -> Response:
	actor = require_actor()
	doc = _job(job, actor)
	return _ok(
		{
			**reads.job_dict(doc),
			"tags": [t.as_dict(no_default_fields=True) for t in doc.tags],
			"actions": allowed_actions(actor, job_state(doc)),
		}
	)


@frappe.whitelist(methods=["GET"])
def get_timeline(job: str) -> Response:
	actor = require_actor()
	doc = _job(job, actor)
	return _ok({"job": doc.name, "status": doc.status, "timeline": reads.timeline(doc.name)})


@frappe.whitelist(methods=["GET"])
def get_evidence(job: str) -> Response:
	actor = require_actor()
	doc = _job(job, actor)
	return _ok({"job": doc.name, "evidence": reads.evidence(doc.name)})


@frappe.whitelist(methods=["GET"])
def cockpit(limit: int = 200) -> Response:
	"""Jobs per state, stuck scheduling items, and for each open job what this caller may do (or why not)."""
	actor = require_actor(STAFF)
	return _ok(reads.cockpit(actor, limit))


@frappe.whitelist(methods=["GET"])
def job_packet(job: str) -> Response:
	"""What a technician needs on site: the job, where, whom to call, the checklist, the equipment, the actions."""
	actor = require_actor()
	doc = _job(job, actor)
	return _ok(reads.job_packet(doc, actor))


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
