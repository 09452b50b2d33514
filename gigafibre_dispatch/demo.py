"""A realistic, re-runnable demo around Montréal: `bench --site S dispatch demo`.

Technicians, material resources, customers and service locations are upserted by fixed names; the demo
jobs (names DEMO-J…) are deleted and recreated for the requested week, so running it twice leaves one demo.
"""

import json
import random
from datetime import date, datetime, time, timedelta

import frappe
from frappe.utils import getdate, nowdate

TAGS = [
	("Fibre", "Skill", "#1f77b4"),
	("Épissure", "Skill", "#ff7f0e"),
	("Installation", "Skill", "#2ca02c"),
	("Réparation", "Skill", "#d62728"),
	("Réseau", "Skill", "#9467bd"),
	("Électricité", "Skill", "#8c564b"),
	("Nacelle", "Equipment", "#e377c2"),
	("OTDR", "Equipment", "#7f7f7f"),
	("Fusionneuse", "Equipment", "#bcbd22"),
	("Véhicule", "Equipment", "#17becf"),
]

# (code, name, home lat, home lon, phone, tags, weekly schedule or None)
HUMANS = [
	(
		"T01",
		"Marc-André Tremblay",
		45.5017,
		-73.5673,
		"+15145550101",
		{"Fibre": 5, "Épissure": 5, "Réseau": 4},
		None,
	),
	("T02", "Julie Gagnon", 45.5589, -73.6004, "+15145550102", {"Fibre": 3, "Installation": 4}, None),
	("T03", "Karim Benali", 45.4653, -73.7456, "+15145550103", {"Installation": 2, "Fibre": 2}, None),
	("T04", "Sophie Roy", 45.6066, -73.7124, "+14505550104", {"Réparation": 4, "Fibre": 3}, None),
	("T05", "Étienne Côté", 45.5372, -73.5108, "+14505550105", {"Épissure": 3, "Fibre": 4}, None),
	("T06", "Nadia Bouchard", 45.4215, -73.4889, "+14505550106", {"Installation": 3, "Électricité": 2}, None),
	("T07", "Olivier Gauthier", 45.5231, -73.6203, "+15145550107", {"Réseau": 5, "Réparation": 3}, None),
	("T08", "Camille Morin", 45.4471, -73.6046, "+15145550108", {"Installation": 1, "Fibre": 1}, None),
	("T09", "Luc Lavoie", 45.5808, -73.5394, "+15145550109", {"Réparation": 2, "Électricité": 4}, None),
	("T10", "Isabelle Fortin", 45.6952, -73.6339, "+14505550110", {"Fibre": 4, "Installation": 5}, None),
	("T11", "Samuel Pelletier", 45.4925, -73.8267, "+15145550111", {"Épissure": 2, "Réparation": 3}, None),
	("T12", "Amélie Bélanger", 45.5446, -73.2334, "+14505550112", {"Installation": 3}, None),
	(
		"T13",
		"Hugo Lévesque",
		45.5120,
		-73.5540,
		"+15145550113",
		{"Fibre": 3, "Réseau": 2},
		{"tue": ["07:00-17:30"], "wed": ["07:00-17:30"], "thu": ["07:00-17:30"], "fri": ["07:00-17:30"]},
	),
	(
		"T14",
		"Chloé Girard",
		45.4760,
		-73.5840,
		"+15145550114",
		{"Installation": 2, "Réparation": 2},
		{
			"mon": ["12:00-20:00"],
			"tue": ["12:00-20:00"],
			"wed": ["12:00-20:00"],
			"thu": ["12:00-20:00"],
			"sat": ["09:00-15:00"],
		},
	),
	(
		"T15",
		"Maxime Caron",
		45.6300,
		-73.5800,
		"+15145550115",
		{"Épissure": 4, "Fibre": 2, "Réparation": 1},
		None,
	),
	("T16", "Émilie Ouellet", 45.3900, -73.5700, "+14505550116", {"Installation": 4, "Réseau": 3}, None),
]

