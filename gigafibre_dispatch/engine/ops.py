"""Observability rules: trace context, metrics exposition, threshold alerts and their runbooks."""

import re
import uuid
from collections.abc import Mapping

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

RUNBOOKS = {
	"stuck_scheduling_backlog": "gigafibre_dispatch/docs/runbooks.md#stuck-scheduling-backlog",
	"completion_rejection_spike": "gigafibre_dispatch/docs/runbooks.md#completion-rejection-spike",
	"idempotency_conflict_spike": "gigafibre_dispatch/docs/runbooks.md#idempotency-conflict-spike",
	"auth_policy_rejection_spike": "gigafibre_dispatch/docs/runbooks.md#auth-policy-rejection-spike",
	"sla_breaches": "gigafibre_dispatch/docs/runbooks.md#sla-breaches",
}


def parse_traceparent(header: str | None) -> tuple[str, str] | None:
	"""W3C traceparent → (trace_id, parent span id); None when absent or malformed."""
	if not header:
		return None
	m = _TRACEPARENT.match(header.strip().lower())
	if not m or m.group(1) == "ff" or set(m.group(2)) == {"0"} or set(m.group(3)) == {"0"}:
		return None
	return m.group(2), m.group(3)


def new_request_id() -> str:
	return str(uuid.uuid4())


def new_trace_id() -> str:
	return uuid.uuid4().hex


def traceparent_for(trace_id: str) -> str:
	return f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"


def _labels(**labels) -> str:
	inner = ",".join(
		f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
		for k, v in labels.items()
	)
	return "{" + inner + "}"


def prometheus_text(snapshot: Mapping) -> str:
	"""Prometheus text exposition (version 0.0.4) of a metrics snapshot."""
	lines = [
		"# HELP dispatch_requests_total Dispatch command requests by command and HTTP status.",
		"# TYPE dispatch_requests_total counter",
	]
	for row in snapshot.get("requests", []):
		lines.append(
			f"dispatch_requests_total{_labels(command=row['command'], status=row['status'])} {row['count']}"
		)
	lines += [
		"# HELP dispatch_errors_total Refused dispatch commands by command and policy dimension.",
		"# TYPE dispatch_errors_total counter",
	]
	for row in snapshot.get("errors", []):
		lines.append(
			f"dispatch_errors_total{_labels(command=row['command'], dimension=row['dimension'])} {row['count']}"
		)
	lines += [
		"# HELP dispatch_transitions_total Job state transitions by command and states.",
		"# TYPE dispatch_transitions_total counter",
	]
	for row in snapshot.get("transitions", []):
		labels = _labels(command=row["command"], from_state=row["from_state"], to_state=row["to_state"])
		lines.append(f"dispatch_transitions_total{labels} {row['count']}")
	return "\n".join(lines) + "\n"


def evaluate_alerts(signals: Mapping, thresholds: Mapping) -> list[dict]:
	"""Compare windowed signals with thresholds; every alert names its runbook entry.

	signals: stuck_scheduling_count, completion_rejections, idempotency_conflicts, auth_policy_rejections,
		sla_breaches (open jobs past their SLA deadline, now)
	thresholds: stuck_scheduling_count, completion_rejection, idempotency_conflict, auth_policy_rejection,
		sla_breach
	"""
	checks = (
		("stuck_scheduling_backlog", "stuck_scheduling_count", "stuck_scheduling_count"),
		("completion_rejection_spike", "completion_rejections", "completion_rejection"),
		("idempotency_conflict_spike", "idempotency_conflicts", "idempotency_conflict"),
		("auth_policy_rejection_spike", "auth_policy_rejections", "auth_policy_rejection"),
		("sla_breaches", "sla_breaches", "sla_breach"),
	)
	alerts = []
	for name, signal, threshold in checks:
		value = signals.get(signal, 0) or 0
		limit = thresholds.get(threshold)
		if limit is None or limit <= 0:
			continue
		alerts.append(
			{
				"alert": name,
				"firing": value >= limit,
				"value": value,
				"threshold": limit,
				"runbook": RUNBOOKS[name],
			}
		)
	return alerts
