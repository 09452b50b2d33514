"""A realistic, re-runnable demo around Montréal: `bench --site S dispatch demo`.

The data is `demo_data.json` (as ERPNext keeps its own in `setup/demo_data/`): tags, technicians, material
resources, customers, job subjects, the week's absence and extra shift, a two-step workflow and a recurring
template, with days counted from the demo week's Monday. Technicians, resources, customers and service locations are
upserted by fixed names; the demo jobs (DEMO-J…) are deleted and recreated for the week, so running it twice leaves
one demo. The week's other jobs are drawn from a seeded generator, so every run draws the same ones.
"""

import json
import os
import random
from datetime import date, datetime, time, timedelta
from functools import cache

import frappe
from frappe.utils import getdate, nowdate

SEED = 20261122


@cache
def data() -> dict:
	with open(os.path.join(os.path.dirname(__file__), "demo_data.json"), encoding="utf-8") as f:
		return json.load(f)


def week_start(day: date) -> date:
	return day - timedelta(days=day.weekday())


def demo_week(day: date) -> date:
	"""Monday of the week the demo fills: this week on a working day, the coming one on a weekend (this week's
	jobs would all be over)."""
	return week_start(day) + timedelta(weeks=1 if day.weekday() >= 5 else 0)


def load_demo(week_of: str | None = None) -> dict:
	monday = week_start(getdate(week_of)) if week_of else demo_week(getdate(nowdate()))
	d = data()
	load_tags(d)
	load_technicians(d, monday)
	locations = load_locations(d)
	remove_demo_jobs()
	jobs = JobWriter(d, monday, locations)
	jobs.week(random.Random(SEED))
	jobs.workflow()
	jobs.fill_up()
	template = jobs.recurring_template()
	return {
		"week": f"{monday} → {monday + timedelta(days=6)}",
		"technicians": len(d["technicians"]),
		"material resources": len(d["materials"]),
		"customers / service locations": len(d["customers"]),
		"jobs": jobs.count - 1,
		"recurring template": template,
		"absence": d["absence"]["label"],
	}


# ---------------------------------------------------------------------------------------------- records


def _upsert(doctype: str, name: str, values: dict, children: dict | None = None):
	if frappe.db.exists(doctype, name):
		doc = frappe.get_doc(doctype, name)
		doc.update(values)
		for table, rows in (children or {}).items():
			doc.set(table, rows)
		doc.save(ignore_permissions=True)
	else:
		doc = frappe.get_doc({"doctype": doctype, **values, **(children or {})})
		doc.insert(ignore_permissions=True, set_name=name)
	return doc


def _tag_rows(tags: dict) -> list[dict]:
	return [{"tag": t, "level": level} for t, level in tags.items()]


def load_tags(d: dict):
	for t in d["tags"]:
		_upsert(
			"Dispatch Tag", t["tag"], {"tag_name": t["tag"], "category": t["category"], "color": t["color"]}
		)


def load_absence(absence: dict, monday: date):
	"""The demo week's absence, as a record of its own (a fixture: its jobs are the demo's, placed around it)."""
	tech = f"DEMO-{absence['technician']}"
	frappe.db.delete("Dispatch Absence", {"technician": tech, "source": "Desk", "note": "demo"})
	doc = frappe.get_doc(
		{
			"doctype": "Dispatch Absence",
			"technician": tech,
			"reason": absence["reason"],
			"from_date": monday + timedelta(days=absence["from_day"]),
			"until_date": monday + timedelta(days=absence["until_day"]),
			"source": "Desk",
			"note": "demo",
		}
	)
	doc.flags.from_service = True
	doc.insert(ignore_permissions=True)


