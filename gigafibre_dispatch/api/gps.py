"""GPS proxy for the board: Traccar devices and latest positions, degraded to "no fix" on an outage."""

import frappe

from gigafibre_dispatch.integrations import traccar

ROLES = ("Dispatcher", "Dispatch Manager", "System Manager")


@frappe.whitelist()
def devices() -> dict:
	frappe.only_for(ROLES)
	client = traccar.client()
	if client is None:
		return {"available": False, "devices": []}
	try:
		return {"available": True, "devices": client.devices()}
	except traccar.TraccarUnavailable:
		return {"available": False, "devices": []}


@frappe.whitelist()
def positions() -> dict:
	"""Latest position of every active technician with a device (one Traccar request per device, in parallel)."""
	frappe.only_for(ROLES)
	client = traccar.client()
	techs = frappe.get_all(
		"Dispatch Technician",
		filters={"active": 1, "traccar_device_id": ("is", "set")},
		fields=["name", "traccar_device_id"],
	)
	if client is None:
		return {"available": False, "positions": {}}
	fixes = client.positions([t.traccar_device_id for t in techs])
	return {
		"available": bool(fixes) or not techs,
		"positions": {t.name: fixes[t.traccar_device_id] for t in techs if t.traccar_device_id in fixes},
	}
