"""Adapters between Frappe documents and the engine's plain data.

Every loader reads in bulk (a fixed number of queries whatever the number of rows) so that the board,
ranking and slot suggestion stay flat as the data grows.
"""

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import frappe
from frappe import _
from frappe.utils import get_datetime, get_time, getdate

from gigafibre_dispatch.engine import sla
from gigafibre_dispatch.engine.availability import ExtraShift, default_week, parse_weekly_schedule
from gigafibre_dispatch.engine.models import Assist, JobInfo, TagReq, TechInfo
from gigafibre_dispatch.engine.ranking import ScoreWeights
from gigafibre_dispatch.engine.states import INACTIVE_STATES

# Dispatch Extra Shift's kind → the engine's (engine/availability.EXTRA_KINDS).
EXTRA_KIND = {"Shift": "shift", "Off": "off", "On call": "on_call"}

TECH_FIELDS = (
	"name",
	"technician_name",
	"resource_type",
	"resource_category",
	"team",
	"active",
	"home_latitude",
	"home_longitude",
	"weekly_schedule",
	"daily_hour_cap",
	"holiday_list",
	"gps_latitude",
	"gps_longitude",
	"gps_fix_at",
)

# What the board draws of a job: no more columns than that (5,000 rows go through a pure-Python driver).
BOARD_JOB_FIELDS = (
	"name",
	"subject",
	"status",
	"priority",
	"assigned_technician",
	"scheduled_start",
	"duration_h",
	"latitude",
	"longitude",
	"continuous",
	"template_id",
	"release_reason",
	"published",
	"response_by",
	"resolution_by",
)
# A job as the API and the board's panel show it: one list, each face adding what only it shows
# (lifecycle/board_moves.CARD_FIELDS, lifecycle/reads.JOB_FIELDS).
JOB_VIEW_FIELDS = (
	"name",
	"subject",
	"status",
	"priority",
	"job_type",
	"customer",
	"service_location",
	"assigned_technician",
	"technician_name",
	"scheduled_start",
	"scheduled_end",
	"duration_h",
	"published",
	"modified",
)
# The packed read (`packed_list`) needs the board's columns readable by every role that opens the board: none of
# them may sit behind a permission level (gigafibre_dispatch/tests/test_board_api.py holds it).
JOB_FIELDS = (
	*BOARD_JOB_FIELDS,
	"depends_on",
	"customer",
	"service_location",
	"pinned",
	"requested_date",
)


def settings():
	return frappe.get_cached_doc("Dispatch Settings")


def score_weights(s=None) -> ScoreWeights:
	s = s or settings()
	defaults = ScoreWeights()

	def pick(field, attr):
		value = s.get(field)
		return float(value) if value not in (None, "") else getattr(defaults, attr)

	return ScoreWeights(
		proximity_multiplier=pick("proximity_multiplier", "proximity_multiplier"),
		proximity_max_km=pick("proximity_max_km", "proximity_max_km"),
		load_multiplier=pick("load_multiplier", "load_multiplier"),
		overload_penalty=pick("overload_penalty", "overload_penalty"),
		gps_freshness_bonus=pick("gps_freshness_bonus", "gps_freshness_bonus"),
		gps_freshness_minutes=pick("gps_freshness_minutes", "gps_freshness_minutes"),
		tag_surplus_penalty=pick("tag_surplus_penalty", "tag_surplus_penalty"),
		tag_shortfall_penalty=pick("tag_shortfall_penalty", "tag_shortfall_penalty"),
	)


def default_shift_week(s=None) -> dict:
	s = s or settings()
	start = get_time(s.default_shift_start or "08:00:00")
	end = get_time(s.default_shift_end or "17:00:00")
	return default_week(start, end)


def setting_int(field: str, fallback: int, s=None) -> int:
	value = (s or settings()).get(field)
	return int(value) if value not in (None, "", 0) else fallback


def setting_float(field: str, fallback: float, s=None) -> float:
	value = (s or settings()).get(field)
	return float(value) if value not in (None, "", 0) else fallback


