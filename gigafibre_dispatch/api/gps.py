"""GPS proxy for the board: Traccar devices and latest positions, degraded to "no fix" on an outage."""

import frappe

from gigafibre_dispatch.integrations import traccar
from gigafibre_dispatch.roles import dispatcher_only


@frappe.whitelist()
@dispatcher_only
def devices() -> dict:
	client = traccar.client()
	if client is None:
		return {"available": False, "devices": []}
	try:
		return {"available": True, "devices": client.devices()}
	except traccar.TraccarUnavailable:
		return {"available": False, "devices": []}


@frappe.whitelist()
@dispatcher_only
def positions() -> dict:
	"""Latest position of every active technician with a device (one Traccar request per device, in parallel)."""
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
