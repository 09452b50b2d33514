"""Operations on a site: the health endpoint (each part's state, 503 when one is down, details for dispatchers only)
and the sweep that marks an optimization Failed when the worker running it died."""

from datetime import timedelta

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client, now_datetime
from frappe.utils.background_jobs import create_job_id, get_redis_conn
from frappe.utils.password import update_password
from rq.job import Job, JobStatus

from gigafibre_dispatch.scheduling import optimize
from gigafibre_dispatch.tests.lifecycle_utils import login_client
from gigafibre_dispatch.tests.server import free_port
from gigafibre_dispatch.tests.utils import DispatchTestCase, make_user, next_monday

HEALTH = "/api/method/gigafibre_dispatch.api.ops.health"
PARTS = {"database", "redis_cache", "redis_queue", "workers", "scheduler", "socketio"}
STATES = {"ok", "down", "stale", "disabled"}
PASSWORD = "Health-test-pw-1!"


def get_health(client=None):
	client = client or get_test_client()
	return make_request(target=client.get, args=(HEALTH,))


class TestHealth(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.dispatcher = make_user(
			f"health.disp.{frappe.generate_hash(length=6)}@example.com", ["Dispatcher"]
		)
		update_password(cls.dispatcher, PASSWORD)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.delete_doc("User", cls.dispatcher, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def tearDown(self):
		frappe.local.conf.pop("dispatch_socketio_url", None)
		frappe.db.rollback()
		super().tearDown()

	def test_guest_sees_each_part_state_and_nothing_else(self):
		r = get_health()
		self.assertIn(r.status_code, (200, 503), r.text[:300])
		body = r.json
		self.assertEqual(set(body["checks"]), PARTS)
		for name, check in body["checks"].items():
			self.assertEqual(set(check), {"state"}, name)  # no detail for an anonymous caller
			self.assertIn(check["state"], STATES, name)
		# The parts a request itself needs answer in every case.
		for name in ("database", "redis_cache", "redis_queue"):
			self.assertEqual(body["checks"][name]["state"], "ok", name)
		self.assertEqual(r.status_code == 200, all(c["state"] == "ok" for c in body["checks"].values()))
		self.assertEqual(body["status"], "ok" if r.status_code == 200 else "degraded")

	def test_dispatcher_sees_what_each_check_saw(self):
		body = get_health(login_client(self.dispatcher, PASSWORD)).json
		self.assertEqual(set(body["checks"]), PARTS)
		for name, check in body["checks"].items():
			self.assertIn("detail", check, name)
			self.assertIsInstance(check["ms"], float, name)

	def test_socketio_down_is_reported_and_the_answer_is_503(self):
		from gigafibre_dispatch.lifecycle import health

		frappe.local.conf["dispatch_socketio_url"] = (
			f"http://127.0.0.1:{free_port()}"  # nothing listens there
		)
		status, body = health.report(details=True)
		self.assertEqual(status, 503)
		self.assertEqual(body["status"], "degraded")
		self.assertEqual(body["checks"]["socketio"]["state"], "down")
		self.assertIn("ConnectionError", body["checks"]["socketio"]["detail"])
		self.assertEqual(body["checks"]["database"]["state"], "ok")  # one part down leaves the others checked

	def test_a_disabled_scheduler_is_said(self):
		from gigafibre_dispatch.lifecycle import health

		enabled = frappe.db.get_single_value("System Settings", "enable_scheduler")
		frappe.db.set_single_value("System Settings", "enable_scheduler", 0)
		try:
			state, detail = health.scheduler()
		finally:  # the value and its cache both put back (a rollback alone would leave the cache at 0)
			frappe.db.set_single_value("System Settings", "enable_scheduler", enabled)
		self.assertEqual(state, "disabled")
		self.assertIn("enable-scheduler", detail)


class TestSchedulerOnADormantSite(DispatchTestCase):
	"""Frappe runs a dormant site's jobs (no activity for days) once a day: a day-old run is its normal state."""

	def test_a_dormant_site_is_healthy_with_a_run_of_the_last_day_and_stale_past_it(self):
		from gigafibre_dispatch.lifecycle import health

		later = now_datetime() + timedelta(days=30)  # every Activity Log is a month old by then: dormant
		job_type = frappe.get_all(
			"Scheduled Job Type",
			filters={"method": ("like", "gigafibre_dispatch.%"), "cron_format": "* * * * *"},
			pluck="name",
			limit=1,
		)[0]
		frappe.db.set_value("Scheduled Job Type", job_type, "last_execution", later - timedelta(hours=3))
		state, detail = health.scheduler_freshness(later)
		self.assertEqual(state, "ok", detail)
		self.assertIn("dormant", detail)
		state, detail = health.scheduler_freshness(later + timedelta(days=2))
		self.assertEqual(state, "stale", detail)


class TestStuckOptimization(DispatchTestCase):
	"""The RQ jobs are real jobs in this bench's Redis; the worker named in one is a worker that does not exist."""

	def setUp(self):
		super().setUp()
		self.monday = next_monday(3)
		self.rq_jobs = []

	def tearDown(self):
		for job in self.rq_jobs:
			job.delete()
		super().tearDown()

	def make_run(self, status: str, minutes_ago: float) -> str:
		doc = frappe.new_doc("Dispatch Optimization")
		doc.update({"date_from": self.monday, "date_to": self.monday + timedelta(days=2)})
		optimize.prepare(doc)
		doc.flags.from_service = True
		doc.insert(ignore_permissions=True)
		frappe.db.set_value(
			"Dispatch Optimization",
			doc.name,
			{"status": status, "creation": now_datetime() - timedelta(minutes=minutes_ago)},
			update_modified=False,
		)
		return doc.name

	def rq_job(self, name: str, status: str, worker_name: str | None = None) -> Job:
		job = Job.create(
			"frappe.ping", id=create_job_id(optimize.rq_job_id(name)), connection=get_redis_conn()
		)
		job.set_status(status, pipeline=None)
		job.worker_name = worker_name
		job.save()
		self.rq_jobs.append(job)
		return job

	def status(self, name):
		return frappe.db.get_value("Dispatch Optimization", name, ["status", "error"], as_dict=True)

	def test_a_run_whose_worker_died_is_marked_failed_with_the_reason(self):
		name = self.make_run("Running", minutes_ago=5)
		self.rq_job(name, JobStatus.STARTED, worker_name="worker-killed-with-kill-9")
		self.assertIn(name, optimize.reconcile_stuck())
		row = self.status(name)
		self.assertEqual(row.status, "Failed")
		self.assertIn("worker", row.error)

	def test_a_run_whose_job_failed_is_marked_failed(self):
		name = self.make_run("Running", minutes_ago=5)
		self.rq_job(name, JobStatus.FAILED)
		optimize.reconcile_stuck()
		self.assertEqual(self.status(name).status, "Failed")

	def test_a_queued_run_waiting_for_a_worker_is_left_alone(self):
		name = self.make_run("Queued", minutes_ago=5)
		self.rq_job(name, JobStatus.QUEUED)
		self.assertNotIn(name, optimize.reconcile_stuck())
		self.assertEqual(self.status(name).status, "Queued")

	def test_a_young_run_is_left_alone_whatever_its_job(self):
		name = self.make_run("Running", minutes_ago=0.2)
		self.rq_job(name, JobStatus.STARTED, worker_name="no-such-worker")
		self.assertNotIn(name, optimize.reconcile_stuck())
		self.assertEqual(self.status(name).status, "Running")

	def test_a_run_with_no_job_is_failed_only_past_the_time_limit(self):
		recent = self.make_run("Running", minutes_ago=10)
		old = self.make_run("Running", minutes_ago=optimize.RUN_TIMEOUT_S / 60 + 5)
		marked = optimize.reconcile_stuck()
		self.assertNotIn(recent, marked)
		self.assertIn(old, marked)
		self.assertEqual(self.status(old).status, "Failed")

	def test_a_failed_run_can_be_run_again(self):
		name = self.make_run("Running", minutes_ago=5)
		self.rq_job(name, JobStatus.STARTED, worker_name="gone")
		optimize.reconcile_stuck()
		optimize.run(name)  # inline: Failed runs are accepted again
		self.assertIn(self.status(name).status, ("Ready", "Failed"))
		self.assertNotEqual(self.status(name).status, "Running")
