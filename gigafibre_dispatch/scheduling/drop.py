"""The drop rules' inputs: a job document, the technician, their jobs around that time, the dependency."""

from datetime import datetime, time, timedelta

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.engine import drop
from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.utils.errors import engine_message


def validate_drop_rules(doc, technician: str, at: datetime, past_reason: str | None = None) -> drop.DropCheck:
	"""The engine's drop check for a job document on a technician at a time (board, API and commands); a start
	in the past is refused unless `past_reason` says why (a job recorded after the fact)."""
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
	s = data.settings()
	return drop.check_drop(
		info,
		tech,
		at,
		dependency=dependency,
		tech_jobs=tech_jobs,
		default_week=data.default_shift_week(s),
		routing=data.routing(s),
		buffer_min=data.setting_int("travel_buffer_min", 15, s),
		now=now_datetime(),
		past_reason=past_reason,
	)


def refusal_message(doc, result: drop.DropCheck) -> str:
	"""Why a drop is refused, translated as the board and the commands show it."""
	return engine_message(EngineError(result.code, result.reason or "", dependency=doc.depends_on or ""))
