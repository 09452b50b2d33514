"""Everything the timeline draws for a date range, in a fixed number of queries."""

from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from gigafibre_dispatch.engine import recurrence
from gigafibre_dispatch.engine.board import build_board
from gigafibre_dispatch.engine.states import CLOSED_STATES, INACTIVE_STATES
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.scheduling.args import iso, parse_date_range
from gigafibre_dispatch.utils.errors import DispatchValidationError

DETAILS = ("full", "week")
DEFAULT_MAX_DAYS = 42  # a month view reads six weeks
TRAY_LIMIT = 500  # the tray's rows read at most (its true total is counted past that)  # full: the day view (travel, map); week: the week and month views


def board_range(date_from, date_to, resource_type: str | None) -> tuple[date, date]:
	"""The board's date range and resource filter, checked: at most Dispatch Settings' `board_max_days` days (42
	by default), human or material."""
	d_from, d_to = parse_date_range(date_from, date_to)
	max_days = data.setting_int("board_max_days", DEFAULT_MAX_DAYS)
	if (d_to - d_from).days + 1 > max_days:
		frappe.throw(_("The board shows at most {0} days at once").format(max_days), DispatchValidationError)
	if resource_type and resource_type not in ("human", "material"):
		frappe.throw(_("Resource type must be human or material"), DispatchValidationError)
	return d_from, d_to


def booked_between(start: datetime, end: datetime) -> list[list]:
	"""The filters of the jobs a board draws over [start, end): booked on a technician, overlapping the range,
	not cancelled, not a recurring template."""
	return [
		["scheduled_start", "<", end],
		["scheduled_end", ">", start],
		["status", "not in", INACTIVE_STATES],
		["is_recurring", "=", 0],
		["assigned_technician", "is", "set"],
	]


def board_data(
	d_from: date,
	d_to: date,
	resource_type: str | None = None,
	tags: set[str] | dict[str, int] | None = None,
	technicians: list[str] | None = None,
	only_rows: bool = False,
	detail: str = "full",
) -> dict:
	"""`tags`: names the technicians must all hold, or {name: minimum level} (Fibre ≥ 3). `only_rows`: read only
	the jobs of these rows (a live patch of a few technicians), not every job of the range. `detail` "week": the
	week and month views draw no travel and no map, so the jobs' coordinates are not read (no travel segments,
	no `coords`)."""
	filters = {"active": 1}
	if resource_type:
		filters["resource_type"] = resource_type
	techs = data.load_techs(filters, names=technicians, date_from=d_from, date_to=d_to)
	if tags:
		minimum = tags if isinstance(tags, dict) else dict.fromkeys(tags, 1)
		techs = [t for t in techs if all(t.tags.get(tag, 0) >= level for tag, level in minimum.items())]

	start = datetime.combine(d_from, time.min)
	end = datetime.combine(d_to + timedelta(days=1), time.min)
	skipped = {"template_id", "release_reason"}
	if detail == "week":
		skipped |= {"latitude", "longitude"}
	or_filters = None
	if only_rows:
		# A few rows (a live patch): their own jobs and those they assist on in the range, not every job of it.
		rows = [t.id for t in techs] or [""]
		assisted = frappe.db.sql_list(
			"""select distinct a.parent from `tabDispatch Job Assistant` a
			join `tabDispatch Job` j on j.name = a.parent
			where a.parenttype = 'Dispatch Job' and a.tech_id in %(rows)s
				and j.scheduled_start < %(end)s and j.scheduled_end > %(start)s""",
			{"rows": rows, "start": start, "end": end},
		)
		or_filters = [["assigned_technician", "in", rows], ["name", "in", assisted or [""]]]
	in_range = data.packed_list(
		"Dispatch Job",
		filters=booked_between(start, end),
		or_filters=or_filters,
		# A booked job's block needs neither its template (ghosts() reads the few that have one) nor why it was
		# once released (the tray's flag): two columns fewer over thousands of rows.
		fields=[f for f in data.BOARD_JOB_FIELDS if f not in skipped],
		order_by="scheduled_start asc",
	)
	unassigned = frappe.get_list(
		"Dispatch Job",
		filters=[
			["status", "not in", CLOSED_STATES],
			["is_recurring", "=", 0],
		],
		or_filters=[["assigned_technician", "is", "not set"], ["scheduled_start", "is", "not set"]],
		fields=[f for f in data.BOARD_JOB_FIELDS if detail != "week" or f not in ("latitude", "longitude")],
		order_by="creation asc",
		limit_page_length=TRAY_LIMIT,
	)
	# A whole range: its assistants by the range (a join); a few rows (a patch): by their jobs' names.
	window = None if only_rows else (start, end)
	jobs = data.attach_children(in_range, window=window) + data.attach_children(unassigned)
	board = build_board(
		techs,
		jobs,
		d_from,
		d_to,
		ghosts=ghosts(start, end),
		default_week=data.default_shift_week(),
		routing=data.estimate(),  # thousands of legs: the straight-line estimate, never a service call
		now=now_datetime(),
	)
	board["generated_at"] = iso(now_datetime())
	# The tray's true total: known already when the read was not cut at the limit.
	board["unassigned_total"] = len(unassigned) if len(unassigned) < TRAY_LIMIT else None
	# Where the jobs on the board are, for the map: read with them (no second query).
	shown = shown_jobs(board)
	board["coords"] = {
		j.id: [j.lat, j.lon] for j in jobs if j.id in shown and j.lat is not None and j.lon is not None
	}
	return board


