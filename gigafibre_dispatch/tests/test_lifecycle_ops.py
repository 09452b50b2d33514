"""Lifecycle guarantees checked in-process: sinks, key pruning, direct edits, audited direct inserts."""

import json
import os
import tempfile
import uuid
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.engine.lifecycle import Actor
from gigafibre_dispatch.lifecycle import observability as obs
from gigafibre_dispatch.lifecycle.commands import CommandRefused, execute, prune_idempotency_records
from gigafibre_dispatch.tests.utils import DispatchTestCase, make_job, make_tech, make_user

DISPATCHER = Actor("zz-ops-dispatcher", frozenset({"dispatcher"}))


class TestLifecycleOps(DispatchTestCase):
	def tearDown(self):
		for key in ("DISPATCH_LOG_SINK_PATH", "DISPATCH_METRICS_SINK_PATH"):
			frappe.local.conf.pop(key, None)
		frappe.local.dispatch_ctx = None
		super().tearDown()

	def test_log_sink_gets_one_json_line_and_an_unwritable_sink_breaks_nothing(self):
		job = make_job("Sink")
		with tempfile.TemporaryDirectory() as tmp:
			path = os.path.join(tmp, "requests.ndjson")
			frappe.local.conf["DISPATCH_LOG_SINK_PATH"] = path
			frappe.local.dispatch_ctx = None
			out = execute(
				"triage", job.name, {"priority": "high"}, actor=DISPATCHER, idempotency_key=str(uuid.uuid4())
			)
			lines = open(path).read().splitlines()
			self.assertEqual(len(lines), 1)
			entry = json.loads(lines[0])
			self.assertEqual((entry["command"], entry["status"], entry["job"]), ("triage", 200, job.name))
			self.assertEqual(entry["request_id"], out.body["data"]["request_id"])
			self.assertTrue(entry["trace_id"] and entry["correlation_id"])
			frappe.local.conf["DISPATCH_LOG_SINK_PATH"] = tmp  # a directory: cannot be appended to
			frappe.local.conf["DISPATCH_METRICS_SINK_PATH"] = os.path.join(tmp, "missing-dir", "metrics.json")
			frappe.local.dispatch_ctx = None
			again = execute(
				"triage", job.name, {"priority": "low"}, actor=DISPATCHER, idempotency_key=str(uuid.uuid4())
			)
			self.assertEqual(again.status, 200)
			self.assertTrue(obs.snapshot()["requests"])

	def test_metrics_sink_holds_the_latest_snapshot(self):
		with tempfile.TemporaryDirectory() as tmp:
			path = os.path.join(tmp, "metrics.json")
			frappe.local.conf["DISPATCH_METRICS_SINK_PATH"] = path
			job = make_job("Metrics")
			execute(
				"triage", job.name, {"priority": "high"}, actor=DISPATCHER, idempotency_key=str(uuid.uuid4())
			)
			obs.snapshot()
			data = json.load(open(path))
			self.assertTrue(any(t["command"] == "triage" for t in data["transitions"]))

	def test_expired_keys_are_pruned(self):
		job = make_job("Prune")
		old, new = str(uuid.uuid4()), str(uuid.uuid4())
		execute("triage", job.name, {"priority": "high"}, actor=DISPATCHER, idempotency_key=old)
		execute("triage", job.name, {"priority": "low"}, actor=DISPATCHER, idempotency_key=new)
		frappe.db.set_value(
			"Dispatch Idempotency Record",
			{"idempotency_key": old},
			"expires_at",
			now_datetime() - timedelta(minutes=1),
		)
		prune_idempotency_records()
		self.assertFalse(frappe.db.exists("Dispatch Idempotency Record", {"idempotency_key": old}))
		self.assertTrue(frappe.db.exists("Dispatch Idempotency Record", {"idempotency_key": new}))
		# Once pruned, the key is free again: a retry after the window acts anew.
		third = execute("triage", job.name, {"priority": "urgent"}, actor=DISPATCHER, idempotency_key=old)
		self.assertFalse(third.replayed)

	def test_direct_insert_is_audited_and_status_edits_are_refused(self):
		job = make_job("Direct")
		audit = frappe.get_all(
			"Dispatch Audit Event", filters={"job": job.name}, fields=["command", "to_state"]
		)
		self.assertEqual([(a.command, a.to_state) for a in audit], [("intake", "New")])
		self.assertEqual(frappe.db.count("Dispatch State Transition", {"job": job.name}), 1)
		job.status = "Verified"
		self.assertRaises(frappe.PermissionError, job.save)
		self.assertEqual(frappe.db.get_value("Dispatch Job", job.name, "status"), "New")
		fresh = frappe.get_doc("Dispatch Job", job.name)
		fresh.subject = "Renamed by the dispatcher"
		fresh.save()  # ordinary fields stay editable for dispatchers
		bad_new = frappe.get_doc(
			{"doctype": "Dispatch Job", "subject": "Born verified", "duration_h": 1, "status": "Verified"}
		)
		self.assertRaises(frappe.ValidationError, bad_new.insert)

	def test_technician_cannot_edit_directly(self):
		email = make_user("zz.ops.tech@example.com", ["Technician"])
		tech = make_tech("Ops tech", user=email)
		job = make_job("Tech's job", tech=tech)
		frappe.set_user(email)
		doc = frappe.get_doc("Dispatch Job", job.name)
		doc.subject = "Changed by the technician"
		self.assertRaises(frappe.PermissionError, doc.save)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Dispatch Job", job.name, "subject"), "Tech's job")

	def test_refusal_in_process_writes_nothing(self):
		job = make_job("Refused")
		count = frappe.db.count("Dispatch Audit Event", {"job": job.name})
		with self.assertRaises(CommandRefused) as ctx:
			execute("schedule_confirm", job.name, {}, actor=DISPATCHER, idempotency_key=str(uuid.uuid4()))
		self.assertEqual((ctx.exception.status, ctx.exception.error.dimension), (409, "state"))
		self.assertEqual(frappe.db.count("Dispatch Audit Event", {"job": job.name}), count)
		self.assertEqual(frappe.db.count("Dispatch Idempotency Record", {"job": job.name}), 0)
