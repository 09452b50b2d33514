"""Auto-distribute on a site: a proposal over HTTP (Desk sessions), applied through the lifecycle commands.

Every step checks what the requests committed: the jobs' rows, their audit events, the idempotency records.
"""

import json
from urllib.parse import quote

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_datetime
from frappe.utils.password import update_password

from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase, login_client
from gigafibre_dispatch.tests.test_install_and_cli import bench
from gigafibre_dispatch.tests.utils import make_user

API = "/api/method/gigafibre_dispatch.api.optimizer."
PASSWORD = "Optimizer-test-pw-1!"
BOOKING = ["schedule_book"]  # one transition and one audit event per move


class TestOptimizerSite(LifecycleHttpCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.dispatcher = make_user(f"opt.disp.{cls.run_id}@example.com", ["Dispatcher"])
		cls.tech_user = make_user(f"opt.tech.{cls.run_id}@example.com", ["Technician"])
		for user in (cls.dispatcher, cls.tech_user):
			update_password(user, PASSWORD)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for name in frappe.get_all(
			"Dispatch Optimization",
			filters={
				"date_from": (
					"between",
					[frappe.utils.add_days(cls.monday, -1), frappe.utils.add_days(cls.monday, 1)],
				)
			},
			pluck="name",
		):
			frappe.delete_doc("Dispatch Optimization", name, force=True, ignore_permissions=True)
		frappe.db.delete("Dispatch Idempotency Record", {"actor": ("in", [cls.dispatcher, "Administrator"])})
		super().tearDownClass()
		for user in (cls.dispatcher, cls.tech_user):
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.db.commit()

	# ------------------------------------------------------------------ helpers

	def login(self, user: str):
		return login_client(user, PASSWORD)

	def call(self, client, method: str, body: dict, *, get=False):
		if get:
			query = "&".join(f"{k}={quote(str(v))}" for k, v in body.items())
			return make_request(target=client.get, args=(f"{API}{method}?{query}",))
		return make_request(target=client.post, args=(f"{API}{method}",), kwargs={"json": body})

	def book_to(self, job: str, tech: str, hour: int):
		token = self.token("dispatcher")
		start = f"{self.monday} {hour:02d}:00:00"
		for command, body in (
			("triage", {"priority": "medium"}),
			("schedule_propose", {"technician": tech, "start": start}),
			("schedule_confirm", {}),
		):
			response = self.command(job, command, body, token=token)
			self.assertEqual(response.status_code, 200, f"{command}: {response.text}")

	def row(self, job: str) -> dict:
		frappe.db.rollback()
		return frappe.db.get_value(
			"Dispatch Job",
			job,
			["status", "assigned_technician", "scheduled_start", "modified", "pinned"],
			as_dict=True,
		)

	def commands(self, job: str) -> list[str]:
		frappe.db.rollback()
		return frappe.get_all(
			"Dispatch Audit Event", filters={"job": job}, pluck="command", order_by="creation asc, name asc"
		)

	def counts(self) -> dict:
		frappe.db.rollback()
		return {
			d: frappe.db.count(d)
			for d in (
				"Dispatch Audit Event",
				"Dispatch State Transition",
				"Dispatch Idempotency Record",
				"Dispatch Optimization",
			)
		}

	def start(self, client, jobs: list[str] | None, reoptimize=1):
		"""A run over the Monday for the two technicians: these jobs, or (None) every job the caller may place."""
		body = {
			"date_from": str(self.monday),
			"date_to": str(self.monday),
			"technicians": json.dumps([self.tech, self.other_tech]),
			"reoptimize": reoptimize,
		}
		if jobs is not None:
			body["jobs"] = json.dumps(jobs)
		response = self.call(client, "start", body)
		self.assertEqual(response.status_code, 200, response.text)
		status = response.json["message"]
		self.assertEqual(status["status"], "Ready", status)
		return status["name"]

	# ------------------------------------------------------------------ tests

	def test_proposal_then_apply_books_each_move_once_and_skips_an_edited_job(self):
		client = self.login(self.dispatcher)
		new_jobs = [self.new_job(), self.new_job(service_location=self.loc_b), self.new_job()]
		triaged = self.new_job()
		self.assertEqual(
			self.command(triaged, "triage", {"priority": "high"}, token=self.token("dispatcher")).status_code,
			200,
		)
		started = self.new_job()
		self.advance(started, "In Progress")  # self.tech, Monday 09:00
		pinned = self.new_job()
		self.book_to(pinned, self.other_tech, 13)
		# The planning flag is set on the form by a dispatcher (not a lifecycle field).
		frappe.db.rollback()  # see what the requests committed
		frappe.set_user(self.dispatcher)
		try:
			doc = frappe.get_doc("Dispatch Job", pinned)
			doc.pinned = 1
			doc.save()
		finally:
			frappe.set_user("Administrator")
		frappe.db.commit()
		fixed_before = {j: self.row(j) for j in (started, pinned)}
		self.assertEqual(fixed_before[pinned].pinned, 1)
		movable = [*new_jobs, triaged]

		name = self.start(client, [*movable, started, pinned])
		response = self.call(client, "get_proposal", {"name": name}, get=True)
		self.assertEqual(response.status_code, 200, response.text)
		proposal = response.json["message"]
		moves = {m["job"]: m for m in proposal["moves"]}
		self.assertEqual(set(moves), set(movable), proposal)
		self.assertEqual(proposal["unplaced"], [])
		self.assertEqual(proposal["kpis_before"]["placed"], 0)
		self.assertEqual(proposal["kpis_after"]["placed"], len(movable))
		self.assertGreater(proposal["kpis_after"]["travel_min"], 0)
		self.assertEqual(set(proposal["kpis_after"]["utilisation"]), {self.tech, self.other_tech})
		for m in moves.values():
			self.assertIn(m["to_technician"], (self.tech, self.other_tech))
			self.assertEqual(m["apply_status"], "pending")
		# A proposal changes no job.
		self.assertEqual(self.row(triaged).status, "Triaged")
		self.assertEqual(self.commands(new_jobs[0]), ["intake"])

		# Edited after the proposal: its move is skipped with the reason.
		frappe.db.set_value("Dispatch Job", triaged, "description", "Le client rappelle")
		frappe.db.commit()
		before = self.counts()
		response = self.call(client, "apply", {"name": name})
		self.assertEqual(response.status_code, 200, response.text)
		result = response.json["message"]
		self.assertEqual((result["applied"], result["skipped"], result["status"]), (3, 1, "Partly Applied"))
		by_job = {m["job"]: m for m in result["moves"]}
		self.assertEqual(by_job[triaged]["apply_status"], "skipped")
		self.assertIn("changed", by_job[triaged]["apply_reason"])
		self.assertEqual(self.row(triaged).status, "Triaged")
		self.assertEqual(self.commands(triaged), ["intake", "triage"])
		for job in new_jobs:
			row = self.row(job)
			self.assertEqual(row.status, "Scheduled")
			self.assertEqual(row.assigned_technician, moves[job]["to_technician"])
			self.assertEqual(get_datetime(row.scheduled_start), get_datetime(moves[job]["to_start"]))
			# One triage (New), then exactly one propose + confirm pair.
			self.assertEqual(self.commands(job), ["intake", "triage", *BOOKING])
		after = self.counts()
		self.assertEqual(
			after["Dispatch Audit Event"] - before["Dispatch Audit Event"], 3 * 2
		)  # triage + book
		self.assertEqual(after["Dispatch State Transition"] - before["Dispatch State Transition"], 3 * 2)
		# Pinned and started jobs stay exactly where they are.
		for job, row in fixed_before.items():
			now = self.row(job)
			self.assertEqual(
				(now.status, now.assigned_technician, now.scheduled_start, now.modified),
				(row.status, row.assigned_technician, row.scheduled_start, row.modified),
			)

		# Applying twice books once: nothing new is written.
		again = self.call(client, "apply", {"name": name})
		self.assertEqual(again.status_code, 200, again.text)
		self.assertEqual(again.json["message"]["applied"], 0)
		self.assertEqual(self.counts(), after)
		for job in new_jobs:
			self.assertEqual(self.commands(job), ["intake", "triage", *BOOKING])
		status = self.call(client, "status", {"name": name}, get=True).json["message"]
		self.assertEqual((status["status"], status["progress"]), ("Partly Applied", 100))

	def test_a_selected_move_replays_its_keys(self):
		"""The same move applied again with its keys (after its row was reset) replays the commands."""
		from gigafibre_dispatch.lifecycle.optimize import book_move

		client = self.login(self.dispatcher)
		jobs = [self.new_job(), self.new_job()]
		name = self.start(client, jobs, reoptimize=0)
		response = self.call(client, "apply", {"name": name, "moves": json.dumps([jobs[0]])})
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["applied"], 1)
		self.assertEqual(self.row(jobs[1]).status, "New")
		self.assertEqual(self.commands(jobs[0]), ["intake", "triage", *BOOKING])
		before = self.counts()
		move = next(m for m in frappe.get_doc("Dispatch Optimization", name).moves if m.job == jobs[0])
		frappe.set_user(self.dispatcher)
		try:
			from gigafibre_dispatch.lifecycle.actor import current_actor

			book_move(name, move, current_actor())
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(self.counts(), before)
		self.assertEqual(self.commands(jobs[0]), ["intake", "triage", *BOOKING])

	def scoped_client(self, prefix: str):
		"""A logged-in Dispatcher limited by User Permission to customer A, removed after the test."""
		frappe.db.rollback()
		scoped = make_user(f"{prefix}.{self.run_id}@example.com", ["Dispatcher"])
		update_password(scoped, PASSWORD)
		frappe.get_doc(
			{"doctype": "User Permission", "user": scoped, "allow": "Customer", "for_value": self.customer_a}
		).insert(ignore_permissions=True)
		frappe.db.commit()

		def remove():
			frappe.db.rollback()
			frappe.db.delete("User Permission", {"user": scoped})
			frappe.delete_doc("User", scoped, force=True, ignore_permissions=True)
			frappe.db.commit()

		self.addCleanup(remove)
		return self.login(scoped)

	def test_a_dispatcher_scoped_to_one_account_proposes_only_its_jobs(self):
		job_a = self.new_job()
		job_b = self.new_job(customer=self.customer_b, service_location=self.loc_b)
		client = self.scoped_client("opt.scoped")
		name = self.start(client, [job_a, job_b])
		proposal = self.call(client, "get_proposal", {"name": name}, get=True).json["message"]
		named = {m["job"] for m in proposal["moves"]} | {u["job"] for u in proposal["unplaced"]}
		self.assertIn(job_a, named)
		self.assertNotIn(job_b, named, "another account's job never appears in the proposal")

	def test_a_scoped_dispatcher_re_optimizing_a_day_moves_only_their_jobs(self):
		job_a = self.new_job()
		job_b = self.new_job(customer=self.customer_b, service_location=self.loc_b)
		self.book_to(job_a, self.tech, 13)
		self.book_to(job_b, self.tech, 9)
		for job in (job_a, job_b):  # the technician's day free again for the next tests
			self.addCleanup(
				self.command, job, "cancel", {"reason": "test over"}, token=self.token("dispatcher")
			)
		client = self.scoped_client("opt.reopt")
		name = self.start(client, None)
		proposal = self.call(client, "get_proposal", {"name": name}, get=True)
		self.assertEqual(proposal.status_code, 200, proposal.text)
		message = proposal.json["message"]
		named = {m["job"] for m in message["moves"]} | {u["job"] for u in message["unplaced"]}
		self.assertNotIn(job_b, named, "another account's booked job is not re-planned by this dispatcher")
		frappe.db.rollback()
		self.assertNotIn(job_b, {m.job for m in frappe.get_doc("Dispatch Optimization", name).moves})
		self.assertEqual(self.row(job_b).scheduled_start, get_datetime(f"{self.monday} 09:00:00"))

	def test_a_technician_cannot_start_or_apply(self):
		job = self.new_job()
		dispatcher = self.login(self.dispatcher)
		name = self.start(dispatcher, [job], reoptimize=0)
		client = self.login(self.tech_user)
		before = self.counts()
		refused = self.call(
			client,
			"start",
			{"date_from": str(self.monday), "date_to": str(self.monday), "jobs": json.dumps([job])},
		)
		self.assertEqual(refused.status_code, 403, refused.text)
		for method, get in (("apply", False), ("get_proposal", True), ("status", True)):
			response = self.call(client, method, {"name": name}, get=get)
			self.assertEqual(response.status_code, 403, f"{method}: {response.text}")
		self.assertEqual(self.counts(), before)
		self.assertEqual(self.row(job).status, "New")
		# Nor read or write the proposal through the generic REST routes.
		rest = make_request(target=client.get, args=(f"/api/resource/Dispatch%20Optimization/{quote(name)}",))
		self.assertEqual(rest.status_code, 403, rest.text)

	def test_a_proposal_is_written_only_by_the_optimizer(self):
		job = self.new_job()
		name = self.start(self.login(self.dispatcher), [job], reoptimize=0)
		frappe.db.rollback()
		frappe.set_user(self.dispatcher)
		try:
			doc = frappe.get_doc("Dispatch Optimization", name)
			doc.moves[0].to_start = f"{self.monday} 06:00:00"
			self.assertRaises(frappe.PermissionError, doc.save)
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
		# A Desk "new" proposal starts the run.
		frappe.set_user(self.dispatcher)
		try:
			doc = frappe.get_doc(
				{
					"doctype": "Dispatch Optimization",
					"date_from": self.monday,
					"date_to": self.monday,
					"technicians": json.dumps([self.tech]),
					"jobs": json.dumps([job]),
				}
			).insert()
			frappe.db.commit()
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
		doc.reload()
		self.assertEqual(doc.status, "Ready", doc.error)
		self.assertEqual([m.job for m in doc.moves], [job])
		self.assertEqual(doc.moves[0].to_technician, self.tech)

	def test_cli_proposes_and_applies(self):
		job = self.new_job()
		frappe.db.commit()
		day = str(self.monday)
		out = bench(
			"dispatch", "optimize", "--from", day, "--to", day, "--jobs", job, "--technicians", self.tech
		)
		self.assertEqual(out.returncode, 0, out.stderr[-3000:])
		self.assertIn("moves: 1", out.stdout)
		self.assertIn(f"{job}: unassigned -> {self.tech}", out.stdout)
		self.assertIn("placed", out.stdout)
		self.assertEqual(self.row(job).status, "New")
		out = bench(
			"dispatch",
			"optimize",
			"--from",
			day,
			"--to",
			day,
			"--jobs",
			job,
			"--technicians",
			self.tech,
			"--apply",
		)
		self.assertEqual(out.returncode, 0, out.stderr[-3000:])
		self.assertIn("applied: 1, skipped: 0 -> Applied", out.stdout)
		row = self.row(job)
		self.assertEqual((row.status, row.assigned_technician), ("Scheduled", self.tech))
		self.assertEqual(self.commands(job), ["intake", "triage", *BOOKING])

	def test_reoptimize_sends_a_job_back_to_the_tray_and_refuses_moves_of_a_changed_technician(self):
		"""A booked job whose technician is now away and that nobody else may take goes back to the tray through
		schedule_release (one transition, one audit event); a move to a technician whose record changed after the
		proposal is refused with the reason, and the rest is applied."""
		client = self.login(self.dispatcher)
		booked = self.new_job(priority="low")
		self.book_to(booked, self.tech, 10)
		free = self.new_job()
		frappe.db.rollback()
		away = frappe.get_doc(
			{
				"doctype": "Dispatch Absence",
				"technician": self.tech,
				"from_date": self.monday,
				"reason": "Malade",
			}
		)
		away.flags.from_service = True  # the absence alone: its own job handling is tested elsewhere
		away.insert(ignore_permissions=True)
		frappe.db.commit()
		try:
			response = self.call(
				client,
				"start",
				{
					"date_from": str(self.monday),
					"date_to": str(self.monday),
					"technicians": json.dumps([self.tech]),
					"jobs": json.dumps([booked, free]),
					"reoptimize": 1,
				},
			)
			self.assertEqual(response.status_code, 200, response.text)
			name = response.json["message"]["name"]
			proposal = self.call(client, "get_proposal", {"name": name}, get=True).json["message"]
			self.assertEqual(proposal["moves"], [])
			(released,) = proposal["released"]
			self.assertEqual(
				(released["job"], released["from_technician"], released["reason"]),
				(booked, self.tech, "unavailable"),
			)
			self.assertEqual([u["job"] for u in proposal["unplaced"]], [free])
			self.assertEqual(self.row(booked).status, "Scheduled")  # a proposal changes nothing
			before = self.counts()
			result = self.call(client, "apply", {"name": name}).json["message"]
			self.assertEqual((result["applied"], result["skipped"], result["status"]), (1, 0, "Applied"))
			row = self.row(booked)
			self.assertEqual(
				(row.status, row.assigned_technician, row.scheduled_start), ("Triaged", None, None)
			)
			self.assertEqual(self.commands(booked)[-1], "schedule_release")
			after = self.counts()
			self.assertEqual(after["Dispatch Audit Event"] - before["Dispatch Audit Event"], 1)
			self.assertEqual(after["Dispatch State Transition"] - before["Dispatch State Transition"], 1)
			again = self.call(client, "apply", {"name": name}).json["message"]  # applied once
			self.assertEqual((again["applied"], self.counts()), (0, after))
		finally:
			frappe.db.delete("Dispatch Absence", {"name": away.name})
			frappe.db.commit()

		# Moves to both technicians (three 3 h jobs, an 8 h cap each) on Tuesday; one technician's record changes
		# before the apply.
		tuesday = str(frappe.utils.add_days(self.monday, 1))
		jobs = [self.new_job(duration_h=3), self.new_job(duration_h=3), self.new_job(duration_h=3)]
		response = self.call(
			client,
			"start",
			{
				"date_from": tuesday,
				"date_to": tuesday,
				"technicians": json.dumps([self.tech, self.other_tech]),
				"jobs": json.dumps(jobs),
			},
		)
		name = response.json["message"]["name"]
		moves = self.call(client, "get_proposal", {"name": name}, get=True).json["message"]["moves"]
		to = {m["job"]: m["to_technician"] for m in moves}
		self.assertEqual(set(to), set(jobs))
		self.assertEqual(set(to.values()), {self.tech, self.other_tech})
		changed = to[jobs[0]]
		frappe.db.rollback()
		doc = frappe.get_doc("Dispatch Technician", changed)
		doc.daily_hour_cap = 2
		doc.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			result = self.call(client, "apply", {"name": name}).json["message"]
			for m in result["moves"]:
				row = self.row(m["job"])
				if to[m["job"]] == changed:
					self.assertEqual(m["apply_status"], "skipped")
					self.assertIn("changed after the proposal", m["apply_reason"])
					self.assertEqual(row.status, "New")
				else:
					self.assertEqual(m["apply_status"], "applied")
					self.assertEqual((row.status, row.assigned_technician), ("Scheduled", to[m["job"]]))
			self.assertEqual(result["skipped"], sum(t == changed for t in to.values()))
		finally:
			frappe.db.set_value("Dispatch Technician", changed, "daily_hour_cap", 8)
			frappe.db.commit()

	def test_bad_input_gives_reason_codes_or_a_clear_error_and_writes_nothing(self):
		client = self.login(self.dispatcher)
		frappe.db.rollback()
		nowhere = frappe.get_doc(
			{"doctype": "Service Location", "location_name": "No GPS", "customer": self.customer_a}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		try:
			no_coords = self.new_job(service_location=nowhere.name)
			skill = (
				frappe.get_doc({"doctype": "Dispatch Tag", "tag_name": f"Nobody {self.run_id}"})
				.insert(ignore_permissions=True)
				.name
			)
			frappe.db.commit()
			no_skill = self.new_job(tags=[{"tag": skill, "level": 5, "required": 1}])
			name = self.start(client, [no_coords, no_skill])
			proposal = self.call(client, "get_proposal", {"name": name}, get=True).json["message"]
			reasons = {u["job"]: u["reason"] for u in proposal["unplaced"]}
			self.assertEqual(reasons, {no_coords: "no_coordinates", no_skill: "no_skill"})
			self.assertEqual(proposal["moves"], [])
			# A technician with no working day in the range: no window.
			sunday = frappe.utils.add_days(self.monday, -1)
			response = self.call(
				client,
				"start",
				{
					"date_from": str(sunday),
					"date_to": str(sunday),
					"technicians": json.dumps([self.tech]),
					"jobs": json.dumps([self.new_job()]),
				},
			)
			self.assertEqual(response.status_code, 200, response.text)
			proposal = self.call(client, "get_proposal", {"name": response.json["message"]["name"]}, get=True)
			self.assertEqual([u["reason"] for u in proposal.json["message"]["unplaced"]], ["no_window"])
			# Ranges over the limit, backwards, or not dates: a clear error, no proposal written.
			before = self.counts()
			for date_from, date_to in (
				(str(self.monday), str(frappe.utils.add_days(self.monday, 40))),
				(str(self.monday), str(frappe.utils.add_days(self.monday, -3))),
				("2026-02-30", str(self.monday)),
				("lundi", "mardi"),
			):
				response = self.call(client, "start", {"date_from": date_from, "date_to": date_to})
				self.assertEqual(response.status_code, 417, f"{date_from}..{date_to}: {response.text}")
				self.assertEqual(response.json["exc_type"], "DispatchValidationError", response.text)
				messages = [json.loads(m)["message"] for m in json.loads(response.json["_server_messages"])]
				self.assertTrue(messages and all(messages), response.text)
			self.assertEqual(self.counts(), before)
		finally:
			frappe.db.rollback()
			for job in frappe.get_all(
				"Dispatch Job", filters={"service_location": nowhere.name}, pluck="name"
			):
				frappe.delete_doc("Dispatch Job", job, force=True, ignore_permissions=True)
			frappe.delete_doc("Service Location", nowhere.name, force=True, ignore_permissions=True)
			frappe.db.delete("Dispatch Job Tag", {"tag": f"Nobody {self.run_id}"})
			frappe.delete_doc("Dispatch Tag", f"Nobody {self.run_id}", force=True, ignore_permissions=True)
			frappe.db.commit()

	def test_a_dismissed_proposal_applies_nothing(self):
		client = self.login(self.dispatcher)
		job = self.new_job()
		name = self.start(client, [job], reoptimize=0)
		before = self.counts()
		response = self.call(client, "dismiss", {"name": name})
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["status"], "Dismissed")
		refused = self.call(client, "apply", {"name": name})
		self.assertEqual(refused.status_code, 417, refused.text)
		self.assertEqual(self.row(job).status, "New")
		self.assertEqual(self.commands(job), ["intake"])
		again = self.call(client, "dismiss", {"name": name})
		self.assertEqual(again.status_code, 417, again.text)
		after = self.counts()
		self.assertEqual(after["Dispatch Audit Event"], before["Dispatch Audit Event"])
		tech = self.login(self.tech_user)
		self.assertEqual(self.call(tech, "dismiss", {"name": name}).status_code, 403)

	def test_a_job_in_a_proposal_can_be_deleted_and_apply_skips_it(self):
		"""A proposal is history: it never keeps a job from being deleted; applying then skips that move and
		books the others."""
		client = self.login(self.dispatcher)
		kept, gone = self.new_job(), self.new_job()
		name = self.start(client, [kept, gone], reoptimize=0)
		moves = {
			m["job"]
			for m in self.call(client, "get_proposal", {"name": name}, get=True).json["message"]["moves"]
		}
		self.assertEqual(moves, {kept, gone})
		frappe.delete_doc("Dispatch Job", gone, ignore_permissions=True)  # no LinkExistsError
		frappe.db.commit()
		response = self.call(client, "apply", {"name": name})
		self.assertEqual(response.status_code, 200, response.text)
		answer = response.json["message"]
		self.assertEqual((answer["applied"], answer["skipped"]), (1, 1), answer)
		self.assertEqual(self.row(kept).status, "Scheduled")
		frappe.db.rollback()
		doc = frappe.get_doc("Dispatch Optimization", name)
		reasons = {m.job: (m.apply_status, m.apply_reason) for m in doc.moves}
		self.assertEqual(reasons[gone][0], "skipped")
		self.assertTrue(reasons[gone][1])
