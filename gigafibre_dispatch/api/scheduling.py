"""Scheduling API: who is the best technician, when, create a work order, board data, recurrence, drops.

Every method checks permissions first, validates its arguments and hands the work to the engine.
"""

from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from gigafibre_dispatch.engine import drop, ranking, recurrence, slots
from gigafibre_dispatch.engine.board import build_board
from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.models import JobInfo, TagReq
from gigafibre_dispatch.utils import data
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors, engine_message

MAX_BOARD_DAYS = 62
PRIORITIES = ("low", "medium", "high", "urgent")
JOB_TYPES = ("Installation", "Réparation", "Maintenance", "Retrait", "Dépannage", "Autre")


# ------------------------------------------------------------------ argument helpers


def parse_dt(value, label: str) -> datetime:
	if isinstance(value, datetime):
		return value
	try:
		if not value:
			raise ValueError
		return get_datetime(value)
	except Exception:
		frappe.throw(
			_("{0}: {1} is not a valid date and time").format(_(label), frappe.bold(value)),
			DispatchValidationError,
		)


def parse_date(value, label: str) -> date:
	if isinstance(value, date) and not isinstance(value, datetime):
		return value
	try:
		if not value:
			raise ValueError
		return getdate(value)
	except Exception:
		frappe.throw(
			_("{0}: {1} is not a valid date").format(_(label), frappe.bold(value)), DispatchValidationError
		)


def parse_tags(tags) -> list[TagReq]:
	"""Tags as a list of names, of {tag, level, required} dicts, or the JSON of either."""
	if not tags:
		return []
	if isinstance(tags, str):
		try:
			tags = frappe.parse_json(tags)
		except Exception:
			tags = [t.strip() for t in tags.split(",") if t.strip()]
		if isinstance(tags, str):
			tags = [tags]
	if not isinstance(tags, list):
		frappe.throw(_("Tags must be a list"), DispatchValidationError)
	out = []
	for t in tags:
		if isinstance(t, str):
			out.append(TagReq(t, 1, True))
		elif isinstance(t, dict) and t.get("tag"):
			level = t.get("level", 1)
			if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
				frappe.throw(_("Tag level must be a whole number from 1 to 5"), DispatchValidationError)
			out.append(TagReq(str(t["tag"]), level, bool(t.get("required", True))))
		else:
			frappe.throw(_("Each tag must be a name or an object with a tag"), DispatchValidationError)
	unknown = {t.tag for t in out} - set(
		frappe.get_all("Dispatch Tag", filters={"name": ("in", [t.tag for t in out])}, pluck="name")
	)
	if unknown:
		frappe.throw(_("Unknown tag: {0}").format(", ".join(sorted(unknown))), DispatchValidationError)
	return out


def get_job(name: str, ptype: str = "read"):
	if not name or not frappe.db.exists("Dispatch Job", name):
		frappe.throw(_("Dispatch Job {0} does not exist").format(frappe.bold(name)), frappe.DoesNotExistError)
	doc = frappe.get_doc("Dispatch Job", name)
	doc.check_permission(ptype)
	return doc


def get_technician_name(name: str) -> str:
	if not name or not frappe.db.exists("Dispatch Technician", name):
		frappe.throw(
			_("Dispatch Technician {0} does not exist").format(frappe.bold(name)), frappe.DoesNotExistError
		)
	frappe.has_permission("Dispatch Technician", "read", name, throw=True)
	return name


def _coords(latitude, longitude) -> tuple[float | None, float | None]:
	from gigafibre_dispatch.engine import geo

	lat = float(latitude) if latitude not in (None, "") else None
	lon = float(longitude) if longitude not in (None, "") else None
	with engine_errors():
		geo.validate_coordinates(lat, lon)
	return lat, lon


def adhoc_job(
	latitude=None, longitude=None, tags=None, start=None, duration_h=None, continuous=False
) -> JobInfo:
	from gigafibre_dispatch.engine import validation

	lat, lon = _coords(latitude, longitude)
	duration = float(duration_h) if duration_h not in (None, "") else 1.0
	with engine_errors():
		validation.validate_duration(duration)
	return JobInfo(
		id="__adhoc__",
		start=start,
		duration_h=duration,
		lat=lat,
		lon=lon,
		tags=parse_tags(tags),
		continuous=bool(continuous),
	)


