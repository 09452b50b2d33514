"""Job offers on the technician's page (/t/<token>): the open offers this technician may take, and their answer.

An offer is open (`open` or `pending`), not expired, and for this technician: named among its candidates
(targeted, pool) or broadcast to everyone who holds the job's required tags at their levels; one the technician
already declined is not shown again. Answering goes through lifecycle/offers.respond (the first acceptance wins
and books the job through the lifecycle commands).
"""

import frappe
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.lifecycle.offers import OPEN, respond
from gigafibre_dispatch.scheduling import data

MAX_SHOWN = 20


def offers_for(technician: str) -> list[dict]:
	"""What the page lists, soonest job first."""
	now = now_datetime()
	offers = frappe.get_all(
		"Dispatch Offer",
		filters={"status": ("in", OPEN)},
		fields=["name", "job", "mode", "amount", "expires_at", "duration_h", "start"],
		order_by="creation desc",
		limit_page_length=200,
	)
	offers = [o for o in offers if not o.expires_at or get_datetime(o.expires_at) > now]
	if not offers:
		return []
	names = [o.name for o in offers]
	answers: dict[str, dict[str, str]] = {}
	for c in frappe.get_all(
		"Dispatch Offer Candidate",
		filters={"parent": ("in", names), "parenttype": "Dispatch Offer"},
		fields=["parent", "technician", "response"],
	):
		answers.setdefault(c.parent, {})[c.technician] = c.response or ""
	jobs = {
		j.name: j
		for j in frappe.get_all(
			"Dispatch Job",
			filters={"name": ("in", [o.job for o in offers])},
			fields=["name", "subject", "scheduled_start", "duration_h", "status"],
		)
	}
	tech = data.load_techs(names=[technician])
	held = tech[0].tags if tech else {}
	required = _required_tags([o.job for o in offers if o.mode == "broadcast"])
	out = []
	for o in offers:
		mine = answers.get(o.name, {})
		job = jobs.get(o.job)
		if job is None or mine.get(technician) == "Declined":
			continue
		if o.mode == "broadcast":
			if any(held.get(tag, 0) < level for tag, level in required.get(o.job, ())):
				continue
		elif technician not in mine:
			continue
		out.append(
			{
				"offer": o.name,
				"job": o.job,
				"subject": job.subject,
				"start": o.start or job.scheduled_start,  # when accepting books it
				"duration_h": o.duration_h or job.duration_h,
				"amount": o.amount,
				"expires_at": o.expires_at,
			}
		)
	out.sort(key=lambda r: (r["start"] is None, r["start"] or now))
	return out[:MAX_SHOWN]


def _required_tags(jobs: list[str]) -> dict[str, list[tuple[str, int]]]:
	out: dict[str, list[tuple[str, int]]] = {}
	if not jobs:
		return out
	for t in frappe.get_all(
		"Dispatch Job Tag",
		filters={"parent": ("in", jobs), "parenttype": "Dispatch Job", "required": 1},
		fields=["parent", "tag", "level"],
	):
		out.setdefault(t.parent, []).append((t.tag, int(t.level or 1)))
	return out


def answer(technician: str, offer: str, accept: bool) -> dict:
	"""The technician's answer to an offer listed for them (anything else is refused as not theirs)."""
	if offer not in {o["offer"] for o in offers_for(technician)}:
		frappe.throw(frappe._("This offer is not for you"), frappe.PermissionError)
	return respond(offer, technician, accept)
