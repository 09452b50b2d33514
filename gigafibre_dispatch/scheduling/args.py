"""What callers send, parsed and checked: dates, tags, coordinates, a job or technician they may read."""

from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate

from gigafibre_dispatch.engine import geo, validation
from gigafibre_dispatch.engine.models import JobInfo, TagReq
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors

ADHOC = "__adhoc__"  # the id of a job described by its location, tags and duration only


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


def parse_date_range(date_from, date_to) -> tuple[date, date]:
	d_from, d_to = parse_date(date_from, "From Date"), parse_date(date_to, "To Date")
	if d_to < d_from:
		frappe.throw(_("The end date is before the start date"), DispatchValidationError)
	return d_from, d_to


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


def parse_names(value) -> list[str] | None:
	"""A list of names given as a list, its JSON, or a comma-separated string."""
	names = frappe.parse_json(value) if isinstance(value, str) and value.startswith("[") else value
	if isinstance(names, str):
		names = [t.strip() for t in names.split(",") if t.strip()]
	return names or None


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


def coords(latitude, longitude) -> tuple[float | None, float | None]:
	lat = float(latitude) if latitude not in (None, "") else None
	lon = float(longitude) if longitude not in (None, "") else None
	with engine_errors():
		geo.validate_coordinates(lat, lon)
	return lat, lon


def adhoc_job(
	latitude=None, longitude=None, tags=None, start=None, duration_h=None, continuous=False
) -> JobInfo:
	lat, lon = coords(latitude, longitude)
	duration = float(duration_h) if duration_h not in (None, "") else 1.0
	with engine_errors():
		validation.validate_duration(duration)
	return JobInfo(
		id=ADHOC,
		start=start,
		duration_h=duration,
		lat=lat,
		lon=lon,
		tags=parse_tags(tags),
		continuous=bool(continuous),
	)


def iso(value: datetime | None) -> str | None:
	return value.isoformat(timespec="seconds") if value else None
