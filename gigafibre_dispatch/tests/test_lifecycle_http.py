"""The job lifecycle over HTTP on a real site: every command, every policy dimension, idempotency, JWT, scope."""

import json
import time
import uuid
from datetime import timedelta

import frappe
import jwt

from gigafibre_dispatch.tests.lifecycle_utils import JOB_PATH, LifecycleHttpCase, dumps, login_client
from gigafibre_dispatch.tests.utils import make_user


class TestLifecycleCommands(LifecycleHttpCase):
	def test_every_command_happy_path_to_invoice(self):
		dispatcher, tech = self.token("dispatcher"), self.token("technician", tech_id=self.tech)
		job = self.new_job()
		self.assertEqual(self.fresh(job).status, "New")
		self.advance(job, "In Progress")
		changed = self.command(
			job, "tech_request_change", {"kind": "materials", "reason": "Manque 20 m de fibre"}, token=tech
		)
		self.assertEqual(changed.json["data"]["to_state"], "Change Requested")
		approved = self.command(
			job, "approval_decide", {"decision": "approved", "note": "OK"}, token=dispatcher
		)
		self.assertEqual(approved.json["data"]["to_state"], "In Progress")
		photo = self.command(
			job, "evidence_add", {"kind": "photo", "file_url": self.photo_url, "note": "ONT"}, token=tech
		)
		self.assertEqual(photo.status_code, 200, photo.text)
		self.assertTrue(photo.json["data"]["evidence"])
		done = self.command(
			job,
			"tech_complete",
			{"signature_url": self.signature_url, "completion_notes": "Signal -18 dBm"},
			token=tech,
		)
		self.assertEqual(done.json["data"]["to_state"], "Completed")
		qa = self.token("qa_reviewer")
		rejected = self.command(job, "qa_verify", {"result": "fail", "note": "Photo floue"}, token=qa)
		self.assertEqual(rejected.json["data"]["to_state"], "In Progress")
		self.assertEqual(self.fresh(job).completion_rejections, 1)
		# The signature is already on file: a second completion needs no reason.
		self.assertEqual(
			self.command(job, "tech_complete", {}, token=tech).json["data"]["to_state"], "Completed"
		)
		self.assertEqual(
			self.command(job, "qa_verify", {"result": "pass"}, token=qa).json["data"]["to_state"], "Verified"
		)
		# Materials recorded on the job are billed with the labour.
		frappe.db.rollback()
		doc = frappe.get_doc("Dispatch Job", job)
		doc.append("materials_used", {"item_code": self.labour_item, "qty": 3, "note": "test material"})
		doc.save(ignore_permissions=True)
		frappe.db.commit()
		billing = self.token("billing")
		invoiced = self.command(job, "billing_generate_invoice", {}, token=billing)
		self.assertEqual(invoiced.status_code, 200, invoiced.text)
		si = invoiced.json["data"]["sales_invoice"]
		row = self.fresh(job)
		self.assertEqual((row.status, row.sales_invoice), ("Invoiced", si))
		invoice = frappe.get_doc("Sales Invoice", si)
		self.assertEqual((invoice.docstatus, invoice.customer), (0, self.customer_a))
		self.assertEqual(invoice.items[0].item_code, self.labour_item)
		self.assertEqual(invoice.items[0].qty, 0.25, "seconds on site bill the minimum quarter hour")
		self.assertEqual([(i.item_code, i.qty) for i in invoice.items[1:]], [(self.labour_item, 3)])
		# Never a second invoice for one job.
		again = self.command(job, "billing_generate_invoice", {}, token=billing)
		self.assert_policy(again, 409, "state")
		self.assertEqual(
			frappe.db.count("Sales Invoice", {"customer": self.customer_a, "remarks": ("like", f"%{job}%")}),
			1,
		)
		# One transition row per successful command, in order on the timeline.
		timeline = self.get("get_timeline", dispatcher, job=job).json["data"]["timeline"]
		commands = [t["command"] for t in timeline]
		self.assertEqual(commands[0], "intake")
		self.assertEqual(commands[-1], "billing_generate_invoice")
		self.assertEqual(len(commands), self.transitions(job))
		self.assertTrue(all(t["transition"] for t in timeline))
		evidence = self.get("get_evidence", dispatcher, job=job).json["data"]["evidence"]
		self.assertEqual(sorted(e["kind"] for e in evidence), ["photo", "signature"])

	def test_success_publishes_a_realtime_event_after_commit(self):
		from frappe.utils.background_jobs import get_redis_connection_without_auth

		job = self.new_job()
		pubsub = get_redis_connection_without_auth().pubsub()
		pubsub.subscribe("events")
		try:
			pubsub.get_message(timeout=1)  # the subscribe confirmation
			self.command(job, "triage", {"priority": "low"}, token=self.token("dispatcher"))
			self.command(job, "schedule_confirm", {}, token=self.token("dispatcher"))  # refused: no event
			events = []
			deadline = time.time() + 5
			while time.time() < deadline:
				message = pubsub.get_message(timeout=0.5)
				if message and message["type"] == "message":
					data = json.loads(message["data"])
					if data["event"] == "dispatch:job_updated" and data["message"]["job"] == job:
						events.append(data["message"])
			self.assertEqual(
				events,
				[
					{
						"job": job,
						"status": "Triaged",
						"command": "triage",
						"from_state": "New",
						"technician": None,
					}
				],
			)
		finally:
			pubsub.close()

	def test_cancel(self):
		job = self.new_job()
		out = self.command(job, "cancel", {"reason": "Client a annulé"}, token=self.token("dispatcher"))
		self.assertEqual(out.json["data"]["to_state"], "Cancelled")
		self.assert_policy(
			self.command(job, "triage", {"priority": "low"}, token=self.token("dispatcher")), 409, "state"
		)

	def test_assistant_remove(self):
		job = self.new_job()
		self.advance(job, "Scheduled")
		self.add_child(job, "Dispatch Job Assistant", "assistants", tech_id=self.other_tech, duration_h=1)
		dispatcher = self.token("dispatcher")
		refused = self.command(job, "assistant_remove", {"tech_id": self.tech}, token=dispatcher)
		self.assert_policy(refused, 400, "validation", "not_an_assistant")
		self.assert_policy(
			self.command(
				job, "assistant_remove", {"tech_id": self.other_tech}, token=self.token("qa_reviewer")
			),
			403,
			"role",
		)
		before = self.transitions(job)
		out = self.command(
			job, "assistant_remove", {"tech_id": self.other_tech, "reason": "Pas requis"}, token=dispatcher
		)
		self.assertEqual(out.status_code, 200, out.text)
		data = out.json["data"]
		self.assertEqual((data["from_state"], data["to_state"]), ("Scheduled", "Scheduled"))
		self.assertEqual(self.fresh(job).status, "Scheduled")
		self.assertFalse(frappe.db.exists("Dispatch Job Assistant", {"parent": job}))
		self.assertEqual(self.transitions(job), before + 1)
		audit = frappe.get_all(
			"Dispatch Audit Event", filters={"job": job, "command": "assistant_remove"}, fields=["payload"]
		)
		self.assertEqual(len(audit), 1)
		self.assertIn(self.other_tech, audit[0].payload)
		self.assert_policy(
			self.command(job, "assistant_remove", {"tech_id": self.other_tech}, token=dispatcher),
			400,
			"validation",
			"not_an_assistant",
		)

	def test_assistant_add_replays_moves_and_keeps_pinned(self):
		job = self.new_job()
		self.advance(job, "Scheduled")
		dispatcher = self.token("dispatcher")
		third = self._insert({"doctype": "Dispatch Technician", "technician_name": f"LC third {self.run_id}"})
		idle = self._insert(
			{"doctype": "Dispatch Technician", "technician_name": f"LC idle {self.run_id}", "active": 0}
		)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.db.delete, "Dispatch Technician", {"name": ("in", [third, idle])})
		self.addCleanup(frappe.db.delete, "Dispatch Job Assistant", {"parent": job})

		def helpers():
			frappe.db.rollback()
			return frappe.get_all(
				"Dispatch Job Assistant",
				filters={"parent": job},
				fields=["tech_id", "tech_name", "pinned", "duration_h"],
				order_by="idx asc",
			)

		key = str(uuid.uuid4())
		first = self.command(
			job, "assistant_add", {"tech_id": self.other_tech, "duration_h": 1}, token=dispatcher, key=key
		)
		self.assertEqual(first.status_code, 200, first.text)
		again = self.command(
			job, "assistant_add", {"tech_id": self.other_tech, "duration_h": 1}, token=dispatcher, key=key
		)
		self.assertEqual(again.json, first.json)  # a retried drop: the same answer, one row
		rows = helpers()
		self.assertEqual([(r.tech_id, r.duration_h) for r in rows], [(self.other_tech, 1)])
		self.assertTrue(rows[0].tech_name)
		self.assertEqual(self.fresh(job).status, "Scheduled")

		for body, code in (
			({"tech_id": self.tech}, "assistant_is_technician"),
			({"tech_id": self.other_tech}, "already_an_assistant"),
			({"tech_id": third, "replaces": self.tech}, "not_an_assistant"),
			({"tech_id": third, "duration_h": 0}, "invalid_duration"),
			({"tech_id": idle}, "unknown_technician"),
			({"tech_id": "TECH-NOPE"}, "unknown_technician"),
		):
			self.assert_policy(
				self.command(job, "assistant_add", body, token=dispatcher), 400, "validation", code
			)
		self.assert_policy(
			self.command(
				job, "assistant_add", {"tech_id": third}, token=self.token("technician", tech_id=self.tech)
			),
			403,
			"role",
		)
		self.assertEqual([r.tech_id for r in helpers()], [self.other_tech])

		moved = self.command(
			job, "assistant_add", {"tech_id": third, "replaces": self.other_tech}, token=dispatcher
		)
		self.assertEqual(moved.status_code, 200, moved.text)
		self.assertEqual([r.tech_id for r in helpers()], [third])
		pinned = self.command(
			job, "assistant_add", {"tech_id": self.other_tech, "pinned": True}, token=dispatcher
		)
		self.assertEqual(pinned.status_code, 200, pinned.text)
		self.assert_policy(
			self.command(
				job, "assistant_add", {"tech_id": idle, "replaces": self.other_tech}, token=dispatcher
			),
			400,
			"validation",
			"assistant_pinned",
		)
		self.assertEqual(
			sorted((r.tech_id, r.pinned) for r in helpers()), sorted([(third, 0), (self.other_tech, 1)])
		)
		audit = frappe.get_all(
			"Dispatch Audit Event", filters={"job": job, "command": "assistant_add"}, pluck="name"
		)
		self.assertEqual(len(audit), 3)

	def test_schedule_propose_applies_the_drop_rules(self):
		job = self.new_job()
		dispatcher = self.token("dispatcher")
		self.command(job, "triage", {"priority": "low"}, token=dispatcher)
		sunday = f"{self.monday + timedelta(days=6)} 09:00:00"  # ahead on any day it runs
		refused = self.command(
			job, "schedule_propose", {"technician": self.tech, "start": sunday}, token=dispatcher
		)
		self.assert_policy(refused, 400, "validation", "non_working_day")
		self.assertEqual(self.fresh(job).status, "Triaged")


