"""HTTP face of the commands: Idempotency-Key header, exact status codes, request-id headers."""

import frappe

from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.actor import current_actor
from gigafibre_dispatch.lifecycle.commands import CommandRefused, execute
from gigafibre_dispatch.lifecycle.http import body_error, json_response, policy_exception, refusal

# Frappe transport keys that may ride along in a body; they are not part of any command's payload.
TRANSPORT_KEYS = ("sid", "cmd", "csrf_token")


def http_command(command: str, job_name: str | None, payload: dict):
	ctx = obs.request_context()
	malformed = body_error(getattr(frappe.local, "request", None))
	if malformed:
		raise refusal(command, malformed)
	payload = {k: v for k, v in payload.items() if k not in TRANSPORT_KEYS}
	try:
		result = execute(
			command,
			job_name,
			payload,
			actor=current_actor(),
			idempotency_key=frappe.get_request_header("Idempotency-Key"),
		)
	except CommandRefused as refused:
		raise policy_exception(refused.error, refused.status) from None
	return json_response(result.status, result.body, {**obs.response_headers(ctx), **result.headers})
