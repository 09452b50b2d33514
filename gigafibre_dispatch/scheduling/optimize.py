"""Auto-distribute as a service: load a date range in bulk, run `engine.optimize`, store the proposal
(Dispatch Optimization). A proposal never changes a job; applying it is `lifecycle/optimize.py`.

Small runs (one day, few jobs) run inline; larger ones go to the `long` RQ queue after the commit, with the
progress published on the realtime event `dispatch:optimization` to the user who asked.
"""

import json
from datetime import datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from gigafibre_dispatch.engine.lifecycle import COMMANDS
from gigafibre_dispatch.engine.optimize import OptimizeRequest, OptimizeWeights, optimize
from gigafibre_dispatch.engine.optimize.model import RELEASE_REASONS, UNASSIGNED_STATUSES
from gigafibre_dispatch.scheduling import args, data
from gigafibre_dispatch.utils.errors import DispatchValidationError
from gigafibre_dispatch.utils.workers import worker_alive

DOCTYPE = "Dispatch Optimization"
EVENT = "dispatch:optimization"
MAX_DAYS = 31
# Booked jobs a re-optimization may move: what schedule_propose accepts (not yet dispatched, not started).
REBOOKABLE = COMMANDS["schedule_propose"].from_states
OUTPUT_FIELDS = ("solver", "seconds", "error", "kpis_before", "kpis_after")
RUN_TIMEOUT_S = 1800  # the RQ job's time limit
STUCK_GRACE_S = 60  # a run younger than this is never called stuck (its job may not have started yet)


def weights(s=None) -> OptimizeWeights:
	s = s or data.settings()
	w = OptimizeWeights()
	for attr in ("travel", "overtime", "lateness", "balance"):
		value = s.get(f"optimizer_{attr}_weight")
		if value not in (None, ""):
			setattr(w, attr, float(value))
	return w


def _names(value) -> list[str] | None:
	names = args.parse_names(value)
	return sorted({str(n).strip() for n in names if str(n).strip()}) if names else None


def prepare(doc) -> None:
	"""Check a new proposal's inputs and clear what only the optimizer writes."""
	d_from, d_to = args.parse_date_range(doc.date_from, doc.date_to)
	if (d_to - d_from).days + 1 > MAX_DAYS:
		frappe.throw(_("Optimize at most {0} days at once").format(MAX_DAYS), DispatchValidationError)
	doc.date_from, doc.date_to = d_from, d_to
	technicians, jobs = _names(doc.technicians), _names(doc.jobs)
	if technicians:
		known = set(
			frappe.get_all("Dispatch Technician", filters={"name": ("in", technicians)}, pluck="name")
		)
		if missing := [t for t in technicians if t not in known]:
			frappe.throw(_("Unknown technicians: {0}").format(", ".join(missing)), DispatchValidationError)
	if jobs:
		known = set(frappe.get_all("Dispatch Job", filters={"name": ("in", jobs)}, pluck="name"))
		if missing := [j for j in jobs if j not in known]:
			frappe.throw(_("Unknown jobs: {0}").format(", ".join(missing)), DispatchValidationError)
	doc.technicians = json.dumps(technicians) if technicians else None
	doc.jobs = json.dumps(jobs) if jobs else None
	doc.reoptimize = cint(doc.reoptimize)
	doc.status, doc.progress = "Queued", 0
	doc.requested_by = frappe.session.user
	for field in OUTPUT_FIELDS:
		doc.set(field, None)
	doc.set("moves", [])
	doc.set("released", [])
	doc.set("unplaced", [])


def start(date_from, date_to, technicians=None, jobs=None, reoptimize=False, inline: bool = False) -> str:
	"""Create the proposal and run it (inline, or on the long queue for large ranges). Returns its name."""
	doc = frappe.new_doc(DOCTYPE)
	doc.update(
		{
			"date_from": date_from,
			"date_to": date_to,
			"technicians": technicians,
			"jobs": jobs,
			"reoptimize": reoptimize,
		}
	)
	prepare(doc)
	doc.flags.from_service = True
	doc.insert(ignore_permissions=True)
	launch(doc.name, inline=inline)
	return doc.name