class TestLifecyclePolicy(LifecycleHttpCase):
	def test_a_lone_surrogate_is_a_400_and_stores_nothing(self):
		count = frappe.db.count("Dispatch Job")
		broken = {"subject": "Fibre \ud800 coupée", "service_location": self.loc_a, "priority": "medium"}
		response = self.intake(broken, token=self.token("dispatcher"))
		self.assert_policy(response, 400, "validation", "invalid_text")
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Dispatch Job"), count)

	def test_a_token_minted_for_years_is_refused_and_changes_nothing(self):
		job = self.new_job()
		before, count = self.fresh(job), self.transitions(job)
		forever = self.token("dispatcher", exp_minutes=10 * 365 * 24 * 60)
		refused = self.command(job, "triage", {"priority": "low"}, token=forever)
		self.assert_policy(refused, 401, "auth", "token_lifetime_too_long")
		after = self.fresh(job)
		self.assertEqual(
			(after.status, after.modified, self.transitions(job)), (before.status, before.modified, count)
		)
		day = self.token("dispatcher", exp_minutes=12 * 60)  # within the default 24 h
		self.assertEqual(self.command(job, "triage", {"priority": "low"}, token=day).status_code, 200)

	def assert_unchanged(self, job: str, before: dict, transitions: int):
		after = self.fresh(job)
		self.assertEqual((after.status, after.modified), (before.status, before.modified))
		self.assertEqual(self.transitions(job), transitions)

	def test_each_dimension_refuses_and_changes_nothing(self):
		job = self.new_job()
		before, count = self.fresh(job), self.transitions(job)
		dispatcher = self.token("dispatcher")
		cases = [
			("auth", 401, self.command(job, "triage", {"priority": "low"}), "unauthenticated"),
			(
				"role",
				403,
				self.command(job, "triage", {"priority": "low"}, token=self.token("billing")),
				"role_not_allowed",
			),
			(
				"scope",
				403,
				self.command(
					job,
					"triage",
					{"priority": "low"},
					token=self.token("dispatcher", accounts=[self.customer_b]),
				),
				"account_out_of_scope",
			),
			(
				"scope",
				403,
				self.command(
					job,
					"triage",
					{"priority": "low"},
					token=self.token("dispatcher", accounts=None, sites=[self.loc_b]),
				),
				"site_out_of_scope",
			),
			(
				"validation",
				400,
				self.command(job, "triage", {"priority": "low", "colour": "red"}, token=dispatcher),
				"unknown_fields",
			),
			("validation", 400, self.command(job, "triage", {}, token=dispatcher), "missing_fields"),
			(
				"validation",
				400,
				self.command(job, "triage", {"priority": "whenever"}, token=dispatcher),
				"invalid_field",
			),
			("state", 409, self.command(job, "schedule_confirm", {}, token=dispatcher), "invalid_state"),
			(
				"idempotency",
				400,
				self.command(job, "triage", {"priority": "low"}, token=dispatcher, key=None),
				"idempotency_key_required",
			),
			(
				"idempotency",
				400,
				self.command(job, "triage", {"priority": "low"}, token=dispatcher, key="not-a-uuid"),
				"idempotency_key_required",
			),
		]
		for dimension, status, response, code in cases:
			with self.subTest(dimension=dimension, code=code):
				self.assert_policy(response, status, dimension, code)
				self.assertTrue(response.headers.get("X-Request-ID"))
		self.assert_unchanged(job, before, count)

	def test_evidence_dimension(self):
		job = self.new_job()
		self.advance(job, "In Progress")
		before, count = self.fresh(job), self.transitions(job)
		tech = self.token("technician", tech_id=self.tech)
		self.assert_policy(
			self.command(job, "tech_complete", {"completion_notes": "fini"}, token=tech),
			422,
			"evidence",
			"signature_required",
		)
		forged = self.command(
			job, "tech_complete", {"signature_url": "https://evil.example/sig.png"}, token=tech
		)
		self.assert_policy(forged, 422, "evidence", "evidence_unresolvable")
		missing_file = self.command(
			job, "evidence_add", {"kind": "photo", "file_url": "/files/does-not-exist.jpg"}, token=tech
		)
		self.assert_policy(missing_file, 422, "evidence", "evidence_unresolvable")
		other = self.token("technician", sub=f"zz-{self.run_id}-other", tech_id=self.other_tech)
		self.assert_policy(
			self.command(job, "tech_complete", {"no_signature_reason": "x"}, token=other),
			403,
			"scope",
			"not_your_job",
		)
		self.assert_unchanged(job, before, count)
		ok = self.command(
			job, "tech_complete", {"no_signature_reason": "Client absent, porte close"}, token=tech
		)
		self.assertEqual(ok.json["data"]["to_state"], "Completed")

	def test_replay_returns_the_first_response_and_writes_nothing(self):
		job = self.new_job()
		dispatcher = self.token("dispatcher")
		key = str(uuid.uuid4())
		first = self.command(job, "triage", {"priority": "urgent"}, token=dispatcher, key=key)
		self.assertEqual(first.status_code, 200, first.text)
		count = self.transitions(job)
		audits = frappe.db.count("Dispatch Audit Event", {"job": job})
		replay = self.command(job, "triage", {"priority": "urgent"}, token=dispatcher, key=key)
		self.assertEqual(replay.status_code, 200)
		self.assertEqual(dumps(replay.json), dumps(first.json))
		self.assertEqual(replay.headers.get("Idempotent-Replayed"), "true")
		self.assertEqual(self.transitions(job), count)
		self.assertEqual(frappe.db.count("Dispatch Audit Event", {"job": job}), audits)
		mismatch = self.command(job, "triage", {"priority": "low"}, token=dispatcher, key=key)
		self.assert_policy(mismatch, 409, "idempotency", "payload_mismatch")
		self.assertEqual(self.transitions(job), count)
		# The same key from another actor is another request.
		other = self.command(
			job,
			"triage",
			{"priority": "low"},
			token=self.token("dispatcher", sub=f"zz-{self.run_id}-d2"),
			key=key,
		)
		self.assertEqual(other.status_code, 200, other.text)

	def test_intake_replay_creates_one_job(self):
		key = str(uuid.uuid4())
		body = {"subject": f"Intake once {self.run_id}", "service_location": self.loc_a}
		first = self.intake(body, token=self.token("dispatcher"), key=key)
		second = self.intake(body, token=self.token("dispatcher"), key=key)
		self.assertEqual((first.status_code, second.status_code), (201, 201))
		self.assertEqual(first.json["data"]["job"], second.json["data"]["job"])
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Dispatch Job", {"subject": body["subject"]}), 1)
		self.assertEqual(
			frappe.db.get_value("Dispatch Job", first.json["data"]["job"], "customer"), self.customer_a
		)
		out_of_scope = self.intake(
			{"subject": "x", "service_location": self.loc_b},
			token=self.token("dispatcher", accounts=[self.customer_a]),
		)
		self.assert_policy(out_of_scope, 403, "scope", "account_out_of_scope")


