"""RQ workers as this app sees them: one rule for "alive" (the health check and the stuck-run sweep share it)."""

from datetime import datetime, timedelta, timezone

from frappe.utils.background_jobs import get_redis_conn
from rq import Worker

# RQ renews a worker's heartbeat within its time to live (420 s by default); a minute more is a dead worker.
SLACK_S = 60


def heartbeat_fresh(worker: Worker | None) -> bool:
	if worker is None or worker.last_heartbeat is None:
		return False
	beat = worker.last_heartbeat
	beat = beat if beat.tzinfo else beat.replace(tzinfo=timezone.utc)
	return datetime.now(timezone.utc) - beat <= timedelta(seconds=(worker.worker_ttl or 420) + SLACK_S)


def all_workers() -> list[Worker]:
	return Worker.all(connection=get_redis_conn())


def worker_alive(worker_name: str | None) -> bool:
	if not worker_name:
		return False
	key = Worker.redis_worker_namespace_prefix + worker_name
	return heartbeat_fresh(Worker.find_by_key(key, connection=get_redis_conn()))
