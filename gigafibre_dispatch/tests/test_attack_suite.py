"""An independent attack suite: an outsider (guest), a technician and a dispatcher limited by a User Permission to
one customer try to read or change what is not theirs through the generic routes, the app's own methods and the
technician portal. Every attack asserts the answer AND that nothing leaked or changed (row counts, `modified`,
field values compared before and after, the other customer's markers absent from the whole answer).

The fixtures are committed (requests run in their own transactions) and removed in tearDownClass."""

import base64
import json
import time
import uuid
from datetime import datetime, timedelta
from io import BytesIO
from urllib.parse import quote, urlencode

import frappe
import jwt
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client, now_datetime

from gigafibre_dispatch.tests.lifecycle_utils import JOB_PATH, LIFECYCLE, LifecycleHttpCase, login_client
from gigafibre_dispatch.tests.utils import make_absence, make_user

API = "/api/method/"
PORTAL = "/api/method/gigafibre_dispatch.api.portal."
TECH_PASS = "Atk-Tech-Pass-482!"
SCOPED_PASS = "Atk-Scoped-Pass-913!"
REFUSED = (401, 403, 404)
TRACE_MARKS = ("Traceback", 'File "/', "frappe.exceptions")


def png_bytes(color=(10, 120, 200)) -> bytes:
	from PIL import Image

	buffer = BytesIO()
	Image.new("RGB", (3, 3), color).save(buffer, "PNG")
	return buffer.getvalue()


def data_url(mime: str, content: bytes) -> str:
	return f"data:{mime};base64,{base64.b64encode(content).decode()}"


