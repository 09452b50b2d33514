"""Network events from monitoring (outage, OLT down/up) for the boards' toasts: `integrations/network.py`."""

import frappe

from gigafibre_dispatch.integrations import network

MONITOR_ROLES = ("Dispatch Manager", "System Manager")


@frappe.whitelist(methods=["POST"])
def event(kind: str, message: str, area: str | None = None, ref: str | None = None) -> dict:
	"""POST `kind` (outage, degraded, restored, olt_down, olt_up), `message`, optional `area` and `ref` (a retried
	event with the same ref is told once): every open board shows it."""
	frappe.only_for(MONITOR_ROLES)
	return network.announce(kind, message, area, ref)
