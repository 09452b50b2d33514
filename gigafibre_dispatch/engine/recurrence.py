"""Recurring templates: RRULE expansion (python-dateutil) with pause periods, an end date, and materialization."""

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time

from dateutil.rrule import rrulestr

from .errors import EngineError

MAX_OCCURRENCES = 1000
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


def _clean(rule: str) -> str:
	rule = (rule or "").strip()
	if rule.upper().startswith("RRULE:"):
		rule = rule[6:]
	return rule


def _parse(rule: str, dtstart: datetime):
	text = _clean(rule)
	if not text:
		raise EngineError("invalid_rrule", "the rule is empty", rule=rule)
	if "DTSTART" in text.upper() or "\n" in text:
		raise EngineError("invalid_rrule", "give one RRULE without DTSTART", rule=rule)
	try:
		return rrulestr(text, dtstart=dtstart)
	except (ValueError, TypeError, KeyError, IndexError) as e:
		raise EngineError("invalid_rrule", "{rule}: {detail}", rule=rule, detail=str(e)) from None


def validate_rrule(rule: str) -> None:
	_parse(rule, datetime(2000, 1, 3, 9, 0))


def expand_occurrences(
	rule: str,
	dtstart: datetime,
	window_start: datetime,
	window_end: datetime,
	until: date | None = None,
	pauses: Sequence[tuple[date, date]] = (),
	exclude: Collection[datetime] = (),
) -> list[datetime]:
	"""Occurrences in [window_start, window_end), up to `until` (inclusive), outside pauses and `exclude`."""
	rr = _parse(rule, dtstart)
	end = window_end
	if until is not None:
		end = min(end, datetime.combine(until, time.max))
	out = []
	exclude = set(exclude)
	for occ in rr.xafter(window_start, inc=True):
		if occ >= end or (until is not None and occ.date() > until):
			break
		if occ >= window_end:
			break
		d = occ.date()
		if any(p0 <= d <= p1 for p0, p1 in pauses):
			continue
		if occ in exclude:
			continue
		out.append(occ)
		if len(out) >= MAX_OCCURRENCES:
			break
	return out


def materialize(template: Mapping, occurrence: datetime) -> dict:
	"""Field values of the concrete job for one occurrence; later edits diverge from the template."""
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