class TestLifecycleAuth(LifecycleHttpCase):
	def claims(self, **overrides):
		import time

		claims = {
			"sub": f"zz-{self.run_id}-jwt",
			"role": "dispatcher",
			"exp": int(time.time()) + 600,
			"account_ids": [self.customer_a],
		}
		claims.update(overrides)
		return {k: v for k, v in claims.items() if v is not None}

	def test_bad_tokens_are_refused(self):
		import time

		job = self.new_job()
		before, count = self.fresh(job), self.transitions(job)
		good = jwt.encode(self.claims(), self.secret, algorithm="HS256")
		head, body, sig = good.split(".")
		tampered = f"{head}.{body}.{sig[:-2]}{'AA' if not sig.endswith('AA') else 'BB'}"
		cases = {
			"token_expired": jwt.encode(
				self.claims(exp=int(time.time()) - 60), self.secret, algorithm="HS256"
			),
			"algorithm_not_allowed": jwt.encode(self.claims(), None, algorithm="none"),
			"invalid_signature": jwt.encode(
				self.claims(), "another-secret-of-enough-length-1234", algorithm="HS256"
			),
			"missing_scope": jwt.encode(self.claims(account_ids=None), self.secret, algorithm="HS256"),
			"missing_claim": jwt.encode(self.claims(role=None), self.secret, algorithm="HS256"),
			"invalid_audience": jwt.encode(self.claims(aud="magic-link"), self.secret, algorithm="HS256"),
		}
		cases["algorithm_not_allowed_rs"] = self.hs_signed_with_header(
			{"alg": "RS256", "typ": "JWT"}, self.claims()
		)
		for code, token in cases.items():
			with self.subTest(code=code):
				response = self.command(job, "triage", {"priority": "low"}, token=token)
				self.assert_policy(response, 401, "auth", code.replace("_rs", ""))
		tampered_response = self.command(job, "triage", {"priority": "low"}, token=tampered)
		self.assert_policy(tampered_response, 401, "auth")
		self.assert_unchanged_job(job, before, count)
		self.assertEqual(self.command(job, "triage", {"priority": "low"}, token=good).status_code, 200)

	def hs_signed_with_header(self, header: dict, claims: dict) -> str:
		"""A token whose header claims another algorithm, signed with the shared secret (algorithm confusion)."""
		import base64
		import hashlib
		import hmac
		import json

		def b64(raw: bytes) -> str:
			return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

		signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
		signature = hmac.new(self.secret.encode(), signing_input.encode(), hashlib.sha256).digest()
		return f"{signing_input}.{b64(signature)}"

	def assert_unchanged_job(self, job, before, count):
		after = self.fresh(job)
		self.assertEqual((after.status, after.modified), (before.status, before.modified))
		self.assertEqual(self.transitions(job), count)

	def test_issuer_and_audience_checks(self):
		job = self.new_job()
		s = frappe.get_single("Dispatch Settings")
		s.jwt_issuer, s.jwt_audience = "gigafibre-hub", "dispatch-api"
		s.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			wrong_aud = jwt.encode(
				self.claims(iss="gigafibre-hub", aud="portal"), self.secret, algorithm="HS256"
			)
			self.assert_policy(
				self.command(job, "triage", {"priority": "low"}, token=wrong_aud),
				401,
				"auth",
				"invalid_audience",
			)
			wrong_iss = jwt.encode(
				self.claims(iss="someone", aud="dispatch-api"), self.secret, algorithm="HS256"
			)
			self.assert_policy(
				self.command(job, "triage", {"priority": "low"}, token=wrong_iss),
				401,
				"auth",
				"invalid_issuer",
			)
			right = jwt.encode(
				self.claims(iss="gigafibre-hub", aud="dispatch-api"), self.secret, algorithm="HS256"
			)
			self.assertEqual(self.command(job, "triage", {"priority": "low"}, token=right).status_code, 200)
		finally:
			s.reload()
			s.jwt_issuer = s.jwt_audience = None
			s.save(ignore_permissions=True)
			frappe.db.commit()

	def test_developer_mode_fallback(self):
		from frappe.installer import update_site_config

		job = self.new_job()
		headers = {"X-Actor-Id": f"zz-{self.run_id}-dev", "X-Actor-Role": "dispatcher", "X-Tool-Name": "curl"}
		original = frappe.conf.get("developer_mode")
		try:
			update_site_config("developer_mode", 0)
			off = self.command(job, "triage", {"priority": "low"}, headers=headers)
			self.assert_policy(off, 401, "auth", "dev_fallback_disabled")
			update_site_config("developer_mode", 1)
			on = self.command(job, "triage", {"priority": "low"}, headers=headers)
			self.assertEqual(on.status_code, 200, on.text)
			frappe.db.rollback()
			audit = frappe.get_all(
				"Dispatch Audit Event",
				filters={"job": job, "command": "triage"},
				fields=["actor", "tool_name"],
			)
			self.assertEqual([(a.actor, a.tool_name) for a in audit], [(headers["X-Actor-Id"], "curl")])
		finally:
			update_site_config("developer_mode", original or 0)


