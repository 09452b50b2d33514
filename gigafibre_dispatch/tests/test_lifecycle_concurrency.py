"""Concurrent requests against a running gunicorn (2 workers): one key executes once, distinct keys all land."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import frappe
import requests

from gigafibre_dispatch.tests.lifecycle_utils import JOB_PATH, LifecycleHttpCase
from gigafibre_dispatch.tests.server import Gunicorn


class TestConcurrency(LifecycleHttpCase):
	def test_same_key_executes_once_and_distinct_keys_all_land(self):
		job = self.new_job()
		token = self.token("dispatcher")
		with Gunicorn(workers=2, threads=4) as server:
			url = f"{server.url}{JOB_PATH}/{quote(job)}/method/triage"

			def post(key: str, priority: str = "high"):
				headers = {**server.headers(), "Authorization": f"Bearer {token}", "Idempotency-Key": key}
				return requests.post(url, json={"priority": priority}, headers=headers, timeout=60)

			key = str(uuid.uuid4())
			before = self.transitions(job)
			with ThreadPoolExecutor(max_workers=8) as pool:
				responses = list(pool.map(lambda _: post(key), range(8)))
			statuses = sorted(r.status_code for r in responses)
			self.assertTrue(set(statuses) <= {200, 409}, statuses)
			done = [r for r in responses if r.status_code == 200]
			self.assertGreaterEqual(len(done), 1)
			self.assertEqual(
				len({r.json()["data"]["transition"] for r in done}), 1, "every 200 replays the one execution"
			)
			for r in responses:
				if r.status_code == 409:
					self.assertEqual(r.json()["error"]["code"], "in_progress")
			self.assertEqual(self.transitions(job), before + 1, "exactly one transition row for one key")

			keys = [str(uuid.uuid4()) for _ in range(8)]
			with ThreadPoolExecutor(max_workers=8) as pool:
				distinct = list(pool.map(lambda k: post(k, "low"), keys))
			self.assertEqual(
				[r.status_code for r in distinct],
				[200] * 8,
				[r.text for r in distinct if r.status_code != 200],
			)
			self.assertEqual(self.transitions(job), before + 9)
			for r in distinct:
				self.assertTrue(r.headers.get("X-Request-ID"))
			frappe.db.rollback()
			self.assertEqual(
				frappe.db.count("Dispatch Idempotency Record", {"job": job, "command": "triage"}), 9
			)