class AttackCase(LifecycleHttpCase):
	"""Two customers (A: the scoped dispatcher's, B: someone else's), two technicians (`tech`: the attacking
	technician, with a Desk user and a magic link; `other_tech`: the colleague), and rows of every kind that holds
	a job's data, for a job of each customer."""

	@classmethod
	def setUpClass(cls):
		try:
			super().setUpClass()
		except frappe.TimestampMismatchError:  # another run on the site saved Dispatch Settings meanwhile
			frappe.db.rollback()
			super().setUpClass()
		try:
			cls._build()
		except BaseException:
			cls.tearDownClass()  # a failed set-up leaves nothing committed behind
			raise

	@classmethod
	def _build(cls):
		from frappe.permissions import add_user_permission

		from gigafibre_dispatch.setup.install import ensure_secrets

		ensure_secrets()
		run = cls.run_id
		cls.mark = f"ZQK{run.upper()}"
		cls.secret_b = f"{cls.mark}-SECRET-B"
		cls.day = str(cls.monday)
		cls.files: list[str] = []
		cls.extra_docs: list[tuple[str, str]] = []
		# The colleague's private data: phone, home, GPS fix, an absence and its reason.
		cls.colleague_phone = "+1 438 555 7" + str(int(time.time()) % 1000).zfill(3)
		frappe.db.set_value(
			"Dispatch Technician",
			cls.other_tech,
			{
				"phone": cls.colleague_phone,
				"home_latitude": 45.617283,
				"home_longitude": -73.714659,
				"gps_latitude": 45.638261,
				"gps_longitude": -73.729514,
				"gps_fix_at": now_datetime(),
			},
		)
		frappe.db.set_value("Dispatch Technician", cls.tech, "phone", "+1 514 555 0199")
		cls.absence = make_absence(cls.other_tech, cls.monday + timedelta(days=3), reason="Rendez-vous")
		frappe.db.set_value("Dispatch Absence", cls.absence, "note", f"{cls.mark} ABSENCE-NOTE")
		# Users: the technician (Desk) and the dispatcher limited to customer A.
		cls.tech_email = f"zz.atk.tech.{run}@example.com"
		make_user(cls.tech_email, ["Technician"])
		cls._password(cls.tech_email, TECH_PASS)
		frappe.db.set_value("Dispatch Technician", cls.tech, "user", cls.tech_email)
		cls.scoped_email = f"zz.atk.scoped.{run}@example.com"
		make_user(cls.scoped_email, ["Dispatcher"])
		add_user_permission("Customer", cls.customer_a, cls.scoped_email)
		cls._password(cls.scoped_email, SCOPED_PASS)
		# Places: one of each customer found by the same words.
		cls.loc_sa = cls._place(cls.customer_a, f"{cls.mark} Rue Visible")
		cls.loc_sb = cls._place(cls.customer_b, f"{cls.mark} Rue Cachee")
		cls.extra_docs += [("Service Location", cls.loc_sa), ("Service Location", cls.loc_sb)]
		# Stored markup, shown on the technician's page.
		cls.xss = '<script>alert("x1")</script>'
		cls.xss_img = '<img src=q onerror="alert(2)">'
		cls.loc_x = cls._insert(
			{
				"doctype": "Service Location",
				"location_name": "XSS site",
				"customer": cls.customer_a,
				"latitude": 45.51,
				"longitude": -73.58,
				"address_line": f"12 rue {cls.xss}",
				"city": f"Laval {cls.xss_img}",
				"access_notes": f'Porte "arrière" {cls.xss}',
			}
		)
		# A value imported around the form's phone check.
		frappe.db.set_value("Service Location", cls.loc_x, "contact_phone", '514" onclick="alert(3)')
		cls.extra_docs.append(("Service Location", cls.loc_x))
		at = lambda h, m=0: f"{cls.day} {h:02d}:{m:02d}:00"  # noqa: E731
		# Jobs (written directly, as a migration would: their history rows are added below).
		cls.job_a = cls._job(f"{cls.mark} JOB-A", cls.loc_a, cls.tech, at(9), "Scheduled", published=1)
		cls.job_b = cls._job(
			cls.secret_b,
			cls.loc_b,
			cls.other_tech,
			at(13),
			"Scheduled",
			published=1,
			description=f"{cls.mark} DESC-B",
			equipment_items=[
				{"equipment_type": "ONT", "serial_no": f"{cls.mark}SERB", "action": "Installed"}
			],
			checklist=[{"item": f"{cls.mark} CHECK-B"}],
		)
		cls.job_assist = cls._job(
			f"{cls.mark} ASSIST",
			cls.loc_a,
			cls.other_tech,
			at(15),
			"Scheduled",
			assistants=[{"tech_id": cls.tech, "duration_h": 1}],
		)
		cls.tray_a = cls._job(f"{cls.mark} TRAY-A", cls.loc_a, None, None, "Triaged", requested_date=cls.day)
		cls.tray_b = cls._job(f"{cls.mark} TRAY-B", cls.loc_b, None, None, "Triaged", requested_date=cls.day)
		cls.pub_b = cls._job(f"{cls.mark} PUB-B", cls.loc_b, cls.other_tech, at(16), "Scheduled", published=0)
		# The technician's portal jobs.
		cls.p_xss = cls._job(
			f"{cls.mark} XSS {cls.xss_img}",
			cls.loc_x,
			cls.tech,
			at(10),
			"Dispatched",
			published=1,
			description=cls.xss,
			checklist=[{"item": f"Vérifier {cls.xss}"}],
			equipment_items=[
				{
					"equipment_type": f"ONT{cls.xss_img}",
					"serial_no": f"SN<b>{cls.mark}</b>",
					"mac_address": "<svg onload=alert(4)>",
					"action": "On site",
				}
			],
		)
		cls.p_work = cls._job(f"{cls.mark} WORK", cls.loc_a, cls.tech, at(11), "In Progress", published=1)
		cls.p_other = cls._job(
			f"{cls.mark} OTHER-MINE", cls.loc_a, cls.tech, at(12), "In Progress", published=1
		)
		cls.p_hidden = cls._job(
			f"{cls.mark} UNPUBLISHED", cls.loc_a, cls.tech, at(14), "Dispatched", published=0
		)
		# History rows of both customers' jobs.
		cls.rows = {}
		for key, job in (("a", cls.job_a), ("b", cls.job_b)):
			tag = f"{cls.mark}-{key.upper()}"
			audit = cls._record(
				{
					"doctype": "Dispatch Audit Event",
					"job": job,
					"command": "triage",
					"from_state": "New",
					"to_state": "Triaged",
					"actor": f"zz-{run}",
					"payload": json.dumps({"note": f"{tag}-AUDIT"}),
				}
			)
			transition = cls._record(
				{
					"doctype": "Dispatch State Transition",
					"job": job,
					"from_state": "New",
					"to_state": "Triaged",
					"command": "triage",
					"actor": f"zz-{run}",
					"audit_event": audit,
					"request_id": f"{tag}-TRANSITION",
				}
			)
			evidence = cls._record(
				{
					"doctype": "Dispatch Evidence",
					"job": job,
					"kind": "document",
					"file_url": f"/private/files/{tag}.png",
					"note": f"{tag}-EVIDENCE",
					"added_by": f"zz-{run}",
				}
			)
			sms = cls._insert(
				{
					"doctype": "Dispatch SMS Log",
					"technician": cls.tech,
					"job": job,
					"kind": "customer",
					"status": "failed" if key == "b" else "sent",
					"to_number": "+15145550000",
					"body": f"{tag}-SMS",
					"dedupe_key": f"zz-{run}-{key}",
				}
			)
			cls.rows[key] = {"audit": audit, "transition": transition, "evidence": evidence, "sms": sms}
		cls.sms_link = cls._insert(
			{
				"doctype": "Dispatch SMS Log",
				"technician": cls.other_tech,
				"kind": "magic_link",
				"status": "sent",
				"to_number": "+14385550000",
				"body": f"{cls.mark}-MAGIC https://x/t/eyJsecret",
				"dedupe_key": f"zz-{run}-magic",
			}
		)
		# Offers: a broadcast on A's job, one targeted at the colleague on B's job.
		cls.offer_a = cls._offer(cls.job_a, "broadcast", [])
		cls.offer_b = cls._offer(cls.job_b, "targeted", [cls.other_tech])
		# Proposals: one of A's job, one of B's job, one mixing both.
		cls.opt_a = cls._proposal([cls.job_a])
		cls.opt_b = cls._proposal([cls.job_b])
		cls.opt_mixed = cls._proposal([cls.job_a, cls.job_b])
		# Files: one attached to B's job, one to another of the technician's jobs, one loose.
		cls.file_b = cls._attached(cls.job_b, "b")
		cls.file_other = cls._attached(cls.p_other, "other")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		names = list(cls.jobs) or [""]
		emails = [e for e in (getattr(cls, "tech_email", None), getattr(cls, "scoped_email", None)) if e]
		offers = frappe.get_all("Dispatch Offer", filters={"job": ("in", names)}, pluck="name")
		frappe.db.delete("Dispatch Offer Candidate", {"parent": ("in", offers or [""])})
		frappe.db.delete("Dispatch Offer", {"name": ("in", offers or [""])})
		opts = frappe.get_all(
			"Dispatch Optimization", filters={"requested_by": ("in", emails or [""])}, pluck="name"
		) + [getattr(cls, n, "") for n in ("opt_a", "opt_b", "opt_mixed")]
		for child in (
			"Dispatch Optimization Move",
			"Dispatch Optimization Release",
			"Dispatch Optimization Unplaced",
		):
			frappe.db.delete(child, {"parent": ("in", opts)})
		frappe.db.delete("Dispatch Optimization", {"name": ("in", opts)})
		frappe.db.delete("Dispatch SMS Log", {"technician": ("in", [cls.tech, cls.other_tech])})
		frappe.db.delete("Dispatch SMS Log", {"job": ("in", names)})
		frappe.db.delete("Dispatch Evidence", {"job": ("in", names)})
		frappe.db.delete("Dispatch Idempotency Record", {"job": ("in", names)})
		if getattr(cls, "mark", None):
			frappe.db.delete("Service Equipment", {"serial_no": ("like", f"{cls.mark}%")})
		for f in frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Dispatch Job", "attached_to_name": ("in", names)},
			pluck="name",
		) + list(getattr(cls, "files", [])):
			frappe.delete_doc("File", f, force=True, ignore_permissions=True)
		frappe.db.set_value("Dispatch Technician", cls.tech, "user", None)
		for email in emails:
			frappe.db.delete("User Permission", {"user": email})
			if frappe.db.exists("User", email):
				frappe.delete_doc("User", email, force=True, ignore_permissions=True)
		frappe.db.commit()
		extra = list(getattr(cls, "extra_docs", []))
		super().tearDownClass()  # the jobs, their history and absences, locations A/B, both technicians
		for doctype, name in extra:
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()

	# ------------------------------------------------------------------ fixtures

	@classmethod
	def _record(cls, data: dict) -> str:
		"""An append-only history row, as the command executor writes it."""
		doc = frappe.get_doc(data)
		doc.flags.via_command = True
		return doc.insert(ignore_permissions=True).name

	@classmethod
	def _password(cls, email: str, password: str):
		user = frappe.get_doc("User", email)
		user.new_password = password
		user.save(ignore_permissions=True)

	@classmethod
	def _place(cls, customer: str, label: str) -> str:
		return cls._insert(
			{
				"doctype": "Service Location",
				"location_name": label,
				"address_line": label,
				"city": "Montréal",
				"customer": customer,
				"latitude": 45.53,
				"longitude": -73.61,
			}
		)

	@classmethod
	def _job(cls, subject, location, tech, start, status, published=0, **fields) -> str:
		customer = frappe.db.get_value("Service Location", location, "customer")
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": subject,
				"service_location": location,
				"customer": customer,
				"assigned_technician": tech,
				"scheduled_start": start,
				"duration_h": 1,
				"status": status,
				"priority": "medium",
				"published": published,
				**fields,
			}
		)
		doc.flags.ignore_lifecycle = True
		doc.insert(ignore_permissions=True)
		cls.jobs.append(doc.name)
		return doc.name

	@classmethod
	def _offer(cls, job: str, mode: str, candidates: list[str]) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Offer",
				"job": job,
				"mode": mode,
				"status": "open",
				"start": f"{cls.day} 09:00:00",
				"expires_at": f"{cls.day} 08:00:00",
				"pricing_preset": "standard",
				"displacement": 41.37,
				"hourly_rate": 77.13,
				"duration_h": 1,
				"amount": 118.5,
				"candidates": [{"technician": t} for t in candidates],
			}
		)
		doc.insert(ignore_permissions=True)
		return doc.name

	@classmethod
	def _proposal(cls, jobs: list[str]) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Optimization",
				"status": "Ready",
				"date_from": cls.monday,
				"date_to": cls.monday,
				"requested_by": "Administrator",
				"error": None,
				"moves": [
					{
						"job": job,
						"to_technician": cls.tech,
						"to_start": f"{cls.day} {8 + i:02d}:00:00",
						"apply_status": "pending",
					}
					for i, job in enumerate(jobs)
				],
			}
		)
		doc.flags.from_service = True
		doc.insert(ignore_permissions=True)
		return doc.name

	@classmethod
	def _attached(cls, job: str, stem: str) -> str:
		doc = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{cls.mark}-{stem}.png",
				# Bytes of its own: Frappe shares one stored file (and its URL) between identical uploads.
				"content": png_bytes((len(stem) * 37 % 256, sum(map(ord, stem)) % 256, 200)),
				"is_private": 1,
				"attached_to_doctype": "Dispatch Job",
				"attached_to_name": job,
			}
		).insert(ignore_permissions=True)
		return doc.file_url

	# ------------------------------------------------------------------ clients and requests

	def tech_client(self):
		return login_client(self.tech_email, TECH_PASS)

	def scoped_client(self):
		return login_client(self.scoped_email, SCOPED_PASS)

	def admin_client(self):
		return login_client("Administrator", frappe.conf.get("admin_password") or "admin")

	def http(
		self, client, verb: str, path: str, params: dict | None = None, body=None, headers=None, raw=None
	):
		if params:
			query = urlencode(
				{k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}, quote_via=quote
			)
			path = f"{path}{'&' if '?' in path else '?'}{query}"
		kwargs = {"headers": dict(headers or {})}
		if raw is not None:
			kwargs["data"] = raw
			kwargs["headers"].setdefault("Content-Type", "application/json")
		elif body is not None:
			kwargs["json"] = body
		if verb == "post":
			kwargs["headers"].setdefault("Idempotency-Key", str(uuid.uuid4()))
		return make_request(target=getattr(client, verb), args=(path,), kwargs=kwargs)

	def link(self, tech=None, job=None) -> str:
		from gigafibre_dispatch.portal.links import magic_link_for

		return magic_link_for(tech or self.tech, job).rsplit("/t/", 1)[1]

	def portal(self, method: str, token: str, body: dict | None = None, get: dict | None = None):
		client = get_test_client()
		if get is not None:
			return self.http(client, "get", PORTAL + method, {"token": token, **get})
		return self.http(client, "post", PORTAL + method, body={"token": token, **(body or {})})

	def setUp(self):
		super().setUp()
		self._soft = None
		# Another run on the same site may have put its own API secret back meanwhile: ours again.
		s = frappe.get_single("Dispatch Settings")
		if s.get_password("jwt_secret", raise_exception=False) != self.secret:
			s.jwt_secret = self.secret
			s.flags.ignore_mandatory = True
			s.save(ignore_permissions=True)
			frappe.db.commit()

	# ------------------------------------------------------------------ assertions

	def soft(self):
		"""From now on the helpers collect failures (every attack of the test runs); `settle` reports them."""
		self._soft = []

	def settle(self):
		problems, self._soft = self._soft or [], None
		if problems:
			self.fail(f"{len(problems)} problem(s):\n" + "\n".join(p[:700] for p in problems))

	def _check(self, fn, *args, **kwargs):
		try:
			fn(*args, **kwargs)
		except AssertionError as e:
			if self._soft is None:
				raise
			self._soft.append(str(e))

	def text(self, response) -> str:
		return response.get_data().decode("utf-8", "replace")

	def assert_absent(self, *args, **kwargs):
		self._check(self._assert_absent, *args, **kwargs)

	def _assert_absent(self, response, *needles, where=""):
		body = self.text(response)
		for needle in needles:
			self.assertNotIn(str(needle), body, f"{where}: leaked {needle!r}: {body[:400]}")

	def assert_refused(self, *args, **kwargs):
		self._check(self._assert_refused, *args, **kwargs)

	def _assert_refused(self, response, allowed=REFUSED, where=""):
		self.assertIn(
			response.status_code, allowed, f"{where}: {response.status_code} {self.text(response)[:400]}"
		)

	def assert_4xx(self, *args, **kwargs):
		self._check(self._assert_4xx, *args, **kwargs)

	def _assert_4xx(self, response, where=""):
		self.assertTrue(
			400 <= response.status_code < 500, f"{where}: {response.status_code} {self.text(response)[:400]}"
		)

	def assert_no_traceback(self, *args, **kwargs):
		self._check(self._assert_no_traceback, *args, **kwargs)

	def _assert_no_traceback(self, response, where=""):
		for mark in TRACE_MARKS:
			self.assertNotIn(mark, self.text(response), f"{where}: {self.text(response)[:400]}")

	def assert_below_500(self, response, where=""):
		self._check(
			self.assertLess,
			response.status_code,
			500,
			f"{where}: {response.status_code} {self.text(response)[:400]}",
		)

	def state(self, doctype: str, name: str, fields=("modified",)) -> dict:
		frappe.db.rollback()
		return frappe.db.get_value(doctype, name, list(fields), as_dict=True)

	def job_state(self, job: str) -> dict:
		frappe.db.rollback()
		row = frappe.db.get_value(
			"Dispatch Job",
			job,
			[
				"status",
				"modified",
				"assigned_technician",
				"scheduled_start",
				"published",
				"subject",
				"description",
			],
			as_dict=True,
		)
		row["transitions"] = frappe.db.count("Dispatch State Transition", {"job": job})
		row["audit"] = frappe.db.count("Dispatch Audit Event", {"job": job})
		row["evidence"] = frappe.db.count("Dispatch Evidence", {"job": job})
		return row

	def counts(self) -> dict:
		frappe.db.rollback()
		return {
			dt: frappe.db.count(dt)
			for dt in (
				"Dispatch Job",
				"Dispatch Audit Event",
				"Dispatch State Transition",
				"Dispatch Evidence",
				"Dispatch Offer",
				"Dispatch Optimization",
				"File",
			)
		}