def _iso(value: datetime | None) -> str | None:
	return value.isoformat(timespec="seconds") if value else None


# ------------------------------------------------------------------ ranking


def rank_for(job: JobInfo, on_date: date, limit: int | None = None) -> list[ranking.RankedTech]:
	techs = data.load_techs({"active": 1}, date_from=on_date, date_to=on_date)
	load = data.load_hours_by_tech(on_date)
	if job.id != "__adhoc__" and job.tech_id and job.start and job.start.date() == on_date:
		# The job itself does not count against the load of the technician it is already on.
		load[job.tech_id] = max(0.0, load.get(job.tech_id, 0.0) - job.duration_h)
	return ranking.rank_techs(
		job,
		techs,
		load,
		now_datetime(),
		data.score_weights(),
		on_date=on_date,
		default_week=data.default_shift_week(),
		limit=limit,
	)


def ranked_dict(r: ranking.RankedTech) -> dict:
	return {
		"technician": r.tech_id,
		"technician_name": r.name,
		"score": round(r.score, 2),
		"breakdown": r.breakdown,
		"warnings": r.warnings,
	}


@frappe.whitelist()
def best_technicians(
	job: str | None = None,
	latitude: float | None = None,
	longitude: float | None = None,
	tags: str | list | None = None,
	date: str | None = None,
	duration_h: float | None = None,
	limit: int = 10,
) -> list[dict]:
	"""Technicians ranked for a job (or for a location + tags + date), best first, each with its score breakdown."""
	frappe.has_permission("Dispatch Job", "read", throw=True)
	limit = max(1, min(int(limit or 10), 500))
	if job:
		info = data.job_info(get_job(job))
		on_date = (
			parse_date(date, "Date") if date else (info.start.date() if info.start else now_datetime().date())
		)
	else:
		on_date = parse_date(date, "Date") if date else now_datetime().date()
		info = adhoc_job(latitude, longitude, tags, None, duration_h)
	return [ranked_dict(r) for r in rank_for(info, on_date, limit)]


# ------------------------------------------------------------------ slots


def slots_for(job: JobInfo, start_date: date | None = None, limit: int | None = None) -> list[slots.Slot]:
	s = data.settings()
	horizon = data.setting_int("slot_horizon_days", 7, s)
	now = now_datetime()
	first_day = max(start_date or now.date(), now.date())
	last_day = first_day + timedelta(days=horizon - 1)
	techs = data.load_techs({"active": 1}, date_from=first_day, date_to=last_day)
	ranked = ranking.rank_techs(
		job,
		techs,
		data.load_hours_by_tech(first_day),
		now,
		data.score_weights(s),
		default_week=data.default_shift_week(s),
	)
	# Technicians short of a required skill are offered only when nobody has it.
	adequate = [r for r in ranked if not r.breakdown.get("tag_shortfall")]
	rank = {r.tech_id: r.score for r in (adequate or ranked)}
	eligible = [t for t in techs if t.id in rank]
	busy = data.load_jobs_between(
		datetime.combine(first_day, time.min),
		datetime.combine(last_day + timedelta(days=1), time.min),
		tech_ids=None,
		for_user=False,  # every job occupies its technician, whoever may read it
	)
	busy = [j for j in busy if j.id != job.id]
	with engine_errors():
		return slots.suggest_slots(
			eligible,
			busy,
			job.duration_h,
			now,
			start_date=first_day,
			horizon_days=horizon,
			per_tech=data.setting_int("slots_per_technician", 2, s),
			limit=limit or data.setting_int("slot_count", 10, s),
			buffer_min=data.setting_int("travel_buffer_min", 15, s),
			granularity_min=data.setting_int("slot_granularity_min", 15, s),
			default_week=data.default_shift_week(s),
			rank=rank,
		)


def slot_dict(slot: slots.Slot, names: dict[str, str]) -> dict:
	return {
		"technician": slot.tech_id,
		"technician_name": names.get(slot.tech_id, slot.tech_id),
		"start": _iso(slot.start),
		"end": _iso(slot.end),
		"score": round(slot.score, 2),
	}


def _tech_names(ids) -> dict[str, str]:
	ids = list(set(ids))
	if not ids:
		return {}
	rows = frappe.get_all(
		"Dispatch Technician", filters={"name": ("in", ids)}, fields=["name", "technician_name"]
	)
	return {r.name: r.technician_name for r in rows}


