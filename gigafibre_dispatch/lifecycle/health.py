"""Health of everything this app needs to work, each part with its state: the database, Redis (cache and queue),
the RQ workers' heartbeats per queue, the scheduler and the socket.io server.

A load balancer or a monitor reads `gigafibre_dispatch.api.ops.health`: HTTP 200 when every part is up, 503 when
one is not. Each check is bounded in time and one that fails never stops the others.
"""

import time
from collections.abc import Callable

import frappe
import requests
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.utils.workers import all_workers, heartbeat_fresh

OK, DOWN, STALE, DISABLED = "ok", "down", "stale", "disabled"
QUEUES = ("short", "default", "long")  # the queues this app enqueues on
SOCKETIO_TIMEOUT_S = 2
# The scheduler runs this app's every-minute jobs: none run for this long means it is not ticking.
SCHEDULER_STALE_MIN = 5
DORMANT_STALE_MIN = 24 * 60 + 5


def _timed(check: Callable[[], tuple[str, str]]) -> dict:
	t0 = time.perf_counter()
	try:
		state, detail = check()
	except Exception as exc:  # a check that fails is a part that is down, never an error of the endpoint
		state, detail = DOWN, f"{type(exc).__name__}: {exc}"[:300]
	return {"state": state, "detail": detail, "ms": round((time.perf_counter() - t0) * 1000, 1)}


def database() -> tuple[str, str]:
	frappe.db.sql("select 1")
	return OK, "select 1"


def redis_cache() -> tuple[str, str]:
	return (OK, "ping") if frappe.cache().ping() else (DOWN, "no answer to ping")


def redis_queue() -> tuple[str, str]:
	from frappe.utils.background_jobs import get_redis_conn

	return (OK, "ping") if get_redis_conn().ping() else (DOWN, "no answer to ping")


def workers() -> tuple[str, str]:
	"""Every queue this app uses has a worker whose heartbeat is fresh."""
	from frappe.utils.background_jobs import generate_qname

	found = all_workers()
	if not found:
		return DOWN, "no worker"
	alive = {
		q: sum(1 for w in found if heartbeat_fresh(w) and generate_qname(q) in w.queue_names())
		for q in QUEUES
	}
	detail = ", ".join(f"{q}: {n}" for q, n in alive.items())
	missing = [q for q, n in alive.items() if not n]
	if not missing:
		return OK, detail
	return (STALE if any(alive.values()) else DOWN), f"{detail} (no live worker on {', '.join(missing)})"


def scheduler() -> tuple[str, str]:
	"""Enabled, and this app's every-minute jobs ran lately: within 5 minutes on a site in use, within a day on a
	dormant one (no activity for days: Frappe then runs its jobs once a day until someone uses it)."""
	from frappe.utils.scheduler import is_scheduler_disabled, is_scheduler_inactive

	if is_scheduler_disabled(verbose=False):
		return DISABLED, "the scheduler is disabled for this site (bench --site S enable-scheduler)"
	if is_scheduler_inactive(verbose=False):
		return DISABLED, "the scheduler is paused (maintenance mode or paused)"
	return scheduler_freshness(now_datetime())


def scheduler_freshness(now) -> tuple[str, str]:
	"""How lately this app's every-minute jobs ran, against what Frappe promises for the site's activity."""
	from frappe.utils.scheduler import is_dormant

	dormant = is_dormant(check_time=now)
	last = frappe.db.get_value(
		"Scheduled Job Type",
		{"method": ("like", "gigafibre_dispatch.%"), "cron_format": "* * * * *"},
		"max(last_execution)",
	)
	if not last:
		return STALE, "no run of this app's every-minute jobs yet"
	age = (now - get_datetime(last)).total_seconds() / 60
	limit = DORMANT_STALE_MIN if dormant else SCHEDULER_STALE_MIN
	detail = f"last run {round(age, 1)} min ago" + (" (dormant site: jobs run once a day)" if dormant else "")
	return (OK if age <= limit else STALE), detail


def socketio() -> tuple[str, str]:
	url = (
		frappe.conf.get("dispatch_socketio_url")
		or f"http://127.0.0.1:{frappe.conf.get('socketio_port') or 9000}"
	)
	r = requests.get(f"{url.rstrip('/')}/socket.io/?EIO=4&transport=polling", timeout=SOCKETIO_TIMEOUT_S)
	# Engine.IO answers a handshake ("0{...}") or, for a site it does not know, a 400 with its own body: either way
	# the server is up.
	return (OK, f"HTTP {r.status_code}") if r.status_code in (200, 400) else (DOWN, f"HTTP {r.status_code}")


CHECKS: dict[str, Callable[[], tuple[str, str]]] = {
	"database": database,
	"redis_cache": redis_cache,
	"redis_queue": redis_queue,
	"workers": workers,
	"scheduler": scheduler,
	"socketio": socketio,
}


def report(details: bool) -> tuple[int, dict]:
	"""(HTTP status, body): 200 when every part is ok, else 503; `details` adds what each check saw."""
	checks = {name: _timed(check) for name, check in CHECKS.items()}
	healthy = all(c["state"] == OK for c in checks.values())
	if not details:
		checks = {name: {"state": c["state"]} for name, c in checks.items()}
	return (200 if healthy else 503), {"status": "ok" if healthy else "degraded", "checks": checks}