# ====================================================================== the dispatcher limited to customer A


class TestScopedDispatcherSideTables(AttackCase):
	"""Every row that holds a job's data follows the job's rule, whatever the route or the field list."""

	SIDE = (
		("Dispatch Audit Event", "audit", "AUDIT", ["name", "job", "payload", "job.subject", "job.customer"]),
		(
			"Dispatch State Transition",
			"transition",
			"TRANSITION",
			["name", "job", "request_id", "job.subject"],
		),
		("Dispatch Evidence", "evidence", "EVIDENCE", ["name", "job", "note", "job.description"]),
		("Dispatch SMS Log", "sms", "SMS", ["name", "job", "body", "job.subject"]),
	)

	def _leaks_b(self):
		return (self.job_b, self.secret_b, f"{self.mark}-B-", f"{self.mark} DESC-B")

	def test_01_resource_lists_with_a_job_join_show_only_customer_a(self):
		self.soft()
		client = self.scoped_client()
		for doctype, key, label, fields in self.SIDE:
			response = self.http(
				client,
				"get",
				f"/api/resource/{quote(doctype)}",
				{
					"fields": fields,
					"limit_page_length": "0",
					"filters": [["job", "in", [self.job_a, self.job_b]]],
				},
			)
			self.assertEqual(response.status_code, 200, f"{doctype}: {self.text(response)[:300]}")
			names = {r["name"] for r in response.json["data"]}
			self.assertIn(self.rows["a"][key], names, doctype)  # the route answers: A's row is there
			self.assertIn(f"{self.mark}-A-{label}", self.text(response), doctype)
			self.assert_absent(response, *self._leaks_b(), self.rows["b"][key], where=doctype)
		self.settle()

	def test_02_client_get_list_with_backquoted_job_table_never_leaks(self):
		"""`tabDispatch Job`.subject in the field list of a side table: refused, or A's rows only; never a 5xx."""
		self.soft()
		client = self.scoped_client()
		for doctype in ("Dispatch State Transition", "Dispatch Audit Event", "Dispatch Offer"):
			response = self.http(
				client,
				"get",
				API + "frappe.client.get_list",
				{
					"doctype": doctype,
					"fields": ["name", "job", "`tabDispatch Job`.subject", "`tabDispatch Job`.customer"],
					"limit_page_length": "0",
				},
			)
			self.assert_below_500(response)
			self.assert_absent(response, *self._leaks_b(), self.customer_b, where=doctype)
		self.settle()

	def test_03_direct_reads_of_customer_b_rows_are_refused(self):
		self.soft()
		client = self.scoped_client()
		for doctype, key, _label, _fields in self.SIDE:
			name = self.rows["b"][key]
			for response in (
				self.http(client, "get", f"/api/resource/{quote(doctype)}/{name}"),
				self.http(client, "get", f"/api/v2/document/{quote(doctype)}/{name}"),
				self.http(client, "get", API + "frappe.client.get", {"doctype": doctype, "name": name}),
				self.http(
					client,
					"get",
					API + "frappe.desk.form.load.getdoc",
					{"doctype": doctype, "name": name},
				),
			):
				self.assert_refused(response, where=f"{doctype} {name}")
				self.assert_absent(response, *self._leaks_b(), where=doctype)
		# And A's row is readable (the refusal is the row rule, not a missing role).
		ok = self.http(client, "get", f"/api/resource/Dispatch Audit Event/{self.rows['a']['audit']}")
		self.assertEqual(ok.status_code, 200, self.text(ok)[:300])
		self.settle()

	def test_04_get_value_on_side_tables_by_filters_returns_nothing_of_b(self):
		self.soft()
		client = self.scoped_client()
		for doctype, fields in (
			("Dispatch Offer", ["name", "amount", "job", "job.subject"]),
			("Dispatch Evidence", ["name", "note", "file_url"]),
			("Dispatch SMS Log", ["name", "body", "to_number"]),
			("Dispatch State Transition", ["name", "request_id"]),
		):
			response = self.http(
				client,
				"get",
				API + "frappe.client.get_value",
				{"doctype": doctype, "fieldname": fields, "filters": {"job": self.job_b}},
			)
			self.assert_below_500(response)
			if response.status_code == 200:
				self.assertFalse(response.json.get("message"), f"{doctype}: {self.text(response)[:300]}")
			self.assert_absent(response, *self._leaks_b(), self.offer_b, "118.5", where=doctype)
		self.settle()

	def test_05_counts_follow_the_row_rule(self):
		self.soft()
		client = self.scoped_client()

		def count(doctype, filters):
			response = self.http(
				client, "get", API + "frappe.client.get_count", {"doctype": doctype, "filters": filters}
			)
			self.assert_below_500(response)
			return response.json.get("message") if response.status_code == 200 else 0

		for doctype in (
			"Dispatch Audit Event",
			"Dispatch State Transition",
			"Dispatch Evidence",
			"Dispatch Offer",
			"Dispatch SMS Log",
		):
			self.assertEqual(count(doctype, {"job": self.job_b}), 0, doctype)
			self.assertGreaterEqual(count(doctype, {"job": self.job_a}), 1, doctype)
		self.assertEqual(count("Dispatch Job", {"customer": self.customer_b}), 0)
		self.assertEqual(count("Dispatch Job", [["subject", "like", f"{self.mark}-SECRET%"]]), 0)
		self.assertEqual(count("Dispatch Optimization", {"name": self.opt_b}), 0)
		# reportview's own count.
		rv = self.http(
			client,
			"get",
			API + "frappe.desk.reportview.get_count",
			{"doctype": "Dispatch State Transition", "filters": [["job", "=", self.job_b]]},
		)
		self.assert_below_500(rv)
		if rv.status_code == 200:
			self.assertEqual(rv.json["message"], 0, self.text(rv))
		self.settle()

	def test_06_reportview_get_export_and_group_counts_keep_to_customer_a(self):
		self.soft()
		client = self.scoped_client()
		got = self.http(
			client,
			"get",
			API + "frappe.desk.reportview.get",
			{
				"doctype": "Dispatch Evidence",
				"fields": ["`tabDispatch Evidence`.`name`", "`tabDispatch Evidence`.`note`", "job.subject"],
				"filters": [["Dispatch Evidence", "job", "in", [self.job_a, self.job_b]]],
				"page_length": "500",
			},
		)
		self.assertEqual(got.status_code, 200, self.text(got)[:300])
		self.assertIn(f"{self.mark}-A-EVIDENCE", self.text(got))
		self.assert_absent(got, *self._leaks_b(), where="reportview.get")
		exported = self.http(
			client,
			"post",
			API + "frappe.desk.reportview.export_query",
			body={
				"doctype": "Dispatch Audit Event",
				"file_format_type": "CSV",
				"fields": json.dumps(
					["`tabDispatch Audit Event`.`name`", "`tabDispatch Audit Event`.`payload`", "job.subject"]
				),
				"filters": json.dumps([["Dispatch Audit Event", "job", "in", [self.job_a, self.job_b]]]),
				"title": "x",
			},
		)
		self.assert_below_500(exported)
		self.assert_absent(exported, *self._leaks_b(), where="export_query")
		grouped = self.http(
			client,
			"get",
			API + "frappe.desk.listview.get_group_by_count",
			{
				"doctype": "Dispatch Job",
				"current_filters": [["Dispatch Job", "subject", "like", f"{self.mark}%"]],
				"field": "customer",
			},
		)
		self.assertEqual(grouped.status_code, 200, self.text(grouped)[:300])
		self.assertIn(self.customer_a, self.text(grouped))
		self.assert_absent(grouped, self.customer_b, where="group_by_count")
		self.settle()

	def test_07_child_rows_read_through_their_parent_doctype_do_not_leak(self):
		"""get_list of a child table (`parent=`) must keep the parent's row rule: proposal moves, job equipment."""
		self.soft()
		client = self.scoped_client()
		moves = self.http(
			client,
			"get",
			API + "frappe.client.get_list",
			{
				"doctype": "Dispatch Optimization Move",
				"parent": "Dispatch Optimization",
				"fields": ["parent", "job", "to_technician", "to_start"],
				"filters": [["job", "in", [self.job_a, self.job_b]]],
				"limit_page_length": "0",
			},
		)
		self.assert_below_500(moves)
		self.assert_absent(moves, self.job_b, self.opt_b, self.opt_mixed, where="optimization moves")
		equipment = self.http(
			client,
			"get",
			API + "frappe.client.get_list",
			{
				"doctype": "Dispatch Job Equipment",
				"parent": "Dispatch Job",
				"fields": ["parent", "serial_no", "equipment_type"],
				"filters": [["serial_no", "like", f"{self.mark}%"]],
				"limit_page_length": "0",
			},
		)
		self.assert_below_500(equipment)
		self.assert_absent(equipment, self.job_b, f"{self.mark}SERB", where="job equipment")
		checklist = self.http(
			client,
			"get",
			API + "frappe.desk.reportview.get",
			{
				"doctype": "Dispatch Job Checklist Item",
				"parent_doctype": "Dispatch Job",
				"fields": ["parent", "item"],
				"filters": [["item", "like", f"{self.mark}%"]],
			},
		)
		self.assert_below_500(checklist)
		self.assert_absent(checklist, self.job_b, f"{self.mark} CHECK-B", where="checklist")
		self.settle()

	def test_08_proposals_holding_a_customer_b_move_are_closed(self):
		self.soft()
		client = self.scoped_client()
		for name in (self.opt_b, self.opt_mixed):
			for response in (
				self.http(client, "get", f"/api/resource/Dispatch Optimization/{name}"),
				self.http(
					client, "get", API + "gigafibre_dispatch.api.optimizer.get_proposal", {"name": name}
				),
				self.http(client, "get", API + "gigafibre_dispatch.api.optimizer.status", {"name": name}),
			):
				self.assert_refused(response, where=name)
				self.assert_absent(response, self.job_b, self.secret_b, where=name)
		listed = self.http(
			client,
			"get",
			"/api/resource/Dispatch Optimization",
			{
				"fields": ["name", "status"],
				"filters": [["name", "in", [self.opt_a, self.opt_b, self.opt_mixed]]],
			},
		)
		self._check(self.assertEqual, {r["name"] for r in listed.json["data"]}, {self.opt_a}, "proposal list")
		# Applying or dismissing someone else's proposal changes nothing.
		before = self.state("Dispatch Optimization", self.opt_b, ("modified", "status"))
		for method in ("apply", "dismiss"):
			response = self.http(
				client, "post", API + f"gigafibre_dispatch.api.optimizer.{method}", body={"name": self.opt_b}
			)
			self.assert_refused(response, where=method)
		self._check(
			self.assertEqual, self.state("Dispatch Optimization", self.opt_b, ("modified", "status")), before
		)
		self._check(self.assertEqual, self.job_state(self.job_b)["status"], "Scheduled")
		self.settle()

	def test_09_sms_logs_of_b_and_a_technicians_magic_link_are_closed(self):
		self.soft()
		client = self.scoped_client()
		for name in (self.rows["b"]["sms"], self.sms_link):
			response = self.http(client, "get", f"/api/resource/Dispatch SMS Log/{name}")
			self.assert_refused(response, where=name)
			self.assert_absent(response, f"{self.mark}-B-SMS", "eyJsecret", where=name)
		listed = self.http(
			client,
			"get",
			"/api/resource/Dispatch SMS Log",
			{
				"fields": ["name", "body", "kind"],
				"filters": [["dedupe_key", "like", f"zz-{self.run_id}-%"]],
				"limit_page_length": "0",
			},
		)
		self.assertEqual({r["name"] for r in listed.json["data"]}, {self.rows["a"]["sms"]})
		# resend of B's message: refused, nothing queued again.
		before = self.state("Dispatch SMS Log", self.rows["b"]["sms"], ("modified", "status", "attempts"))
		resend = self.http(
			client,
			"post",
			API + "gigafibre_dispatch.api.publish.resend_sms",
			body={"log": self.rows["b"]["sms"]},
		)
		self.assert_refused(resend, where="resend_sms")
		self._check(
			self.assertEqual,
			self.state("Dispatch SMS Log", self.rows["b"]["sms"], ("modified", "status", "attempts")),
			before,
		)
		self.settle()

	def test_10_a_private_file_of_a_customer_b_job_is_not_served(self):
		self.soft()
		client = self.scoped_client()
		response = self.http(client, "get", self.file_b)
		self.assert_refused(response, where=self.file_b)
		self._check(self.assertNotIn, b"\x89PNG", response.data, "the file's bytes were served")
		listed = self.http(
			client,
			"get",
			"/api/resource/File",
			{
				"fields": ["name", "file_url", "attached_to_name"],
				"filters": [["attached_to_name", "=", self.job_b]],
			},
		)
		self.assert_below_500(listed)
		self.assert_absent(listed, self.file_b, where="File list")
		self.settle()