def estimate(s=None):
	"""The offline travel estimate: the straight line at the settings' speed and detour, no service asked. The
	board's travel segments use it (thousands of legs a day: drawn at once, never waiting on a service)."""
	from gigafibre_dispatch.engine.geo import OfflineRouting

	s = s or settings()
	return OfflineRouting(
		speed_kmh=setting_float("average_speed_kmh", 40.0, s),
		detour_factor=setting_float("detour_factor", 1.3, s),
	)


def routing(s=None):
	"""The configured routing provider for ranking, slots, drops and the optimizer (integrations/routing.py: OSRM
	or Mapbox, each leg cached, the estimate when the service fails); the estimate unless a service is set up."""
	from gigafibre_dispatch.integrations import routing as road

	s = s or settings()
	return road.provider(s, estimate(s))


def load_holidays(holiday_lists: set[str], date_from: date, date_to: date) -> dict[str, frozenset]:
	"""Non-working dates per ERPNext Holiday List, in one query."""
	holiday_lists = {h for h in holiday_lists if h}
	if not holiday_lists:
		return {}
	rows = frappe.get_all(
		"Holiday",
		filters={
			"parent": ("in", list(holiday_lists)),
			"parenttype": "Holiday List",
			"holiday_date": ("between", (date_from, date_to)),
		},
		fields=["parent", "holiday_date"],
	)
	out: dict[str, set] = defaultdict(set)
	for row in rows:
		out[row.parent].add(getdate(row.holiday_date))
	return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=256)
def _parsed_week(value: str | None):
	return parse_weekly_schedule(value)


def _time(value) -> time | None:
	if value in (None, ""):
		return None
	return get_time(value)


def load_techs(
	filters: dict | None = None,
	names: list[str] | None = None,
	date_from: date | None = None,
	date_to: date | None = None,
	with_holidays: bool = True,
) -> list[TechInfo]:
	"""Technicians as engine TechInfo, with tags, extra shifts, absences and holidays: five queries at most."""
	filters = dict(filters or {})
	if names is not None:
		if not names:
			return []
		filters["name"] = ("in", list(names))
	rows = frappe.get_all(
		"Dispatch Technician", filters=filters, fields=list(TECH_FIELDS), order_by="name asc"
	)
	if not rows:
		return []
	tech_names = [r.name for r in rows]
	child_filters = {"parenttype": "Dispatch Technician"}
	if filters:
		child_filters["parent"] = ("in", tech_names)

	tags: dict[str, dict[str, int]] = defaultdict(dict)
	for t in frappe.get_all(
		"Dispatch Technician Tag", filters=child_filters, fields=["parent", "tag", "level"]
	):
		tags[t.parent][t.tag] = int(t.level or 1)

	shifts: dict[str, list] = defaultdict(list)
	shift_filters = dict(child_filters)
	if date_from and date_to:
		shift_filters["shift_date"] = ("between", (date_from, date_to))
	for s in frappe.get_all(
		"Dispatch Extra Shift",
		filters=shift_filters,
		fields=["parent", "shift_date", "start_time", "end_time", "kind"],
	):
		shifts[s.parent].append(
			ExtraShift(
				getdate(s.shift_date),
				get_time(s.start_time),
				get_time(s.end_time),
				EXTRA_KIND.get(s.kind or "Shift", "shift"),
			)
		)

	holidays_by_list: dict[str, frozenset] = {}
	default_list = settings().default_holiday_list
	if with_holidays and date_from and date_to:
		lists = {r.holiday_list for r in rows} | {default_list}
		holidays_by_list = load_holidays(lists, date_from, date_to)

	from gigafibre_dispatch.scheduling.absence import load as load_absences

	absences = load_absences(tech_names, date_from, date_to)
	techs = []
	for r in rows:
		hl = r.holiday_list or default_list
		techs.append(
			TechInfo(
				id=r.name,
				name=r.technician_name or r.name,
				resource_type=r.resource_type or "human",
				category=r.resource_category or None,
				team=r.team or None,
				lat=r.home_latitude if r.home_latitude or r.home_longitude else None,
				lon=r.home_longitude if r.home_latitude or r.home_longitude else None,
				tags=tags.get(r.name, {}),
				week=_parsed_week(r.weekly_schedule or None),
				extra_shifts=shifts.get(r.name, []),
				absences=absences.get(r.name, []),
				daily_hour_cap=float(r.daily_hour_cap or settings().default_daily_hour_cap or 8),
				gps_lat=r.gps_latitude if r.gps_fix_at else None,
				gps_lon=r.gps_longitude if r.gps_fix_at else None,
				gps_fix_at=get_datetime(r.gps_fix_at) if r.gps_fix_at else None,
				active=bool(r.active),
				holidays=holidays_by_list.get(hl, frozenset()) if hl else frozenset(),
			)
		)
	return techs