MATERIALS = [
	("M01", "Nacelle 12 m — Camion 7", "Nacelle", 45.5300, -73.6500, {"Nacelle": 1}),
	("M02", "Fusionneuse Fujikura 90S", "Fusionneuse", 45.5017, -73.5673, {"Fusionneuse": 1}),
	("M03", "OTDR EXFO MaxTester", "OTDR", 45.5017, -73.5673, {"OTDR": 1}),
	("M04", "Fourgon atelier 3", "Véhicule", 45.5589, -73.6004, {"Véhicule": 1}),
]

CUSTOMERS = [
	("Résidence Dupont", "1250 rue Sherbrooke O", "Montréal", 45.4990, -73.5790),
	("Café du Plateau", "4321 boul. Saint-Laurent", "Montréal", 45.5210, -73.5850),
	("Clinique Rosemont", "5600 rue Masson", "Montréal", 45.5450, -73.5720),
	("Condos Verdun", "4000 rue Wellington", "Verdun", 45.4590, -73.5700),
	("Boulangerie Laval", "1800 boul. Le Corbusier", "Laval", 45.5650, -73.7420),
	("École Saint-Léonard", "6000 rue Jarry E", "Saint-Léonard", 45.5850, -73.5900),
	("Bureau Longueuil", "100 place Charles-Le Moyne", "Longueuil", 45.5250, -73.5190),
	("Manoir Brossard", "7250 boul. Taschereau", "Brossard", 45.4580, -73.4700),
	("Garage Anjou", "7500 boul. des Galeries-d'Anjou", "Anjou", 45.6050, -73.5600),
	("Famille Nguyen", "2100 boul. Décarie", "Montréal", 45.4860, -73.6300),
	("Atelier Lachine", "3000 rue Notre-Dame", "Lachine", 45.4330, -73.6880),
	("Résidence Pointe-Claire", "200 boul. Hymus", "Pointe-Claire", 45.4650, -73.8200),
]

SUBJECTS = {
	"Installation": ["Installation fibre FTTH", "Installation routeur + ONT", "Branchement nouveau client"],
	"Réparation": [
		"Réparation câble de descente",
		"Signal faible — remplacement connecteur",
		"Bris de fibre",
	],
	"Maintenance": ["Maintenance armoire de rue", "Inspection boîtier d'épissure"],
	"Retrait": ["Retrait équipement fin de contrat"],
	"Dépannage": ["Dépannage : aucun service", "Dépannage : Wi-Fi instable"],
}
JOB_TAGS = {
	"Installation": [("Installation", 2), ("Fibre", 1)],
	"Réparation": [("Réparation", 2)],
	"Maintenance": [("Fibre", 3)],
	"Retrait": [("Installation", 1)],
	"Dépannage": [("Réparation", 1), ("Réseau", 2)],
}


def week_start(day: date) -> date:
	return day - timedelta(days=day.weekday())


def demo_week(day: date) -> date:
	"""Monday of the week the demo fills: this week on a working day, the coming one on a weekend (this week's
	jobs would all be over)."""
	return week_start(day) + timedelta(weeks=1 if day.weekday() >= 5 else 0)


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