def load_technicians(d: dict, monday: date):
	absence, extra, on_call = d["absence"], d["extra_shift"], d["on_call"]
	for t in d["technicians"]:
		_upsert(
			"Dispatch Technician",
			f"DEMO-{t['code']}",
			{
				"technician_name": t["name"],
				"team": t["team"],
				"resource_type": "human",
				"active": 1,
				"phone": t["phone"],
				"home_latitude": t["latitude"],
				"home_longitude": t["longitude"],
				"daily_hour_cap": 8,
				"weekly_schedule": json.dumps(t["weekly_schedule"]) if t["weekly_schedule"] else None,
			},
			{
				"tags": _tag_rows(t["tags"]),
				"extra_shifts": [
					{
						"shift_date": monday + timedelta(days=x["day"]),
						"start_time": x["start_time"],
						"end_time": x["end_time"],
						"kind": kind,
						"note": x["note"],
					}
					for x, kind in ((extra, "Shift"), (on_call, "On call"))
					if t["code"] == x["technician"]
				],
			},
		)
	load_absence(absence, monday)
	for m in d["materials"]:
		_upsert(
			"Dispatch Technician",
			f"DEMO-{m['code']}",
			{
				"technician_name": m["name"],
				"resource_type": "material",
				"resource_category": m["category"],
				"active": 1,
				"home_latitude": m["latitude"],
				"home_longitude": m["longitude"],
				"daily_hour_cap": 10,
			},
			{"tags": _tag_rows(m["tags"])},
		)


def _customer(name: str) -> str:
	if not frappe.db.exists("Customer", name):
		doc = frappe.new_doc("Customer")
		doc.customer_name = name
		doc.customer_type = "Company"
		for field, default in (("customer_group", "All Customer Groups"), ("territory", "All Territories")):
			if frappe.db.exists(field.replace("_", " ").title(), default):
				doc.set(field, default)
		doc.insert(ignore_permissions=True, set_name=name)
	return name


def load_locations(d: dict) -> list[tuple[str, str, float, float]]:
	"""(service location, customer, latitude, longitude) for each demo customer, numbered from 1."""
	locations = []
	for i, c in enumerate(d["customers"], 1):
		_customer(c["customer"])
		loc = f"DEMO-LOC-{i:02d}"
		_upsert(
			"Service Location",
			loc,
			{
				"location_name": f"{c['customer']} — {c['street']}",
				"customer": c["customer"],
				"address_line": c["street"],
				"city": c["city"],
				"province": "QC",
				"latitude": c["latitude"],
				"longitude": c["longitude"],
			},
		)
		locations.append((loc, c["customer"], c["latitude"], c["longitude"]))
	return locations


def remove_demo_jobs():
	old = frappe.get_all("Dispatch Job", filters={"name": ("like", "DEMO-J%")}, pluck="name")
	if not old:
		return
	frappe.db.set_value(
		"Dispatch Job",
		{"name": ("in", old)},
		{"depends_on": None, "template_id": None, "parent_job": None},
		update_modified=False,
	)
	for name in sorted(old, reverse=True):
		frappe.delete_doc("Dispatch Job", name, ignore_permissions=True, force=True, delete_permanently=True)


# ---------------------------------------------------------------------------------------------- jobs


