"""Operations: metrics (JSON or Prometheus text) and threshold alerts with runbooks."""

import frappe
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine import ops
from gigafibre_dispatch.engine.lifecycle import DISPATCH
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.actor import require_actor
from gigafibre_dispatch.lifecycle.http import json_response


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
