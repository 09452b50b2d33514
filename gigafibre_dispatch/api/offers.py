"""Job offers (seed §5.4): broadcast to every matching technician, targeted to one, or to a pool; the first to
accept wins, and acceptance books the job through the lifecycle (lifecycle/offers.py)."""

import frappe
from frappe import _
from frappe.utils import get_datetime

from gigafibre_dispatch.lifecycle.offers import publish_offer, respond
from gigafibre_dispatch.permissions import technician_for_user
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling.args import get_job
from gigafibre_dispatch.utils.errors import DispatchValidationError

BOOKABLE = ("Triaged", "Proposed")


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
) -> dict:
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
	publish_offer(offer.name, offer.status, doc.name)
	return {"offer": offer.name, "amount": offer.amount, "status": offer.status}


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