def _dt(value) -> datetime | None:
	if not value:
		return None
	if isinstance(value, datetime):
		return value
	try:
		return datetime.fromisoformat(value)  # the text of a DATETIME column (packed_list)
	except (TypeError, ValueError):
		return get_datetime(value)


def packed_list(
	doctype: str,
	*,
	fields: list[str],
	filters=None,
	or_filters=None,
	order_by: str | None = None,
) -> list[frappe._dict]:
	"""`frappe.get_list`'s rows, read through the very query `get_list` builds for this user (every permission
	rule applied by Frappe), but packed by the database into one JSON array: the pure-Python driver parses one
	value instead of one per column and row (a week's 5,000 jobs: about 20 ms less). `fields`: plain column names;
	`order_by`: one column, asc or desc. Datetimes come back as text (`_dt` reads them), decimals as floats."""
	query = frappe.get_list(
		doctype,
		filters=filters,
		or_filters=or_filters,
		fields=list(fields),
		order_by=order_by,
		limit_page_length=0,
		run=False,
	)
	if not query:
		return []
	columns = ", ".join(f"q.`{f}`" for f in fields)
	order = ""
	if order_by:
		# The aggregate does not keep a derived table's order: it is given its own.
		key, _sep, direction = order_by.strip().partition(" ")
		if key not in fields or direction.strip().lower() not in ("", "asc", "desc"):
			frappe.throw(_("A packed read is sorted by one of its columns, asc or desc"))
		order = f" order by q.`{key}` {direction.strip() or 'asc'}"
	# JSON_ARRAYAGG is cut at group_concat_max_len (1 MB by default): raised for this one statement (MariaDB).
	packed = frappe.db.sql(
		"set statement group_concat_max_len = 1073741824 for "
		f"select json_arrayagg(json_array({columns}){order}) from ({query}) q"
	)[0][0]
	return [frappe._dict(zip(fields, values, strict=True)) for values in json.loads(packed or "[]")]


def _job_from_row(r, tags=None, assistants=None) -> JobInfo:
	# Read once per row of thousands (a week's board): one lookup per column.
	get = r.get
	lat, lon = get("latitude"), get("longitude")
	located = bool(lat or lon)
	requested = get("requested_date")
	return JobInfo(
		id=r["name"],
		start=_dt(get("scheduled_start")),
		duration_h=float(get("duration_h") or 0),
		tech_id=get("assigned_technician") or None,
		lat=lat if located else None,
		lon=lon if located else None,
		tags=tags or [],
		continuous=bool(get("continuous")),
		status=get("status") or "New",
		priority=get("priority") or "medium",
		depends_on=get("depends_on") or None,
		assistants=assistants or [],
		title=get("subject") or "",
		pinned=bool(get("pinned")),
		requested_date=getdate(requested) if requested else None,
		release_reason=get("release_reason") or None,
		published=bool(get("published")),
		deadline=sla.latest_end(
			float(get("duration_h") or 0), _dt(get("response_by")), _dt(get("resolution_by"))
		),
	)


def load_jobs_between(
	start: datetime,
	end: datetime,
	*,
	tech_ids: list[str] | None = None,
	with_tags: bool = False,
	for_user: bool = True,
) -> list[JobInfo]:
	"""Concrete jobs that intersect [start, end): two or three queries whatever their number."""
	filters = [
		["scheduled_start", "<", end],
		["scheduled_end", ">", start],
		["status", "not in", INACTIVE_STATES],
		["is_recurring", "=", 0],
	]
	if tech_ids is not None:
		filters.append(["assigned_technician", "in", tech_ids or [""]])
	getter = frappe.get_list if for_user else frappe.get_all
	rows = getter(
		"Dispatch Job",
		filters=filters,
		fields=list(JOB_FIELDS),
		order_by="scheduled_start asc",
		limit_page_length=0,
	)
	return attach_children(rows, with_tags=with_tags)


