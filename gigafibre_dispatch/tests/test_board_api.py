"""The board's face (`api/board.py`) over HTTP with Desk sessions: every change is a lifecycle command.

Each step checks the database the requests committed: status, technician, start, audit events, key records.
"""

import uuid
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import quote

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, get_datetime, get_test_client, nowdate
from frappe.utils.password import update_password

from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase, login_client
from gigafibre_dispatch.tests.utils import make_tag, make_user

BOARD = "/api/method/gigafibre_dispatch.api.board."
PASSWORD = "Board-test-pw-1!"


class TestBoardApi(LifecycleHttpCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.dispatcher = make_user(f"board.disp.{cls.run_id}@example.com", ["Dispatcher"])
		cls.tech_user = make_user(f"board.tech.{cls.run_id}@example.com", ["Technician"])
		cls.manager = make_user(f"board.mgr.{cls.run_id}@example.com", ["Dispatch Manager"])
		for user in (cls.dispatcher, cls.tech_user, cls.manager):
			update_password(user, PASSWORD)
		cls.tag = make_tag(f"ZZ board fibre {cls.run_id}")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		super().tearDownClass()
		for user in (cls.dispatcher, cls.tech_user, cls.manager):
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.delete_doc("Dispatch Tag", cls.tag, force=True, ignore_permissions=True)
		frappe.db.commit()

	# ------------------------------------------------------------------ helpers

	def login(self, user: str):
		return login_client(user, PASSWORD)

	def board(self, client, method: str, body: dict | None = None, *, get=False, key: str | None = None):
		headers = {"Idempotency-Key": key} if key else {}
		if get:
			query = "&".join(f"{k}={quote(str(v))}" for k, v in (body or {}).items())
			return make_request(
				target=client.get, args=(f"{BOARD}{method}?{query}",), kwargs={"headers": headers}
			)
		return make_request(
			target=client.post, args=(f"{BOARD}{method}",), kwargs={"json": body or {}, "headers": headers}
		)

	def row(self, job: str) -> dict:
		frappe.db.rollback()
		return frappe.db.get_value(
			"Dispatch Job",
			job,
			["status", "assigned_technician", "scheduled_start", "duration_h"],
			as_dict=True,
		)

	def commands(self, job: str) -> list[str]:
		frappe.db.rollback()
		return frappe.get_all(
			"Dispatch Audit Event", filters={"job": job}, pluck="command", order_by="creation asc, name asc"
		)

	def at(self, day_offset: int, hour: int) -> str:
		return f"{self.monday + timedelta(days=day_offset)} {hour:02d}:00:00"

	# ------------------------------------------------------------------ tests

	def test_drop_books_with_propose_and_confirm_once_per_key(self):
		client = self.login(self.dispatcher)
		job = self.new_job()
		key = str(uuid.uuid4())
		body = {"job": job, "technician": self.tech, "start": self.at(0, 10), "expected_technician": ""}
		first = self.board(client, "drop", body, key=key)
		self.assertEqual(first.status_code, 200, first.text)
		answer = first.json["message"]
		self.assertEqual(answer["status"], "Scheduled")
		self.assertEqual(answer["undo"], {"action": "release", "job": job})
		row = self.row(job)
		self.assertEqual((row.status, row.assigned_technician), ("Scheduled", self.tech))
		self.assertEqual(get_datetime(row.scheduled_start), get_datetime(self.at(0, 10)))
		self.assertEqual(self.commands(job), ["intake", "triage", "schedule_propose", "schedule_confirm"])

		# The same key again (a retried drop): replayed, nothing booked twice.
		again = self.board(client, "drop", body, key=key)
		self.assertEqual(again.status_code, 200, again.text)
		self.assertEqual(self.commands(job), ["intake", "triage", "schedule_propose", "schedule_confirm"])

		# Moved to the other technician, then undone by the inverse drop (new commands, not a snapshot).
		moved = self.board(
			client,
			"drop",
			{
				"job": job,
				"technician": self.other_tech,
				"start": self.at(1, 13),
				"expected_technician": self.tech,
				"expected_start": self.at(0, 10),
			},
			key=str(uuid.uuid4()),
		).json["message"]
		self.assertEqual(self.row(job).assigned_technician, self.other_tech)
		undo = moved["undo"]
		self.assertEqual((undo["action"], undo["technician"]), ("drop", self.tech))
		back = self.board(
			client,
			"drop",
			{k: undo[k] for k in ("job", "technician", "start", "duration_h")},
			key=str(uuid.uuid4()),
		)
		self.assertEqual(back.status_code, 200, back.text)
		row = self.row(job)
		self.assertEqual(
			(row.assigned_technician, get_datetime(row.scheduled_start)),
			(self.tech, get_datetime(self.at(0, 10))),
		)

	def test_blocked_drop_changes_nothing_and_a_stale_board_is_refused(self):
		client = self.login(self.dispatcher)
		job = self.new_job()
		sunday = self.at(6, 10)  # ahead on any day it runs
		check = self.board(
			client, "check_drop", {"job": job, "technician": self.tech, "start": sunday}, get=True
		)
		self.assertEqual(check.status_code, 200, check.text)
		self.assertEqual(check.json["message"]["level"], "blocked")
		self.assertTrue(check.json["message"]["message"])
		before = self.row(job)
		refused = self.board(
			client, "drop", {"job": job, "technician": self.tech, "start": sunday}, key=str(uuid.uuid4())
		)
		self.assertEqual(refused.status_code, 417, refused.text)
		self.assertEqual(self.row(job), before)
		self.assertEqual(self.commands(job), ["intake"])  # the triage of the refused drop was rolled back

		# Booked by someone else meanwhile: a board that still shows it in the tray is refused.
		self.board(
			client,
			"drop",
			{"job": job, "technician": self.tech, "start": self.at(0, 9)},
			key=str(uuid.uuid4()),
		)
		stale = self.board(
			client,
			"drop",
			{"job": job, "technician": self.other_tech, "start": self.at(0, 14), "expected_technician": ""},
			key=str(uuid.uuid4()),
		)
		self.assertEqual(stale.status_code, 409, stale.text)
		self.assertEqual(self.row(job).assigned_technician, self.tech)

	def test_a_drop_in_the_past_is_refused_in_french_and_a_reason_books_it(self):
		"""A start in the past (or a slip in the year) is refused with the reason in the user's language and
		nothing changes; a dispatcher recording a job after the fact books it there by giving the reason."""
		frappe.db.set_value("User", self.dispatcher, "language", "fr")
		frappe.db.commit()
		self.addCleanup(
			lambda: (frappe.db.set_value("User", self.dispatcher, "language", None), frappe.db.commit())
		)
		client = self.login(self.dispatcher)
		job = self.new_job()
		yesterday = f"{add_days(nowdate(), -1)} 10:00:00"
		check = self.board(
			client, "check_drop", {"job": job, "technician": self.tech, "start": yesterday}, get=True
		)
		answer = check.json["message"]
		self.assertEqual((answer["level"], answer["code"]), ("blocked", "start_in_past"), check.text)
		self.assertIn("dans le pass", answer["message"])
		before = self.row(job)
		for start in (yesterday, "2007-11-26 10:00:00", f"{int(nowdate()[:4]) + 3}-06-15 10:00:00"):
			refused = self.board(
				client, "drop", {"job": job, "technician": self.tech, "start": start}, key=str(uuid.uuid4())
			)
			self.assertEqual(refused.status_code, 417, refused.text)
			self.assertRegex(refused.text, "dans le pass|plus de deux ans")
		self.assertEqual(self.row(job), before)
		self.assertEqual(self.commands(job), ["intake"])
		# After the fact, with the reason: booked there (the last working day; a weekend or holiday still refuses).
		token = self.token("dispatcher")
		self.assertLess(self.command(job, "triage", {"priority": "medium"}, token=token).status_code, 300)
		answers = []
		for back in range(1, 8):
			start = f"{add_days(nowdate(), -back)} 10:00:00"
			body = {
				"technician": self.tech,
				"start": start,
				"past_reason": "Fait sur place, saisi après coup",
			}
			r = self.command(job, "schedule_book", body, token=token)
			answers.append((r.status_code, (r.json or {}).get("error", {}).get("code")))
			if r.status_code < 300:
				break
		self.assertLess(answers[-1][0], 300, answers)
		self.assertTrue(all(code == "non_working_day" for _, code in answers[:-1]), answers)
		row = self.row(job)
		self.assertEqual((row.status, get_datetime(row.scheduled_start)), ("Scheduled", get_datetime(start)))

	def test_edit_details_from_the_panel_keeps_the_booking_and_refuses_the_rest(self):
		client = self.login(self.dispatcher)
		job = self.new_job()
		self.board(
			client,
			"drop",
			{"job": job, "technician": self.tech, "start": self.at(0, 9)},
			key=str(uuid.uuid4()),
		)
		frappe.db.rollback()
		booked = self.row(job)
		history = self.commands(job)
		modified = str(frappe.db.get_value("Dispatch Job", job, "modified"))

		def edit(values, tags=None, expected=None, who=client):
			body = {"job": job, "values": values, "expected_modified": expected or modified}
			if tags is not None:
				body["tags"] = tags
			return self.board(who, "edit_job", body)

		ok = edit(
			{"subject": "Fibre coupée — rue Ontario", "priority": "urgent", "description": "Code porte 1234"},
			tags=[{"tag": self.tag, "level": 2, "required": True}],
		)
		self.assertEqual(ok.status_code, 200, ok.text)
		self.assertEqual(
			sorted(ok.json["message"]["changed"]), ["description", "priority", "subject", "tags"]
		)
		frappe.db.rollback()
		doc = frappe.get_doc("Dispatch Job", job)
		self.assertEqual(
			(doc.subject, doc.priority, doc.description),
			("Fibre coupée — rue Ontario", "urgent", "Code porte 1234"),
		)
		self.assertEqual([(t.tag, t.level, t.required) for t in doc.tags], [(self.tag, 2, 1)])
		self.assertEqual(self.row(job), booked)  # who, when, how long and the status: untouched
		self.assertEqual(self.commands(job), history)  # no command ran
		after = str(doc.modified)
		# Refused, and nothing changes: a stale dialog, a lifecycle field, a bad level, a blank subject, a technician.
		for response in (
			edit({"subject": "Plus tard"}, expected=modified),
			edit({"assigned_technician": self.other_tech}, expected=after),
			edit({"status": "Completed"}, expected=after),
			edit({}, tags=[{"tag": self.tag, "level": 9}], expected=after),
			edit({"subject": "  "}, expected=after),
			edit({"subject": ["not", "text"]}, expected=after),
			edit({"subject": "Moi"}, expected=after, who=self.login(self.tech_user)),
		):
			self.assertIn(response.status_code, (403, 409, 417), response.text)
		frappe.db.rollback()
		self.assertEqual(str(frappe.db.get_value("Dispatch Job", job, "modified")), after)
		self.assertEqual(frappe.db.get_value("Dispatch Job", job, "subject"), "Fibre coupée — rue Ontario")
		self.assertEqual(self.row(job), booked)

	def test_a_typed_line_is_read_and_books_nothing(self):
		client = self.login(self.dispatcher)
		job = self.new_job()
		before = self.row(job)
		history = self.commands(job)
		line = f"{job} pour LC tech {self.run_id} le {self.monday.day}/{self.monday.month} à 10h30"
		answer = self.board(client, "read_line", {"text": line}, get=True)
		self.assertEqual(answer.status_code, 200, answer.text)
		got = answer.json["message"]
		self.assertEqual(
			(got["job"], got["technician"], got["start"]), (job, self.tech, f"{self.monday}T10:30:00")
		)
		self.assertTrue(got["certain"], got)
		self.assertEqual((got["current_technician"], got["status"]), (None, before.status))
		doubtful = self.board(client, "read_line", {"text": f"{job} demain"}, get=True).json["message"]
		self.assertEqual({d["code"] for d in doubtful["doubts"]}, {"no_technician", "no_time"})
		self.assertFalse(doubtful["certain"])
		refused = self.board(self.login(self.tech_user), "read_line", {"text": line}, get=True)
		self.assertEqual(refused.status_code, 403, refused.text)
		self.assertEqual((self.row(job), self.commands(job)), (before, history))  # reading books nothing

	def test_tag_shortfall_warns_and_books(self):
		client = self.login(self.dispatcher)
		job = self.new_job(tags=[{"tag": self.tag, "level": 4, "required": True}])
		check = self.board(
			client, "check_drop", {"job": job, "technician": self.tech, "start": self.at(0, 11)}, get=True
		)
		self.assertEqual(check.json["message"]["level"], "warning", check.text)
		from gigafibre_dispatch.lifecycle import commands

		real = commands.validate_drop_rules
		calls = []

		def counted(*args, **kwargs):
			calls.append(args[1:3])
			return real(*args, **kwargs)

		key = str(uuid.uuid4())
		body = {"job": job, "technician": self.tech, "start": self.at(0, 11)}
		with patch("gigafibre_dispatch.lifecycle.commands.validate_drop_rules", counted):
			booked = self.board(client, "drop", body, key=key)
			self.assertEqual(booked.status_code, 200, booked.text)
			self.assertEqual(len(calls), 1, "a drop runs its rules once (in schedule_propose)")
			warnings = booked.json["message"]["warnings"]
			self.assertIn("tag_shortfall", [w["code"] for w in warnings])
			self.assertTrue(all(w["message"] for w in warnings))
			# The same drop again (a retry): the same answer, its warnings with it, and the rules not run again.
			again = self.board(client, "drop", body, key=key)
			self.assertEqual(again.status_code, 200, again.text)
			self.assertEqual(again.json["message"]["warnings"], warnings)
			self.assertEqual(len(calls), 1)
		self.assertEqual(self.row(job).status, "Scheduled")

	def test_resize_and_release(self):
		client = self.login(self.dispatcher)
		job = self.new_job()
		self.board(
			client,
			"drop",
			{"job": job, "technician": self.tech, "start": self.at(0, 13)},
			key=str(uuid.uuid4()),
		)
		resized = self.board(client, "resize", {"job": job, "duration_h": 2.5}, key=str(uuid.uuid4()))
		self.assertEqual(resized.status_code, 200, resized.text)
		self.assertEqual(float(self.row(job).duration_h), 2.5)
		self.assertEqual(resized.json["message"]["undo"]["duration_h"], 1.5)

		released = self.board(
			client, "release", {"job": job, "reason": "Client absent"}, key=str(uuid.uuid4())
		)
		self.assertEqual(released.status_code, 200, released.text)
		row = self.row(job)
		self.assertEqual((row.status, row.assigned_technician, row.scheduled_start), ("Triaged", None, None))
		# The panel reads the stored name: it goes with the technician (issue 19: it showed the old one).
		self.assertIsNone(frappe.db.get_value("Dispatch Job", job, "technician_name"))
		self.assertEqual(self.commands(job)[-1], "schedule_release")
		frappe.db.rollback()
		event = frappe.get_all(
			"Dispatch Audit Event",
			filters={"job": job, "command": "schedule_release"},
			fields=["actor", "from_state", "to_state", "payload"],
		)[0]
		self.assertEqual(
			(event.actor, event.from_state, event.to_state), (self.dispatcher, "Scheduled", "Triaged")
		)
		self.assertIn("Client absent", event.payload)

		# A job on site does not move: the board says why.
		frappe.db.set_value("Dispatch Job", job, "status", "In Progress")  # as tech_check_in leaves it
		frappe.db.commit()
		check = self.board(
			client, "check_drop", {"job": job, "technician": self.tech, "start": self.at(0, 15)}, get=True
		)
		self.assertEqual(check.json["message"]["code"], "not_movable")
		moved = self.board(
			client,
			"drop",
			{"job": job, "technician": self.other_tech, "start": self.at(0, 15)},
			key=str(uuid.uuid4()),
		)
		self.assertEqual(moved.status_code, 417, moved.text)
		self.assertEqual(self.row(job).status, "In Progress")

	def test_geofix_moves_the_location_and_its_open_jobs(self):
		location = self._insert(
			{
				"doctype": "Service Location",
				"location_name": f"Geofix {self.run_id}",
				"customer": self.customer_a,
				"latitude": 45.0,
				"longitude": -73.0,
			}
		)
		frappe.db.commit()
		try:
			job = self.new_job(service_location=location)
			sibling = self.new_job(service_location=location)
			client = self.login(self.dispatcher)
			with patch("frappe.publish_realtime") as publish:
				fixed = self.board(client, "geofix", {"job": job, "latitude": 45.5017, "longitude": -73.5673})
			self.assertEqual(fixed.status_code, 200, fixed.text)
			answer = fixed.json["message"]
			self.assertEqual((answer["latitude"], answer["longitude"]), (45.5017, -73.5673))
			frappe.db.rollback()
			self.assertEqual(
				frappe.db.get_value("Service Location", location, ["latitude", "longitude"]),
				(45.5017, -73.5673),
			)
			for name in (job, sibling):
				self.assertEqual(
					frappe.db.get_value("Dispatch Job", name, ["latitude", "longitude"]), (45.5017, -73.5673)
				)
			events = [c.args for c in publish.call_args_list if c.args[0] == "dispatch:job_updated"]
			self.assertIn(("dispatch:job_updated", {"job": job, "command": "geofix"}), events)
			self.assertEqual(self.commands(job), ["intake"])  # not a lifecycle change

			# Out of range or not a number: refused, nothing saved.
			for lat, lon in ((91, 0), (45.5, 181), ("abc", -73.5)):
				refused = self.board(client, "geofix", {"job": job, "latitude": lat, "longitude": lon})
				self.assertEqual(refused.status_code, 417, refused.text)
			frappe.db.rollback()
			self.assertEqual(frappe.db.get_value("Service Location", location, "latitude"), 45.5017)

			# Technicians may not.
			tech = self.board(
				self.login(self.tech_user), "geofix", {"job": job, "latitude": 45.6, "longitude": -73.6}
			)
			self.assertEqual(tech.status_code, 403, tech.text)
		finally:
			frappe.db.rollback()
			for name in frappe.get_all("Dispatch Job", filters={"service_location": location}, pluck="name"):
				frappe.delete_doc("Dispatch Job", name, force=True, ignore_permissions=True)
			frappe.delete_doc("Service Location", location, force=True, ignore_permissions=True)
			frappe.db.commit()

	def test_board_data_has_rows_tray_and_true_total(self):
		"""The tray's total is every open job without a technician or a start, whether the tray's read was cut at
		its limit (then counted) or not (then its length)."""
		from gigafibre_dispatch.engine.states import CLOSED_STATES

		client = self.login(self.dispatcher)
		self.new_job()
		self.new_job()
		span = {"date_from": str(self.monday), "date_to": str(self.monday + timedelta(days=6))}

		def answer():
			response = self.board(client, "get_board", span, get=True)
			self.assertEqual(response.status_code, 200, response.text)
			return response.json["message"]

		data = answer()
		self.assertIn(self.tech, [r["id"] for r in data["resources"]])
		frappe.db.rollback()
		truth = len(
			frappe.get_all(
				"Dispatch Job",
				filters=[["status", "not in", CLOSED_STATES], ["is_recurring", "=", 0]],
				or_filters=[["assigned_technician", "is", "not set"], ["scheduled_start", "is", "not set"]],
				pluck="name",
			)
		)
		self.assertGreaterEqual(truth, 2)
		self.assertEqual(data["unassigned_total"], truth)
		with patch("gigafibre_dispatch.scheduling.board.TRAY_LIMIT", 1):
			cut = answer()
		self.assertEqual(len(cut["unassigned"]), 1)
		self.assertEqual(cut["unassigned_total"], truth)

	def test_board_tag_filter_with_a_minimum_level(self):
		for tech, level in ((self.tech, 4), (self.other_tech, 2)):
			doc = frappe.get_doc("Dispatch Technician", tech)
			doc.set("tags", [{"tag": self.tag, "level": level}])
			doc.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			client = self.login(self.dispatcher)

			def rows(tags):
				body = {
					"date_from": str(self.monday),
					"date_to": str(self.monday),
					"tags": frappe.as_json(tags),
				}
				response = self.board(client, "get_board", body, get=True)
				self.assertEqual(response.status_code, 200, response.text)
				return {r["id"] for r in response.json["message"]["resources"]} & {self.tech, self.other_tech}

			self.assertEqual(rows([{"tag": self.tag, "level": 3}]), {self.tech})
			self.assertEqual(rows([{"tag": self.tag, "level": 2}]), {self.tech, self.other_tech})
			self.assertEqual(rows([self.tag]), {self.tech, self.other_tech})  # a bare name: level 1
			self.assertEqual(rows([{"tag": self.tag, "level": 5}]), set())
			bad = self.board(
				client,
				"get_board",
				{
					"date_from": str(self.monday),
					"date_to": str(self.monday),
					"tags": '[{"tag": "x", "level": 9}]',
				},
				get=True,
			)
			self.assertEqual(bad.status_code, 417, bad.text)
		finally:
			frappe.db.rollback()
			frappe.db.delete("Dispatch Technician Tag", {"parent": ("in", [self.tech, self.other_tech])})
			frappe.db.commit()

	def test_technician_only_user_refused(self):
		client = self.login(self.tech_user)
		job = self.new_job()
		for method, body, get in (
			("get_board", {"date_from": str(self.monday), "date_to": str(self.monday)}, True),
			("check_drop", {"job": job, "technician": self.tech, "start": self.at(0, 10)}, True),
			("drop", {"job": job, "technician": self.tech, "start": self.at(0, 10)}, False),
		):
			response = self.board(client, method, body, get=get, key=str(uuid.uuid4()))
			self.assertEqual(response.status_code, 403, f"{method}: {response.text}")
		self.assertEqual(self.row(job).status, "New")
		self.assertEqual(self.commands(job), ["intake"])

	def test_planning_saved_and_validated_by_the_record(self):
		client = self.login(self.dispatcher)
		week = '{"mon": ["08:00-12:00"], "sat": ["09:00-12:00"]}'
		saved = self.board(client, "save_planning", {"technician": self.other_tech, "weekly_schedule": week})
		self.assertEqual(saved.status_code, 200, saved.text)
		bad = self.board(
			client,
			"save_planning",
			{
				"technician": self.other_tech,
				"weekly_schedule": "{}",
				"absence": {
					"absence_from": str(self.monday),
					"absence_until": str(self.monday - timedelta(days=1)),
				},
			},
		)
		self.assertEqual(bad.status_code, 417, bad.text)
		frappe.db.rollback()
		row = frappe.db.get_value("Dispatch Technician", self.other_tech, ["weekly_schedule"], as_dict=True)
		self.assertIn("09:00-12:00", row.weekly_schedule)  # the refused change left the record as it was
		self.assertFalse(frappe.db.exists("Dispatch Absence", {"technician": self.other_tech}))
		unknown = self.board(
			client, "save_planning", {"technician": self.other_tech, "absence": {"owner": "x"}}
		)
		self.assertEqual(unknown.status_code, 417, unknown.text)
		self.board(client, "save_planning", {"technician": self.other_tech, "weekly_schedule": ""})

	def test_planning_split_on_call_and_team_drawn_on_the_board(self):
		client = self.login(self.dispatcher)
		tuesday, saturday = self.monday + timedelta(days=1), self.monday + timedelta(days=5)
		frappe.db.set_value("Dispatch Technician", self.other_tech, "team", "Nord")
		frappe.db.commit()

		def board_row():
			got = self.board(
				client, "get_board", {"date_from": str(self.monday), "date_to": str(saturday)}, get=True
			)
			self.assertEqual(got.status_code, 200, got.text)
			return next(r for r in got.json["message"]["resources"] if r["id"] == self.other_tech)

		def spans(row, kind, day):
			return [
				(s["start"][11:16], s["end"][11:16])
				for s in row["segments"]
				if s["type"] == kind and s["start"].startswith(str(day))
			]

		before = board_row()
		self.assertEqual(before["team"], "Nord")
		whole = spans(before, "shift", tuesday)
		self.assertEqual(len(whole), 1, whole)  # one shift that Tuesday (the default week)
		shift_start, shift_end = whole[0]

		split = self.board(
			client,
			"split_shift",
			{"technician": self.other_tech, "day": str(tuesday), "start_time": "12:00", "end_time": "13:00"},
		)
		self.assertEqual(split.status_code, 200, split.text)
		self.assertIn(
			{"shift_date": str(tuesday), "start_time": "12:00", "end_time": "13:00", "kind": "Off"},
			[
				{k: x[k] for k in ("shift_date", "start_time", "end_time", "kind")}
				for x in split.json["message"]["extra_shifts"]
			],
		)
		after = board_row()
		self.assertEqual(spans(after, "shift", tuesday), [(shift_start, "12:00"), ("13:00", shift_end)])
		self.assertEqual(
			spans(after, "shift", self.monday), spans(before, "shift", self.monday)
		)  # that day only

		# A job dropped in the break: booked (the dispatcher's call) and flagged outside the shift.
		job = self.new_job()

		def check_drop(start):
			return self.board(
				client, "check_drop", {"job": job, "technician": self.other_tech, "start": start}, get=True
			).json["message"]

		check = check_drop(f"{tuesday} 12:00:00")
		self.assertIn("outside_shift", [w["code"] for w in check["warnings"]], check)

		# Refused, nothing written: a break outside any shift, a break that leaves nothing, bad times, a wrong kind.
		rows_before = frappe.get_all(
			"Dispatch Extra Shift", filters={"parent": self.other_tech}, pluck="name"
		)
		for body in (
			{"day": str(saturday), "start_time": "10:00", "end_time": "11:00"},  # no shift on Saturday
			{"day": str(tuesday), "start_time": "12:30", "end_time": "12:45"},  # inside the break already
			{"day": str(tuesday), "start_time": "06:00", "end_time": "23:00"},  # the whole day
			{"day": str(tuesday), "start_time": "24:61", "end_time": "25:00"},
			{"day": str(tuesday), "start_time": "nine", "end_time": "ten"},
			{"day": "2026-02-30", "start_time": "10:00", "end_time": "11:00"},
			{"day": str(tuesday), "start_time": "15:00", "end_time": "14:00"},
		):
			refused = self.board(client, "split_shift", {"technician": self.other_tech, **body})
			self.assertEqual(refused.status_code, 417, f"{body}: {refused.text}")
		frappe.db.rollback()
		self.assertEqual(
			sorted(frappe.get_all("Dispatch Extra Shift", filters={"parent": self.other_tech}, pluck="name")),
			sorted(rows_before),
		)
		wrong_kind = self.board(
			client,
			"save_planning",
			{
				"technician": self.other_tech,
				"extra_shifts": [
					{"shift_date": str(saturday), "start_time": "08:00", "end_time": "12:00", "kind": "Nap"}
				],
			},
		)
		self.assertEqual(wrong_kind.status_code, 417, wrong_kind.text)

		# On call on Saturday: drawn as a band, not working time (a drop there is refused: not a working day).
		kept = [
			{k: x[k] for k in ("shift_date", "start_time", "end_time", "kind")}
			for x in split.json["message"]["extra_shifts"]
		]
		on_call = {"shift_date": str(saturday), "start_time": "08:00", "end_time": "16:00", "kind": "On call"}
		saved = self.board(
			client, "save_planning", {"technician": self.other_tech, "extra_shifts": kept + [on_call]}
		)
		self.assertEqual(saved.status_code, 200, saved.text)
		row = board_row()
		self.assertEqual(spans(row, "on_call", saturday), [("08:00", "16:00")])
		self.assertEqual(spans(row, "shift", saturday), [])
		refused = check_drop(f"{saturday} 09:00:00")
		self.assertFalse(refused["allowed"], refused)

		# The technician user cannot split anyone's shift.
		tech_client = self.login(self.tech_user)
		denied = self.board(
			tech_client,
			"split_shift",
			{"technician": self.other_tech, "day": str(tuesday), "start_time": "14:00", "end_time": "15:00"},
		)
		self.assertEqual(denied.status_code, 403, denied.text)
		self.board(client, "save_planning", {"technician": self.other_tech, "extra_shifts": []})

	def test_network_event_told_to_boards_once_per_ref(self):
		url = "/api/method/gigafibre_dispatch.api.network.event"
		ref = f"olt-7-{uuid.uuid4()}"

		def post(client, body):
			return make_request(target=client.post, args=(url,), kwargs={"json": body})

		client = self.login(self.manager)
		body = {"kind": "outage", "message": "OLT Laval-7 down", "area": "Laval", "ref": ref}
		with patch("frappe.publish_realtime") as told:
			first = post(client, body)
			again = post(client, body)  # the monitor retries: told once
			bad_kind = post(client, {"kind": "party", "message": "x"})
			empty = post(client, {"kind": "outage", "message": "   "})
			too_long = post(client, {"kind": "outage", "message": "x" * 281})
			dispatcher = post(self.login(self.tech_user), {"kind": "outage", "message": "no"})
		self.assertEqual(first.status_code, 200, first.text)
		self.assertTrue(first.json["message"]["published"])
		self.assertEqual(again.status_code, 200, again.text)
		self.assertFalse(again.json["message"]["published"])
		for refused in (bad_kind, empty, too_long):
			self.assertEqual(refused.status_code, 417, refused.text)
		self.assertEqual(dispatcher.status_code, 403, dispatcher.text)
		events = [c for c in told.call_args_list if c.args and c.args[0] == "dispatch:network"]
		self.assertEqual(len(events), 1, told.call_args_list)
		self.assertEqual(
			{k: events[0].args[1][k] for k in ("kind", "indicator", "message", "area")},
			{"kind": "outage", "indicator": "red", "message": "OLT Laval-7 down", "area": "Laval"},
		)

	def test_a_patch_of_some_rows_draws_them_as_the_whole_board_does(self):
		"""A live patch asks for a few technicians: their rows (own jobs, assists, travel, conflicts) are the same as
		in the whole board's answer, from a read of their jobs only."""
		client = self.login(self.dispatcher)
		token = self.token("dispatcher")
		own, other, overlapping = self.new_job(), self.new_job(), self.new_job()
		for job, tech, hour in (
			(own, self.tech, 10),
			(other, self.other_tech, 13),
			(overlapping, self.tech, 10),
		):
			self.command(job, "triage", {"priority": "medium"}, token=token)
			booked = self.command(
				job, "schedule_book", {"technician": tech, "start": self.at(1, hour)}, token=token
			)
			self.assertLess(booked.status_code, 300, booked.text)
		helper = self.command(other, "assistant_add", {"tech_id": self.tech, "duration_h": 1}, token=token)
		self.assertEqual(helper.status_code, 200, helper.text)
		span = {"date_from": str(self.monday), "date_to": str(self.monday + timedelta(days=6))}

		def rows(extra):
			got = self.board(client, "get_board", {**span, **extra}, get=True)
			self.assertEqual(got.status_code, 200, got.text)
			return {r["id"]: r for r in got.json["message"]["resources"]}

		whole = rows({})
		patch = rows({"technicians": f'["{self.tech}"]'})
		self.assertEqual(list(patch), [self.tech])
		self.assertEqual(patch[self.tech]["segments"], whole[self.tech]["segments"])
		kinds = {(s["type"], s.get("job")) for s in patch[self.tech]["segments"]}
		self.assertTrue({("job", own), ("job", overlapping), ("assist", other)} <= kinds, kinds)
		flagged = {s["job"]: s["conflicts"] for s in patch[self.tech]["segments"] if s["type"] == "job"}
		self.assertIn("overlap", flagged[own])
		self.assertIn("overlap", flagged[overlapping])

	def test_week_detail_leaves_travel_and_coordinates_out(self):
		client = self.login(self.dispatcher)
		token = self.token("dispatcher")
		first, second = self.new_job(), self.new_job(service_location=self.loc_b)
		for job, hour in ((first, 9), (second, 13)):
			self.command(job, "triage", {"priority": "medium"}, token=token)
			booked = self.command(
				job, "schedule_book", {"technician": self.tech, "start": self.at(2, hour)}, token=token
			)
			self.assertLess(booked.status_code, 300, booked.text)
		span = {"date_from": str(self.monday), "date_to": str(self.monday + timedelta(days=6))}

		def answer(extra):
			got = self.board(client, "get_board", {**span, **extra}, get=True)
			self.assertEqual(got.status_code, 200, got.text)
			return got.json["message"]

		full, week = answer({}), answer({"detail": "week"})
		row = {r["id"]: r for r in full["resources"]}[self.tech]
		week_row = {r["id"]: r for r in week["resources"]}[self.tech]
		self.assertIn(("travel", second), {(s["type"], s.get("to_job")) for s in row["segments"]})
		self.assertIn(first, full["coords"])
		self.assertFalse([s for s in week_row["segments"] if s["type"] == "travel"])
		self.assertEqual(week["coords"], {})
		jobs = lambda r: [s for s in r["segments"] if s["type"] == "job"]  # noqa: E731
		self.assertEqual(jobs(week_row), jobs(row))
		bad = self.board(client, "get_board", {**span, "detail": "everything"}, get=True)
		self.assertEqual(bad.status_code, 417, bad.text)

	def test_the_packed_read_is_get_list_with_its_row_rules(self):
		"""`packed_list` returns what `frappe.get_list` returns for the same user and filters (a dispatcher limited
		to customer A sees only A's jobs through the board), whatever the session's JSON length limit."""
		from gigafibre_dispatch.scheduling import board as board_service
		from gigafibre_dispatch.scheduling import data

		token = self.token("dispatcher")
		job_a, job_b = self.new_job(), self.new_job(service_location=self.loc_b)
		for job, hour in ((job_a, 9), (job_b, 11)):
			self.command(job, "triage", {"priority": "medium"}, token=token)
			booked = self.command(
				job, "schedule_book", {"technician": self.tech, "start": self.at(3, hour)}, token=token
			)
			self.assertLess(booked.status_code, 300, booked.text)
		start = get_datetime(f"{self.monday} 00:00:00")
		filters = board_service.booked_between(start, start + timedelta(days=7))
		fields = list(data.BOARD_JOB_FIELDS)
		scoped = self.scoped_dispatcher("zz.packed")

		def both():
			# A session limit far below one row: the packed read raises it for itself.
			frappe.db.sql("set session group_concat_max_len = 16")
			packed = data.packed_list(
				"Dispatch Job", filters=filters, fields=fields, order_by="scheduled_start asc"
			)
			plain = frappe.get_list(
				"Dispatch Job",
				filters=filters,
				fields=fields,
				order_by="scheduled_start asc",
				limit_page_length=0,
			)
			return packed, plain

		try:
			for user, sees_b in (("Administrator", True), (scoped, False)):
				frappe.set_user(user)
				packed, plain = both()
				self.assertEqual(sorted(r.name for r in packed), sorted(r.name for r in plain))
				starts = [get_datetime(r.scheduled_start) for r in packed]
				self.assertEqual(
					starts, sorted(starts)
				)  # in the order asked (ties in any order, as get_list's)
				self.assertEqual(job_b in {r.name for r in packed}, sees_b, user)
				self.assertIn(job_a, {r.name for r in packed})
				row = {r.name: r for r in packed}[job_a]
				want = {r.name: r for r in plain}[job_a]
				self.assertEqual(get_datetime(row.scheduled_start), want.scheduled_start)
				self.assertEqual(float(row.duration_h), float(want.duration_h))
				self.assertEqual(
					(row.subject, row.status, row.assigned_technician),
					(want.subject, want.status, want.assigned_technician),
				)
		finally:
			frappe.set_user("Administrator")
		latest = data.packed_list(
			"Dispatch Job", filters=filters, fields=fields, order_by="scheduled_start desc"
		)
		backwards = [get_datetime(r.scheduled_start) for r in latest]
		self.assertEqual(backwards, sorted(backwards, reverse=True))
		for bad in ("subject; select 1", "modified asc", "scheduled_start sideways"):
			with self.assertRaises(frappe.ValidationError, msg=bad):
				data.packed_list("Dispatch Job", filters=filters, fields=fields, order_by=bad)
		# Every column the packed read names is readable at level 0 (a higher level would drop it from the query).
		meta = frappe.get_meta("Dispatch Job")
		self.assertFalse([f for f in fields if meta.get_field(f) and meta.get_field(f).permlevel])

	def test_server_timing_for_signed_in_users_only(self):
		"""A signed-in user's answer says how long the server worked on it; a guest's says nothing."""
		client = self.login(self.dispatcher)
		span = {"date_from": str(self.monday), "date_to": str(self.monday)}
		signed = self.board(client, "get_board", span, get=True)
		self.assertEqual(signed.status_code, 200, signed.text)
		timing = signed.headers.get("Server-Timing", "")
		self.assertRegex(timing, r"^app;dur=\d+(\.\d+)?$")
		self.assertGreater(float(timing.split("dur=")[1]), 0)
		guest = self.board(get_test_client(), "get_board", span, get=True)
		self.assertEqual(guest.status_code, 403, guest.text)
		self.assertNotIn("Server-Timing", guest.headers)