def _is_large(doc) -> bool:
	if (get_datetime(doc.date_to) - get_datetime(doc.date_from)).days >= 1:
		return True
	jobs = _names(doc.jobs)
	count = (
		len(jobs)
		if jobs
		else frappe.db.count("Dispatch Job", {"status": ("in", list(UNASSIGNED_STATUSES)), "is_recurring": 0})
	)
	return count > data.setting_int("optimizer_inline_max_jobs", 300)


def launch(name: str, inline: bool = False) -> None:
	doc = frappe.get_doc(DOCTYPE, name)
	if inline or frappe.flags.in_test or not _is_large(doc):
		run(name)
		return
	publish(doc)
	frappe.enqueue(
		"gigafibre_dispatch.scheduling.optimize.run",
		queue="long",
		timeout=RUN_TIMEOUT_S,
		enqueue_after_commit=True,
		job_name=f"Dispatch Optimization {name}",
		job_id=rq_job_id(name),
		name=name,
	)


def rq_job_id(name: str) -> str:
	return f"dispatch-optimization::{name}"


# ------------------------------------------------------------------ runs that died


def reconcile_stuck() -> list[str]:
	"""Every minute (scheduler): a run whose worker died (kill -9, out of memory, a restart) never finishes by
	itself; it is marked Failed with the reason, the requester's board and form are told, and it can be run again.
	Returns the names marked."""
	marked = []
	now = now_datetime()
	for row in frappe.get_all(
		DOCTYPE,
		filters={"status": ("in", ("Queued", "Running"))},
		fields=["name", "creation"],
	):
		age = (now - get_datetime(row.creation)).total_seconds()
		reason = stuck_reason(row.name, age)
		if not reason:
			continue
		doc = frappe.get_doc(DOCTYPE, row.name)
		doc.db_set({"status": "Failed", "progress": 100, "error": reason}, update_modified=False)
		publish(doc)
		marked.append(row.name)
	return marked  # committed by the scheduler's job runner


def stuck_reason(name: str, age_s: float) -> str | None:
	"""Why a Queued/Running run will never finish, or None while it may."""
	from frappe.utils.background_jobs import get_job

	if age_s < STUCK_GRACE_S:
		return None
	job = get_job(rq_job_id(name))
	if job is None:
		# Inline runs have no RQ job: they end with the request that made them, long before this.
		if age_s > RUN_TIMEOUT_S + STUCK_GRACE_S:
			return _("The optimization never finished (no background job is running it).")
		return None
	state = job.get_status(refresh=True)
	if state in ("failed", "stopped", "canceled"):
		return _("The background job running the optimization ended without a result ({0}).").format(state)
	if state == "started" and not worker_alive(job.worker_name):
		return _("The worker running the optimization stopped (it was killed or restarted); run it again.")
	if state == "finished":  # and yet the run is still Queued or Running
		return _("The background job ended without storing a result.")
	return None


# ------------------------------------------------------------------ the run


def publish(doc) -> None:
	frappe.publish_realtime(
		EVENT,
		{"name": doc.name, "status": doc.status, "progress": doc.progress or 0, "error": doc.error},
		user=doc.requested_by or frappe.session.user,
		after_commit=True,
	)


def _progress(doc, status: str, progress: int, background: bool) -> None:
	doc.db_set({"status": status, "progress": progress}, update_modified=False, commit=background)
	publish(doc)
	if background:
		frappe.db.commit()  # the realtime event goes out after a commit


def run(name: str) -> None:
	"""Compute and store the proposal (the RQ job, or inline)."""
	background = bool(getattr(frappe.local, "job", None)) and not frappe.flags.in_test
	doc = frappe.get_doc(DOCTYPE, name)
	if doc.status not in ("Queued", "Failed"):
		return
	try:
		_progress(doc, "Running", 10, background)
		req, modified = build_request(doc)
		_progress(doc, "Running", 30, background)
		proposal = optimize(req)
		store(doc, proposal, modified)
	except Exception as exc:
		frappe.log_error(title=f"Dispatch Optimization {name}")
		doc.reload()
		doc.db_set(
			{"status": "Failed", "progress": 100, "error": str(exc)[:1000] or type(exc).__name__},
			update_modified=False,
		)
		publish(doc)
		if background:
			frappe.db.commit()