def load_demo(week_of: str | None = None) -> dict:
	rng = random.Random(20261122)
	monday = week_start(getdate(week_of)) if week_of else demo_week(getdate(nowdate()))

	for tag, category, color in TAGS:
		_upsert("Dispatch Tag", tag, {"tag_name": tag, "category": category, "color": color})

	techs = []
	for code, name, lat, lon, phone, tags, week in HUMANS:
		techs.append(f"DEMO-{code}")
		_upsert(
			"Dispatch Technician",
			f"DEMO-{code}",
			{
				"technician_name": name,
				"resource_type": "human",
				"active": 1,
				"phone": phone,
				"home_latitude": lat,
				"home_longitude": lon,
				"daily_hour_cap": 8,
				"weekly_schedule": json.dumps(week) if week else None,
				"absence_reason": None,
				"absence_from": None,
				"absence_until": None,
				"absence_start_time": None,
				"absence_end_time": None,
			},
			{"tags": [{"tag": t, "level": lvl} for t, lvl in tags.items()], "extra_shifts": []},
		)
	# One absence: Sophie is off sick Wednesday and Thursday.
	sophie = frappe.get_doc("Dispatch Technician", "DEMO-T04")
	sophie.update(
		{
			"absence_reason": "Malade",
			"absence_from": monday + timedelta(days=2),
			"absence_until": monday + timedelta(days=3),
		}
	)
	sophie.save(ignore_permissions=True)
	# One extra shift: Karim works Saturday morning.
	karim = frappe.get_doc("Dispatch Technician", "DEMO-T03")
	karim.set(
		"extra_shifts",
		[
			{
				"shift_date": monday + timedelta(days=5),
				"start_time": "08:00:00",
				"end_time": "12:00:00",
				"note": "Rattrapage",
			}
		],
	)
	karim.save(ignore_permissions=True)

	for code, name, category, lat, lon, tags in MATERIALS:
		_upsert(
			"Dispatch Technician",
			f"DEMO-{code}",
			{
				"technician_name": name,
				"resource_type": "material",
				"resource_category": category,
				"active": 1,
				"home_latitude": lat,
				"home_longitude": lon,
				"daily_hour_cap": 10,
			},
			{"tags": [{"tag": t, "level": lvl} for t, lvl in tags.items()]},
		)

	locations = []
	for i, (cust, street, city, lat, lon) in enumerate(CUSTOMERS, 1):
		_customer(cust)
		loc = f"DEMO-LOC-{i:02d}"
		_upsert(
			"Service Location",
			loc,
			{
				"location_name": f"{cust} — {street}",
				"customer": cust,
				"address_line": street,
				"city": city,
				"province": "QC",
				"latitude": lat,
				"longitude": lon,
			},
		)
		locations.append((loc, cust))

	# Jobs: remove the previous demo week, then build this one.
	old = frappe.get_all("Dispatch Job", filters={"name": ("like", "DEMO-J%")}, pluck="name")
	if old:
		frappe.db.set_value(
			"Dispatch Job",
			{"name": ("in", old)},
			{"depends_on": None, "template_id": None, "parent_job": None},
			update_modified=False,
		)
		for name in sorted(old, reverse=True):
			frappe.delete_doc(
				"Dispatch Job", name, ignore_permissions=True, force=True, delete_permanently=True
			)

	count = 0
	humans = [f"DEMO-{h[0]}" for h in HUMANS]
	job_types = list(SUBJECTS)
	for day_offset in range(5):
		day = monday + timedelta(days=day_offset)
		for tech in humans:
			if tech == "DEMO-T04" and day_offset in (2, 3):
				continue  # absent
			if tech == "DEMO-T13" and day_offset == 0:
				continue  # four-day week
			start = datetime.combine(day, time(12, 0) if tech == "DEMO-T14" else time(8, 30))
			for _ in range(rng.choice((0, 1, 1, 1))):
				count += 1
				jt = rng.choice(job_types)
				loc, cust = rng.choice(locations)
				duration = rng.choice((1.0, 1.5, 2.0, 2.5))
				_job(
					count,
					jt,
					rng.choice(SUBJECTS[jt]),
					loc,
					cust,
					tech,
					start,
					duration,
					rng.choice(("low", "medium", "medium", "high", "urgent")),
				)
				start += timedelta(hours=duration + rng.choice((0.5, 0.75, 1.0)))
	# Unassigned tray.
	for _ in range(8):
		count += 1
		jt = rng.choice(job_types)
		loc, cust = rng.choice(locations)
		_job(
			count,
			jt,
			rng.choice(SUBJECTS[jt]),
			loc,
			cust,
			None,
			None,
			rng.choice((1.0, 2.0)),
			rng.choice(("medium", "high")),
		)
	# A two-step workflow: splice after the aerial work, with the bucket truck as an assistant resource.
	count += 1
	aerial = _job(
		count,
		"Réparation",
		"Remplacement toron aérien",
		"DEMO-LOC-03",
		"Clinique Rosemont",
		"DEMO-T07",
		datetime.combine(monday + timedelta(days=1), time(13, 0)),
		3.0,
		"high",
		tags=[("Réparation", 3), ("Nacelle", 1)],
		assistants=[{"tech_id": "DEMO-M01", "duration_h": 3, "note": "Nacelle", "pinned": 1}],
	)
	count += 1
	_job(
		count,
		"Réparation",
		"Épissure après remplacement du toron",
		"DEMO-LOC-03",
		"Clinique Rosemont",
		"DEMO-T01",
		datetime.combine(monday + timedelta(days=2), time(9, 0)),
		2.0,
		"high",
		tags=[("Épissure", 4), ("Fusionneuse", 1)],
		depends_on=aerial,
		parent_job=aerial,
		step_order=2,
		assistants=[{"tech_id": "DEMO-M02", "duration_h": 2, "note": "Fusionneuse", "pinned": 0}],
	)
	# Fill up to at least 60 jobs across the week.
	while count < 62:
		count += 1
		day = monday + timedelta(days=count % 5)
		tech = humans[count % len(humans)]
		if tech == "DEMO-T04" and day.weekday() in (2, 3):
			tech = "DEMO-T16"
		jt = job_types[count % len(job_types)]
		loc, cust = locations[count % len(locations)]
		_job(count, jt, SUBJECTS[jt][0], loc, cust, tech, datetime.combine(day, time(15, 30)), 1.0, "medium")

	# The recurring template: weekend inspection of the central office, paused during the holidays.
	count += 1
	template = _job(
		count,
		"Maintenance",
		"Inspection hebdomadaire du central",
		"DEMO-LOC-07",
		"Bureau Longueuil",
		"DEMO-T05",
		datetime.combine(monday - timedelta(days=2), time(9, 0)),
		2.0,
		"medium",
		tags=[("Fibre", 2)],
		continuous=1,
		recurring={
			"rule": "FREQ=WEEKLY;BYDAY=SA,SU",
			"end": monday + timedelta(days=180),
			"pauses": [(monday + timedelta(days=33), monday + timedelta(days=47), "Vacances des Fêtes")],
		},
	)
	return {
		"week": f"{monday} → {monday + timedelta(days=6)}",
		"technicians": len(HUMANS),
		"material resources": len(MATERIALS),
		"customers / service locations": len(CUSTOMERS),
		"jobs": count - 1,
		"recurring template": template,
		"absence": "DEMO-T04 (Sophie Roy), Wednesday–Thursday",
	}


