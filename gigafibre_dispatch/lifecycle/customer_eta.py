"""On my way: when the technician taps "En route" (the tech_en_route command), the customer gets one SMS with the
technician's first name, an arrival estimate and a link to the job's status page (/c/<token>).

The estimate is the drive from where the technician is to the job, by the routing provider (scheduling/data.py:
OSRM or Mapbox when set up, the offline estimate otherwise), from the first of: the position the phone sent with
the tap, the technician's last GPS fix when fresh (Dispatch Settings › GPS freshness), the job before this one that
day, the technician's home. The customer is texted once per job; a new estimate (a fresher GPS fix, swept every
minute, or another tap) is texted only when it is later than the one told by more than Dispatch Settings ›
Arrival Estimate Slip. Each message goes through the SMS log under a key of the job (and the estimate), and the
job's row is locked while deciding: retries and two workers never text twice."""

import math
from datetime import datetime, timedelta, timezone

import frappe
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.engine.customer_links import make_link_token
from gigafibre_dispatch.integrations import customer_sms
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.utils.urls import base_url, secret

DOCTYPE = "Dispatch Job"
DEFAULT_SLIP_MIN = 15
STATUS_LINK_DAYS = 2  # a status link works until two days after the job's end
SWEEP_HOURS = 12  # technicians on their way for longer are not followed any more
INACTIVE = ("Cancelled",)


def slip_minutes() -> int:
	value = data.settings().get("eta_slip_min")
	return int(value) if value not in (None, "") else DEFAULT_SLIP_MIN


def status_url(job: str, end: datetime | None = None, now: datetime | None = None) -> str:
	"""The link to the job's status page (portal/customer.py)."""
	now = now or now_datetime()
	until = max(get_datetime(end) if end else now, now) + timedelta(days=STATUS_LINK_DAYS)
	token = make_link_token(job, "status", secret("magic_link_secret"), expires=_utc(until))
	return f"{base_url()}/c/{token}"


def _utc(local: datetime) -> datetime:
	"""The site's wall clock as an aware UTC datetime, for a link's expiry."""
	from zoneinfo import ZoneInfo

	from frappe.utils import get_system_timezone

	return local.replace(tzinfo=ZoneInfo(get_system_timezone())).astimezone(timezone.utc)


def origin(job, tech, payload: dict | None, now: datetime) -> tuple[tuple[float, float] | None, str | None]:
	"""Where the drive starts, and what that place is: gps, previous_job or home."""
	payload = payload or {}
	lat, lon = payload.get("latitude"), payload.get("longitude")
	if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
		return (float(lat), float(lon)), "gps"
	if tech and tech.gps_fix_at and tech.gps_latitude is not None and tech.gps_longitude is not None:
		fresh = timedelta(minutes=data.score_weights().gps_freshness_minutes)
		if abs(now - get_datetime(tech.gps_fix_at)) <= fresh:
			return (float(tech.gps_latitude), float(tech.gps_longitude)), "gps"
	previous = _previous_job(job, now)
	if previous:
		return previous, "previous_job"
	if tech and tech.home_latitude is not None and tech.home_longitude is not None:
		return (float(tech.home_latitude), float(tech.home_longitude)), "home"
	return None, None


def _previous_job(job, now: datetime) -> tuple[float, float] | None:
	"""The place of the technician's job that day ending last before this one starts (or before now)."""
	start = get_datetime(job.scheduled_start) if job.scheduled_start else now
	rows = frappe.get_all(
		DOCTYPE,
		filters={
			"assigned_technician": job.assigned_technician,
			"name": ("!=", job.name),
			"status": ("not in", INACTIVE),
			"scheduled_start": (">=", datetime.combine(start.date(), datetime.min.time())),
			"scheduled_end": ("<=", start),
			"latitude": ("is", "set"),
		},
		fields=["latitude", "longitude"],
		order_by="scheduled_end desc",
		limit=1,
	)
	return (float(rows[0].latitude), float(rows[0].longitude)) if rows else None


def estimate(job, payload: dict | None = None, now: datetime | None = None) -> dict | None:
	"""{"eta", "minutes", "source" (osrm, mapbox or estimate), "origin"} for a job with a place, else None."""
	now = now or now_datetime()
	if job.latitude is None or job.longitude is None or not job.assigned_technician:
		return None
	tech = frappe.db.get_value(
		"Dispatch Technician",
		job.assigned_technician,
		["gps_latitude", "gps_longitude", "gps_fix_at", "home_latitude", "home_longitude"],
		as_dict=True,
	)
	start, where = origin(job, tech, payload, now)
	if start is None:
		return None
	minutes, source = data.routing().leg(start, (float(job.latitude), float(job.longitude)))
	eta = now + timedelta(minutes=math.ceil(minutes))
	return {
		"eta": eta.replace(second=0, microsecond=0),
		"minutes": math.ceil(minutes),
		"source": source,
		"origin": where,
	}


def tell(job_name: str, payload: dict | None = None, now: datetime | None = None) -> dict:
	"""Estimate the arrival and text it if the customer was not told yet, or if it slipped past what they were
	told by more than the setting. The caller holds the job's row lock. {"eta", "eta_source", "customer_sms"}."""
	now = now or now_datetime()
	job = frappe.db.get_value(
		DOCTYPE,
		job_name,
		[
			"name",
			"assigned_technician",
			"scheduled_start",
			"scheduled_end",
			"latitude",
			"longitude",
			"customer_eta",
		],
		as_dict=True,
	)
	found = estimate(job, payload, now) if job else None
	if not found:
		return {"eta": None, "eta_source": None, "customer_sms": None}
	told = get_datetime(job.customer_eta) if job.customer_eta else None
	sms = None
	if told is None or found["eta"] > told + timedelta(minutes=slip_minutes()):
		url = status_url(job.name, job.scheduled_end, now)
		sms = customer_sms.on_my_way(
			job.name, job.assigned_technician, found["eta"], url, slipped=told is not None
		)
		if sms:
			frappe.db.set_value(DOCTYPE, job.name, "customer_eta", found["eta"], update_modified=False)
	return {"eta": found["eta"], "eta_source": found["source"], "customer_sms": sms}


def refresh_due(now=None) -> dict[str, str | None]:
	"""Scheduled every minute: each job whose technician is on the way and whose GPS fix is fresher than the last
	estimate is estimated again; the customer hears of it only when it slipped (see `tell`)."""
	now = now or now_datetime()
	out = {}
	frappe.db.rollback()  # a fresh snapshot
	rows = frappe.db.sql(
		"""select j.name from `tabDispatch Job` j
		join `tabDispatch Technician` t on t.name = j.assigned_technician
		where j.status = 'Dispatched' and j.en_route_at >= %(since)s and j.customer_eta is not null
			and t.gps_fix_at >= %(fresh)s and t.gps_fix_at > j.en_route_at""",
		{
			"since": now - timedelta(hours=SWEEP_HOURS),
			"fresh": now - timedelta(minutes=data.score_weights().gps_freshness_minutes),
		},
		pluck=True,
	)
	for name in rows:
		frappe.db.rollback()
		status = frappe.db.sql(
			"select status from `tabDispatch Job` where name = %s for update", name, pluck=True
		)
		if status != ["Dispatched"]:
			continue
		try:
			out[name] = tell(name, None, now)["customer_sms"]
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Arrival estimate for {name}")
	return out
