"""Every door around the lifecycle, over real HTTP on gunicorn: generic routes × verbs × machine roles, Desk
edits and deletes, append-only records, bad input, and job names behind a lagging naming series.

Each refusal is checked twice: the structured answer, and a database that did not move (row counts, fields).
"""

import json
import uuid
from datetime import timedelta
from urllib.parse import quote

import frappe
import requests

from gigafibre_dispatch.engine.lifecycle import COMMANDS
from gigafibre_dispatch.lifecycle.actor import SERVICE_ROLE, SERVICE_USER
from gigafibre_dispatch.tests.lifecycle_utils import INTAKE_PATH, JOB_PATH, LifecycleHttpCase
from gigafibre_dispatch.tests.server import Gunicorn
from gigafibre_dispatch.tests.utils import make_user

LOG_DOCTYPES = ("Dispatch Audit Event", "Dispatch State Transition", "Dispatch Idempotency Record")
COUNTED = (
	"Dispatch Job",
	*LOG_DOCTYPES,
	"Dispatch Evidence",
	"Customer",
	"Service Location",
	"Sales Invoice",
	"User",
	"File",
)
JOB_FIELDS = ("status", "subject", "assigned_technician", "scheduled_start", "published", "modified")


class SideDoorCase(LifecycleHttpCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.server = Gunicorn(workers=2).__enter__()

	@classmethod
	def tearDownClass(cls):
		cls.server.__exit__(None, None, None)
		super().tearDownClass()

	def http(self, method, path, *, token=None, body=None, raw=None, key=True, headers=None, session=None):
		h = {**self.server.headers(), **(headers or {})}
		if token:
			h["Authorization"] = f"Bearer {token}"
		if key:
			h["Idempotency-Key"] = str(uuid.uuid4())
		kwargs = {"headers": h, "timeout": 60, "allow_redirects": False}
		if raw is not None:
			h["Content-Type"] = "application/json"
			kwargs["data"] = raw
		elif body is not None:
			kwargs["json"] = body
		return (session or requests).request(method, f"{self.server.url}{path}", **kwargs)

	def snapshot(self, *jobs) -> dict:
		frappe.db.rollback()  # see what the requests committed
		state = {doctype: frappe.db.count(doctype) for doctype in COUNTED}
		state["settings"] = frappe.db.sql(
			"select field, value from tabSingles where doctype = 'Dispatch Settings' order by field"
		)
		for job in jobs:
			state[job] = frappe.db.get_value("Dispatch Job", job, JOB_FIELDS, as_dict=True)
		return state

	def assert_refused(self, response, status, dimension, code=None):
		self.assertEqual(response.status_code, status, response.text[:500])
		error = response.json()["error"]
		self.assertEqual(error["policy_error"]["dimension"], dimension, response.text[:500])
		if code:
			self.assertEqual(error["code"], code, response.text[:500])
		self.assertTrue(error["message"])

	def session_for(self, user: str) -> requests.Session:
		"""A logged-in Desk session of `user` (a sid cookie, as the browser holds)."""
		from frappe.auth import CookieManager, LoginManager
		from frappe.utils import set_request

		saved = getattr(frappe.local, "request", None)
		try:
			set_request(path="/")
			frappe.local.cookie_manager = CookieManager()
			frappe.local.login_manager = LoginManager()
			frappe.local.login_manager.login_as(user)
			sid = frappe.session.sid
			frappe.db.commit()
		finally:
			frappe.local.request = saved
			frappe.set_user("Administrator")
		session = requests.Session()
		session.cookies.set("sid", sid)
		return session


class TestMachineClientDoors(SideDoorCase):
	def routes(self, job_a, job_b, audit):
		j = lambda name: f"{JOB_PATH}/{quote(name)}"  # noqa: E731
		r = lambda doctype, name="": f"/api/resource/{quote(doctype)}" + (f"/{quote(name)}" if name else "")  # noqa: E731
		m = "/api/method/"
		subject = {"subject": "side door"}
		return [
			# generic reads of jobs: list, get, count, report, export (v1, v2, frappe.client, reportview)
			("GET", JOB_PATH, None),
			("GET", j(job_b), None),
			("GET", "/api/v2/doctype/" + quote("Dispatch Job") + "/count", None),
			("GET", r("Dispatch Job"), None),
			("GET", r("Dispatch Job", job_b), None),
			("GET", m + "frappe.client.get_list?doctype=" + quote("Dispatch Job"), None),
			("GET", m + "frappe.client.get?doctype=" + quote("Dispatch Job") + "&name=" + quote(job_b), None),
			("GET", m + "frappe.client.get_count?doctype=" + quote("Dispatch Job"), None),
			("POST", m + "frappe.desk.reportview.get", {"doctype": "Dispatch Job", "fields": '["name"]'}),
			(
				"POST",
				m + "frappe.desk.reportview.export_query",
				{"doctype": "Dispatch Job", "file_format_type": "CSV"},
			),
			(
				"GET",
				m + "frappe.desk.form.load.getdoc?doctype=" + quote("Dispatch Job") + "&name=" + quote(job_b),
				None,
			),
			# generic writes and deletes of jobs
			("POST", JOB_PATH, subject),
			("PUT", j(job_a), subject),
			("PATCH", j(job_a), subject),
			("DELETE", j(job_b), None),
			("POST", r("Dispatch Job"), subject),
			("PUT", r("Dispatch Job", job_a), subject),
			("DELETE", r("Dispatch Job", job_b), None),
			("POST", r("Dispatch Job", job_a), {"run_method": "triage", "priority": "low"}),
			(
				"POST",
				m + "frappe.client.set_value",
				{"doctype": "Dispatch Job", "name": job_a, "fieldname": "subject", "value": "x"},
			),
			("POST", m + "frappe.client.delete", {"doctype": "Dispatch Job", "name": job_b}),
			("POST", m + "frappe.client.insert", {"doc": json.dumps({"doctype": "Dispatch Job", **subject})}),
			(
				"POST",
				m + "frappe.client.save",
				{"doc": json.dumps({"doctype": "Dispatch Job", "name": job_a, **subject})},
			),
			(
				"POST",
				m + "run_doc_method",
				{
					"method": "triage",
					"docs": json.dumps({"doctype": "Dispatch Job", "name": job_a}),
					"args": "{}",
				},
			),
			(
				"POST",
				"/api/v2/method/run_doc_method",
				{"method": "triage", "document": {"doctype": "Dispatch Job", "name": job_a}},
			),
			(
				"POST",
				m + "frappe.desk.form.save.savedocs",
				{"doc": json.dumps({"doctype": "Dispatch Job", "name": job_a}), "action": "Save"},
			),
			(
				"POST",
				m + "frappe.desk.reportview.delete_items",
				{"doctype": "Dispatch Job", "items": json.dumps([job_b])},
			),
			(
				"POST",
				m + "upload_file",
				{"doctype": "Dispatch Job", "docname": job_a, "file_url": self.photo_url},
			),
			(
				"POST",
				m + "gigafibre_dispatch.gigafibre_dispatch.doctype.dispatch_job.dispatch_job.intake",
				subject,
			),
			# Frappe runs a body's `cmd` before routing on the path: not on an allowed read route either
			(
				"POST",
				m + "gigafibre_dispatch.api.lifecycle.cockpit",
				{"cmd": "frappe.client.delete", "doctype": "Dispatch Job", "name": job_b},
			),
			# the append-only records
			("GET", r("Dispatch Audit Event"), None),
			("DELETE", r("Dispatch Audit Event", audit), None),
			("PUT", "/api/v2/document/" + quote("Dispatch Audit Event") + "/" + audit, {"command": "x"}),
			# other DocTypes: the service user is no way in
			("GET", r("Customer"), None),
			("GET", r("Customer", self.customer_b), None),
			("POST", r("Customer"), {"customer_name": "side door"}),
			("GET", "/api/v2/document/" + quote("Sales Invoice"), None),
			("GET", r("Service Location", self.loc_b), None),
			("PUT", r("Service Location", self.loc_b), {"customer": self.customer_a}),
			("GET", r("Dispatch Settings", "Dispatch Settings"), None),
			("PUT", r("Dispatch Settings", "Dispatch Settings"), {"jwt_secret": "x"}),
			("GET", r("User"), None),
			("GET", r("User", SERVICE_USER), None),
			("GET", m + "frappe.auth.get_logged_user", None),
			(
				"GET",
				m + "gigafibre_dispatch.api.board.get_board?date_from=2030-01-01&date_to=2030-01-02",
				None,
			),
			("POST", m + "gigafibre_dispatch.api.scheduling.create_work_order", subject),
		]

	def test_generic_routes_by_verb_and_machine_role_are_refused_and_change_nothing(self):
		job_a = self.new_job()
		self.advance(job_a, "Scheduled")
		job_b = self.new_job(service_location=self.loc_b)
		frappe.db.rollback()
		audit = frappe.db.get_value("Dispatch Audit Event", {"job": job_b}, "name")
		tokens = {
			"scoped to A": self.token("dispatcher", accounts=[self.customer_a]),
			"technician": self.token("technician", tech_id=self.tech),
			"manager, every account": self.token("dispatch_manager"),
		}
		before = self.snapshot(job_a, job_b)
		tried = 0
		for who, token in tokens.items():
			for method, path, body in self.routes(job_a, job_b, audit):
				with self.subTest(who=who, method=method, path=path):
					response = self.http(method, path, token=token, body=body)
					self.assert_refused(response, 403, "role", "route_not_allowed")
					tried += 1
		self.assertGreater(tried, 120)
		self.assertEqual(self.snapshot(job_a, job_b), before)
		# The allowed doors still open, within the token's scope.
		scoped = tokens["scoped to A"]
		self.assertEqual(
			self.http(
				"GET",
				f"/api/method/gigafibre_dispatch.api.lifecycle.get_job?job={job_a}",
				token=scoped,
				key=False,
			).status_code,
			200,
		)
		self.assert_refused(
			self.http(
				"GET",
				f"/api/method/gigafibre_dispatch.api.lifecycle.get_job?job={job_b}",
				token=scoped,
				key=False,
			),
			403,
			"scope",
		)
		self.assert_refused(
			self.http("POST", f"{JOB_PATH}/{quote(job_b)}/method/cancel", token=scoped, body={"reason": "x"}),
			403,
			"scope",
		)
		ok = self.http("POST", f"{JOB_PATH}/{quote(job_a)}/method/assignment_dispatch", token=scoped, body={})
		self.assertEqual(ok.status_code, 200, ok.text)

	def test_wrong_verbs_unknown_commands_and_odd_job_names(self):
		job = self.new_job()
		token = self.token("dispatch_manager")
		before = self.snapshot(job)
		command = f"{JOB_PATH}/{quote(job)}/method/triage"
		for method in ("GET", "PUT", "PATCH", "DELETE"):
			with self.subTest(method=method, route="command"):
				self.assert_refused(
					self.http(method, command, token=token), 405, "validation", "method_not_allowed"
				)
		for method in ("GET", "PUT", "DELETE"):
			with self.subTest(method=method, route="intake"):
				self.assert_refused(
					self.http(method, INTAKE_PATH, token=token), 405, "validation", "method_not_allowed"
				)
		self.assert_refused(
			self.http("POST", "/api/method/gigafibre_dispatch.api.lifecycle.cockpit", token=token, body={}),
			405,
			"validation",
			"method_not_allowed",
		)
		for name in ("get_doc_before_save", "save", "delete", "intake", "__init__"):
			with self.subTest(command=name):
				response = self.http("POST", f"{JOB_PATH}/{quote(job)}/method/{name}", token=token, body={})
				self.assert_refused(response, 404, "validation", "unknown_command")
		odd = ("DJ-NOPE", "../../etc/passwd", "x' or '1'='1", "é漢字🚀", "a" * 300, "%00", " ")
		for name in odd:
			with self.subTest(name=name):
				response = self.http(
					"POST",
					f"{JOB_PATH}/{quote(name, safe='')}/method/triage",
					token=token,
					body={"priority": "low"},
				)
				self.assertIn(response.status_code, (404, 400), response.text[:300])
				self.assertEqual(response.json()["error"]["policy_error"]["dimension"], "validation")
		self.assertEqual(self.snapshot(job), before)

	def test_bad_bodies_and_wrong_types_are_4xx_and_change_nothing(self):
		job = self.new_job()
		token = self.token("dispatch_manager")
		before = self.snapshot(job)
		command = f"{JOB_PATH}/{quote(job)}/method/triage"
		raws = {
			"malformed_json": '{"priority": ',
			"payload_not_object": "[1, 2]",
		}
		for code, raw in raws.items():
			for path in (command, INTAKE_PATH):
				with self.subTest(code=code, path=path):
					self.assert_refused(
						self.http("POST", path, token=token, raw=raw), 400, "validation", code
					)
		for raw in ('"a string"', "42", "null", "true"):
			with self.subTest(raw=raw):
				response = self.http("POST", command, token=token, raw=raw)
				self.assertEqual(response.status_code, 400, response.text[:300])
		for raw in (
			'{"priority": "low", "note": NaN}',
			'{"priority": "low", "duration_h": NaN}',
			'{"priority": "low", "duration_h": Infinity}',
			'{"priority": "low", "duration_h": 1' + "0" * 400 + "}",
		):
			with self.subTest(raw=raw[:60]):
				self.assert_refused(self.http("POST", command, token=token, raw=raw), 400, "validation")
		huge = "x" * 100_000
		self.assert_refused(
			self.http("POST", command, token=token, body={"priority": "low", "note": huge}), 400, "validation"
		)
		self.assert_refused(
			self.http(
				"POST", INTAKE_PATH, token=token, body={"subject": huge, "service_location": self.loc_a}
			),
			400,
			"validation",
		)
		for tags in (
			[{"tag": {"x": 1}}],
			[{"tag": "x", "level": "high"}],
			["plain"],
			[{"tag": "x", "level": 9}],
			"tags",
		):
			with self.subTest(tags=tags):
				self.assert_refused(
					self.http("POST", command, token=token, body={"priority": "low", "tags": tags}),
					400,
					"validation",
				)
		# Every field of every command, with a value of the wrong type (the rest of the payload valid).
		good = {
			"str": "x",
			"text": "x",
			"number": 1,
			"bool": True,
			"datetime": "2030-01-07 09:00:00",
			"list": [],
		}
		wrong = {
			"str": [1],
			"text": {"a": 1},
			"number": "1",
			"bool": "yes",
			"datetime": "not a date",
			"list": "x",
			"choice": ["low"],
		}
		tried = 0
		for name, spec in COMMANDS.items():
			base = {
				k: (f.choices[0] if f.kind == "choice" else good[f.kind])
				for k, f in spec.fields.items()
				if f.required
			}
			path = INTAKE_PATH if name == "intake" else f"{JOB_PATH}/{quote(job)}/method/{name}"
			if name == "intake":
				base["service_location"] = self.loc_a
			for field, f in spec.fields.items():
				with self.subTest(command=name, field=field):
					response = self.http("POST", path, token=token, body={**base, field: wrong[f.kind]})
					if name == "intake" and field in ("customer", "service_location"):
						# Without a readable account the scope check (before validation) may refuse it first.
						self.assertIn(response.status_code, (400, 403), response.text[:300])
						self.assertIn(
							response.json()["error"]["policy_error"]["dimension"], ("validation", "scope")
						)
					else:
						self.assert_refused(response, 400, "validation", "invalid_field")
					tried += 1
		self.assertGreater(tried, 40)
		self.assertEqual(self.snapshot(job), before)


class TestDeskDoors(SideDoorCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.dispatcher = f"zz.side.disp.{cls.run_id}@example.com"
		make_user(cls.dispatcher, ["Dispatcher"])
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.delete_doc("User", cls.dispatcher, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_guarded_fields_and_direct_booking_are_refused(self):
		job = self.new_job()
		self.advance(job, "Scheduled")
		desk = self.session_for(self.dispatcher)
		before = self.snapshot(job)
		path = f"/api/resource/{quote('Dispatch Job')}/{quote(job)}"
		monday10 = f"{self.monday} 10:00:00"
		for change in (
			{"assigned_technician": self.other_tech},
			{"scheduled_start": monday10},
			{"scheduled_end": monday10},
			{"published": 1},
			{"status": "Dispatched"},
		):
			with self.subTest(change=change):
				response = self.http("PUT", path, body=change, session=desk, key=False)
				self.assertEqual(response.status_code, 403, response.text[:300])
		created = self.http(
			"POST",
			f"/api/resource/{quote('Dispatch Job')}",
			body={"subject": "booked by hand", "assigned_technician": self.tech, "scheduled_start": monday10},
			session=desk,
			key=False,
		)
		self.assertEqual(created.status_code, 403, created.text[:300])
		self.assertEqual(self.snapshot(job), before)
		# Editing what is not the lifecycle's still works.
		ok = self.http("PUT", path, body={"description": "Porte arrière"}, session=desk, key=False)
		self.assertEqual(ok.status_code, 200, ok.text[:300])

	def test_book_slot_and_work_orders_run_the_commands_under_the_user(self):
		desk = self.session_for(self.dispatcher)
		method = "/api/method/gigafibre_dispatch.api.scheduling."
		made = self.http(
			"POST",
			method + "create_work_order",
			body={"subject": f"WO {self.run_id}", "service_location": self.loc_a, "duration_h": 1},
			session=desk,
			key=False,
		)
		self.assertEqual(made.status_code, 200, made.text[:500])
		job = made.json()["message"]["name"]
		self.jobs.append(job)
		self.assertEqual(made.json()["message"]["status"], "New")
		frappe.db.rollback()
		self.assertEqual(
			frappe.get_all("Dispatch Audit Event", filters={"job": job}, fields=["command", "actor"]),
			[{"command": "intake", "actor": self.dispatcher}],
		)
		sunday = f"{self.monday + timedelta(days=6)} 09:00:00"  # ahead on any day it runs
		before = self.snapshot(job)
		refused = self.http(
			"POST",
			method + "book_slot",
			body={"job": job, "technician": self.tech, "start": sunday},
			session=desk,
			key=False,
		)
		self.assertEqual(refused.status_code, 417, refused.text[:300])
		self.assertEqual(self.snapshot(job), before, "a refused booking leaves the job New, not Triaged")
		booked = self.http(
			"POST",
			method + "book_slot",
			body={"job": job, "technician": self.tech, "start": f"{self.monday} 09:00:00"},
			session=desk,
			key=False,
		)
		self.assertEqual(booked.status_code, 200, booked.text[:500])
		self.assertEqual(booked.json()["message"]["status"], "Scheduled")
		frappe.db.rollback()
		rows = frappe.get_all(
			"Dispatch Audit Event", filters={"job": job}, fields=["command", "actor"], order_by="creation asc"
		)
		self.assertEqual(
			[(r.command, r.actor) for r in rows],
			[(c, self.dispatcher) for c in ("intake", "triage", "schedule_propose", "schedule_confirm")],
		)
		# Booked in one call: intake, triage, propose, confirm.
		direct = self.http(
			"POST",
			method + "create_work_order",
			body={
				"subject": f"WO booked {self.run_id}",
				"service_location": self.loc_a,
				"assigned_technician": self.tech,
				"scheduled_start": f"{self.monday} 13:00:00",
			},
			session=desk,
			key=False,
		)
		self.assertEqual(direct.status_code, 200, direct.text[:500])
		self.jobs.append(direct.json()["message"]["name"])
		self.assertEqual(direct.json()["message"]["status"], "Scheduled")
		half = self.http(
			"POST",
			method + "create_work_order",
			body={"subject": "half", "assigned_technician": self.tech},
			session=desk,
			key=False,
		)
		self.assertEqual(half.status_code, 417, half.text[:300])

	def test_deletes_and_append_only_records(self):
		admin = self.session_for("Administrator")
		fresh = self.new_job()
		moved = self.new_job()
		self.command(moved, "triage", {"priority": "low"}, token=self.token("dispatcher"))
		proof = self.new_job()
		self.advance(proof, "Dispatched")
		photo = self.command(
			proof,
			"evidence_add",
			{"kind": "photo", "file_url": self.photo_url},
			token=self.token("technician", tech_id=self.tech),
		)
		self.assertEqual(photo.status_code, 200, photo.text)
		frappe.db.rollback()
		logs = {d: frappe.db.get_value(d, {"job": moved}, "name") for d in LOG_DOCTYPES}
		logs["Dispatch Evidence"] = photo.json["data"]["evidence"]
		before = self.snapshot(moved, proof)
		job_path = lambda name: f"/api/resource/{quote('Dispatch Job')}/{quote(name)}"  # noqa: E731
		for route in (job_path(moved), f"{JOB_PATH}/{quote(moved)}", job_path(proof)):
			with self.subTest(route=route):
				response = self.http("DELETE", route, session=admin, key=False)
				self.assertEqual(response.status_code, 403, response.text[:300])
		desk = self.session_for(self.dispatcher)
		self.assertEqual(self.http("DELETE", job_path(moved), session=desk, key=False).status_code, 403)
		for doctype, name in logs.items():
			path = f"/api/resource/{quote(doctype)}/{quote(name)}"
			for method, body in (("DELETE", None), ("PUT", {"actor": "someone else", "command": "cancel"})):
				with self.subTest(doctype=doctype, method=method):
					response = self.http(method, path, body=body, session=admin, key=False)
					self.assertEqual(response.status_code, 403, response.text[:300])
			with self.subTest(doctype=doctype, method="POST"):
				response = self.http(
					"POST",
					f"/api/resource/{quote(doctype)}",
					body={"job": moved, "command": "cancel", "kind": "photo", "file_url": self.photo_url},
					session=admin,
					key=False,
				)
				self.assertIn(response.status_code, (403, 417), response.text[:300])
		self.assertEqual(self.snapshot(moved, proof), before)
		for doctype, name in logs.items():
			self.assertTrue(frappe.db.exists(doctype, name))
		self.assertEqual(
			frappe.db.get_value("Dispatch Audit Event", logs["Dispatch Audit Event"], "command"), "triage"
		)
		# A job still New may be deleted by someone allowed to; its intake row stays and the deletion is audited.
		gone = self.http("DELETE", job_path(fresh), session=admin, key=False)
		self.assertEqual(gone.status_code, 202, gone.text[:300])
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Dispatch Job", fresh))
		self.assertEqual(
			frappe.get_all(
				"Dispatch Audit Event",
				filters={"job": fresh},
				fields=["command", "actor"],
				order_by="creation asc",
			),
			[
				{"command": "intake", "actor": f"zz-{self.run_id}-dispatcher"},
				{"command": "delete", "actor": "Administrator"},
			],
		)


class TestServiceUserAndNames(SideDoorCase):
	def test_service_user_holds_one_role_with_no_reach_beyond_jobs(self):
		self.assertEqual(set(frappe.get_roles(SERVICE_USER)) - {"All", "Guest", "Desk User"}, {SERVICE_ROLE})
		frappe.set_user(SERVICE_USER)
		try:
			for doctype in (
				"Customer",
				"Sales Invoice",
				"Service Location",
				"Dispatch Settings",
				"Dispatch Audit Event",
				"Dispatch Technician",
			):
				with self.subTest(doctype=doctype):
					self.assertFalse(frappe.has_permission(doctype, "read"))
					self.assertFalse(frappe.has_permission(doctype, "write"))
			# Frappe lets every user read their own User record, and nobody else's.
			self.assertFalse(frappe.has_permission("User", "read", "Administrator"))
			self.assertFalse(frappe.has_permission("Dispatch Job", "create"))
			self.assertFalse(frappe.has_permission("Dispatch Job", "delete"))
			# Without a token in this request, the service user lists no job at all.
			self.assertEqual(frappe.get_list("Dispatch Job", limit=5), [])
		finally:
			frappe.set_user("Administrator")

	def test_a_deleted_jobs_name_and_history_are_never_handed_to_a_new_job(self):
		token = self.token("dispatcher")
		newest = self.new_job()
		frappe.db.rollback()
		# Frappe gives the newest name back to the series when that document is deleted.
		frappe.delete_doc("Dispatch Job", newest)
		frappe.db.commit()
		self.assertEqual(
			frappe.get_all(
				"Dispatch Audit Event", filters={"job": newest}, pluck="command", order_by="creation"
			),
			["intake", "delete"],
		)
		response = self.intake(
			{"subject": f"After delete {self.run_id}", "service_location": self.loc_a}, token=token
		)
		self.assertEqual(response.status_code, 201, response.text[:500])
		name = response.json["data"]["job"]
		self.jobs.append(name)
		frappe.db.rollback()
		self.assertNotEqual(name, newest)
		self.assertEqual(
			frappe.get_all("Dispatch Audit Event", filters={"job": name}, pluck="command"), ["intake"]
		)

	def test_intake_picks_a_free_name_when_the_series_counter_is_behind(self):
		from frappe.model.naming import NamingSeries

		token = self.token("dispatcher")
		first = self.new_job()
		second = self.new_job()
		frappe.db.rollback()
		series = frappe.db.get_value("Dispatch Job", second, "naming_series")
		prefix = NamingSeries(series + ".#####").get_prefix()
		highest = int(second[len(prefix) :])
		for behind in (highest - 2, -3):
			with self.subTest(counter=behind):
				frappe.db.sql("update `tabSeries` set current = %s where name = %s", (behind, prefix))
				frappe.db.commit()
				response = self.intake(
					{"subject": f"Behind {self.run_id}", "service_location": self.loc_a}, token=token
				)
				self.assertEqual(response.status_code, 201, response.text[:500])
				name = response.json["data"]["job"]
				self.assertNotIn(name, (first, second))
				self.assertGreater(int(name[len(prefix) :]), highest)
				highest = int(name[len(prefix) :])
				frappe.db.rollback()
				self.assertEqual(
					frappe.db.count("Dispatch Audit Event", {"job": name, "command": "intake"}), 1
				)
