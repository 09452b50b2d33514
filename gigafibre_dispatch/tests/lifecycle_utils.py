"""HTTP harness for the lifecycle tests: committed fixtures, JWTs, requests through Frappe's WSGI app."""

import json
import time
import uuid
from urllib.parse import quote

import frappe
import jwt
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client

from gigafibre_dispatch.tests.utils import make_customer, make_user, next_monday

JOB_PATH = "/api/v2/document/" + quote("Dispatch Job")
INTAKE_PATH = "/api/v2/method/" + quote("Dispatch Job") + "/intake"
LIFECYCLE = "/api/method/gigafibre_dispatch.api.lifecycle."
UNSET = object()


class LifecycleHttpCase(FrappeTestCase):
	"""Requests run in their own transactions and commit, so fixtures are committed and removed at the end."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.run_id = frappe.generate_hash(length=6)
		cls.secret = f"test-secret-{cls.run_id}-{frappe.generate_hash(length=16)}"
		cls.client = get_test_client()
		cls.monday = next_monday()
		s = frappe.get_single("Dispatch Settings")
		cls._saved_settings = {f: s.get(f) for f in ("labour_item", "jwt_issuer", "jwt_audience")}
		cls.customer_a = make_customer(f"ZZ LC A {cls.run_id}")
		cls.customer_b = make_customer(f"ZZ LC B {cls.run_id}")
		cls.loc_a = cls._insert(
			{
				"doctype": "Service Location",
				"location_name": "LC A",
				"customer": cls.customer_a,
				"latitude": 45.5,
				"longitude": -73.57,
				"address_line": "1 rue A",
				"city": "Montréal",
				"contact_phone": "514-555-0000",
			}
		)
		cls.loc_b = cls._insert(
			{
				"doctype": "Service Location",
				"location_name": "LC B",
				"customer": cls.customer_b,
				"latitude": 45.52,
				"longitude": -73.6,
			}
		)
		cls.tech = cls._insert(
			{
				"doctype": "Dispatch Technician",
				"technician_name": f"LC tech {cls.run_id}",
				"home_latitude": 45.5,
				"home_longitude": -73.57,
			}
		)
		cls.other_tech = cls._insert(
			{
				"doctype": "Dispatch Technician",
				"technician_name": f"LC other {cls.run_id}",
				"home_latitude": 45.5,
				"home_longitude": -73.57,
			}
		)
		cls.labour_item = cls._labour_item()
		s.labour_item = cls.labour_item
		s.jwt_secret = cls.secret
		s.jwt_issuer = None
		s.jwt_audience = None
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		cls.photo_url = cls._file("photo.jpg")
		cls.signature_url = cls._file("signature.png")
		cls.jobs: list[str] = []
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		names = cls.jobs + frappe.get_all(
			"Dispatch Job", filters={"customer": ("in", [cls.customer_a, cls.customer_b])}, pluck="name"
		)
		for doctype in ("Dispatch Evidence", "Dispatch State Transition", "Dispatch Audit Event"):
			frappe.db.delete(doctype, {"job": ("in", names or [""])})
		frappe.db.delete("Dispatch Idempotency Record", {"actor": ("like", f"%{cls.run_id}%")})
		for si in frappe.get_all(
			"Sales Invoice", filters={"customer": ("in", [cls.customer_a, cls.customer_b])}, pluck="name"
		):
			frappe.delete_doc("Sales Invoice", si, force=True, ignore_permissions=True)
		frappe.db.set_value("Dispatch Job", {"name": ("in", names or [""])}, "depends_on", None)
		frappe.db.delete("Dispatch Absence", {"technician": ("in", [cls.tech, cls.other_tech])})
		for name in set(names):
			frappe.delete_doc("Dispatch Job", name, force=True, ignore_permissions=True)
		for doctype, name in (
			("Service Location", cls.loc_a),
			("Service Location", cls.loc_b),
			("Dispatch Technician", cls.tech),
			("Dispatch Technician", cls.other_tech),
		):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		s = frappe.get_single("Dispatch Settings")
		s.update(cls._saved_settings)
		s.jwt_secret = None
		s.flags.ignore_mandatory = True
		s.save(ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	# ------------------------------------------------------------------ fixtures

	@classmethod
	def _insert(cls, data: dict) -> str:
		return frappe.get_doc(data).insert(ignore_permissions=True).name

	@classmethod
	def _labour_item(cls) -> str:
		code = "ZZ-DISPATCH-LABOUR"
		if not frappe.db.exists("Item", code):
			group = (
				"Services"
				if frappe.db.exists("Item Group", "Services")
				else frappe.db.get_value("Item Group", {"is_group": 0}, "name")
			)
			uom = "Hour" if frappe.db.exists("UOM", "Hour") else "Nos"
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": "Main-d'oeuvre",
					"item_group": group,
					"stock_uom": uom,
					"is_stock_item": 0,
				}
			).insert(ignore_permissions=True)
		return code

	@classmethod
	def _file(cls, name: str) -> str:
		from io import BytesIO

		from PIL import Image

		buffer = BytesIO()
		Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
		doc = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{cls.run_id}-{name}.png",
				"content": buffer.getvalue(),
				"is_private": 0,
			}
		).insert(ignore_permissions=True)
		return doc.file_url

	# ------------------------------------------------------------------ tokens and requests

	def token(
		self,
		role: str,
		*,
		sub: str | None = None,
		accounts=UNSET,
		sites=None,
		exp_minutes: int = 10,
		tech_id=None,
		**extra,
	) -> str:
		claims = {
			"sub": sub or f"zz-{self.run_id}-{role}",
			"role": role,
			"exp": int(time.time()) + exp_minutes * 60,
		}
		if accounts is UNSET:
			accounts = [self.customer_a, self.customer_b]
		if accounts is not None:
			claims["account_ids"] = accounts
		if sites is not None:
			claims["site_ids"] = sites
		if tech_id:
			claims["tech_id"] = tech_id
		claims.update(extra)
		return jwt.encode(claims, self.secret, algorithm="HS256")

	def request(self, method: str, path: str, body=None, *, token=None, key=UNSET, headers=None):
		h = dict(headers or {})
		if token:
			h["Authorization"] = f"Bearer {token}"
		if key is UNSET:
			key = str(uuid.uuid4())
		if key is not None:
			h["Idempotency-Key"] = key
		kwargs = {"headers": h}
		if body is not None:
			kwargs["json"] = body
		return make_request(target=getattr(self.client, method), args=(path,), kwargs=kwargs)

	def command(self, job: str, command: str, body=None, **kw):
		return self.request("post", f"{JOB_PATH}/{quote(job)}/method/{command}", body or {}, **kw)

	def intake(self, body, **kw):
		response = self.request("post", INTAKE_PATH, body, **kw)
		if response.status_code == 201:
			self.jobs.append(response.json["data"]["job"])
		return response

	def get(self, method: str, token: str, **params):
		query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
		return self.request("get", f"{LIFECYCLE}{method}?{query}", token=token, key=None)

	def scoped_dispatcher(self, prefix: str) -> str:
		"""A Dispatcher limited by User Permission to customer A (password Scoped-Pass-123!), removed after the test."""
		from frappe.permissions import add_user_permission

		email = f"{prefix}.{self.run_id}@example.com"
		make_user(email, ["Dispatcher"])
		add_user_permission("Customer", self.customer_a, email)
		user = frappe.get_doc("User", email)
		user.new_password = "Scoped-Pass-123!"
		user.save(ignore_permissions=True)
		frappe.db.commit()

		def remove():
			frappe.set_user("Administrator")
			frappe.db.rollback()
			frappe.db.delete("User Permission", {"user": email})
			frappe.delete_doc("User", email, force=True, ignore_permissions=True)
			frappe.db.commit()

		self.addCleanup(remove)
		return email

	def list_route(self, client, doctype: str, fields: list[str]) -> list[dict]:
		"""The generic list route's rows for that client (every row, these fields); a 200 is asserted."""
		response = make_request(
			target=client.get,
			args=(f"/api/resource/{doctype}?fields={quote(json.dumps(fields))}&limit_page_length=0",),
		)
		self.assertEqual(response.status_code, 200, response.text)
		return response.json["data"]

	# ------------------------------------------------------------------ assertions

	def fresh(self, job: str) -> dict:
		frappe.db.rollback()  # leave this connection's snapshot: see what the requests committed
		return frappe.db.get_value(
			"Dispatch Job",
			job,
			["status", "modified", "sales_invoice", "completion_rejections"],
			as_dict=True,
		)

	def transitions(self, job: str) -> int:
		frappe.db.rollback()
		return frappe.db.count("Dispatch State Transition", {"job": job})

	def assert_policy(self, response, status: int, dimension: str, code: str | None = None):
		self.assertEqual(response.status_code, status, response.text)
		error = response.json["error"]
		self.assertEqual(error["policy_error"]["dimension"], dimension, response.text)
		if code:
			self.assertEqual(error["code"], code, response.text)
		self.assertTrue(error["message"])
		return error

	def add_child(self, job: str, doctype: str, parentfield: str, **values) -> None:
		"""A child row written straight to the table (and committed), as another process would have."""
		frappe.get_doc(
			{
				"doctype": doctype,
				"parent": job,
				"parenttype": "Dispatch Job",
				"parentfield": parentfield,
				**values,
			}
		).db_insert()
		frappe.db.commit()

	def new_job(self, **overrides) -> str:
		body = {
			"subject": f"LC job {self.run_id}",
			"service_location": self.loc_a,
			"duration_h": 1.5,
			"priority": "medium",
		}
		body.update(overrides)
		response = self.intake(body, token=self.token("dispatcher"))
		self.assertEqual(response.status_code, 201, response.text)
		return response.json["data"]["job"]

	def advance(self, job: str, until: str):
		"""Drive a job forward through the happy path up to `until`."""
		monday9 = f"{self.monday} 09:00:00"
		steps = [
			("triage", "dispatcher", {"priority": "high"}, "Triaged"),
			("schedule_propose", "dispatcher", {"technician": self.tech, "start": monday9}, "Proposed"),
			("schedule_confirm", "dispatcher", {}, "Scheduled"),
			("assignment_dispatch", "dispatcher", {}, "Dispatched"),
			("tech_check_in", "technician", {}, "In Progress"),
			(
				"tech_complete",
				"technician",
				{"signature_url": self.signature_url, "completion_notes": "OK"},
				"Completed",
			),
			("qa_verify", "qa_reviewer", {"result": "pass"}, "Verified"),
		]
		for command, role, body, reached in steps:
			token = self.token(role, tech_id=self.tech) if role == "technician" else self.token(role)
			response = self.command(job, command, body, token=token)
			self.assertEqual(response.status_code, 200, f"{command}: {response.text}")
			self.assertEqual(response.json["data"]["to_state"], reached)
			if reached == until:
				return
		self.fail(f"{until} not reached")


def login_client(user: str, password: str):
	"""A Frappe test client with a Desk session for `user` (the login is checked)."""
	from frappe.tests.test_api import make_request
	from frappe.utils import get_test_client

	client = get_test_client()
	response = make_request(
		target=client.post, args=("/api/method/login",), kwargs={"json": {"usr": user, "pwd": password}}
	)
	if response.status_code != 200:
		raise AssertionError(f"login {user}: {response.status_code} {response.text[:300]}")
	return client


def dumps(value) -> str:
	return json.dumps(value, sort_keys=True, default=str)