@frappe.whitelist()
def suggest_slots(
	job: str | None = None,
	duration_h: float | None = None,
	tags: str | list | None = None,
	latitude: float | None = None,
	longitude: float | None = None,
	start_date: str | None = None,
	limit: int | None = None,
) -> list[dict]:
	"""The N best free windows over the horizon, at most a few per technician."""
	frappe.has_permission("Dispatch Job", "read", throw=True)
	if job:
		info = data.job_info(get_job(job))
		if duration_h not in (None, ""):
			info.duration_h = float(duration_h)
	else:
		info = adhoc_job(latitude, longitude, tags, None, duration_h)
	first = parse_date(start_date, "Start Date") if start_date else None
	limit = max(1, min(int(limit), 100)) if limit else None
	result = slots_for(info, first, limit)
	names = _tech_names(s.tech_id for s in result)
	return [slot_dict(s, names) for s in result]


# ------------------------------------------------------------------ work orders


@frappe.whitelist(methods=["POST"])
def create_work_order(
	subject: str,
	customer: str | None = None,
	service_location: str | None = None,
	job_type: str = "Installation",
	priority: str = "medium",
	duration_h: float = 1.0,
	tags: str | list | None = None,
	description: str | None = None,
	scheduled_start: str | None = None,
	assigned_technician: str | None = None,
	auto_assign: bool = False,
	continuous: bool = False,
	source_issue: str | None = None,
	sales_order: str | None = None,
	depends_on: str | None = None,
) -> dict:
	"""Create a Dispatch Job through `intake`, audited under the caller; with a technician and a start, or with
	auto_assign (the best suggested slot), book it through the lifecycle (triage, propose, confirm)."""
	from gigafibre_dispatch.lifecycle.actor import current_actor
	from gigafibre_dispatch.lifecycle.commands import run_internal

	frappe.has_permission("Dispatch Job", "create", throw=True)
	if not (subject or "").strip():
		frappe.throw(_("A work order needs a subject"), DispatchValidationError)
	if priority not in PRIORITIES:
		frappe.throw(_("Priority must be one of {0}").format(", ".join(PRIORITIES)), DispatchValidationError)
	if job_type not in JOB_TYPES:
		frappe.throw(_("Job type must be one of {0}").format(", ".join(JOB_TYPES)), DispatchValidationError)
	tag_reqs = parse_tags(tags)
	technician = get_technician_name(assigned_technician) if assigned_technician else None
	start = parse_dt(scheduled_start, "Scheduled Start") if scheduled_start else None
	if bool(technician) != bool(start) and not auto_assign:
		frappe.throw(
			_("To book a work order give both a technician and a start (or neither, or auto-assign)"),
			DispatchValidationError,
		)
	payload = {
		"subject": subject.strip(),
		"customer": customer,
		"service_location": service_location,
		"job_type": job_type,
		"priority": priority,
		"duration_h": float(duration_h) if duration_h not in (None, "") else None,
		"description": description,
		"tags": [{"tag": t.tag, "level": t.level, "required": t.required} for t in tag_reqs],
		"continuous": bool(continuous),
		"source_issue": source_issue,
		"sales_order": sales_order,
		"depends_on": depends_on,
	}
	actor = current_actor()
	name = run_internal(None, [("intake", {k: v for k, v in payload.items() if v is not None})], actor)
	suggestion = None
	if technician and start:
		book_job(name, technician, start, actor)
	elif auto_assign:
		found = slots_for(data.job_info(frappe.get_doc("Dispatch Job", name)), None, 1)
		if found:
			suggestion = slot_dict(found[0], _tech_names([found[0].tech_id]))
			book_job(name, found[0].tech_id, found[0].start, actor)
	return {**_booking(name), "suggestion": suggestion}


@frappe.whitelist(methods=["POST"])
def book_slot(job: str, technician: str, start: str) -> dict:
	"""Book a job on a technician at a start (Desk: Suggest Slots › Book, Best Technicians › Book): a New job is
	triaged, then schedule_propose (the drop rules) and schedule_confirm run, audited under the caller."""
	from gigafibre_dispatch.lifecycle.actor import current_actor

	doc = get_job(job)
	book_job(doc.name, get_technician_name(technician), parse_dt(start, "Start"), current_actor())
	return _booking(doc.name)


