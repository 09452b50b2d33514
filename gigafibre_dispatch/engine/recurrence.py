"""Recurring templates: RRULE expansion (python-dateutil), pause periods, an end date, materialization.

A template stores one RFC 5545 RRULE (with or without the "RRULE:" prefix) and no DTSTART: the template's
scheduled start is the DTSTART. Datetimes are naive site-local; an UNTIL written in UTC ("…Z") is read as
site-local time.
"""

import warnings
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from dateutil.rrule import DAILY, HOURLY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from .errors import EngineError

MAX_OCCURRENCES = 1000
ALLOWED_FREQS = frozenset({YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY})
NOT_COPIED = frozenset(
	{
		"name",
		"is_recurring",
		"recurrence_rule",
		"recurrence_end",
		"pause_periods",
		"template_id",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"idx",
	}
)
_PROBE_START = datetime(2000, 1, 3, 9, 0)  # a Monday, for validating a rule on its own
_PROBE_YEARS = 10


def _invalid(rule: str, detail: str) -> EngineError:
	return EngineError("invalid_rrule", "{rule}: {detail}", rule=rule, detail=detail)


def _parse(rule: str, dtstart: datetime) -> rrule:
	text = str(rule or "").strip()
	if text.upper().startswith("RRULE:"):
		text = text[6:].strip()
	text = text.rstrip(";").strip()
	if not text:
		raise EngineError("invalid_rrule", "the recurrence rule is empty", rule=rule)
	if "DTSTART" in text.upper():
		raise _invalid(rule, "leave DTSTART out, the job's scheduled start is used")
	if ":" in text or "\n" in text:
		raise _invalid(rule, "give a single RRULE such as FREQ=WEEKLY;BYDAY=SA,SU")
	try:
		with warnings.catch_warnings():
			# dateutil only warns about COUNT together with UNTIL; RFC 5545 forbids it.
			warnings.simplefilter("error")
			rr = rrulestr(text, dtstart=dtstart, ignoretz=True)
	except Warning as e:
		detail = "COUNT and UNTIL cannot be used together" if "until" in str(e).lower() else str(e)
		raise _invalid(rule, detail) from None
	except (ValueError, TypeError, KeyError, IndexError, AttributeError) as e:
		raise _invalid(rule, str(e)) from None
	if not isinstance(rr, rrule):
		raise _invalid(rule, "give a single RRULE such as FREQ=WEEKLY;BYDAY=SA,SU")
	if rr._freq not in ALLOWED_FREQS:
		raise _invalid(rule, "FREQ must be YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY")
	if rr._interval < 1:
		raise _invalid(rule, "INTERVAL must be 1 or more")
	return rr


def validate_rrule(rule: str) -> None:
	"""Refuse an empty, unparseable or never-occurring rule, or one that carries its own DTSTART."""
	rr = _parse(rule, _PROBE_START)
	probe = rr.replace(count=None, until=_PROBE_START.replace(year=_PROBE_START.year + _PROBE_YEARS))
	if next(iter(probe), None) is None:
		raise _invalid(rule, "the rule never occurs")


def expand_occurrences(
	rule: str,
	dtstart: datetime,
	window_start: datetime,
	window_end: datetime,
	until: date | None = None,
	pauses: Sequence[tuple[date, date]] = (),
	exclude: Collection[datetime] = (),
) -> list[datetime]:
	"""Occurrences in [window_start, window_end), up to `until` (inclusive, whole day), outside the pause
	periods (inclusive dates) and not in `exclude` (starts already materialized); at most 1,000."""
	rr = _parse(rule, dtstart)
	end = window_end
	if until is not None:
		end = min(end, datetime.combine(until + timedelta(days=1), time.min))
	if end <= window_start:
		return []
	excluded = set(exclude)
	out: list[datetime] = []
	for occ in rr.xafter(window_start, inc=True):
		if occ >= end:
			break
		d = occ.date()
		if occ in excluded or any(p0 <= d <= p1 for p0, p1 in pauses):
			continue
		out.append(occ)
		if len(out) >= MAX_OCCURRENCES:
			break
	return out


def materialize(template: Mapping, occurrence: datetime) -> dict:
	"""Field values of the concrete job for one occurrence; later edits diverge from the template.

	The template's fields are copied except its identity, bookkeeping and recurrence fields; recurrence_rule is
	also set to None, so a document copied from the template (frappe.copy_doc) does not keep the rule."""
	fields = {k: v for k, v in template.items() if k not in NOT_COPIED}
	fields.update(
		{
			"scheduled_start": occurrence,
			"is_recurring": 0,
			"template_id": template["name"],
			"published": 0,
			"recurrence_rule": None,
		}
	)
	return fields