class TestScopedDispatcherMethods(AttackCase):
	"""The app's own methods (board, ranking, slots, optimizer, publishing, links) keep to the caller's scope."""

	def test_11_the_board_shows_no_customer_b_job(self):
		self.soft()
		client = self.scoped_client()
		board = self.http(
			client,
			"get",
			API + "gigafibre_dispatch.api.board.get_board",
			{"date_from": self.day, "date_to": self.day},
		)
		self.assertEqual(board.status_code, 200, self.text(board)[:300])
		self.assertIn(self.job_a, self.text(board))  # the board answers with A's job
		self.assert_absent(
			board, self.job_b, self.secret_b, self.tray_b, self.pub_b, f"{self.mark} TRAY-B", where="board"
		)
		week = self.http(
			client,
			"post",
			API + "gigafibre_dispatch.api.board.get_board",
			body={
				"date_from": self.day,
				"date_to": str(self.monday + timedelta(days=6)),
				"detail": "week",
				"technicians": [self.other_tech],
			},
		)
		self.assertEqual(week.status_code, 200, self.text(week)[:300])
		self.assert_absent(week, self.job_b, self.secret_b, self.pub_b, where="board week")
		self.settle()

	def test_12_job_card_drop_check_and_edit_of_a_b_job_are_refused(self):
		self.soft()
		client = self.scoped_client()
		before = self.job_state(self.job_b)
		loc_before = self.state("Service Location", self.loc_b, ("modified", "latitude", "longitude"))
		calls = (
			("get", "get_job_card", {"job": self.job_b}),
			(
				"get",
				"check_drop",
				{"job": self.job_b, "technician": self.tech, "start": f"{self.day} 10:00:00"},
			),
			("post", "edit_job", {"job": self.job_b, "values": {"subject": "pwned", "description": "pwned"}}),
			("post", "geofix", {"job": self.job_b, "latitude": 45.1, "longitude": -73.1}),
			("post", "release", {"job": self.job_b}),
			("post", "resize", {"job": self.job_b, "duration_h": 3}),
			("post", "drop", {"job": self.job_b, "technician": self.tech, "start": f"{self.day} 10:00:00"}),
		)
		for verb, method, args in calls:
			path = API + f"gigafibre_dispatch.api.board.{method}"
			response = (
				self.http(client, verb, path, args)
				if verb == "get"
				else self.http(client, verb, path, body=args)
			)
			self.assert_refused(response, where=method)
			self.assert_absent(response, self.secret_b, f"{self.mark} DESC-B", where=method)
		self._check(self.assertEqual, self.job_state(self.job_b), before)
		self._check(
			self.assertEqual,
			self.state("Service Location", self.loc_b, ("modified", "latitude", "longitude")),
			loc_before,
		)
		self.settle()

	def test_13_ranking_and_slots_for_a_b_job_are_refused(self):
		self.soft()
		client = self.scoped_client()
		for method in ("best_technicians", "suggest_slots"):
			response = self.http(
				client, "get", API + f"gigafibre_dispatch.api.scheduling.{method}", {"job": self.job_b}
			)
			self.assert_refused(response, where=method)
			self.assert_absent(response, self.secret_b, where=method)
		ok = self.http(
			client,
			"get",
			API + "gigafibre_dispatch.api.scheduling.best_technicians",
			{"job": self.tray_a, "limit": "3"},
		)
		self.assertEqual(ok.status_code, 200, self.text(ok)[:300])
		self.settle()

	def test_14_the_optimizer_never_plans_a_named_b_job(self):
		self.soft()
		client = self.scoped_client()
		before = self.job_state(self.tray_b)
		started = self.http(
			client,
			"post",
			API + "gigafibre_dispatch.api.optimizer.start",
			body={"date_from": self.day, "date_to": self.day, "jobs": [self.tray_a, self.tray_b]},
		)
		self.assert_below_500(started)
		if started.status_code == 200:
			name = started.json["message"]["name"]
			for _ in range(60):
				status = self.http(
					client, "get", API + "gigafibre_dispatch.api.optimizer.status", {"name": name}
				)
				if status.json["message"]["status"] not in ("Queued", "Running"):
					break
				time.sleep(1)
			proposal = self.http(
				client, "get", API + "gigafibre_dispatch.api.optimizer.get_proposal", {"name": name}
			)
			self.assertEqual(proposal.status_code, 200, self.text(proposal)[:300])
			self.assert_absent(proposal, self.tray_b, f"{self.mark} TRAY-B", where="proposal")
			frappe.db.rollback()
			rows = frappe.get_all(
				"Dispatch Optimization Move", filters={"parent": name}, pluck="job"
			) + frappe.get_all("Dispatch Optimization Unplaced", filters={"parent": name}, pluck="job")
			self.assertNotIn(self.tray_b, rows)
		else:
			self.assert_4xx(started, "optimizer.start")
			self.assert_absent(started, f"{self.mark} TRAY-B")
		self._check(self.assertEqual, self.job_state(self.tray_b), before)
		self.settle()

	def test_15_no_magic_link_to_a_customer_b_job(self):
		self.soft()
		client = self.scoped_client()
		response = self.http(
			client,
			"get",
			API + "gigafibre_dispatch.api.publish.magic_link",
			{"technician": self.other_tech, "job": self.job_b},
		)
		if response.status_code == 200:  # a link was minted: what does it open?
			token = response.json["message"].rsplit("/t/", 1)[1]
			page = make_request(target=get_test_client().get, args=(f"/t/{token}",))
			self.fail(
				f"a dispatcher limited to customer A got a link to {self.job_b}; the page shows the secret: "
				f"{self.secret_b in self.text(page)}"
			)
		self.assert_refused(response, allowed=(400, 401, 403, 404, 417), where="magic_link")
		self.assert_absent(response, "/t/ey", where="magic_link")
		self.settle()

	def test_16_publishing_a_colleagues_schedule_leaves_customer_b_jobs_alone(self):
		self.soft()
		client = self.scoped_client()
		before = self.job_state(self.pub_b)
		self.http(
			client,
			"post",
			API + "gigafibre_dispatch.api.publish.publish_schedule",
			body={"technician": self.other_tech, "date_from": self.day, "date_to": self.day},
		)
		after = self.job_state(self.pub_b)
		self.assertEqual(after, before, "a scoped dispatcher's publication touched another customer's job")
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Dispatch SMS Log", {"job": self.pub_b}), 0)
		self.settle()

	def test_17_commands_and_direct_writes_on_a_b_job_are_refused(self):
		self.soft()
		client = self.scoped_client()
		before = self.job_state(self.job_b)
		cancel = self.http(
			client, "post", f"{JOB_PATH}/{quote(self.job_b)}/method/cancel", body={"reason": "x"}
		)
		self.assert_refused(cancel, where="cancel")
		put = self.http(
			client, "put", f"/api/resource/Dispatch Job/{self.job_b}", body={"description": "pwned"}
		)
		self.assert_4xx(put, "PUT")
		save = self.http(
			client,
			"post",
			API + "frappe.client.set_value",
			body={
				"doctype": "Dispatch Job",
				"name": self.job_b,
				"fieldname": "description",
				"value": "pwned",
			},
		)
		self.assert_4xx(save, "set_value")
		delete = self.http(client, "delete", f"/api/resource/Dispatch Evidence/{self.rows['b']['evidence']}")
		self.assert_4xx(delete, "DELETE evidence")
		for response in (cancel, put, save, delete):
			self.assert_absent(response, self.secret_b, f"{self.mark} DESC-B")
		self._check(self.assertEqual, self.job_state(self.job_b), before)
		self.settle()

	def test_18_typed_lines_and_address_search_reveal_nothing_of_b(self):
		self.soft()
		client = self.scoped_client()
		line = self.http(
			client,
			"get",
			API + "gigafibre_dispatch.api.board.read_line",
			{"text": f"{self.job_b} {self.other_tech} lundi 9h"},
		)
		self.assert_below_500(line)
		self.assert_absent(line, self.secret_b, f"{self.mark} DESC-B", where="read_line")
		found = self.http(
			client, "get", API + "gigafibre_dispatch.api.scheduling.search_address", {"q": self.mark}
		)
		self.assertEqual(found.status_code, 200, self.text(found)[:300])
		self.assertIn(self.loc_sa, self.text(found))
		self.assert_absent(found, self.loc_sb, "Rue Cachee", where="search_address")
		named = self.http(
			client,
			"get",
			API + "gigafibre_dispatch.api.scheduling.search_address",
			{"q": self.mark, "customer": self.customer_b},
		)
		self.assert_below_500(named)
		self.assert_absent(named, self.loc_sb, "Rue Cachee", where="search_address customer=B")
		self.settle()

	def test_19_a_scoped_bearer_token_reads_nothing_of_b(self):
		self.soft()
		scoped = self.token("dispatcher", accounts=[self.customer_a])
		for method in ("get_evidence", "get_timeline", "get_job", "job_packet"):
			response = self.get(method, scoped, job=self.job_b)
			self.assert_refused(response, where=method)
			self.assert_absent(response, self.secret_b, f"{self.mark}-B-", where=method)
		cockpit = self.get("cockpit", scoped)
		self.assertEqual(cockpit.status_code, 200, self.text(cockpit)[:300])
		self.assert_absent(cockpit, self.job_b, self.secret_b, self.tray_b, where="cockpit")
		self.settle()