def book_job(job: str, technician: str, start, actor):
	from gigafibre_dispatch.lifecycle.commands import book

	return book(job, technician, start, actor)


def _booking(name: str) -> dict:
	row = frappe.db.get_value(
		"Dispatch Job",
		name,
		["name", "status", "assigned_technician", "scheduled_start", "scheduled_end"],
		as_dict=True,
	)
	return {
		"name": row.name,
		"status": row.status,
		"assigned_technician": row.assigned_technician,
		"scheduled_start": _iso(get_datetime(row.scheduled_start)) if row.scheduled_start else None,
		"scheduled_end": _iso(get_datetime(row.scheduled_end)) if row.scheduled_end else None,
	}


# ------------------------------------------------------------------ board


@frappe.whitelist()
def get_board_data(
	date_from: str,
	date_to: str,
	resource_type: str | None = None,
	tags: str | list | None = None,
	technicians: str | list | None = None,
) -> dict:
	"""Everything the timeline draws for a date range, in a fixed number of queries."""
	frappe.has_permission("Dispatch Job", "read", throw=True)
	d_from = parse_date(date_from, "From Date")
	d_to = parse_date(date_to, "To Date")
	if d_to < d_from:
		frappe.throw(_("The end date is before the start date"), DispatchValidationError)
	if (d_to - d_from).days + 1 > MAX_BOARD_DAYS:
		frappe.throw(
			_("The board shows at most {0} days at once").format(MAX_BOARD_DAYS), DispatchValidationError
		)
	if resource_type and resource_type not in ("human", "material"):
		frappe.throw(_("Resource type must be human or material"), DispatchValidationError)

	filters = {"active": 1}
	if resource_type:
		filters["resource_type"] = resource_type
	tech_names = (
		frappe.parse_json(technicians)
		if isinstance(technicians, str) and technicians.startswith("[")
		else technicians
	)
	if isinstance(tech_names, str):
		tech_names = [t.strip() for t in tech_names.split(",") if t.strip()]
	techs = data.load_techs(filters, names=tech_names or None, date_from=d_from, date_to=d_to)
	wanted = {t.tag for t in parse_tags(tags)}
	if wanted:
		techs = [t for t in techs if wanted <= set(t.tags)]

	start = datetime.combine(d_from, time.min)
	end = datetime.combine(d_to + timedelta(days=1), time.min)
	in_range = frappe.get_list(
		"Dispatch Job",
		filters=[
			["scheduled_start", "<", end],
			["scheduled_end", ">", start],
			["status", "not in", data.INACTIVE_JOB_STATUSES],
			["is_recurring", "=", 0],
			["assigned_technician", "is", "set"],
		],
		fields=list(data.BOARD_JOB_FIELDS),
		order_by="scheduled_start asc",
		limit_page_length=0,
	)
	unassigned = frappe.get_list(
		"Dispatch Job",
		filters=[
			["status", "not in", ("Cancelled", "Completed", "Verified", "Invoiced")],
			["is_recurring", "=", 0],
		],
		or_filters=[["assigned_technician", "is", "not set"], ["scheduled_start", "is", "not set"]],
		fields=list(data.BOARD_JOB_FIELDS),
		order_by="creation asc",
		limit_page_length=500,
	)
	jobs = data.attach_children(list(in_range) + list(unassigned))
	ghosts = _ghosts(start, end, in_range)
	board = build_board(
		techs,
		jobs,
		d_from,
		d_to,
		ghosts=ghosts,
		default_week=data.default_shift_week(),
		routing=data.routing(),
	)
	board["generated_at"] = _iso(now_datetime())
	return board