class JobWriter:
	"""Writes the demo's jobs DEMO-J001… in order; days are offsets from the week's Monday."""

	def __init__(self, d: dict, monday: date, locations: list):
		self.d = d
		self.monday = monday
		self.locations = locations
		self.humans = [f"DEMO-{t['code']}" for t in d["technicians"]]
		self.job_types = list(d["subjects"])
		self.count = 0

	def at(self, day: int, hhmm: str) -> datetime:
		return datetime.combine(self.monday + timedelta(days=day), time.fromisoformat(hhmm))

	def week(self, rng: random.Random):
		"""Monday to Friday: up to one job a day per technician, back to back from their start of day."""
		days_off = self.d["days_off"]
		late = self.d["late_starters"]
		for day in range(5):
			for code in (t["code"] for t in self.d["technicians"]):
				if day in days_off.get(code, ()):
					continue
				start = self.at(day, late.get(code, "08:30"))
				for _ in range(rng.choice((0, 1, 1, 1))):
					jt = rng.choice(self.job_types)
					location = rng.choice(self.locations)
					duration = rng.choice((1.0, 1.5, 2.0, 2.5))
					subject = rng.choice(self.d["subjects"][jt])
					priority = rng.choice(("low", "medium", "medium", "high", "urgent"))
					self.write(jt, subject, location, f"DEMO-{code}", start, duration, priority)
					start += timedelta(hours=duration + rng.choice((0.5, 0.75, 1.0)))
		# The unassigned tray.
		for _ in range(self.d["unassigned"]):
			jt = rng.choice(self.job_types)
			location = rng.choice(self.locations)
			self.write(
				jt,
				rng.choice(self.d["subjects"][jt]),
				location,
				None,
				None,
				rng.choice((1.0, 2.0)),
				rng.choice(("medium", "high")),
			)

	def workflow(self):
		"""A two-step job: the splice after the aerial work, each with a material resource as an assistant."""
		made = {}
		for step in self.d["workflow"]:
			before = made.get(step.get("after"))
			made[step["key"]] = self.write(
				step["job_type"],
				step["subject"],
				self.locations[step["location"] - 1],
				f"DEMO-{step['technician']}",
				self.at(step["day"], step["time"]),
				step["duration_h"],
				step["priority"],
				tags=step["tags"],
				assistants=step["assistants"],
				depends_on=before,
				parent_job=before,
				step_order=step.get("step_order"),
			)

	def fill_up(self):
		"""Enough jobs for a busy board: one-hour jobs at 15:30, round robin, none on a technician's day off."""
		days_off = self.d["days_off"]
		while self.count < self.d["minimum_jobs"]:
			n = self.count + 1
			day = n % 5
			tech = self.humans[n % len(self.humans)]
			if day in days_off.get(tech.removeprefix("DEMO-"), ()):
				tech = self.humans[-1]
			jt = self.job_types[n % len(self.job_types)]
			location = self.locations[n % len(self.locations)]
			self.write(jt, self.d["subjects"][jt][0], location, tech, self.at(day, "15:30"), 1.0, "medium")

	def recurring_template(self) -> str:
		"""The weekend inspection of the central office, paused during the holidays."""
		r = self.d["recurring_template"]
		return self.write(
			r["job_type"],
			r["subject"],
			self.locations[r["location"] - 1],
			f"DEMO-{r['technician']}",
			self.at(r["day"], r["time"]),
			r["duration_h"],
			r["priority"],
			tags=r["tags"],
			continuous=r["continuous"],
			recurring={
				"rule": r["rule"],
				"end": self.monday + timedelta(days=r["end_day"]),
				"pauses": [
					(
						self.monday + timedelta(days=p["from_day"]),
						self.monday + timedelta(days=p["to_day"]),
						p["reason"],
					)
					for p in r["pauses"]
				],
			},
		)

	def write(self, job_type, subject, location, tech, start, duration, priority, **extra) -> str:
		self.count += 1
		loc, customer, lat, lon = location
		doc = frappe.new_doc("Dispatch Job")
		doc.update(
			{
				"subject": subject,
				"job_type": job_type,
				"priority": priority,
				"customer": customer,
				"service_location": loc,
				"latitude": lat,
				"longitude": lon,
				"assigned_technician": tech,
				"scheduled_start": start,
				"duration_h": duration,
				"status": "Scheduled" if tech and start else "New",
				"depends_on": extra.get("depends_on"),
				"parent_job": extra.get("parent_job"),
				"step_order": extra.get("step_order"),
				"continuous": extra.get("continuous", 0),
			}
		)
		for tag, level in extra.get("tags") or self.d["job_tags"].get(job_type, []):
			doc.append("tags", {"tag": tag, "level": level, "required": 1})
		for a in extra.get("assistants") or []:
			doc.append("assistants", a)
		for item in self.d["checklist"]:
			doc.append("checklist", {"item": item})
		if recurring := extra.get("recurring"):
			doc.is_recurring = 1
			doc.recurrence_rule = recurring["rule"]
			doc.recurrence_end = recurring["end"]
			for start_p, end_p, reason in recurring["pauses"]:
				doc.append("pause_periods", {"from_date": start_p, "to_date": end_p, "reason": reason})
		# Demo fixtures start mid-lifecycle (already scheduled): they bypass the lifecycle guard on purpose.
		doc.flags.ignore_lifecycle = True
		doc.insert(ignore_permissions=True, set_name=f"DEMO-J{self.count:03d}")
		return doc.name