# ====================================================================== the technician


class TestTechnicianDesk(AttackCase):
	"""A technician's Desk session: their jobs and own record; of a colleague, the name only."""

	def _colleague_secrets(self):
		return (self.colleague_phone, "45.617283", "-73.714659", "45.638261", "-73.729514")

	def test_20_a_colleagues_private_fields_are_not_readable(self):
		self.soft()
		client = self.tech_client()
		for response in (
			self.http(
				client,
				"get",
				API + "frappe.client.get_value",
				{
					"doctype": "Dispatch Technician",
					"fieldname": ["phone", "home_latitude", "gps_latitude"],
					"filters": self.other_tech,
				},
			),
			self.http(
				client,
				"get",
				API + "frappe.desk.reportview.get",
				{
					"doctype": "Dispatch Technician",
					"fields": [
						"`tabDispatch Technician`.`name`",
						"`tabDispatch Technician`.`phone`",
						"`tabDispatch Technician`.`gps_latitude`",
					],
				},
			),
			self.http(
				client,
				"get",
				API + "frappe.desk.form.load.getdoc",
				{"doctype": "Dispatch Technician", "name": self.other_tech},
			),
			self.http(client, "get", f"/api/v2/document/Dispatch Technician/{self.other_tech}"),
		):
			self.assert_below_500(response)
			self.assert_absent(response, *self._colleague_secrets(), where="colleague record")
		own = self.http(client, "get", f"/api/resource/Dispatch Technician/{self.tech}")
		self.assertEqual(own.status_code, 200, self.text(own)[:300])
		self.assertIn("514 555 0199", self.text(own))
		self.settle()

	def test_21_a_shared_job_does_not_open_the_colleagues_record_through_a_join(self):
		"""The technician assists the colleague on one job; `assigned_technician.phone` in the field list must not
		hand out the colleague's phone, home or GPS."""
		self.soft()
		client = self.tech_client()
		response = self.http(
			client,
			"get",
			"/api/resource/Dispatch Job",
			{
				"fields": [
					"name",
					"assigned_technician",
					"assigned_technician.phone",
					"assigned_technician.home_latitude",
					"assigned_technician.home_longitude",
					"assigned_technician.gps_latitude",
				],
				"filters": [["name", "in", [self.job_assist, self.job_a]]],
			},
		)
		self.assert_below_500(response)
		if response.status_code == 200:
			self.assertIn(self.job_assist, self.text(response))  # the shared job is theirs to read
		self.assert_absent(response, *self._colleague_secrets(), where="join")
		# The same through reportview with the join in backquotes.
		rv = self.http(
			client,
			"get",
			API + "frappe.desk.reportview.get",
			{
				"doctype": "Dispatch Job",
				"fields": [
					"`tabDispatch Job`.`name`",
					"assigned_technician.phone",
					"assigned_technician.gps_latitude",
				],
				"filters": [["Dispatch Job", "name", "=", self.job_assist]],
			},
		)
		self.assert_below_500(rv)
		self.assert_absent(rv, *self._colleague_secrets(), where="reportview join")
		self.settle()

	def test_22_a_colleagues_absence_and_planning_are_closed(self):
		self.soft()
		client = self.tech_client()
		for response in (
			self.http(
				client,
				"get",
				"/api/resource/Dispatch Absence",
				{"fields": ["name", "technician", "reason", "note"]},
			),
			self.http(client, "get", f"/api/resource/Dispatch Absence/{self.absence}"),
			self.http(
				client,
				"get",
				API + "frappe.client.get_list",
				{
					"doctype": "Dispatch Absence",
					"fields": ["reason", "note", "technician.phone"],
					"filters": {"technician": self.other_tech},
				},
			),
			self.http(
				client,
				"get",
				API + "gigafibre_dispatch.api.board.get_planning",
				{"technician": self.other_tech},
			),
			self.http(
				client,
				"get",
				API + "gigafibre_dispatch.api.board.get_board",
				{"date_from": self.day, "date_to": self.day},
			),
		):
			self.assert_below_500(response)
			if response.status_code == 200:
				self.assertFalse(
					response.json.get("data") or response.json.get("message"), self.text(response)[:300]
				)
			self.assert_absent(
				response, self.absence, "Rendez-vous", f"{self.mark} ABSENCE-NOTE", *self._colleague_secrets()
			)
		self.settle()

	def test_23_ranking_and_slots_do_not_place_colleagues_for_a_technician(self):
		"""A ranking from an arbitrary point gives each colleague's distance: three calls locate their home."""
		self.soft()
		client = self.tech_client()
		for method, args in (
			("best_technicians", {"latitude": "45.6", "longitude": "-73.7", "limit": "50"}),
			("suggest_slots", {"latitude": "45.6", "longitude": "-73.7", "duration_h": "1"}),
		):
			response = self.http(client, "get", API + f"gigafibre_dispatch.api.scheduling.{method}", args)
			self.assert_below_500(response)
			self.assert_absent(response, self.other_tech, f"LC other {self.run_id}", where=method)
		self.settle()

	def test_24_child_rows_of_jobs_not_theirs_are_closed(self):
		self.soft()
		client = self.tech_client()
		for doctype, field in (
			("Dispatch Job Equipment", "serial_no"),
			("Dispatch Job Checklist Item", "item"),
		):
			response = self.http(
				client,
				"get",
				API + "frappe.client.get_list",
				{
					"doctype": doctype,
					"parent": "Dispatch Job",
					"fields": ["parent", field],
					"limit_page_length": "0",
				},
			)
			self.assert_below_500(response)
			self.assert_absent(
				response, self.job_b, f"{self.mark}SERB", f"{self.mark} CHECK-B", where=doctype
			)
		joined = self.http(
			client,
			"get",
			"/api/resource/Dispatch Job",
			{"fields": ["name", "`tabDispatch Job Equipment`.serial_no"], "limit_page_length": "0"},
		)
		self.assert_below_500(joined)
		self.assert_absent(joined, self.job_b, f"{self.mark}SERB", where="child join")
		self.settle()

	def test_25_offers_meant_for_a_colleague_are_invisible_and_unanswerable(self):
		self.soft()
		client = self.tech_client()
		listed = self.http(
			client,
			"get",
			"/api/resource/Dispatch Offer",
			{
				"fields": ["name", "job", "job.subject", "amount"],
				"filters": [["name", "in", [self.offer_a, self.offer_b]]],
			},
		)
		self.assertEqual(listed.status_code, 200, self.text(listed)[:300])
		self.assertEqual({r["name"] for r in listed.json["data"]}, {self.offer_a})  # the broadcast only
		self.assert_absent(listed, self.secret_b)
		before = self.state("Dispatch Offer", self.offer_b, ("modified", "status", "accepted_by"))
		job_before = self.job_state(self.job_b)
		for method in ("accept_offer", "decline_offer"):
			response = self.http(
				client, "post", API + f"gigafibre_dispatch.api.offers.{method}", body={"offer": self.offer_b}
			)
			self.assert_refused(response, allowed=(403, 404, 409, 417), where=method)
		self._check(
			self.assertEqual,
			self.state("Dispatch Offer", self.offer_b, ("modified", "status", "accepted_by")),
			before,
		)
		self._check(self.assertEqual, self.job_state(self.job_b), job_before)
		frappe.db.rollback()
		self.assertFalse(
			frappe.db.get_value("Dispatch Offer Candidate", {"parent": self.offer_b}, "response")
		)
		self.settle()

	def test_26_a_technician_cannot_write_jobs_or_records_directly(self):
		self.soft()
		client = self.tech_client()
		job_before = self.job_state(self.job_a)
		tech_before = self.state(
			"Dispatch Technician", self.tech, ("modified", "gps_latitude", "phone", "user")
		)
		for response in (
			self.http(
				client,
				"put",
				f"/api/resource/Dispatch Job/{self.job_a}",
				body={"status": "Completed", "assigned_technician": self.other_tech},
			),
			self.http(
				client,
				"put",
				f"/api/resource/Dispatch Job/{self.job_a}",
				body={"scheduled_start": f"{self.day} 06:00:00"},
			),
			self.http(
				client,
				"put",
				f"/api/resource/Dispatch Technician/{self.tech}",
				body={"gps_latitude": 1.5, "phone": "0"},
			),
			self.http(
				client,
				"post",
				API + "frappe.client.set_value",
				body={"doctype": "Dispatch Job", "name": self.job_a, "fieldname": "published", "value": 0},
			),
			self.http(client, "post", f"{JOB_PATH}/{quote(self.job_a)}/method/cancel", body={"reason": "x"}),
		):
			self.assert_4xx(response, "technician write")
		self._check(self.assertEqual, self.job_state(self.job_a), job_before)
		self._check(
			self.assertEqual,
			self.state("Dispatch Technician", self.tech, ("modified", "gps_latitude", "phone", "user")),
			tech_before,
		)
		self.settle()

	def test_27_counts_and_reads_of_other_customers_jobs_are_empty(self):
		self.soft()
		client = self.tech_client()
		count = self.http(
			client,
			"get",
			API + "frappe.client.get_count",
			{"doctype": "Dispatch Job", "filters": {"customer": self.customer_b}},
		)
		self.assertEqual(count.status_code, 200, self.text(count)[:300])
		self.assertEqual(count.json["message"], 0)
		mine = self.http(
			client,
			"get",
			API + "frappe.client.get_count",
			{"doctype": "Dispatch Job", "filters": {"name": self.job_a}},
		)
		self.assertEqual(mine.json["message"], 1)
		for response in (
			self.http(client, "get", LIFECYCLE + "job_packet", {"job": self.job_b}),
			self.http(client, "get", LIFECYCLE + "get_timeline", {"job": self.job_b}),
			self.http(client, "get", f"/api/resource/Dispatch Job/{self.job_b}"),
			self.http(client, "get", API + "frappe.client.get_count", {"doctype": "Dispatch SMS Log"}),
			self.http(client, "get", "/api/resource/Dispatch Audit Event", {"fields": ["name", "payload"]}),
			self.http(
				client,
				"get",
				"/api/resource/Service Location",
				{"fields": ["name", "contact_phone"], "filters": {"customer": self.customer_b}},
			),
		):
			self.assert_below_500(response)
			if response.status_code == 200:
				self.assertFalse(
					response.json.get("data") or response.json.get("message"), self.text(response)[:300]
				)
			self.assert_absent(
				response, self.secret_b, f"{self.mark}-B-", self.loc_b, where="technician read"
			)
		self.settle()