def shown_jobs(board: dict) -> set[str]:
	"""The jobs a board answer holds: blocks on its rows and the tray."""
	shown = {s["job"] for r in board["resources"] for s in r["segments"] if s["type"] == "job"}
	shown.update(u["job"] for u in board["unassigned"])
	return shown


def board_view(
	d_from: date,
	d_to: date,
	resource_type: str | None = None,
	tags: dict[str, int] | None = None,
	technicians: list[str] | None = None,
	detail: str = "full",
) -> dict:
	"""The board's answer: `board_data` for the technicians the caller may read (`technicians`: only those), the
	tray's true total, their last GPS fixes, the open offers (and those accepted in the last day: the pool shows
	who took what), the map's tile URL and the server's clock."""
	visible = frappe.get_list(
		"Dispatch Technician",
		filters={"active": 1},
		fields=["name", "gps_latitude", "gps_longitude", "gps_fix_at"],
		limit_page_length=0,
	)
	names = [t.name for t in visible]
	if technicians is not None:
		wanted = set(technicians)
		names = [n for n in names if n in wanted]
	if detail not in DETAILS:
		frappe.throw(_("Detail must be one of {0}").format(", ".join(DETAILS)), DispatchValidationError)
	result = board_data(
		d_from, d_to, resource_type, tags, names, only_rows=technicians is not None, detail=detail
	)
	if result["unassigned_total"] is None:
		counted = frappe.get_list(
			"Dispatch Job",
			filters=[["status", "not in", CLOSED_STATES], ["is_recurring", "=", 0]],
			or_filters=[["assigned_technician", "is", "not set"], ["scheduled_start", "is", "not set"]],
			fields=["count(name) as n"],
		)
		result["unassigned_total"] = counted[0].n if counted else 0
	result["positions"] = {
		t.name: {"lat": t.gps_latitude, "lon": t.gps_longitude, "at": iso(get_datetime(t.gps_fix_at))}
		for t in visible
		if t.gps_fix_at
	}
	# Open offers are few: read them all (the caller's rule applies) and keep those on the board's jobs, rather than
	# send the board's thousands of job names back to the database.
	shown = shown_jobs(result)
	result["offers"] = {
		o.job: {"offer": o.name, "status": o.status}
		for o in frappe.get_list(
			"Dispatch Offer",
			or_filters=[
				["status", "in", ("open", "pending")],
				["accepted_at", ">=", add_to_date(now_datetime(), days=-1)],
			],
			fields=["name", "job", "status"],
			order_by="creation asc",
			limit_page_length=0,
		)
		if o.job in shown
	}
	result["tile_url"] = frappe.get_cached_doc("Dispatch Settings").get("map_tile_url") or None
	result["now"] = iso(now_datetime())
	return result


def ghosts(start: datetime, end: datetime) -> list[dict]:
	"""Unmaterialized occurrences of recurring templates in [start, end): three queries (none past the first when
	there is no template)."""
	templates = frappe.get_list(
		"Dispatch Job",
		filters=[
			["is_recurring", "=", 1],
			["scheduled_start", "<", end],
			["status", "not in", INACTIVE_STATES],
		],
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
	# The occurrences already made concrete and booked in the range (as the board draws them).
	for row in frappe.get_all(
		"Dispatch Job",
		filters=[["template_id", "in", [t.name for t in templates]], *booked_between(start, end)],
		fields=["template_id", "scheduled_start"],
	):
		done.setdefault(row.template_id, set()).add(get_datetime(row.scheduled_start))
	out = []
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
		out.extend(
			{
				"template": t.name,
				"tech_id": t.assigned_technician,
				"start": s,
				"duration_h": float(t.duration_h or 1),
				"title": t.subject,
			}
			for s in starts
		)
	return out
