"""The technician's calendar feed: HMAC token, RFC 5545 rendering with a full VTIMEZONE (icalendar).

Status: jobs not yet confirmed (New, Triaged, Proposed, Change Requested) are TENTATIVE, booked ones
(Scheduled, Dispatched, In Progress) CONFIRMED, and finished or cancelled ones (Completed, Verified, Invoiced,
Cancelled) CANCELLED — the seed's "open → TENTATIVE, cancelled/completed → CANCELLED". Priority: urgent → 1,
medium → 5, anything else → 9. A recurring template is one event with its RRULE passed through; a materialized
occurrence is an override of it (same UID, RECURRENCE-ID).
"""

import hashlib
import hmac
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur

from .states import CLOSED_STATES

TOKEN_LENGTH = 16
TENTATIVE = frozenset({"New", "Triaged", "Proposed", "Change Requested"})
CANCELLED = frozenset(CLOSED_STATES)
PRIORITY = {"urgent": 1, "medium": 5}


def ical_token(tech_id: str, secret: str) -> str:
	return hmac.new(secret.encode(), tech_id.encode(), hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def ical_token_valid(tech_id: str, token: str | None, secret: str) -> bool:
	if not token or not secret:
		return False
	return hmac.compare_digest(ical_token(tech_id, secret), str(token))


def ical_status(status: str) -> str:
	if status in CANCELLED:
		return "CANCELLED"
	return "TENTATIVE" if status in TENTATIVE else "CONFIRMED"


def ical_priority(priority: str) -> int:
	return PRIORITY.get(priority, 9)


# America/Toronto's rules since 2007, in the RRULE form calendar clients expect (as tzurl.org publishes it).
TORONTO = (
	"BEGIN:VTIMEZONE\r\nTZID:America/Toronto\r\nX-LIC-LOCATION:America/Toronto\r\n"
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nDTSTART:19700308T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n"
	"BEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\nDTSTART:19701101T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


@lru_cache(maxsize=8)
def vtimezone(tzid: str):
	"""The VTIMEZONE component with its DST rules: Toronto's rule form, else generated from the tz database."""
	if tzid == "America/Toronto":
		return Timezone.from_ical(TORONTO)
	return Timezone.from_tzid(
		tzid, first_date=datetime(2000, 1, 1).date(), last_date=datetime(2050, 1, 1).date()
	)


def uid_for(job_name: str, domain: str) -> str:
	return f"{job_name}@{domain}"


def _event(job: Mapping, tz: ZoneInfo, utc: ZoneInfo, domain: str, fallback_stamp: datetime) -> bytes:
	start = job["start"].replace(tzinfo=tz)
	event = Event()
	event.add("uid", uid_for(job.get("template_id") or job["name"], domain))
	# DTSTAMP is the job's last change (not "now"), so an unchanged job renders to the same bytes.
	changed = job.get("modified")
	event.add("dtstamp", changed.replace(tzinfo=tz).astimezone(utc) if changed else fallback_stamp)
	event.add("dtstart", start)
	# Elapsed time, not wall-clock: a job across a DST change ends at the right instant.
	end = (start.astimezone(utc) + timedelta(hours=float(job.get("duration_h") or 1))).astimezone(tz)
	event.add("dtend", end)
	event.add("summary", job.get("subject") or job["name"])
	event.add("status", ical_status(job.get("status") or ""))
	event.add("priority", ical_priority(job.get("priority") or ""))
	if job.get("location"):
		event.add("location", job["location"])
	if job.get("description"):
		event.add("description", job["description"])
	if job.get("template_id"):
		event.add("recurrence-id", start)
	elif job.get("recurrence_rule"):
		rule = job["recurrence_rule"].strip()
		event.add("rrule", vRecur.from_ical(rule[6:] if rule.upper().startswith("RRULE:") else rule))
	if changed:
		event.add("last-modified", changed.replace(tzinfo=tz).astimezone(utc))
	return event.to_ical()


def event_key(job: Mapping, tzid: str, domain: str) -> tuple:
	"""Everything an event's bytes depend on (the job's `modified` stands for its own fields)."""
	return (job["name"], str(job.get("modified")), job.get("location"), job.get("status"), tzid, domain)


def render_feed(
	calendar_name: str,
	jobs: Iterable[Mapping],
	*,
	tzid: str = "America/Toronto",
	domain: str = "dispatch.gigafibre.ca",
	now: datetime,
	cache: MutableMapping | None = None,
) -> bytes:
	"""jobs: name, subject, start (naive, site-local), duration_h, status, priority, location, description,
	recurrence_rule, template_id, modified. `cache` (optional) keeps rendered events between requests."""
	tz = ZoneInfo(tzid)
	utc = ZoneInfo("UTC")
	cal = Calendar()
	cal.add("prodid", "-//Gigafibre//Dispatch//FR")
	cal.add("version", "2.0")
	cal.add("calscale", "GREGORIAN")
	cal.add("method", "PUBLISH")
	cal.add("x-wr-calname", calendar_name)
	cal.add("x-wr-timezone", tzid)
	cal.add_component(vtimezone(tzid))
	stamp = now.astimezone(utc) if now.tzinfo else now.replace(tzinfo=utc)
	events = []
	for job in jobs:
		if cache is None:
			events.append(_event(job, tz, utc, domain, stamp))
			continue
		key = event_key(job, tzid, domain)
		body = cache.get(key)
		if body is None:
			body = cache[key] = _event(job, tz, utc, domain, stamp)
		events.append(body)
	head = cal.to_ical()
	closing = b"END:VCALENDAR\r\n"
	return head[: -len(closing)] + b"".join(events) + closing
