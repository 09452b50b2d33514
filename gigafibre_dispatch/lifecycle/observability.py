"""Request ids, structured JSON logs, metrics and threshold alerts for the dispatch commands.

Metrics live in Redis (shared by every worker); durable sinks are optional files named in site config and a
sink that cannot be written never breaks a request.
"""

import json
import os
import time
from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime
from redis import Redis

from gigafibre_dispatch.engine import ops
from gigafibre_dispatch.engine.lifecycle import PolicyError
from gigafibre_dispatch.engine.states import BACKLOG_STATES, CLOSED_STATES

WINDOW_MINUTES = 15
SIGNALS = ("completion_rejections", "idempotency_conflicts", "auth_policy_rejections")


# ------------------------------------------------------------------ request context


def request_context() -> dict:
	ctx = getattr(frappe.local, "dispatch_ctx", None)
	if ctx is not None:
		return ctx
	header = frappe.get_request_header if getattr(frappe.local, "request", None) else (lambda *_: None)
	request_id = (header("X-Request-ID") or "").strip()[:64] or ops.new_request_id()
	parsed = ops.parse_traceparent(header("traceparent"))
	trace_id = parsed[0] if parsed else ((header("X-Trace-ID") or "").strip()[:64] or ops.new_trace_id())
	ctx = {
		"request_id": request_id,
		"correlation_id": (header("X-Correlation-ID") or "").strip()[:64] or request_id,
		"trace_id": trace_id,
		"started": time.perf_counter(),
	}
	frappe.local.dispatch_ctx = ctx
	return ctx


def response_headers(ctx: dict) -> dict:
	return {
		"X-Request-ID": ctx["request_id"],
		"X-Correlation-ID": ctx["correlation_id"],
		"X-Trace-ID": ctx["trace_id"],
		"traceparent": ops.traceparent_for(ctx["trace_id"]),
	}


# ------------------------------------------------------------------ logs


def log_request(
	command: str, status: int, *, actor=None, job=None, error: PolicyError | None = None, replayed=False
):
	ctx = request_context()
	entry = {
		"ts": now_datetime().isoformat(),
		"level": "error" if status >= 400 else "info",
		"event": "dispatch.command",
		"command": command,
		"status": status,
		"job": job,
		"actor": actor.id if actor else None,
		"actor_type": actor.actor_type if actor else None,
		"replayed": replayed,
		"request_id": ctx["request_id"],
		"correlation_id": ctx["correlation_id"],
		"trace_id": ctx["trace_id"],
		"duration_ms": round((time.perf_counter() - ctx["started"]) * 1000, 2),
		"site": getattr(frappe.local, "site", None),
	}
	if error is not None:
		entry["error"] = {"code": error.code, "dimension": error.dimension}
	line = json.dumps(entry, default=str, ensure_ascii=False)
	try:
		frappe.logger("gigafibre_dispatch.requests", allow_site=True).info(line)
	except Exception:
		pass
	_append(frappe.conf.get("DISPATCH_LOG_SINK_PATH") or frappe.conf.get("dispatch_log_sink_path"), line)


def _append(path: str | None, line: str):
	if not path:
		return
	try:
		with open(path, "a", encoding="utf-8") as fh:
			fh.write(line + "\n")
	except OSError:
		pass  # a sink that cannot be written never breaks a request


# ------------------------------------------------------------------ metrics


def _key(name: str) -> str:
	return frappe.cache.make_key(f"dispatch:metrics:{name}")


# Frappe's RedisWrapper prefixes keys itself in some methods (hgetall, keys…) and not in others; the metrics
# use plain Redis calls on fully-qualified keys so that every call means the same key.
R = Redis


def _minute(now: datetime | None = None) -> str:
	return (now or now_datetime()).strftime("%Y%m%d%H%M")


def _bump_window(signal: str, amount: int = 1):
	key = _key(f"win:{signal}:{_minute()}")
	R.incrby(frappe.cache, key, amount)
	R.expire(frappe.cache, key, (WINDOW_MINUTES + 5) * 60)


def count_request(command: str, status: int):
	try:
		R.hincrby(frappe.cache, _key("requests"), f"{command}|{status}", 1)
	except Exception:
		pass


def count_error(command: str, error: PolicyError):
	try:
		R.hincrby(frappe.cache, _key("errors"), f"{command}|{error.dimension}", 1)
		if error.dimension == "idempotency" and error.code == "payload_mismatch":
			_bump_window("idempotency_conflicts")
		if error.dimension in ("auth", "role", "scope"):
			_bump_window("auth_policy_rejections")
	except Exception:
		pass


def count_transition(command: str, from_state: str, to_state: str):
	try:
		R.hincrby(frappe.cache, _key("transitions"), f"{command}|{from_state}|{to_state}", 1)
	except Exception:
		pass


def count_completion_rejection():
	try:
		_bump_window("completion_rejections")
	except Exception:
		pass


def observe_refusal(command: str, error: PolicyError):
	count_request(command, error.http_status)
	count_error(command, error)
	log_request(command, error.http_status, error=error)


def _hash(name: str) -> dict:
	raw = R.hgetall(frappe.cache, _key(name)) or {}
	return {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}


