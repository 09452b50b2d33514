"""Operations: health of every part the app needs, metrics (JSON or Prometheus text) and threshold alerts with
runbooks."""

import frappe
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine import ops
from gigafibre_dispatch.engine.lifecycle import DISPATCH
from gigafibre_dispatch.lifecycle import health as health_checks
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.actor import require_actor
from gigafibre_dispatch.lifecycle.http import json_response
from gigafibre_dispatch.roles import is_dispatcher


@frappe.whitelist(methods=["GET"])
def metrics(format: str = "json") -> Response:
	require_actor(DISPATCH)
	snap = obs.snapshot()
	if format == "prometheus":
		return Response(ops.prometheus_text(snap), status=200, mimetype="text/plain; version=0.0.4")
	return json_response(200, {"data": snap}, obs.response_headers(obs.request_context()))


@frappe.whitelist(methods=["GET"])
def alerts() -> Response:
	require_actor(DISPATCH)
	return json_response(200, {"data": obs.alerts()}, obs.response_headers(obs.request_context()))


@frappe.whitelist(methods=["GET"], allow_guest=True)
def health() -> Response:
	"""200 when the database, Redis, the workers, the scheduler and socket.io are all up, else 503; each part's
	state for anyone (a load balancer), what each check saw for dispatchers only."""
	status, body = health_checks.report(details=is_dispatcher())
	return json_response(status, body, {"Cache-Control": "no-store"})
