"""The portal's view of a magic link: who it speaks for, which jobs it may show, and the page it renders."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import frappe
from babel.dates import format_datetime
from frappe.utils import get_datetime, get_system_timezone, now_datetime

from gigafibre_dispatch.engine.lifecycle import Actor, PolicyError, allowed_actions
from gigafibre_dispatch.engine.magic import verify_magic_token
from gigafibre_dispatch.engine.states import STATES
from gigafibre_dispatch.lifecycle.commands import job_state
from gigafibre_dispatch.lifecycle.http import refusal
from gigafibre_dispatch.portal.links import publish_window
from gigafibre_dispatch.portal.offers import offers_for

STATUS_FR = {
	"New": "Nouvelle",
	"Triaged": "Triée",
	"Proposed": "Proposée",
	"Scheduled": "Planifiée",
	"Dispatched": "Assignée",
	"In Progress": "En cours",
	"Change Requested": "Changement demandé",
	"Completed": "Terminée",
	"Verified": "Vérifiée",
	"Invoiced": "Facturée",
	"Cancelled": "Annulée",
}
assert set(STATUS_FR) == set(STATES)


def when_fr(value) -> str:
	"""« lun. 23 nov. 09:30 » — the portal speaks French whatever the site's language."""
	if not value:
		return "—"
	# Stored datetimes are the site's wall clock; babel would read a naive one as UTC and shift it to the
	# server's own zone. Say which zone it is, and ask for that same zone back.
	zone = ZoneInfo(get_system_timezone())
	return format_datetime(
		get_datetime(value).replace(tzinfo=zone), "EEE d MMM HH:mm", tzinfo=zone, locale="fr_CA"
	)


class PortalAccess(frappe._dict):
	pass


def access(token: str) -> PortalAccess | str:
	"""Who the link speaks for, or why not ('expired', 'invalid')."""
	s = frappe.get_cached_doc("Dispatch Settings")
	claims = verify_magic_token(
		token, s.get_password("magic_link_secret", raise_exception=False), now=now_datetime()
	)
	if isinstance(claims, str):
		return "expired" if claims == "expired" else "invalid"
	tech = frappe.db.get_value(
		"Dispatch Technician",
		claims["sub"],
		["name", "technician_name", "active", "link_version"],
		as_dict=True,
	)
	if not tech or not tech.active or int(tech.link_version or 0) != int(claims.get("v", 0)):
		return "invalid"
	return PortalAccess(tech=tech.name, tech_name=tech.technician_name, job=claims.get("job"), claims=claims)


def require_access(token: str) -> PortalAccess:
	"""The link's access, or the request ends with the one refusal an expired or invalid link gets."""
	acc = access(token)
	if isinstance(acc, str):
		raise refusal(
			"portal",
			PolicyError(
				"auth", f"link_{acc}", "This link has expired or is not valid; ask dispatch for a new one"
			),
		)
	return acc


def actor_for(acc: PortalAccess) -> Actor:
	return Actor(
		id=f"portal:{acc.tech}",
		roles=frozenset({"technician"}),
		actor_type="technician",
		tech_id=acc.tech,
		tool_name="portal",
	)


def visible_jobs(acc: PortalAccess, day_only: bool = False) -> list:
	"""Published jobs the link may show: its one job, or the technician's (today, or the publish window)."""
	filters = {"published": 1, "is_recurring": 0, "assigned_technician": acc.tech}
	if acc.job:
		filters["name"] = acc.job
	elif day_only:
		today = now_datetime().date()
		filters["scheduled_start"] = (
			"between",
			(datetime.combine(today, time.min), datetime.combine(today, time.max)),
		)
	else:
		start, end = publish_window()
		filters["scheduled_start"] = ("between", (datetime.combine(now_datetime().date(), time.min), end))
	return frappe.get_all(
		"Dispatch Job",
		filters=filters,
		fields=[
			"name",
			"subject",
			"status",
			"priority",
			"scheduled_start",
			"duration_h",
			"service_location",
			"customer",
			"job_type",
		],
		order_by="scheduled_start asc",
	)


def job_in_view(acc: PortalAccess, job: str) -> str:
	"""The job, if the link may show it; else the request ends with a scope refusal."""
	if job not in {j.name for j in visible_jobs(acc)}:
		raise refusal("portal", PolicyError("scope", "not_your_job", "This job is not assigned to you"))
	return job


def page_context(token: str, job: str | None) -> dict:
	"""Everything www/t.html renders."""
	acc = access(token)
	if isinstance(acc, str):
		return {"state": acc}
	jobs = visible_jobs(acc, day_only=False)
	ctx = {
		"state": "ok",
		"tech_name": acc.tech_name,
		"jobs": jobs,
		"offers": [] if acc.job else offers_for(acc.tech),
		"token": token,
		"single": bool(acc.job),
		"status_fr": STATUS_FR,
		"when_fr": when_fr,
	}
	selected = job or (acc.job if acc.job else None)
	if selected and selected in {j.name for j in jobs}:
		ctx["detail"] = _detail(acc, frappe.get_doc("Dispatch Job", selected))
	return ctx


def _detail(acc: PortalAccess, doc) -> dict:
	loc = frappe.get_doc("Service Location", doc.service_location) if doc.service_location else None
	return {
		"doc": doc,
		"location": loc,
		"map_url": f"https://www.openstreetmap.org/?mlat={loc.latitude}&mlon={loc.longitude}#map=17/{loc.latitude}/{loc.longitude}"
		if loc and (loc.latitude or loc.longitude)
		else None,
		"customer_name": frappe.db.get_value("Customer", doc.customer, "customer_name")
		if doc.customer
		else None,
		"actions": {a["command"]: a["enabled"] for a in allowed_actions(actor_for(acc), job_state(doc))},
		"evidence": frappe.get_all(
			"Dispatch Evidence",
			filters={"job": doc.name},
			fields=["kind", "creation"],
			order_by="creation asc",
		),
	}