def attach_children(
	rows, with_tags: bool = False, window: tuple[datetime, datetime] | None = None
) -> list[JobInfo]:
	"""Rows of Dispatch Job as engine JobInfo with their assistants (and tags). `window`: the rows are the jobs
	booked over [start, end): their assistants are read by that range (a join) rather than by thousands of names;
	only those of the given rows are kept."""
	if not rows:
		return []
	names = [r.name for r in rows]
	assists: dict[str, list] = defaultdict(list)
	if window is not None:
		found = frappe.db.sql(
			"""select a.parent, a.tech_id, a.duration_h, a.note, a.pinned from `tabDispatch Job Assistant` a
			join `tabDispatch Job` j on j.name = a.parent
			where a.parenttype = 'Dispatch Job' and j.scheduled_start < %(end)s and j.scheduled_end > %(start)s
			order by a.parent, a.idx""",
			{"start": window[0], "end": window[1]},
			as_dict=True,
		)
		wanted = set(names)
		found = [a for a in found if a.parent in wanted]
	else:
		# One parameterised query (the names come from the caller's permission-aware read).
		found = frappe.db.sql(
			"""select parent, tech_id, duration_h, note, pinned from `tabDispatch Job Assistant`
			where parenttype = 'Dispatch Job' and parent in %(names)s order by parent, idx""",
			{"names": names},
			as_dict=True,
		)
	for a in found:
		assists[a.parent].append(Assist(a.tech_id, float(a.duration_h or 0), a.note or "", bool(a.pinned)))
	tags: dict[str, list] = defaultdict(list)
	if with_tags:
		for t in frappe.get_all(
			"Dispatch Job Tag",
			filters={"parenttype": "Dispatch Job", "parent": ("in", names)},
			fields=["parent", "tag", "level", "required"],
		):
			tags[t.parent].append(TagReq(t.tag, int(t.level or 1), bool(t.required)))
	return [_job_from_row(r, tags.get(r.name), assists.get(r.name)) for r in rows]


def job_info(doc) -> JobInfo:
	"""A Dispatch Job document (or unsaved doc) as engine JobInfo."""
	return JobInfo(
		id=doc.name,
		start=get_datetime(doc.scheduled_start) if doc.scheduled_start else None,
		duration_h=float(doc.duration_h or 0),
		tech_id=doc.assigned_technician or None,
		lat=doc.latitude if (doc.latitude or doc.longitude) else None,
		lon=doc.longitude if (doc.latitude or doc.longitude) else None,
		tags=[TagReq(t.tag, int(t.level or 1), bool(t.required)) for t in doc.get("tags") or []],
		continuous=bool(doc.continuous),
		status=doc.status or "New",
		priority=doc.priority or "medium",
		depends_on=doc.depends_on or None,
		assistants=[
			Assist(a.tech_id, float(a.duration_h or 0), a.note or "", bool(a.pinned))
			for a in doc.get("assistants") or []
		],
		title=doc.subject or "",
		pinned=bool(doc.get("pinned")),
		requested_date=getdate(doc.requested_date) if doc.get("requested_date") else None,
		published=bool(doc.get("published")),
		deadline=sla.latest_end(
			float(doc.duration_h or 0),
			get_datetime(doc.response_by) if doc.get("response_by") else None,
			get_datetime(doc.resolution_by) if doc.get("resolution_by") else None,
		),
	)


def load_hours_by_tech(day: date, tech_ids: list[str] | None = None) -> dict[str, float]:
	"""Hours already booked per technician on one day (one aggregate query)."""
	start = datetime.combine(day, time.min)
	end = start + timedelta(days=1)
	job = frappe.qb.DocType("Dispatch Job")
	from frappe.query_builder.functions import Sum

	q = (
		frappe.qb.from_(job)
		.select(job.assigned_technician, Sum(job.duration_h))
		.where(job.scheduled_start >= start)
		.where(job.scheduled_start < end)
		.where(job.status.notin(INACTIVE_STATES))
		.where(job.is_recurring == 0)
		.where(job.assigned_technician.isnotnull())
		.groupby(job.assigned_technician)
	)
	if tech_ids:
		q = q.where(job.assigned_technician.isin(tech_ids))
	return {tech: float(hours or 0) for tech, hours in q.run()}