def snapshot() -> dict:
	requests = [
		{"command": k.split("|")[0], "status": k.split("|")[1], "count": v}
		for k, v in sorted(_hash("requests").items())
	]
	errors = [
		{"command": k.split("|")[0], "dimension": k.split("|")[1], "count": v}
		for k, v in sorted(_hash("errors").items())
	]
	transitions = []
	for k, v in sorted(_hash("transitions").items()):
		command, from_state, to_state = k.split("|")
		transitions.append({"command": command, "from_state": from_state, "to_state": to_state, "count": v})
	# Road travel times (integrations/routing.py): legs answered by the service, and calls that fell back to the
	# estimate.
	routing = [
		{"provider": k.split("|")[0], "outcome": k.split("|")[1], "count": v}
		for k, v in sorted(_hash("routing").items())
	]
	snap = {
		"generated_at": now_datetime().isoformat(),
		"requests": requests,
		"errors": errors,
		"transitions": transitions,
		"routing": routing,
	}
	_write(
		frappe.conf.get("DISPATCH_METRICS_SINK_PATH") or frappe.conf.get("dispatch_metrics_sink_path"), snap
	)
	return snap


def _write(path: str | None, data: dict):
	if not path:
		return
	try:
		tmp = f"{path}.tmp"
		with open(tmp, "w", encoding="utf-8") as fh:
			json.dump(data, fh, default=str)
		os.replace(tmp, path)
	except OSError:
		pass


def reset_metrics():
	for name in ("requests", "errors", "transitions", "routing"):
		R.delete(frappe.cache, _key(name))
	for key in R.keys(frappe.cache, _key("win:*")) or []:
		R.delete(frappe.cache, key)


# ------------------------------------------------------------------ alerts


def window_sum(signal: str, minutes: int = WINDOW_MINUTES) -> int:
	now = now_datetime()
	keys = [_key(f"win:{signal}:{_minute(now - timedelta(minutes=i))}") for i in range(minutes)]
	return sum(int(v or 0) for v in R.mget(frappe.cache, keys))


def thresholds() -> dict:
	s = frappe.get_cached_doc("Dispatch Settings")

	def pick(conf_key, field):
		value = frappe.conf.get(conf_key)
		return int(value) if value not in (None, "") else int(s.get(field) or 0)

	return {
		"stuck_scheduling_count": pick(
			"DISPATCH_ALERT_STUCK_SCHEDULING_COUNT_THRESHOLD", "alert_stuck_scheduling_count"
		),
		"stuck_scheduling_minutes": pick(
			"DISPATCH_ALERT_STUCK_SCHEDULING_MINUTES", "alert_stuck_scheduling_minutes"
		),
		"completion_rejection": pick(
			"DISPATCH_ALERT_COMPLETION_REJECTION_THRESHOLD", "alert_completion_rejection_threshold"
		),
		"idempotency_conflict": pick(
			"DISPATCH_ALERT_IDEMPOTENCY_CONFLICT_THRESHOLD", "alert_idempotency_conflict_threshold"
		),
		"auth_policy_rejection": pick(
			"DISPATCH_ALERT_AUTH_POLICY_REJECTION_THRESHOLD", "alert_auth_policy_rejection_threshold"
		),
		"sla_breach": pick("DISPATCH_ALERT_SLA_BREACH_THRESHOLD", "alert_sla_breach_threshold"),
	}


def stuck_scheduling_count(minutes: int) -> int:
	cutoff = now_datetime() - timedelta(minutes=max(1, minutes))
	return frappe.db.count(
		"Dispatch Job",
		{"status": ("in", BACKLOG_STATES), "modified": ("<", cutoff), "is_recurring": 0},
	)


def sla_breaches(now=None) -> int:
	"""Open jobs past a deadline: not on site by Respond By (not started), or not done by Resolve By."""
	now = now or now_datetime()
	return frappe.db.sql(
		"""select count(*) from `tabDispatch Job`
		where is_recurring = 0 and status not in %(closed)s and (
			(resolution_by is not null and resolution_by < %(now)s)
			or (response_by is not null and response_by < %(now)s and actual_start is null))""",
		{"now": now, "closed": tuple(CLOSED_STATES)},
	)[0][0]


def alerts() -> dict:
	t = thresholds()
	signals = {
		"stuck_scheduling_count": stuck_scheduling_count(t["stuck_scheduling_minutes"]),
		"sla_breaches": sla_breaches(),
		**{s: window_sum(s) for s in SIGNALS},
	}
	out = {
		"generated_at": now_datetime().isoformat(),
		"window_minutes": WINDOW_MINUTES,
		"signals": signals,
		"thresholds": t,
		"alerts": ops.evaluate_alerts(signals, t),
	}
	return out


def snapshot_alerts_job():
	"""Scheduled: append the alert snapshot to the NDJSON sink and refresh the metrics sink."""
	data = alerts()
	_append(
		frappe.conf.get("DISPATCH_ALERTS_SINK_PATH") or frappe.conf.get("dispatch_alerts_sink_path"),
		json.dumps(data, default=str),
	)
	snapshot()
	firing = [a["alert"] for a in data["alerts"] if a["firing"]]
	if firing:
		frappe.publish_realtime("dispatch:alerts", {"firing": firing}, after_commit=True)
