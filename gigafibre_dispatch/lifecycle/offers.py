"""A technician's answer to a job offer: the first acceptance wins and books the job through the lifecycle."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.engine import offers
from gigafibre_dispatch.engine.lifecycle import Actor
from gigafibre_dispatch.lifecycle.commands import book
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors

OPEN = ("open", "pending")
# An offer is for a triaged job not yet booked (its priority set, the price follows from its duration).
OFFERABLE = ("Triaged", "Proposed")


def create(
	job: str,
	mode: str,
	candidates: list[str],
	start,
	pricing_preset: str = "standard",
	displacement: float | None = None,
	hourly_rate: float | None = None,
	expires_at=None,
) -> dict:
	"""Offer a job not yet booked at `start` (the job's own planned start when None). The start must lie ahead;
	the drop rules run when a technician accepts (the booking)."""
	row = frappe.db.get_value("Dispatch Job", job, ["status", "scheduled_start"], as_dict=True)
	if row.status not in OFFERABLE:
		frappe.throw(
			_("Only a triaged job not yet booked can be offered (this one is {0})").format(_(row.status)),
			DispatchValidationError,
		)
	start = start or row.scheduled_start
	if not start:
		frappe.throw(_("Give the start the offer books the job at"), DispatchValidationError)
	if get_datetime(start) <= now_datetime():
		frappe.throw(_("An offer's start must be ahead of now"), DispatchValidationError)
	if expires_at and get_datetime(expires_at) >= get_datetime(start):
		frappe.throw(_("The offer must expire before the job starts"), DispatchValidationError)
	offer = frappe.get_doc(
		{
			"doctype": "Dispatch Offer",
			"job": job,
			"mode": mode,
			"start": start,
			"pricing_preset": pricing_preset,
			"displacement": displacement,
			"hourly_rate": hourly_rate,
			"expires_at": expires_at,
			"candidates": [{"technician": t} for t in candidates],
		}
	).insert()
	publish_offer(offer.name, offer.status, job)
	return {"offer": offer.name, "amount": offer.amount, "status": offer.status, "start": str(offer.start)}


def offer_actor(technician: str) -> Actor:
	"""Who books an accepted offer: the pool, on the technician's behalf, with a dispatcher's rights."""
	return Actor(
		id=f"offer:{technician}", roles=frozenset({"dispatcher"}), actor_type="offer", tool_name="offer-pool"
	)


def respond(offer_name: str, technician: str, accept: bool) -> dict:
	"""A technician's answer; the offer row is locked so two acceptances cannot both win."""
	offer = frappe.get_doc("Dispatch Offer", offer_name, for_update=True)
	candidates = [c.technician for c in offer.candidates]
	if not offers.may_accept(offer.mode, candidates, technician):
		frappe.throw(_("This offer is not for you"), frappe.PermissionError)
	if offer.expires_at and get_datetime(offer.expires_at) <= now_datetime():
		if offer.status in OPEN:
			offer.status = "expired"
			offer.save(ignore_permissions=True)
		frappe.throw(_("This offer has expired"), DispatchValidationError)
	if offer.status not in OPEN:
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
		start = offer.start or frappe.db.get_value("Dispatch Job", offer.job, "scheduled_start")
		book(offer.job, technician, start, offer_actor(technician))
	elif offer.mode == "targeted" or (
		offer.mode == "pool" and all(c.response == "Declined" for c in offer.candidates)
	):
		offer.status = "pending"  # back to dispatch: nobody left to accept
	offer.save(ignore_permissions=True)
	publish_offer(offer.name, offer.status, offer.job)
	return {"offer": offer.name, "status": offer.status, "accepted_by": offer.accepted_by}


def publish_offer(offer: str, status: str, job: str):
	frappe.publish_realtime(
		"dispatch:offer", {"offer": offer, "status": status, "job": job}, after_commit=True
	)
