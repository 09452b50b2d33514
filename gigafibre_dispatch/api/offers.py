"""Job offers (seed §5.4): broadcast to every matching technician, targeted to one, or to a pool; the first to
accept wins, and acceptance books the job through the lifecycle (lifecycle/offers.py)."""

import frappe
from frappe import _

from gigafibre_dispatch.lifecycle.offers import create, respond
from gigafibre_dispatch.permissions import technician_for_user
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling.args import get_job, parse_dt
from gigafibre_dispatch.utils.errors import DispatchValidationError


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def create_offer(
	job: str,
	mode: str = "broadcast",
	candidates: list | str | None = None,
	pricing_preset: str = "standard",
	displacement: float | None = None,
	hourly_rate: float | None = None,
	expires_at: str | None = None,
	start: str | None = None,
) -> dict:
	"""Offer a job not yet booked, at `start` or its own planned start (lifecycle/offers.create)."""
	doc = get_job(job)
	names = frappe.parse_json(candidates) if isinstance(candidates, str) else (candidates or [])
	if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
		frappe.throw(_("Candidates must be a list of technicians"), DispatchValidationError)
	return create(
		doc.name,
		mode,
		names,
		parse_dt(start, "Start") if start else None,
		pricing_preset,
		displacement,
		hourly_rate,
		parse_dt(expires_at, "Expires at") if expires_at else None,
	)


def _as_technician(offer: str, accept: bool) -> dict:
	tech = technician_for_user()
	if not tech:
		frappe.throw(_("Only a technician can answer an offer"), frappe.PermissionError)
	return respond(offer, tech, accept)


@frappe.whitelist(methods=["POST"])
def accept_offer(offer: str) -> dict:
	"""A technician (Desk user) accepts; the first acceptance wins."""
	return _as_technician(offer, True)


@frappe.whitelist(methods=["POST"])
def decline_offer(offer: str) -> dict:
	return _as_technician(offer, False)
