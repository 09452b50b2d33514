"""Scheduling API on a real site: ranking, slots, work orders, board, recurrence, drops, permissions, errors."""

from datetime import timedelta

import frappe

from gigafibre_dispatch.api import board as board_api
from gigafibre_dispatch.api import scheduling as api
from gigafibre_dispatch.tests.utils import (
	DispatchTestCase,
	at,
	make_customer,
	make_job,
	make_location,
	make_tech,
	make_user,
	next_monday,
)

# Downtown Montréal; the test techs sit around it.
JOB_LAT, JOB_LON = 45.5000, -73.5700


class QueryCounter:
	"""Counts the SQL statements a block sends (wraps the real frappe.db.sql)."""

	def __enter__(self):
		self.count = 0
		self._sql = frappe.db.sql

		def counting(*args, **kwargs):
			self.count += 1
			return self._sql(*args, **kwargs)

		frappe.db.sql = counting
		return self

	def __exit__(self, *exc):
		frappe.db.sql = self._sql


class TestRanking(DispatchTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.monday = next_monday()
		cls.adequate = make_tech("Rank adequate", 45.5100, JOB_LON, {"ZZ Fibre": 2})
		cls.expert = make_tech("Rank expert", 45.4900, JOB_LON, {"ZZ Fibre": 5})
		cls.far = make_tech("Rank far", 45.8000, JOB_LON, {"ZZ Fibre": 2})
		cls.junior = make_tech("Rank junior", 45.5050, JOB_LON, {"ZZ Fibre": 1})
		cls.lift = make_tech(
			"Rank lift", JOB_LAT, JOB_LON, {"ZZ Nacelle": 1}, resource_type="material", category="Nacelle"
		)
		cls.ours = {cls.adequate, cls.expert, cls.far, cls.junior, cls.lift}
		cls.location = make_location(make_customer("ZZ Rank Customer"), JOB_LAT, JOB_LON)

	def ranked(self, **kwargs):
		rows = api.best_technicians(limit=500, **kwargs)
		return [r for r in rows if r["technician"] in self.ours]

	def test_lowest_adequate_level_then_distance(self):
		job = make_job(
			"Rank me", location=self.location, tags=[("ZZ Fibre", 2, 1)], scheduled_start=at(self.monday, 9)
		)
		order = [r["technician"] for r in self.ranked(job=job.name)]
		self.assertEqual(
			order[:2], [self.adequate, self.expert], "the level-2 tech beats the equally close expert"
		)
		self.assertNotIn(
			self.lift, order, "a material resource is not ranked for a job that does not ask for it"
		)
		self.assertLess(order.index(self.adequate), order.index(self.far))

	def test_breakdown_explains_the_score(self):
		job = make_job(
			"Explain", location=self.location, tags=[("ZZ Fibre", 2, 1)], scheduled_start=at(self.monday, 9)
		)
		rows = {r["technician"]: r for r in self.ranked(job=job.name)}
		for row in rows.values():
			b = row["breakdown"]
			parts = b["proximity"] + b["load"] + b["overload"] + b["gps"] + b["skill"]
			self.assertAlmostEqual(parts, row["score"], delta=0.05)
			self.assertAlmostEqual(b["total"], row["score"], delta=0.05)
		self.assertGreater(
			rows[self.adequate]["breakdown"]["proximity"], rows[self.far]["breakdown"]["proximity"]
		)
		self.assertAlmostEqual(rows[self.far]["breakdown"]["distance_km"], 33.4, delta=0.5)
		junior = rows[self.junior]
		self.assertEqual([w["code"] for w in junior["warnings"]], ["tag_shortfall"])
		self.assertEqual(junior["warnings"][0]["tag"], "ZZ Fibre")
		self.assertLess(junior["score"], rows[self.adequate]["score"])

	def test_material_ranked_when_asked_for(self):
		order = [
			r["technician"]
			for r in self.ranked(
				latitude=JOB_LAT, longitude=JOB_LON, tags=["ZZ Nacelle"], date=str(self.monday)
			)
		]
		self.assertEqual(order[0], self.lift)

	def test_overload_penalty_from_booked_hours(self):
		make_job("Busy day", tech=self.adequate, start=at(self.monday, 8), duration_h=7.5)
		job = make_job(
			"Extra", location=self.location, tags=[("ZZ Fibre", 2, 1)], scheduled_start=at(self.monday, 16)
		)
		rows = {r["technician"]: r for r in self.ranked(job=job.name)}
		self.assertEqual(rows[self.adequate]["breakdown"]["overload"], -500)
		self.assertEqual(rows[self.adequate]["breakdown"]["load_hours"], 7.5)
		self.assertEqual(rows[self.expert]["breakdown"]["overload"], 0)
		self.assertEqual(
			rows[self.expert]["technician"], [r["technician"] for r in self.ranked(job=job.name)][0]
		)

	def test_absent_technician_not_ranked_that_day(self):
		tech = make_tech(
			"Rank absent",
			JOB_LAT,
			JOB_LON,
			{"ZZ Fibre": 2},
			absence={"absence_reason": "Malade", "absence_from": self.monday, "absence_until": self.monday},
		)
		self.ours.add(tech)
		monday = [
			r["technician"]
			for r in self.ranked(
				latitude=JOB_LAT, longitude=JOB_LON, tags=["ZZ Fibre"], date=str(self.monday)
			)
		]
		tuesday = [
			r["technician"]
			for r in self.ranked(
				latitude=JOB_LAT,
				longitude=JOB_LON,
				tags=["ZZ Fibre"],
				date=str(self.monday + timedelta(days=1)),
			)
		]
		self.assertNotIn(tech, monday)
		self.assertIn(tech, tuesday)

	def test_unknown_job_and_bad_arguments(self):
		self.assertRaises(frappe.DoesNotExistError, api.best_technicians, job="DJ-DOES-NOT-EXIST")
		self.assertRaises(frappe.ValidationError, api.best_technicians, latitude=95, longitude=0)
		self.assertRaises(
			frappe.ValidationError, api.best_technicians, latitude=45.5, longitude=-73.5, date="2026-02-31"
		)
		self.assertRaises(
			frappe.ValidationError, api.best_technicians, latitude=45.5, longitude=-73.5, tags=["No Such Tag"]
		)


class TestSlotsAndWorkOrders(DispatchTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.monday = next_monday()
		# Only this technician has the tag, so slot search is about them alone.
		cls.tech = make_tech(
			"Slot tech",
			JOB_LAT,
			JOB_LON,
			{"ZZ Slots": 3},
			absence={
				"absence_reason": "Formation",
				"absence_from": cls.monday + timedelta(days=1),
				"absence_until": cls.monday + timedelta(days=1),
			},
		)
		cls.busy = make_job("Existing", tech=cls.tech, start=at(cls.monday, 10), duration_h=2)
		cls.location = make_location(make_customer("ZZ Slot Customer"), JOB_LAT, JOB_LON)

	def test_slots_respect_jobs_buffer_shift_and_absence(self):
		rows = api.suggest_slots(
			duration_h=1.5,
			tags=["ZZ Slots"],
			latitude=JOB_LAT,
			longitude=JOB_LON,
			start_date=str(self.monday),
		)
		self.assertTrue(rows)
		self.assertLessEqual(len(rows), 2, "at most two slots per technician")
		busy_from, busy_to = at(self.monday, 9, 45), at(self.monday, 12, 15)
		for row in rows:
			self.assertEqual(row["technician"], self.tech)
			start, end = frappe.utils.get_datetime(row["start"]), frappe.utils.get_datetime(row["end"])
			self.assertEqual(end - start, timedelta(hours=1.5))
			self.assertTrue(
				end <= busy_from or start >= busy_to, f"{row} overlaps the existing job + 15 min buffer"
			)
			self.assertNotEqual(start.date(), self.monday + timedelta(days=1), "no slot during the absence")
			self.assertGreaterEqual(start.time(), frappe.utils.get_time("08:00"))
			self.assertLessEqual(end.time(), frappe.utils.get_time("17:00"))
			self.assertLess(start.weekday(), 5, "default shift is Monday to Friday")
		self.assertEqual(frappe.utils.get_datetime(rows[0]["start"]), at(self.monday, 8))

	def test_create_work_order_auto_assigns_top_slot(self):
		before = frappe.db.count("Dispatch Job")
		out = api.create_work_order(
			subject="Installation FTTH",
			service_location=self.location,
			tags=[{"tag": "ZZ Slots", "level": 2}],
			duration_h=1,
			auto_assign=True,
			priority="high",
			job_type="Installation",
		)
		self.assertEqual(frappe.db.count("Dispatch Job"), before + 1)
		doc = frappe.get_doc("Dispatch Job", out["name"])
		self.assertEqual(doc.assigned_technician, self.tech)
		self.assertEqual(doc.customer, "ZZ Slot Customer", "the customer comes from the service location")
		self.assertEqual(doc.status, "Scheduled")
		self.assertEqual(out["suggestion"]["technician"], self.tech)
		self.assertEqual(
			frappe.utils.get_datetime(doc.scheduled_end) - frappe.utils.get_datetime(doc.scheduled_start),
			timedelta(hours=1),
		)
		self.assertEqual(doc.tags[0].tag, "ZZ Slots")

	def test_create_work_order_refuses_bad_input_and_writes_nothing(self):
		before = frappe.db.count("Dispatch Job")
		bad_calls = [
			{"subject": "x", "priority": "whenever"},
			{"subject": "x", "job_type": "Party"},
			{"subject": "x", "duration_h": 0},
			{"subject": "x", "scheduled_start": "next tuesday-ish"},
			{"subject": "x", "tags": [{"tag": "ZZ Slots", "level": 9}]},
			{"subject": "x", "assigned_technician": "TECH-NOPE"},
			{"subject": "   "},
		]
		for kwargs in bad_calls:
			with self.subTest(kwargs=kwargs):
				self.assertRaises(
					(frappe.ValidationError, frappe.DoesNotExistError), api.create_work_order, **kwargs
				)
		self.assertEqual(frappe.db.count("Dispatch Job"), before)


class TestBoard(DispatchTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.monday = next_monday()
		cls.a = make_tech(
			"Board A",
			JOB_LAT,
			JOB_LON,
			absence={
				"absence_reason": "Vacances",
				"absence_from": cls.monday + timedelta(days=3),
				"absence_until": cls.monday + timedelta(days=4),
			},
		)
		cls.b = make_tech("Board B", 45.52, -73.60)
		near = make_location(None, 45.51, -73.58, "Board near")
		far = make_location(None, 45.56, -73.70, "Board far")
		cls.j1 = make_job(
			"First",
			tech=cls.a,
			start=at(cls.monday, 8),
			duration_h=1,
			location=near,
			assistants=[{"tech_id": cls.b, "duration_h": 1, "pinned": 1}],
		)
		cls.j2 = make_job("Second", tech=cls.a, start=at(cls.monday, 11), duration_h=1, location=far)
		cls.unassigned = make_job("Tray job", duration_h=2)
		cls.template = make_job(
			"Weekly check",
			tech=cls.b,
			start=at(cls.monday - timedelta(days=7), 9),
			duration_h=1,
			is_recurring=1,
			recurrence_rule="FREQ=WEEKLY;BYDAY=WE",
			continuous=1,
		)

	def board(self):
		return board_api.get_board(
			str(self.monday), str(self.monday + timedelta(days=6)), technicians=[self.a, self.b]
		)

	def test_segments(self):
		board = self.board()
		rows = {r["id"]: r for r in board["resources"]}
		self.assertEqual(set(rows), {self.a, self.b})
		a_types = {s["type"] for s in rows[self.a]["segments"]}
		self.assertTrue({"shift", "absence", "job", "travel"} <= a_types, a_types)
		jobs = [s for s in rows[self.a]["segments"] if s["type"] == "job"]
		self.assertEqual([s["job"] for s in jobs], [self.j1.name, self.j2.name])
		travel = [s for s in rows[self.a]["segments"] if s["type"] == "travel"][0]
		self.assertEqual((travel["from_job"], travel["to_job"]), (self.j1.name, self.j2.name))
		self.assertEqual(travel["end"], at(self.monday, 11).isoformat())
		self.assertGreater(travel["minutes"], 0)
		b_segments = rows[self.b]["segments"]
		assist = [s for s in b_segments if s["type"] == "assist"]
		self.assertEqual(assist[0]["job"], self.j1.name)
		self.assertTrue(assist[0]["pinned"])
		ghosts = [s for s in b_segments if s["type"] == "ghost"]
		self.assertEqual([g["start"] for g in ghosts], [at(self.monday + timedelta(days=2), 9).isoformat()])
		self.assertIn(self.unassigned.name, [u["job"] for u in board["unassigned"]])
		absence = [s for s in rows[self.a]["segments"] if s["type"] == "absence"]
		self.assertEqual(absence[0]["reason"], "Vacances")

	def test_materialize_replaces_the_ghost(self):
		wednesday = at(self.monday + timedelta(days=2), 9)
		out = board_api.materialize(self.template.name, wednesday.isoformat())
		self.assertTrue(out["created"])
		job = frappe.get_doc("Dispatch Job", out["name"])
		self.assertEqual(job.template_id, self.template.name)
		self.assertEqual(job.is_recurring, 0)
		self.assertEqual(frappe.utils.get_datetime(job.scheduled_start), wednesday)
		self.assertEqual(job.assigned_technician, self.b)
		again = board_api.materialize(self.template.name, wednesday.isoformat())
		self.assertEqual(again, {"name": out["name"], "created": False})
		rows = {r["id"]: r for r in self.board()["resources"]}
		self.assertFalse([s for s in rows[self.b]["segments"] if s["type"] == "ghost"])
		self.assertIn(out["name"], [s["job"] for s in rows[self.b]["segments"] if s["type"] == "job"])
		self.assertRaises(
			frappe.ValidationError,
			board_api.materialize,
			self.template.name,
			at(self.monday, 9).isoformat(),
		)
		self.assertRaises(frappe.ValidationError, board_api.materialize, self.j1.name, wednesday.isoformat())

	def test_query_count_does_not_grow_with_jobs(self):
		self.board()  # warm caches (settings, meta)
		with QueryCounter() as few:
			self.board()
		for i in range(30):
			make_job(
				f"Filler {i}",
				tech=self.b if i % 2 else self.a,
				start=at(self.monday + timedelta(days=i % 5), 13),
				duration_h=0.5,
			)
		with QueryCounter() as many:
			self.board()
		self.assertEqual(few.count, many.count)
		# A fixed number: the technicians the caller reads, their rows (technicians, tags, shifts, absences), the
		# jobs they assist on, their booked jobs (one packed read), the tray, assistants of the booked jobs and of
		# the tray, templates, their pauses, their concrete occurrences, the open offers.
		self.assertLessEqual(many.count, 15)

	def test_bad_ranges(self):
		self.assertRaises(frappe.ValidationError, board_api.get_board, "2026-13-01", "2026-13-07")
		self.assertRaises(
			frappe.ValidationError,
			board_api.get_board,
			str(self.monday),
			str(self.monday - timedelta(days=1)),
		)
		self.assertRaises(
			frappe.ValidationError,
			board_api.get_board,
			str(self.monday),
			str(self.monday + timedelta(days=90)),
		)


class TestDropRules(DispatchTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.monday = next_monday()
		cls.tech = make_tech("Drop tech", JOB_LAT, JOB_LON, {"ZZ Drop": 1})

	def test_weekend_refused_unless_continuous(self):
		sunday = at(self.monday + timedelta(days=6), 10)
		job = make_job("Weekend?")
		out = board_api.check_drop(job.name, self.tech, sunday.isoformat())
		self.assertFalse(out["allowed"])
		self.assertEqual(out["code"], "non_working_day")
		self.assertTrue(out["message"])
		urgent = make_job("Outage", continuous=1)
		self.assertTrue(board_api.check_drop(urgent.name, self.tech, sunday.isoformat())["allowed"])

	def test_dependency_must_be_done_or_before(self):
		first = make_job("Aerial", tech=self.tech, start=at(self.monday, 13), duration_h=3)
		second = make_job("Splice", depends_on=first.name)
		self.assertEqual(
			board_api.check_drop(second.name, self.tech, at(self.monday, 9).isoformat())["code"],
			"dependency_not_done",
		)
		self.assertTrue(
			board_api.check_drop(second.name, self.tech, at(self.monday + timedelta(days=1), 9).isoformat())[
				"allowed"
			]
		)
		first.db_set("status", "Completed")
		self.assertTrue(
			board_api.check_drop(second.name, self.tech, at(self.monday, 9).isoformat())["allowed"]
		)

	def test_tag_shortfall_is_a_warning(self):
		job = make_job("Expert work", tags=[("ZZ Drop", 4, 1)])
		out = board_api.check_drop(job.name, self.tech, at(self.monday, 9).isoformat())
		self.assertTrue(out["allowed"])
		self.assertEqual(
			[(w["code"], w["tag"], w["required"], w["has"]) for w in out["warnings"]],
			[("tag_shortfall", "ZZ Drop", 4, 1)],
		)

	def test_errors(self):
		job = make_job("Err")
		self.assertRaises(
			frappe.DoesNotExistError,
			board_api.check_drop,
			"DJ-NOPE",
			self.tech,
			at(self.monday, 9).isoformat(),
		)
		self.assertRaises(
			frappe.DoesNotExistError,
			board_api.check_drop,
			job.name,
			"TECH-NOPE",
			at(self.monday, 9).isoformat(),
		)
		self.assertRaises(
			frappe.ValidationError, board_api.check_drop, job.name, self.tech, "31/31/2026 25:00"
		)


class TestPermissions(DispatchTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.monday = next_monday()
		cls.user_a = make_user("zz.tech.a@example.com", ["Technician"])
		cls.user_b = make_user("zz.tech.b@example.com", ["Technician"])
		cls.outsider = make_user("zz.outsider@example.com", ["Blogger"])
		cls.tech_a = make_tech("Perm A", user=cls.user_a)
		cls.tech_b = make_tech("Perm B", user=cls.user_b)
		cls.job_a = make_job("A's job", tech=cls.tech_a, start=at(cls.monday, 9))
		cls.job_b = make_job("B's job", tech=cls.tech_b, start=at(cls.monday, 9))
		cls.job_assist = make_job(
			"B's job, A helps",
			tech=cls.tech_b,
			start=at(cls.monday, 13),
			assistants=[{"tech_id": cls.tech_a}],
		)

	def test_technician_reads_only_own_jobs(self):
		frappe.set_user(self.user_a)
		visible = set(frappe.get_list("Dispatch Job", pluck="name", limit_page_length=0))
		self.assertIn(self.job_a.name, visible)
		self.assertIn(self.job_assist.name, visible)
		self.assertNotIn(self.job_b.name, visible)
		self.assertTrue(frappe.has_permission("Dispatch Job", "read", self.job_a.name))
		self.assertFalse(frappe.has_permission("Dispatch Job", "read", self.job_b.name))
		self.assertRaises(
			frappe.PermissionError,
			board_api.check_drop,
			self.job_b.name,
			self.tech_a,
			at(self.monday, 10).isoformat(),
		)
		self.assertRaises(
			frappe.PermissionError, frappe.get_doc("Dispatch Job", self.job_b.name).check_permission, "read"
		)

	def test_technician_cannot_create_work_orders(self):
		frappe.set_user(self.user_a)
		self.assertRaises(frappe.PermissionError, api.create_work_order, subject="Sneaky")

	def test_outsider_is_refused(self):
		frappe.set_user(self.outsider)
		self.assertRaises(frappe.PermissionError, api.best_technicians, latitude=45.5, longitude=-73.5)
		self.assertRaises(frappe.PermissionError, board_api.get_board, str(self.monday), str(self.monday))
		self.assertRaises(frappe.PermissionError, api.suggest_slots, duration_h=1)