def _job(
	n,
	job_type,
	subject,
	location,
	customer,
	tech,
	start,
	duration,
	priority,
	tags=None,
	assistants=None,
	depends_on=None,
	parent_job=None,
	step_order=None,
	continuous=0,
	recurring=None,
):
	name = f"DEMO-J{n:03d}"
	doc = frappe.new_doc("Dispatch Job")
	doc.update(
		{
			"subject": subject,
			"job_type": job_type,
			"priority": priority,
			"customer": customer,
			"service_location": location,
			"assigned_technician": tech,
			"scheduled_start": start,
			"duration_h": duration,
			"status": "Scheduled" if tech and start else "New",
			"depends_on": depends_on,
			"parent_job": parent_job,
			"step_order": step_order,
			"continuous": continuous,
		}
	)
	lat, lon = frappe.db.get_value("Service Location", location, ["latitude", "longitude"])
	doc.latitude, doc.longitude = lat, lon
	for tag, level in tags or JOB_TAGS.get(job_type, []):
		doc.append("tags", {"tag": tag, "level": level, "required": 1})
	for a in assistants or []:
		doc.append("assistants", a)
	for item in ("Vérifier le signal à l'ONT", "Photo de l'installation", "Signature du client"):
		doc.append("checklist", {"item": item})
	if recurring:
		doc.is_recurring = 1
		doc.recurrence_rule = recurring["rule"]
		doc.recurrence_end = recurring["end"]
		for start_p, end_p, reason in recurring["pauses"]:
			doc.append("pause_periods", {"from_date": start_p, "to_date": end_p, "reason": reason})
	# Demo fixtures start mid-lifecycle (already scheduled): they bypass the lifecycle guard on purpose.
	doc.flags.ignore_lifecycle = True
	doc.insert(ignore_permissions=True, set_name=name)
	return name