class TestLifecycleReadsAndScope(LifecycleHttpCase):
	def test_reads_share_the_checks(self):
		job_a = self.new_job()
		job_b = self.new_job(service_location=self.loc_b)
		self.advance(job_a, "Dispatched")
		tech = self.token("technician", tech_id=self.tech)
		packet = self.get("job_packet", tech, job=job_a)
		self.assertEqual(packet.status_code, 200, packet.text)
		data = packet.json["data"]
		self.assertEqual(data["location"]["name"], self.loc_a)
		self.assertIn("openstreetmap.org", data["location"]["map_url"])
		actions = {a["command"]: a for a in data["actions"]}
		self.assertTrue(actions["tech_check_in"]["enabled"])
		self.assertEqual(actions["triage"]["policy_error"]["dimension"], "role")
		self.assert_policy(self.get("job_packet", tech, job=job_b), 403, "scope", "not_your_job")
		scoped = self.token("dispatcher", accounts=[self.customer_a])
		self.assert_policy(self.get("get_job", scoped, job=job_b), 403, "scope")
		self.assert_policy(self.get("get_timeline", scoped, job=job_b), 403, "scope")
		cockpit = self.get("cockpit", scoped).json["data"]
		listed = {j["name"] for j in cockpit["jobs"]}
		self.assertIn(job_a, listed)
		self.assertNotIn(job_b, listed)
		self.assertGreaterEqual(cockpit["counts"]["Dispatched"], 1)
		for j in cockpit["jobs"]:
			for action in j["actions"]:
				self.assertEqual(action["enabled"], action["policy_error"] is None)
		self.assert_policy(self.get("cockpit", tech), 403, "role")
		self.assert_policy(
			self.request("get", "/api/method/gigafibre_dispatch.api.lifecycle.cockpit", key=None), 401, "auth"
		)

	def test_desk_dispatcher_restricted_by_user_permission(self):
		job_a = self.new_job()
		job_b = self.new_job(service_location=self.loc_b)
		email = self.scoped_dispatcher("zz.scoped")
		try:
			frappe.set_user(email)
			visible = set(
				frappe.get_list("Dispatch Job", filters={"name": ("in", [job_a, job_b])}, pluck="name")
			)
			self.assertEqual(visible, {job_a})
			self.assertFalse(frappe.has_permission("Dispatch Job", "read", job_b))
			frappe.set_user("Administrator")
			from frappe.tests.test_api import make_request

			client = login_client(email, "Scoped-Pass-123!")
			before = self.fresh(job_b)
			refused = make_request(
				target=client.post,
				args=(f"{JOB_PATH}/{job_b}/method/triage",),
				kwargs={"json": {"priority": "low"}, "headers": {"Idempotency-Key": str(uuid.uuid4())}},
			)
			self.assert_policy(refused, 403, "scope", "account_out_of_scope")
			self.assertEqual(self.fresh(job_b).modified, before.modified)
			allowed = make_request(
				target=client.post,
				args=(f"{JOB_PATH}/{job_a}/method/triage",),
				kwargs={"json": {"priority": "low"}, "headers": {"Idempotency-Key": str(uuid.uuid4())}},
			)
			self.assertEqual(allowed.status_code, 200, allowed.text)
			direct = make_request(
				target=client.put,
				args=(f"/api/resource/Dispatch Job/{job_a}",),
				kwargs={"json": {"status": "Verified"}},
			)
			self.assertGreaterEqual(direct.status_code, 400)
			self.assertEqual(self.fresh(job_a).status, "Triaged")
		finally:
			frappe.set_user("Administrator")

	def test_a_scoped_dispatcher_reads_no_other_customer_job_through_side_tables(self):
		"""Audit events, transitions and offers follow their job's row rule: through the list route, a `job.*`
		join in the field list, or a direct read."""
		from frappe.tests.test_api import make_request

		job_a = self.new_job()
		job_b = self.new_job(service_location=self.loc_b)
		for job in (job_a, job_b):
			self.command(job, "triage", {"priority": "low"}, token=self.token("dispatcher"))
		email = self.scoped_dispatcher("zz.sides")
		try:
			frappe.set_user(email)
			for doctype in ("Dispatch Audit Event", "Dispatch State Transition"):
				jobs = set(frappe.get_list(doctype, filters={"job": ("in", [job_a, job_b])}, pluck="job"))
				self.assertEqual(jobs, {job_a}, doctype)
				other = frappe.get_all(doctype, filters={"job": job_b}, pluck="name")[0]
				self.assertFalse(frappe.has_permission(doctype, "read", other), doctype)
			frappe.set_user("Administrator")
			client = login_client(email, "Scoped-Pass-123!")
			listed = self.list_route(
				client, "Dispatch State Transition", ["name", "job", "job.customer", "job.subject"]
			)
			seen = {r["job"] for r in listed}
			self.assertIn(job_a, seen)
			self.assertNotIn(job_b, seen)
			other = frappe.get_all("Dispatch Audit Event", filters={"job": job_b}, pluck="name")[0]
			direct = make_request(target=client.get, args=(f"/api/resource/Dispatch Audit Event/{other}",))
			self.assertEqual(direct.status_code, 403, direct.text)
		finally:
			frappe.set_user("Administrator")

	def test_trace_context_is_honoured_and_echoed(self):
		job = self.new_job()
		trace = "4bf92f3577b34da6a3ce929d0e0e4736"
		headers = {
			"traceparent": f"00-{trace}-00f067aa0ba902b7-01",
			"X-Correlation-ID": "ticket-4711",
			"X-Request-ID": "req-abc",
		}
		response = self.command(
			job, "triage", {"priority": "low"}, token=self.token("dispatcher"), headers=headers
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.headers["X-Trace-ID"], trace)
		self.assertEqual(response.headers["X-Correlation-ID"], "ticket-4711")
		self.assertEqual(response.headers["X-Request-ID"], "req-abc")
		self.assertTrue(response.headers["traceparent"].startswith(f"00-{trace}-"))
		frappe.db.rollback()
		audit = frappe.get_all(
			"Dispatch Audit Event",
			filters={"job": job, "command": "triage"},
			fields=["trace_id", "correlation_id", "request_id"],
		)
		self.assertEqual(
			[(a.trace_id, a.correlation_id, a.request_id) for a in audit], [(trace, "ticket-4711", "req-abc")]
		)
		refused = self.command(job, "schedule_confirm", {}, token=self.token("dispatcher"), headers=headers)
		self.assertEqual(refused.headers["X-Trace-ID"], trace)

	def test_metrics_and_alerts(self):
		dispatcher = self.token("dispatch_manager")
		job = self.new_job()
		key = str(uuid.uuid4())
		self.command(job, "triage", {"priority": "low"}, token=dispatcher, key=key)
		self.command(job, "triage", {"priority": "high"}, token=dispatcher, key=key)  # conflict
		response = self.request(
			"get", "/api/method/gigafibre_dispatch.api.ops.metrics", token=dispatcher, key=None
		)
		self.assertEqual(response.status_code, 200, response.text)
		metrics = response.json["data"]
		self.assertTrue(any(r["command"] == "triage" and r["status"] == "200" for r in metrics["requests"]))
		self.assertTrue(
			any(r["command"] == "triage" and r["dimension"] == "idempotency" for r in metrics["errors"])
		)
		self.assertTrue(
			any(t["command"] == "triage" and t["to_state"] == "Triaged" for t in metrics["transitions"])
		)
		prom = self.request(
			"get",
			"/api/method/gigafibre_dispatch.api.ops.metrics?format=prometheus",
			token=dispatcher,
			key=None,
		)
		self.assertIn("text/plain", prom.headers["Content-Type"])
		self.assertIn(
			'dispatch_transitions_total{command="triage",from_state="New",to_state="Triaged"}', prom.text
		)
		s = frappe.get_single("Dispatch Settings")
		saved = s.alert_idempotency_conflict_threshold
		s.alert_idempotency_conflict_threshold = 1
		s.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			alerts = self.request(
				"get", "/api/method/gigafibre_dispatch.api.ops.alerts", token=dispatcher, key=None
			).json["data"]
			conflict = next(a for a in alerts["alerts"] if a["alert"] == "idempotency_conflict_spike")
			self.assertTrue(conflict["firing"])
			self.assertTrue(conflict["runbook"].startswith("gigafibre_dispatch/docs/runbooks.md#"))
		finally:
			s.reload()
			s.alert_idempotency_conflict_threshold = saved
			s.save(ignore_permissions=True)
			frappe.db.commit()


