"""Network events (the seed's `network` topic: outages, OLT down and up) told to every open board as a toast.

A monitoring system posts them (`api/network.event`, a Dispatch Manager's or an integration user's API key); an
event carrying a `ref` is told once even when the monitor retries it."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from gigafibre_dispatch.utils.errors import DispatchValidationError

EVENT = "dispatch:network"
# kind -> the toast's colour
KINDS = {"outage": "red", "degraded": "orange", "restored": "green", "olt_down": "red", "olt_up": "green"}
MAX_TEXT = 280
REPLAY_SECONDS = 600


def announce(kind: str, message: str, area: str | None = None, ref: str | None = None) -> dict:
	"""Tell every board; `published` is False for a `ref` already told in the last ten minutes."""
	if kind not in KINDS:
		frappe.throw(
			_("{0} is not a network event kind ({1})").format(frappe.bold(kind), ", ".join(KINDS)),
			DispatchValidationError,
		)
	message = (message or "").strip()
	if not message or len(message) > MAX_TEXT:
		frappe.throw(_("The message must hold 1 to {0} characters").format(MAX_TEXT), DispatchValidationError)
	area = (area or "").strip()[:140] or None
	if ref:
		# One atomic SET NX: two workers handling the same retried event tell it once.
		key = frappe.cache.make_key(f"gigafibre_dispatch:network:{str(ref)[:140]}")
		if not frappe.cache.set(key, 1, ex=REPLAY_SECONDS, nx=True):
			return {"published": False, "ref": ref}
	event = {
		"kind": kind,
		"indicator": KINDS[kind],
		"message": message,
		"area": area,
		"ref": ref,
		"at": now_datetime().isoformat(timespec="seconds"),
	}
	frappe.publish_realtime(EVENT, event)
	return {"published": True, **event}
