"""Job offers (seed §5.4): broadcast to every matching technician, targeted to one, or to a pool; the first to
accept wins, and acceptance books the job through the lifecycle (schedule_propose + schedule_confirm)."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.api.scheduling import get_job
from gigafibre_dispatch.engine import offers
from gigafibre_dispatch.engine.lifecycle import Actor
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors

OFFER_ROLES = ("Dispatcher", "Dispatch Manager", "System Manager")
BOOKABLE = ("Triaged", "Proposed")


@frappe.whitelist(methods=["POST"])
def create_offer(
	job: str,
	mode: str = "broadcast",
	candidates: list | str | None = None,
	pricing_preset: str = "standard",
	displacement: float | None = None,
	hourly_rate: float | None = None,
	expires_at: str | None = None,
) -> dict:
	frappe.only_for(OFFER_ROLES)
	doc = get_job(job)
	if doc.status not in BOOKABLE or not doc.scheduled_start:
		frappe.throw(_("Only a triaged job with a planned start can be offered"), DispatchValidationError)
	names = frappe.parse_json(candidates) if isinstance(candidates, str) else (candidates or [])
	offer = frappe.get_doc(
		{
			"doctype": "Dispatch Offer",
			"job": doc.name,
			"mode": mode,
			"pricing_preset": pricing_preset,
			"displacement": displacement,
			"hourly_rate": hourly_rate,
			"expires_at": get_datetime(expires_at) if expires_at else None,
			"candidates": [{"technician": t} for t in names],
		}
	).insert()
	frappe.publish_realtime(
		"dispatch:offer", {"offer": offer.name, "status": offer.status, "job": doc.name}, after_commit=True
	)
	return {"offer": offer.name, "amount": offer.amount, "status": offer.status}


def respond(offer_name: str, technician: str, accept: bool) -> dict:
	"""A technician's answer; the offer row is locked so two acceptances cannot both win."""
	offer = frappe.get_doc("Dispatch Offer", offer_name, for_update=True)
	candidates = [c.technician for c in offer.candidates]
	if not offers.may_accept(offer.mode, candidates, technician):
		frappe.throw(_("This offer is not for you"), frappe.PermissionError)
	if offer.expires_at and get_datetime(offer.expires_at) <= now_datetime():
		if offer.status in ("open", "pending"):
			offer.status = "expired"
			offer.save(ignore_permissions=True)
		frappe.throw(_("This offer has expired"), DispatchValidationError)
	if offer.status not in ("open", "pending"):
		frappe.throw(_("This offer is no longer open ({0})").format(offer.status), DispatchValidationError)
	row = next((c for c in offer.candidates if c.technician == technician), None)
	if row is None:
		row = offer.append("candidates", {"technician": technician})
	row.response = "Accepted" if accept else "Declined"
	row.responded_at = now_datetime()
	if accept:
		with engine_errors():
			offers.check_offer_transition(offer.status, "accepted")
		offer.status = "accepted"
		offer.accepted_by = technician
		offer.accepted_at = now_datetime()
		_book(offer.job, technician)
	elif offer.mode == "targeted" or (
		offer.mode == "pool" and all(c.response == "Declined" for c in offer.candidates)
	):
		offer.status = "pending"  # back to dispatch: nobody left to accept
	offer.save(ignore_permissions=True)
	frappe.publish_realtime(
		"dispatch:offer", {"offer": offer.name, "status": offer.status, "job": offer.job}, after_commit=True
	)
	return {"offer": offer.name, "status": offer.status, "accepted_by": offer.accepted_by}


def _book(job: str, technician: str):
	from gigafibre_dispatch.lifecycle.commands import book

	start = frappe.db.get_value("Dispatch Job", job, "scheduled_start")
	actor = Actor(
		id=f"offer:{technician}", roles=frozenset({"dispatcher"}), actor_type="offer", tool_name="offer-pool"
	)
	book(job, technician, start, actor)


def _as_technician(offer: str, accept: bool) -> dict:
	from gigafibre_dispatch.permissions import technician_for_user

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


def expire_offers():
	"""Scheduled: open or pending offers past their expiry become expired."""
	for name in frappe.get_all(
		"Dispatch Offer",
		filters={"status": ("in", ("open", "pending")), "expires_at": ("<=", now_datetime())},
		pluck="name",
	):
		doc = frappe.get_doc("Dispatch Offer", name)
		doc.status = "expired"
		doc.save(ignore_permissions=True)