class TestScopeOfSideRecords(LifecycleHttpCase):
	"""What holds a job's data beyond its own tables: technicians' records, SMS logs, the optimizer's proposals."""

	def test_a_technician_reads_their_own_record_not_a_colleagues(self):
		from frappe.tests.test_api import make_request

		email = f"zz.techrow.{self.run_id}@example.com"
		make_user(email, ["Technician"])
		user = frappe.get_doc("User", email)
		user.new_password = "Tech-Row-Pass-123!"
		user.save(ignore_permissions=True)
		frappe.db.set_value("Dispatch Technician", self.tech, "user", email)
		frappe.db.commit()

		def undo():
			frappe.set_user("Administrator")
			frappe.db.rollback()
			frappe.db.set_value("Dispatch Technician", self.tech, "user", None)
			frappe.delete_doc("User", email, force=True, ignore_permissions=True)
			frappe.db.commit()

		self.addCleanup(undo)
		client = login_client(email, "Tech-Row-Pass-123!")
		listed = self.list_route(
			client, "Dispatch Technician", ["name", "phone", "home_latitude", "gps_latitude"]
		)
		self.assertEqual([r["name"] for r in listed], [self.tech])
		own = make_request(target=client.get, args=(f"/api/resource/Dispatch Technician/{self.tech}",))
		self.assertEqual(own.status_code, 200, own.text)
		colleague = make_request(
			target=client.get, args=(f"/api/resource/Dispatch Technician/{self.other_tech}",)
		)
		self.assertEqual(colleague.status_code, 403, colleague.text)
		# The sites of their own jobs only: not another customer's address and phone, nor the equipment there.
		job = self.new_job()
		self.advance(job, "Scheduled")  # at site A, on this technician
		equipment = frappe.get_doc(
			{
				"doctype": "Service Equipment",
				"serial_no": f"ZZROW{self.run_id}B",
				"equipment_type": "ONT",
				"service_location": self.loc_b,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.db.delete, "Service Equipment", {"name": equipment.name})
		sites = {r["name"] for r in self.list_route(client, "Service Location", ["name", "contact_phone"])}
		self.assertIn(self.loc_a, sites)
		self.assertNotIn(self.loc_b, sites)
		other_site = make_request(target=client.get, args=(f"/api/resource/Service Location/{self.loc_b}",))
		self.assertEqual(other_site.status_code, 403, other_site.text)
		gear = {r["name"] for r in self.list_route(client, "Service Equipment", ["name", "service_location"])}
		self.assertNotIn(equipment.name, gear)
		counted = make_request(
			target=client.get,
			args=("/api/method/frappe.client.get_count?doctype=Dispatch%20Technician",),
		)
		self.assertEqual(counted.json.get("message"), 1, counted.text)

	def test_a_scoped_dispatcher_reads_only_their_customers_messages_and_proposals(self):
		job_a = self.new_job()
		job_b = self.new_job(service_location=self.loc_b)
		logs = {}
		for key, job, kind in (
			("a", job_a, "customer"),
			("b", job_b, "customer"),
			("tech", None, "magic_link"),
		):
			logs[key] = (
				frappe.get_doc(
					{
						"doctype": "Dispatch SMS Log",
						"technician": self.tech,
						"to_number": "+15145550000",
						"body": f"message {key}",
						"kind": kind,
						"status": "sent",
						"dedupe_key": f"zz-{self.run_id}-{key}",
						"job": job,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		proposals = {}
		for key, job in (("a", job_a), ("b", job_b)):
			name = (
				frappe.get_doc(
					{
						"doctype": "Dispatch Optimization",
						"status": "Ready",
						"date_from": self.monday,
						"date_to": self.monday,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			# The proposal's moves as a run stores them (the insert ran the optimizer on the site's own jobs).
			frappe.db.delete("Dispatch Optimization Move", {"parent": name})
			frappe.get_doc(
				{
					"doctype": "Dispatch Optimization Move",
					"parent": name,
					"parenttype": "Dispatch Optimization",
					"parentfield": "moves",
					"idx": 1,
					"job": job,
					"to_technician": self.tech,
					"to_start": f"{self.monday} 09:00:00",
				}
			).db_insert()
			proposals[key] = name
		frappe.db.commit()

		def undo():
			frappe.set_user("Administrator")
			frappe.db.rollback()
			frappe.db.delete("Dispatch SMS Log", {"name": ("in", list(logs.values()))})
			for name in proposals.values():
				frappe.delete_doc("Dispatch Optimization", name, force=True, ignore_permissions=True)
			frappe.db.commit()

		self.addCleanup(undo)
		email = self.scoped_dispatcher("zz.sidesms")
		try:
			frappe.set_user(email)
			seen = set(
				frappe.get_list(
					"Dispatch SMS Log", filters={"name": ("in", list(logs.values()))}, pluck="name"
				)
			)
			self.assertEqual(seen, {logs["a"]})
			self.assertFalse(frappe.has_permission("Dispatch SMS Log", "read", logs["b"]))
			self.assertFalse(frappe.has_permission("Dispatch SMS Log", "read", logs["tech"]))
			seen = set(
				frappe.get_list(
					"Dispatch Optimization", filters={"name": ("in", list(proposals.values()))}, pluck="name"
				)
			)
			self.assertEqual(seen, {proposals["a"]})
			self.assertFalse(
				frappe.has_permission(
					"Dispatch Optimization", "read", frappe.get_doc("Dispatch Optimization", proposals["b"])
				)
			)
		finally:
			frappe.set_user("Administrator")
		# Everyone else is not narrowed.
		self.assertTrue(frappe.has_permission("Dispatch SMS Log", "read", logs["b"]))