def build_request(doc) -> tuple[OptimizeRequest, dict[str, datetime]]:
	"""The range's technicians, every job occupying them, and the movable jobs, in a fixed number of queries.
	Also the `modified` of every movable job and of every technician now, before the solve (apply refuses a move
	whose job or technician changed since)."""
	d_from, d_to = args.parse_date_range(doc.date_from, doc.date_to)
	start, end = datetime.combine(d_from, time.min), datetime.combine(d_to + timedelta(days=1), time.min)
	technicians, jobs = _names(doc.technicians), _names(doc.jobs)
	s = data.settings()
	techs = data.load_techs(filters={"active": 1}, names=technicians, date_from=d_from, date_to=d_to)
	# Every booked job in the range (fixed, or movable when re-optimizing); a day before for overnight runs.
	booked = data.load_jobs_between(start - timedelta(days=1), end, with_tags=True, for_user=False)
	loaded = {j.id for j in booked}
	filters = [["is_recurring", "=", 0]]
	if jobs:
		filters.append(["name", "in", jobs])
	else:
		filters.append(["status", "in", list(UNASSIGNED_STATUSES)])
	# The jobs to place are those the requesting user may read (their User Permission scope; the worker runs as
	# them): a dispatcher of one account never sees, nor books, another's jobs. What occupies the technicians
	# (`booked`) is read whole: it only constrains the plan.
	rows = frappe.get_list(
		"Dispatch Job",
		filters=filters,
		or_filters=None
		if jobs
		else [["assigned_technician", "is", "not set"], ["scheduled_start", "is", "not set"]],
		fields=list(data.JOB_FIELDS),
		limit_page_length=0,
	)
	candidates = data.attach_children([r for r in rows if r.name not in loaded], with_tags=True)
	all_jobs = booked + candidates
	# Predecessors outside the range: their status and end bound their successors.
	deps = {j.depends_on for j in all_jobs if j.depends_on} - {j.id for j in all_jobs}
	if deps:
		all_jobs += data.attach_children(
			frappe.get_all("Dispatch Job", filters={"name": ("in", list(deps))}, fields=list(data.JOB_FIELDS))
		)
	movable = {j.id for j in candidates if j.status in UNASSIGNED_STATUSES}
	if cint(doc.reoptimize):
		rebookable = [
			j.id
			for j in booked
			if j.status in REBOOKABLE and not j.pinned and j.start is not None and start <= j.start < end
		]
		# Only the booked jobs the requesting user may read move (a dispatcher of one account re-plans that
		# account's jobs; the others stay where they are and only take up their technicians' time).
		movable |= set(
			frappe.get_list("Dispatch Job", filters={"name": ("in", rebookable or [""])}, pluck="name")
		)
	if jobs:
		movable &= set(jobs)
	modified = {}
	if movable:
		modified = {
			r.name: get_datetime(r.modified)
			for r in frappe.get_all(
				"Dispatch Job", filters={"name": ("in", list(movable))}, fields=["name", "modified"]
			)
		}
	modified.update(technician_versions([t.id for t in techs]))
	limit = data.setting_int("optimizer_time_limit_s", 30, s)
	req = OptimizeRequest(
		techs=techs,
		jobs=all_jobs,
		date_from=d_from,
		date_to=d_to,
		default_week=data.default_shift_week(s),
		job_ids=frozenset(movable),
		tech_ids=frozenset(technicians) if technicians else None,
		reoptimize=bool(cint(doc.reoptimize)),
		now=now_datetime(),
		weights=weights(s),
		routing=data.routing(s),
		time_limit_s=min(limit, 2) if frappe.flags.in_test else limit,
		min_gap_min=data.setting_int("travel_buffer_min", 15, s),
	)
	return req, modified


TECH_KEY = "technician:"


def technician_versions(names: list[str]) -> dict[str, datetime]:
	"""Each technician's version: when its record (shifts, tags, activity) or one of its absences last changed,
	keyed "technician:<name>"."""
	if not names:
		return {}
	out = {
		TECH_KEY + r.name: get_datetime(r.modified)
		for r in frappe.get_all(
			"Dispatch Technician", filters={"name": ("in", names)}, fields=["name", "modified"]
		)
	}
	for r in frappe.get_all(
		"Dispatch Absence",
		filters={"technician": ("in", names)},
		fields=["technician", "max(modified) as modified"],
		group_by="technician",
	):
		key = TECH_KEY + r.technician
		if key in out:
			out[key] = max(out[key], get_datetime(r.modified))
	return out


