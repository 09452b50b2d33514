"""A technician's links: the magic link to the portal and the webcal URL of the calendar feed."""

from datetime import datetime, time, timedelta

import frappe
import jwt
from frappe.utils import now_datetime

from gigafibre_dispatch.engine.ical import ical_token
from gigafibre_dispatch.engine.magic import make_magic_token, refresh_magic_token
from gigafibre_dispatch.utils.urls import base_url, secret


def link_ttl_hours() -> int:
	return int(frappe.get_cached_doc("Dispatch Settings").magic_link_ttl_hours or 72)


def portal_url(token: str) -> str:
	return f"{base_url()}/t/{token}"


def magic_link_for(technician: str, job: str | None = None) -> str:
	version = frappe.db.get_value("Dispatch Technician", technician, "link_version") or 0
	token = make_magic_token(
		technician,
		secret("magic_link_secret"),
		now=now_datetime(),
		ttl_hours=link_ttl_hours(),
		job=job,
		version=version,
	)
	return portal_url(token)


def renewed_link(claims: dict) -> tuple[str, float] | None:
	"""A fresh link for a valid one (same target and version), and its hours; None once the chain is older than
	the engine's bound (engine/magic.py MAX_CHAIN_DAYS): dispatch then sends a new link."""
	ttl = link_ttl_hours()
	fresh = refresh_magic_token(claims, secret("magic_link_secret"), now=now_datetime(), ttl_hours=ttl)
	if fresh is None:
		return None
	claims = jwt.decode(fresh, options={"verify_signature": False})  # ours, just signed
	return portal_url(fresh), round((claims["exp"] - claims["iat"]) / 3600, 2)


def revoke_links(technician: str) -> int:
	"""Every link sent to this technician stops working (their link version moves on); the new version. The next
	publication or "Copy magic link" makes links that work."""
	frappe.db.sql(  # one statement: two revocations at once both count
		"update `tabDispatch Technician` set link_version = ifnull(link_version, 0) + 1, modified = now() where name = %s",
		technician,
	)
	return int(frappe.db.get_value("Dispatch Technician", technician, "link_version"))


def ical_url_for(technician: str) -> str:
	token = ical_token(technician, secret("ical_secret"))
	host = base_url().split("://", 1)[-1]
	return f"webcal://{host}/dispatch/calendar/{technician}.ics?token={token}"


def publish_window(today=None) -> tuple[datetime, datetime]:
	"""What a feed or a portal shows: 7 days back to 60 days ahead."""
	today = datetime.combine(today or now_datetime().date(), time.min)
	return today - timedelta(days=7), today + timedelta(days=61)
