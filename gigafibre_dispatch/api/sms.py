"""Twilio's webhooks (faces; the work in integrations/twilio/ and lifecycle/sms_inbound.py).

POST /api/method/gigafibre_dispatch.api.sms.inbound — a technician texts an absence, a return or a cancel; the
board updates live. POST …api.sms.status — Twilio's status callback for a message the site sent. Both allow_guest:
the caller is authenticated by the X-Twilio-Signature header (integrations/twilio/webhook.py).
"""

import frappe
from werkzeug.wrappers import Response

from gigafibre_dispatch.integrations.twilio.status import record_status
from gigafibre_dispatch.integrations.twilio.webhook import forbidden, signature_valid, twiml
from gigafibre_dispatch.lifecycle.sms_inbound import reply_to
from gigafibre_dispatch.utils.throttle import guest_throttle


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def inbound(**params) -> Response:
	if not signature_valid():
		return forbidden()
	return twiml(reply_to(params.get("From") or "", params.get("Body") or ""))


@frappe.whitelist(allow_guest=True, methods=["POST"])
@guest_throttle
def status(**params) -> Response:
	if not signature_valid():
		return forbidden()
	record_status(params.get("MessageSid") or "", params.get("MessageStatus") or "", params.get("ErrorCode"))
	return Response(status=204)