# ====================================================================== the technician's portal (magic link)


class TestPortalAttacks(AttackCase):
	def test_28_evidence_from_another_technicians_job_file_is_refused(self):
		self.soft()
		token = self.link()
		for url in (self.file_b, self.file_other):  # B's job (a colleague's), another job of their own
			before = self.job_state(self.p_work)
			response = self.portal(
				"act",
				token,
				{
					"job": self.p_work,
					"command": "evidence_add",
					"payload": {"kind": "photo", "file_url": url},
				},
			)
			self.assert_4xx(response, url)
			self._check(self.assertEqual, self.job_state(self.p_work), before, url)
		self.settle()

	def test_29_evidence_with_forged_file_urls_is_refused(self):
		self.soft()
		token = self.link()
		before = self.job_state(self.p_work)
		for url in (
			"/private/files/../../site_config.json",
			"https://evil.example/x.png",
			"javascript:alert(1)",
			f"/private/files/{self.mark}-nothing.png",
			self.file_b.replace("/private", ""),
		):
			response = self.portal(
				"act",
				token,
				{
					"job": self.p_work,
					"command": "evidence_add",
					"payload": {"kind": "document", "file_url": url},
				},
			)
			self.assert_4xx(response, url)
		self._check(self.assertEqual, self.job_state(self.p_work), before)
		self.settle()

	def test_30_equipment_search_takes_wildcards_literally_and_stays_on_site(self):
		self.soft()
		m = self.mark
		rows = (
			(f"{m}P%1", None, "Removed", None),  # stock, a literal %
			(f"{m}PQ1", self.loc_b, "Installed", self.customer_b),  # elsewhere
			(f"{m}P_2", self.loc_a, "Installed", self.customer_a),  # at the job's site, a literal _
			(
				f"{m}PZ2",
				None,
				"Installed",
				self.customer_b,
			),  # installed at B's, its site left blank: not stock
		)
		for serial, loc, status, customer in rows:
			frappe.get_doc(
				{
					"doctype": "Service Equipment",
					"serial_no": serial,
					"equipment_type": "ONT",
					"service_location": loc,
					"status": status,
					"customer": customer,
					"mac_address": f"AB:CD:{len(serial) % 10}{serial[-1]}:00:00:0{rows.index((serial, loc, status, customer))}",
				}
			).insert(ignore_permissions=True)
		frappe.db.commit()
		token = self.link()

		def found(q):
			response = self.portal("equipment_search", token, get={"q": q, "job": self.p_work})
			self.assertEqual(response.status_code, 200, self.text(response)[:300])
			return sorted(e["serial_no"] for e in response.json["data"])

		self._check(self.assertEqual, found(f"{m}P%"), [f"{m}P%1"], "a literal % finds the serial holding it")
		self._check(self.assertEqual, found(f"{m}P_"), [f"{m}P_2"], "a literal _ finds the serial holding it")
		self._check(self.assertNotIn, f"{m}PQ1", found(f"{m}P"), "another customer's site")
		self._check(
			self.assertNotIn,
			f"{m}PZ2",
			found(f"{m}PZ"),
			"equipment installed at another customer's is not stock",
		)
		for q in ("%", "%%%%", "_%_", "\\%", "%\\"):
			response = self.portal("equipment_search", token, get={"q": q, "job": self.p_work})
			self.assert_below_500(response)
			self.assert_absent(response, f"{m}PQ1", where=q)
		other = self.portal("equipment_search", token, get={"q": m, "job": self.job_b})
		self.assert_refused(other, where="job of a colleague")
		self.assert_absent(other, f"{m}PQ1", f"{m}SERB")
		self.settle()

	def test_31_uploads_are_kept_by_their_bytes_under_a_server_made_name(self):
		self.soft()
		token = self.link()

		def stored():
			frappe.db.rollback()
			return frappe.get_all(
				"File",
				filters={"attached_to_doctype": "Dispatch Job", "attached_to_name": self.p_work},
				fields=["file_name", "file_url", "is_private"],
			)

		before = len(stored())
		svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
		html = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"
		for filename, url in (
			("map.svg", data_url("image/svg+xml", svg)),
			("page.htm", data_url("image/jpeg", html)),
			("page.shtml", data_url("text/html", html)),
			("x.xhtml", data_url("image/gif", b"GIF8" + html)),  # almost a GIF
		):
			response = self.portal(
				"upload", token, {"job": self.p_work, "filename": filename, "data_url": url}
			)
			self.assert_4xx(response, filename)
		self.assertEqual(len(stored()), before)
		ok = self.portal(
			"upload",
			token,
			{
				"job": self.p_work,
				"filename": "../../evil.html",
				"data_url": data_url("image/svg+xml", png_bytes()),
			},
		)
		self.assert_below_500(ok)
		files = stored()
		for f in files:
			name = f.file_name.lower()
			self.assertFalse(
				name.endswith((".svg", ".html", ".htm", ".shtml", ".xhtml", ".js"))
				or "/" in name
				or ".." in name,
				f.file_name,
			)
			self.assertEqual(f.is_private, 1, f.file_name)
		if ok.status_code == 200:
			self.assertEqual(len(files), before + 1)
			self.assertTrue(files and any(f.file_name.endswith(".png") for f in files))
		self.settle()

	def test_32_stored_markup_is_text_on_the_portal_page(self):
		self.soft()
		token = self.link()
		for path in (f"/t/{token}?job={self.p_xss}", f"/t/{self.link(job=self.p_xss)}"):
			page = make_request(target=get_test_client().get, args=(path,))
			self.assertEqual(page.status_code, 200, self.text(page)[:300])
			body = self.text(page)
			self.assertIn(f"{self.mark} XSS", body)  # the job is shown
			for raw in (
				"<script>alert(",
				"<img src=q",
				"<svg onload",
				f"<b>{self.mark}</b>",
				'onclick="alert(3)',
				'onerror="alert(2)',
			):
				self.assertNotIn(raw, body, path)
			self.assertIn("&lt;img src=", body)  # the values are there, as text
		self.settle()

	def test_33_portal_actions_outside_the_technicians_commands_are_refused(self):
		self.soft()
		token = self.link()
		before = self.job_state(self.p_work)
		for command, payload in (
			("cancel", {"reason": "x"}),
			("qa_verify", {"result": "pass"}),
			("billing_generate_invoice", {}),
			("schedule_release", {}),
			("approval_decide", {"decision": "approved"}),
			("intake", {"subject": "x"}),
			("__init__", {}),
		):
			response = self.portal("act", token, {"job": self.p_work, "command": command, "payload": payload})
			self.assert_refused(response, allowed=(400, 403), where=command)
		self._check(self.assertEqual, self.job_state(self.p_work), before)
		hidden_before = self.job_state(self.p_hidden)
		hidden = self.portal("act", token, {"job": self.p_hidden, "command": "tech_check_in", "payload": {}})
		self.assert_refused(hidden, allowed=(403, 404), where="unpublished job")
		theirs = self.portal(
			"act",
			token,
			{
				"job": self.job_b,
				"command": "tech_request_change",
				"payload": {"kind": "other", "reason": "x"},
			},
		)
		self.assert_refused(theirs, allowed=(403, 404), where="colleague's job")
		self._check(self.assertEqual, self.job_state(self.p_hidden), hidden_before)
		self.settle()

	def test_34_a_one_job_link_renewed_stays_one_job(self):
		self.soft()
		token = self.link(job=self.p_work)
		renewed = self.portal("refresh_link", token)
		self.assertEqual(renewed.status_code, 200, self.text(renewed)[:300])
		fresh = renewed.json["data"]["link"].rsplit("/t/", 1)[1]
		claims = jwt.decode(fresh, options={"verify_signature": False})
		self.assertEqual(claims.get("job"), self.p_work)
		self.assertLessEqual(claims["exp"] - claims["iat"], 72 * 3600 + 5)
		page = make_request(target=get_test_client().get, args=(f"/t/{fresh}?job={self.p_other}",))
		self.assertEqual(page.status_code, 200)
		self.assertNotIn(f"{self.mark} OTHER-MINE", self.text(page))
		self.assertNotIn(f"{self.mark} XSS", self.text(page))
		before = self.job_state(self.p_other)
		other = self.portal(
			"act",
			fresh,
			{
				"job": self.p_other,
				"command": "tech_request_change",
				"payload": {"kind": "other", "reason": "x"},
			},
		)
		self.assert_refused(other, allowed=(403, 404))
		self._check(self.assertEqual, self.job_state(self.p_other), before)
		offer = self.portal("offer", fresh, {"offer": self.offer_a, "accept": 1})
		self.assert_refused(offer, allowed=(403,))
		self._check(self.assertEqual, self.state("Dispatch Offer", self.offer_a, ("status",)).status, "open")
		self.settle()

	def test_35_forged_links_open_nothing(self):
		self.soft()
		now = int(time.time())
		secret = frappe.get_single("Dispatch Settings").get_password("magic_link_secret")
		claims = {
			"sub": self.tech,
			"aud": "gigafibre-dispatch-magic-link",
			"iat": now,
			"exp": now + 600,
			"scope": "tech",
			"v": 0,
			"first": now,
		}
		version = frappe.db.get_value("Dispatch Technician", self.tech, "link_version") or 0
		claims["v"] = int(version)
		forged = (
			jwt.encode(claims, "not-the-secret", algorithm="HS256"),
			jwt.encode(claims, None, algorithm="none"),
			jwt.encode({**claims, "aud": "dispatch-api"}, secret, algorithm="HS256"),
			jwt.encode({**claims, "scope": "job"}, secret, algorithm="HS256"),  # a job link without its job
			jwt.encode({**claims, "v": int(version) - 1}, secret, algorithm="HS256"),
			self.token("technician", tech_id=self.tech),  # an API token is not a link
		)
		for token in forged:
			page = make_request(target=get_test_client().get, args=(f"/t/{token}",))
			self.assertEqual(page.status_code, 401, token)
			self.assert_absent(page, f"{self.mark} WORK", f"LC tech {self.run_id}")
			api = self.portal("equipment_on_site", token, get={"job": self.p_work})
			self.assert_refused(api, allowed=(401, 403))
		sanity = make_request(
			target=get_test_client().get, args=(f"/t/{jwt.encode(claims, secret, algorithm='HS256')}",)
		)
		self.assertEqual(sanity.status_code, 200)  # the same claims, properly signed, open the page
		self.settle()

	def test_36_revoking_one_technicians_links_leaves_the_others_and_changes_nothing_else(self):
		self.soft()
		mine, theirs = self.link(), self.link(tech=self.other_tech)
		client = self.admin_client()
		other_before = self.state("Dispatch Technician", self.other_tech, ("link_version", "modified"))
		revoked = self.http(
			client,
			"post",
			API + "gigafibre_dispatch.api.publish.revoke_links",
			body={"technician": self.tech},
		)
		self.assertEqual(revoked.status_code, 200, self.text(revoked)[:300])
		self.assertEqual(make_request(target=get_test_client().get, args=(f"/t/{mine}",)).status_code, 401)
		self.assert_refused(self.portal("refresh_link", mine), allowed=(401, 403))
		self.assert_refused(self.portal("catalog", mine, get={}), allowed=(401, 403))
		self.assertEqual(make_request(target=get_test_client().get, args=(f"/t/{theirs}",)).status_code, 200)
		self._check(
			self.assertEqual,
			self.state("Dispatch Technician", self.other_tech, ("link_version", "modified")),
			other_before,
		)
		# A technician (or a scoped dispatcher) may not revoke anyone's links.
		version = self.state("Dispatch Technician", self.other_tech, ("link_version",)).link_version
		tech = self.http(
			self.tech_client(),
			"post",
			API + "gigafibre_dispatch.api.publish.revoke_links",
			body={"technician": self.other_tech},
		)
		self.assert_refused(tech, where="technician revokes")
		self._check(
			self.assertEqual,
			self.state("Dispatch Technician", self.other_tech, ("link_version",)).link_version,
			version,
		)
		self.settle()

	def test_37_answering_a_colleagues_offer_from_the_portal_is_refused(self):
		self.soft()
		token = self.link()
		before = self.state("Dispatch Offer", self.offer_b, ("modified", "status", "accepted_by"))
		job_before = self.job_state(self.job_b)
		for accept in (1, 0, "oui"):
			response = self.portal("offer", token, {"offer": self.offer_b, "accept": accept})
			self.assert_refused(response, allowed=(403, 404))
			self.assert_absent(response, self.secret_b)
		self._check(
			self.assertEqual,
			self.state("Dispatch Offer", self.offer_b, ("modified", "status", "accepted_by")),
			before,
		)
		self._check(self.assertEqual, self.job_state(self.job_b), job_before)
		self.settle()