def store(doc, proposal, modified: dict[str, datetime]) -> None:
	out = proposal.to_dict()
	doc.reload()
	doc.solver = proposal.solver
	doc.seconds = round(proposal.seconds, 2)
	doc.kpis_before = json.dumps(out["kpis_before"], sort_keys=True)
	doc.kpis_after = json.dumps(out["kpis_after"], sort_keys=True)
	doc.set("moves", [])
	for m in proposal.moves:
		doc.append(
			"moves",
			{
				"job": m.job,
				"from_technician": m.from_tech,
				"from_start": m.from_start,
				"to_technician": m.to_tech,
				"to_start": m.to_start,
				"end": m.end,
				"travel_min": m.travel_min,
				"job_modified": modified.get(m.job),
				"technician_modified": modified.get(TECH_KEY + m.to_tech),
				"apply_status": "pending",
			},
		)
	doc.set("released", [])
	for r in proposal.released:
		doc.append(
			"released",
			{
				"job": r.job,
				"from_technician": r.from_tech,
				"from_start": r.from_start,
				"reason": r.reason,
				"message": _(RELEASE_REASONS[r.reason]).format(count=r.count),
				"job_modified": modified.get(r.job),
				"apply_status": "pending",
			},
		)
	doc.set("unplaced", [])
	for u in proposal.unplaced:
		doc.append("unplaced", {"job": u.job, "reason": u.reason, "message": _(u.message)})
	doc.status, doc.progress, doc.error = "Ready", 100, None
	doc.flags.from_service = True
	doc.save(ignore_permissions=True)
	publish(doc)


# ------------------------------------------------------------------ reads


def require_readable(name: str, ptype: str = "read") -> None:
	"""For the faces (api/optimizer.py): a proposal the caller may not read (a move of a job out of their scope:
	permissions.py) is refused as if it did not exist, before anything of it is read or changed. Automatic
	actions (an absence's reassignments) apply their own proposals without a caller to check."""
	if not name or not isinstance(name, str) or not frappe.db.exists(DOCTYPE, name):
		frappe.throw(_("Dispatch Optimization {0} does not exist").format(name), frappe.DoesNotExistError)
	if not frappe.has_permission(DOCTYPE, ptype, name):
		frappe.throw(_("Dispatch Optimization {0} does not exist").format(name), frappe.PermissionError)


def status_of(name: str) -> dict:
	row = frappe.db.get_value(
		DOCTYPE, name, ["name", "status", "progress", "error", "solver", "seconds"], as_dict=True
	)
	if not row:
		frappe.throw(_("Dispatch Optimization {0} does not exist").format(name), frappe.DoesNotExistError)
	return {**row, "progress": row.progress or 0}


def proposal_of(name: str) -> dict:
	"""The proposal as the board and the Desk form read it: moves (ghosts), unplaced jobs, KPIs."""
	status_of(name)
	doc = frappe.get_doc(DOCTYPE, name)
	return {
		"name": doc.name,
		"status": doc.status,
		"progress": doc.progress or 0,
		"error": doc.error,
		"date_from": str(doc.date_from),
		"date_to": str(doc.date_to),
		"reoptimize": cint(doc.reoptimize),
		"solver": doc.solver,
		"seconds": doc.seconds,
		"kpis_before": json.loads(doc.kpis_before) if doc.kpis_before else None,
		"kpis_after": json.loads(doc.kpis_after) if doc.kpis_after else None,
		"moves": [
			{
				"job": m.job,
				"from_technician": m.from_technician,
				"from_start": args.iso(get_datetime(m.from_start)) if m.from_start else None,
				"to_technician": m.to_technician,
				"to_start": args.iso(get_datetime(m.to_start)),
				"end": args.iso(get_datetime(m.end)) if m.end else None,
				"travel_min": m.travel_min,
				"apply_status": m.apply_status,
				"apply_reason": m.apply_reason,
			}
			for m in doc.moves
		],
		"released": [
			{
				"job": r.job,
				"from_technician": r.from_technician,
				"from_start": args.iso(get_datetime(r.from_start)),
				"reason": r.reason,
				"message": r.message,
				"apply_status": r.apply_status,
				"apply_reason": r.apply_reason,
			}
			for r in doc.released
		],
		"unplaced": [{"job": u.job, "reason": u.reason, "message": u.message} for u in doc.unplaced],
	}