def _ghosts(start: datetime, end: datetime, concrete_rows) -> list[dict]:
	"""Unmaterialized occurrences of recurring templates in [start, end): two queries."""
	templates = frappe.get_list(
		"Dispatch Job",
		filters=[["is_recurring", "=", 1], ["scheduled_start", "<", end], ["status", "!=", "Cancelled"]],
		fields=[
			"name",
			"subject",
			"assigned_technician",
			"scheduled_start",
			"duration_h",
			"recurrence_rule",
			"recurrence_end",
		],
		limit_page_length=0,
	)
	if not templates:
		return []
	pauses: dict[str, list] = {}
	for p in frappe.get_all(
		"Dispatch Job Pause Period",
		filters={"parenttype": "Dispatch Job", "parent": ("in", [t.name for t in templates])},
		fields=["parent", "from_date", "to_date"],
	):
		pauses.setdefault(p.parent, []).append((getdate(p.from_date), getdate(p.to_date)))
	done: dict[str, set] = {}
	for row in concrete_rows:
		if row.get("template_id"):
			done.setdefault(row.template_id, set()).add(get_datetime(row.scheduled_start))
	ghosts = []
	for t in templates:
		try:
			starts = recurrence.expand_occurrences(
				t.recurrence_rule,
				get_datetime(t.scheduled_start),
				start,
				end,
				until=getdate(t.recurrence_end) if t.recurrence_end else None,
				pauses=pauses.get(t.name, ()),
				exclude=done.get(t.name, set()),
			)
		except Exception:
			# A malformed rule saved before validation existed must not break the board.
			frappe.log_error(title=f"Dispatch: bad recurrence rule on {t.name}")
			continue
		ghosts.extend(
			{
				"template": t.name,
				"tech_id": t.assigned_technician,
				"start": s,
				"duration_h": float(t.duration_h or 1),
				"title": t.subject,
			}
			for s in starts
		)
	return ghosts


# ------------------------------------------------------------------ recurrence


@frappe.whitelist(methods=["POST"])
def materialize_occurrence(template: str, occurrence_start: str) -> dict:
	"""Turn one ghost occurrence into a concrete job with template_id set (idempotent)."""
	frappe.has_permission("Dispatch Job", "create", throw=True)
	tpl = get_job(template)
	if not tpl.is_recurring:
		frappe.throw(
			_("Dispatch Job {0} is not a recurring template").format(template), DispatchValidationError
		)
	occ = parse_dt(occurrence_start, "Occurrence Start")
	existing = frappe.db.get_value("Dispatch Job", {"template_id": tpl.name, "scheduled_start": occ}, "name")
	if existing:
		return {"name": existing, "created": False}
	with engine_errors():
		valid = recurrence.expand_occurrences(
			tpl.recurrence_rule,
			get_datetime(tpl.scheduled_start),
			occ,
			occ + timedelta(seconds=1),
			until=getdate(tpl.recurrence_end) if tpl.recurrence_end else None,
			pauses=[(getdate(p.from_date), getdate(p.to_date)) for p in tpl.pause_periods],
		)
	if occ not in valid:
		frappe.throw(
			_("{0} is not an occurrence of {1} (outside the rule, paused or past its end)").format(
				occ, template
			),
			DispatchValidationError,
		)
	fields = recurrence.materialize(tpl.as_dict(), occ)
	doc = frappe.copy_doc(tpl)
	for key, value in fields.items():
		if not isinstance(value, list):
			doc.set(key, value)
	doc.set("pause_periods", [])
	doc.status = "New"
	doc.flags.materialized = True  # the occurrence carries the template's technician and time
	doc.insert()
	return {"name": doc.name, "created": True}


# ------------------------------------------------------------------ drop rules


def validate_drop_rules(doc, technician: str, at: datetime):
	"""The engine's drop check for a job document on a technician at a time (board, API and commands)."""
	info = data.job_info(doc)
	info.start = at
	day = at.date()
	last = day + timedelta(days=max(1, int(info.duration_h // 24) + 1))
	tech = data.load_techs(names=[technician], date_from=day, date_to=last)[0]
	dependency = None
	if doc.depends_on:
		dependency = data.attach_children(
			frappe.get_all("Dispatch Job", filters={"name": doc.depends_on}, fields=list(data.JOB_FIELDS))
		)[0]
	tech_jobs = data.load_jobs_between(
		datetime.combine(day, time.min),
		at + timedelta(hours=info.duration_h + 24),
		tech_ids=[technician],
		for_user=False,
	)
	return drop.check_drop(
		info, tech, at, dependency=dependency, tech_jobs=tech_jobs, default_week=data.default_shift_week()
	)


@frappe.whitelist()
def validate_drop(job: str, technician: str, start: str) -> dict:
	"""Would dropping this job on that technician at that time be allowed? The board asks before it moves a job."""
	doc = get_job(job)
	technician = get_technician_name(technician)
	result = validate_drop_rules(doc, technician, parse_dt(start, "Start"))
	out = result.as_dict()
	if not result.allowed:
		out["message"] = engine_message(
			EngineError(result.code, result.reason or "", dependency=doc.depends_on or "")
		)
	return out