# ====================================================================== guests, tokens, bad input


class TestAuthAndInput(AttackCase):
	def test_38_guests_read_nothing_through_the_generic_routes(self):
		self.soft()
		client = get_test_client()
		for path, params in (
			("/api/resource/Dispatch Job", {"fields": ["name", "subject"]}),
			("/api/resource/Dispatch Technician", {"fields": ["name", "phone"]}),
			(API + "frappe.client.get_list", {"doctype": "Dispatch Evidence", "fields": ["name", "note"]}),
			(API + "frappe.client.get_count", {"doctype": "Dispatch Job"}),
			(
				API + "frappe.client.get_value",
				{"doctype": "Dispatch Technician", "fieldname": "phone", "filters": self.other_tech},
			),
			(API + "frappe.desk.reportview.get", {"doctype": "Dispatch SMS Log", "fields": ["name", "body"]}),
			(API + "gigafibre_dispatch.api.board.get_board", {"date_from": self.day, "date_to": self.day}),
			(f"/api/resource/Dispatch Job/{self.job_b}", None),
		):
			response = self.http(client, "get", path, params)
			self.assert_refused(response, allowed=(401, 403, 404, 417), where=path)
			self.assert_absent(
				response, self.secret_b, self.colleague_phone, f"{self.mark}-B-", self.job_a, where=path
			)
			self.assert_no_traceback(response, path)
		self.settle()

	def test_39_bearer_token_lifetime_is_capped(self):
		self.soft()
		cap = int(frappe.db.get_single_value("Dispatch Settings", "token_max_hours") or 24)
		now = int(time.time())
		claims = {
			"sub": f"zz-{self.run_id}-life",
			"role": "dispatcher",
			"account_ids": [self.customer_a, self.customer_b],
		}
		too_long = (
			jwt.encode({**claims, "iat": now, "exp": now + (cap + 1) * 3600}, self.secret, algorithm="HS256"),
			jwt.encode({**claims, "exp": now + (cap + 2) * 3600}, self.secret, algorithm="HS256"),  # no iat
			jwt.encode(
				{**claims, "iat": now - 3600, "exp": now + cap * 3600}, self.secret, algorithm="HS256"
			),
		)
		before = self.job_state(self.tray_a)
		for token in too_long:
			read = self.get("get_job", token, job=self.job_a)
			self.assertEqual(read.status_code, 401, self.text(read)[:300])
			self.assertIn("lifetime", self.text(read))
			cmd = self.command(self.tray_a, "triage", {"priority": "urgent"}, token=token)
			self.assertEqual(cmd.status_code, 401, self.text(cmd)[:300])
		self._check(self.assertEqual, self.job_state(self.tray_a), before)
		within = jwt.encode(
			{**claims, "iat": now, "exp": now + (cap - 1) * 3600}, self.secret, algorithm="HS256"
		)
		self.assertEqual(self.get("get_job", within, job=self.job_a).status_code, 200)
		self.settle()

	def test_40_bearer_tokens_are_kept_off_side_tables_and_forgeries_refused(self):
		self.soft()
		token = self.token("dispatch_manager")
		for path in (
			"/api/resource/Dispatch Audit Event",
			API + "frappe.client.get_count?doctype=Dispatch%20Evidence",
			API + "frappe.desk.reportview.get?doctype=Dispatch%20SMS%20Log&fields=%5B%22name%22%5D",
			f"/api/v2/document/Dispatch%20Offer/{self.offer_b}",
		):
			response = self.request("get", path, token=token, key=None)
			self.assertEqual(response.status_code, 403, f"{path}: {self.text(response)[:300]}")
			self.assert_absent(response, self.secret_b, f"{self.mark}-B-", where=path)
		now = int(time.time())
		base = {
			"sub": "zz-forge",
			"role": "dispatch_manager",
			"iat": now,
			"exp": now + 600,
			"account_ids": [self.customer_b],
		}
		before = self.job_state(self.tray_b)
		for forged in (
			jwt.encode(base, None, algorithm="none"),
			jwt.encode(base, "guessed-secret", algorithm="HS256"),
			jwt.encode({**base, "aud": "someone-else"}, self.secret, algorithm="HS256"),
			jwt.encode({**base, "exp": now - 5}, self.secret, algorithm="HS256"),
		):
			response = self.command(self.tray_b, "cancel", {"reason": "forged"}, token=forged)
			self.assertEqual(response.status_code, 401, self.text(response)[:300])
		self._check(self.assertEqual, self.job_state(self.tray_b), before)
		self.settle()

	def test_41_impossible_dates_and_times_are_4xx_and_change_nothing(self):
		self.soft()
		token = self.token("dispatcher")
		before = self.job_state(self.tray_a)
		year = self.monday.year + 1
		for start in (
			f"{year}-02-30 09:00:00",
			"10000-01-03 09:00:00",
			f"{self.day} 24:61:00",
			f"{self.day} nine",
			"nine",
			f"{self.day}T09:00:00+99:00",
			12345,
			["x"],
		):
			response = self.command(
				self.tray_a, "schedule_propose", {"technician": self.tech, "start": start}, token=token
			)
			self.assert_4xx(response, repr(start))
		self._check(self.assertEqual, self.job_state(self.tray_a), before)
		client = self.admin_client()
		tech_before = self.state("Dispatch Technician", self.tech, ("modified", "weekly_schedule"))
		for day, start_time, end_time in (
			(self.day, "24:61", "25:00"),
			(self.day, "nine", "ten"),
			(f"{year}-02-30", "10:00", "11:00"),
			("10000-01-03", "10:00", "11:00"),
			(self.day, "12:00", "11:00"),
		):
			response = self.http(
				client,
				"post",
				API + "gigafibre_dispatch.api.board.split_shift",
				body={"technician": self.tech, "day": day, "start_time": start_time, "end_time": end_time},
			)
			self.assert_4xx(response, f"{day} {start_time}-{end_time}")
		for schedule in (
			'{"mon": ["25:00-26:00"]}',
			'{"mon": ["nine-five"]}',
			'{"mon": ["17:00-08:00"]}',
			"[1]",
		):
			response = self.http(
				client,
				"post",
				API + "gigafibre_dispatch.api.board.save_planning",
				body={"technician": self.tech, "weekly_schedule": schedule},
			)
			self.assert_4xx(response, schedule)
		self._check(
			self.assertEqual,
			self.state("Dispatch Technician", self.tech, ("modified", "weekly_schedule")),
			tech_before,
		)
		self.settle()

	def test_42_a_lone_surrogate_or_a_wrong_type_is_a_clean_400(self):
		self.soft()
		client = self.admin_client()
		counts = self.counts()
		before = self.job_state(self.tray_a)
		for path, raw in (
			(
				API + "gigafibre_dispatch.api.board.edit_job",
				'{"job": "%s", "values": {"subject": "x\\ud800y"}}' % self.tray_a,
			),
			(
				API + "gigafibre_dispatch.api.scheduling.create_work_order",
				'{"subject": "\\udfff", "service_location": "%s"}' % self.loc_a,
			),
			(
				API + "gigafibre_dispatch.api.board.check_drop",
				'{"job": ["%s"], "technician": {"a": 1}, "start": 1e999}' % self.tray_a,
			),
			(
				API + "gigafibre_dispatch.api.scheduling.book_slot",
				'{"job": "%s", "technician": "%s", "start": true}' % (self.tray_a, self.tech),
			),
			(
				API + "gigafibre_dispatch.api.offers.create_offer",
				'{"job": "%s", "displacement": "NaN", "hourly_rate": 1e400}' % self.tray_a,
			),
		):
			response = self.http(client, "post", path, raw=raw)
			self.assert_4xx(response, path)
		self._check(self.assertEqual, self.counts(), counts)
		self._check(self.assertEqual, self.job_state(self.tray_a), before)
		self.settle()

	def test_43_guests_sending_garbage_to_the_portal_get_4xx_without_tracebacks(self):
		self.soft()
		client = get_test_client()
		token = self.link()
		counts = self.counts()
		for method, raw in (
			("act", '{"token": "\\ud800", "job": "x", "command": "tech_check_in"}'),
			(
				"act",
				'{"token": "%s", "job": "%s", "command": "tech_check_in", "payload": {"at": "%s 24:61"}}'
				% (token, self.p_xss, self.day),
			),
			(
				"act",
				'{"token": "%s", "job": "%s", "command": "tech_request_change", "payload": {"kind": "reschedule", "reason": "x", "proposed_start": "10000-01-01 09:00"}}'
				% (token, self.p_xss),
			),
			("act", '{"token": "%s", "job": {"$ne": 1}, "command": "tech_check_in"}' % token),
			(
				"upload",
				'{"token": "%s", "job": "%s", "filename": 7, "data_url": 12345}' % (token, self.p_work),
			),
			("offer", '{"token": ["a"], "offer": null, "accept": {"x": 1}}'),
			("refresh_link", '{"token": 1e999}'),
			("refresh_link", "[1, 2, 3]"),
			("act", "{not json"),
		):
			response = self.http(client, "post", PORTAL + method, raw=raw)
			self.assert_4xx(response, f"{method} {raw[:60]}")
			self.assert_no_traceback(response, method)
		for q in ("%ED%A0%80", "%FF%FE"):  # not UTF-8 at all
			response = make_request(
				target=client.get, args=(f"{PORTAL}equipment_search?token={token}&job={self.p_work}&q={q}",)
			)
			self.assert_below_500(response)
			self.assert_no_traceback(response, q)
		self._check(self.assertEqual, self.counts(), counts)
		self._check(self.assertEqual, self.job_state(self.p_xss)["status"], "Dispatched")
		self.settle()

	def test_44_a_drop_into_the_past_is_refused_without_a_reason(self):
		self.soft()
		past = now_datetime() - timedelta(days=2)
		while past.weekday() >= 5:
			past -= timedelta(days=1)
		start = datetime.combine(past.date(), datetime.min.time()) + timedelta(hours=10)
		before = self.job_state(self.tray_a)
		client = self.scoped_client()
		drop = self.http(
			client,
			"post",
			API + "gigafibre_dispatch.api.board.drop",
			body={"job": self.tray_a, "technician": self.tech, "start": str(start)},
		)
		self.assert_4xx(drop, "board.drop into the past")
		book = self.http(
			client,
			"post",
			API + "gigafibre_dispatch.api.scheduling.book_slot",
			body={"job": self.tray_a, "technician": self.tech, "start": str(start)},
		)
		self.assert_4xx(book, "book_slot into the past")
		propose = self.command(
			self.tray_a,
			"schedule_propose",
			{"technician": self.tech, "start": str(start)},
			token=self.token("dispatcher"),
		)
		self.assert_4xx(propose, "schedule_propose into the past")
		self._check(self.assertEqual, self.job_state(self.tray_a), before)
		self.settle()

	def test_45_sort_orders_with_sub_queries_are_400_on_other_routes(self):
		self.soft()
		client = self.scoped_client()
		counts = self.counts()
		for value in (
			"(select count(*) from `tabDispatch Job` where customer like 'ZZ LC B%')",
			"name, extractvalue(1, concat(0x7e, (select version())))",
			"`tabDispatch Audit Event`.`creation` desc, (select 1)",
			"modified desc limit 1 union select password from __Auth",
		):
			for path, params in (
				("/api/v2/document/Dispatch Audit Event", {"order_by": value}),
				(
					API + "frappe.desk.reportview.get_list",
					{"doctype": "Dispatch Evidence", "order_by": value},
				),
				(API + "frappe.client.get_list", {"doctype": "Dispatch Offer", "order_by": value}),
				(
					API + "frappe.desk.reportview.get",
					{
						"doctype": "Dispatch SMS Log",
						"fields": ["name"],
						"sort_by": value,
						"sort_order": "asc",
					},
				),
				("/api/resource/Dispatch Technician", {"group_by": value}),
			):
				response = self.http(client, "get", path, params)
				self.assertEqual(response.status_code, 400, f"{path} {value}: {self.text(response)[:300]}")
				self.assert_absent(response, self.secret_b, "MariaDB", "mysql", where=path)
		self._check(self.assertEqual, self.counts(), counts)
		self.settle()

	def test_46_guest_throttle_answers_429_without_running(self):
		self.soft()
		method = "gigafibre_dispatch.api.portal.equipment_on_site"
		frappe.cache.delete_keys(f"rl:{method}")
		self.addCleanup(frappe.cache.delete_keys, f"rl:{method}")
		client = get_test_client()
		path = f"{API}{method}?token=zz-{self.run_id}&job={self.p_work}"
		statuses = [make_request(target=client.get, args=(path,)).status_code for _ in range(620)]
		self.assertEqual(statuses[-1], 429, statuses[-5:])
		self.assertTrue(set(statuses) <= {401, 403, 429}, set(statuses))
		self.assertGreater(statuses.count(401) + statuses.count(403), 500)
		last = make_request(target=client.get, args=(path,))
		self.assertEqual(last.status_code, 429)
		self.assert_no_traceback(last, "429")
		self.settle()
