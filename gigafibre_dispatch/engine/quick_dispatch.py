"""Type-to-dispatch: one line typed on the board read into a job, a technician and a start.

"DJ-2026-00070 à Julie demain 10h", "#70 Tremblay lundi 14:30", "give DEMO-J063 to Marc tomorrow at 9am",
"DEMO-J064 Bélanger 12/14 8h30". Rule-based, French and English, accents and case ignored; the day and the time are
read by the absence reader's scanners (engine/absence_sms.py), so "demain", "lundi", "le 14", "14/12",
"tomorrow", "next monday" mean here what they mean in a technician's text. Nothing is decided: what cannot be read
for sure is a doubt, the board shows the reading, and only the dispatcher's confirmation books it, through the
drop rules like any drop.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .absence_sms import (
	_TIME_AT,
	_TIME_FROM,
	WEEKDAY_ABBR,
	_alt,
	_clock,
	_fold,
	_Invalid,
	_language,
	_mask,
	_Scanner,
)

# Doubt codes (the board says them in the user's language: scheduling/quick.py): no_job, job_ambiguous,
# no_technician, technician_ambiguous, no_time, bad_date (a date that does not exist), day_guessed (no day and the time
# is past today: tomorrow), past.
# A dispatcher's line uses weekday abbreviations alone ("ven 14h", "Mon 9am"), which a technician's absence text
# does not: they are written out before the day is read.
FULL_WEEKDAYS = {
	"fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
	"en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
}
_ABBR_DAY = {**WEEKDAY_ABBR["en"], **WEEKDAY_ABBR["fr"]}  # "mar" is mardi here (French dispatchers' lines)
_ABBR = re.compile(rf"(?<![a-z0-9-])({_alt(_ABBR_DAY)})(?![a-z0-9-])")
_HASH = re.compile(r"(?:#|\bn°|\bno\.)\s*(\d{1,9})\b", re.IGNORECASE)  # "#70", "n° 70": a job by its number
_NUMBER = re.compile(r"\bjobnumber(\d{1,9})\b")
_NOISE = frozenset(
	"a au aux a le la les de du des pour chez avec sur to at on for the give assign send envoie envoyer assigner "
	"donne donner mettre mets put book reserve reserver avec et and".split()
)


@dataclass(slots=True)
class DispatchReading:
	job: str | None = None
	technician: str | None = None
	start: datetime | None = None
	doubts: list[str] = field(default_factory=list)
	details: dict = field(
		default_factory=dict
	)  # {jobs: [...]} or {technicians: [...]} for the ambiguous doubts

	@property
	def certain(self) -> bool:
		return not self.doubts and None not in (self.job, self.technician, self.start)


def _find_job(folded: str, jobs: Sequence[tuple[str, str]]) -> tuple[list[str], str]:
	hits = []
	for jid, _title in jobs:
		key = _fold(jid)
		m = re.search(rf"(?<![a-z0-9-]){re.escape(key)}(?![a-z0-9-])", folded)
		if m:
			hits.append((jid, m))
	if hits:
		folded_out = folded
		for _jid, m in hits:
			folded_out = _mask(folded_out, m.start(), m.end())
		return [jid for jid, _m in hits], folded_out
	m = _NUMBER.search(folded)
	if m:
		n = int(m[1])
		found = [jid for jid, _t in jobs if (tail := re.search(r"(\d+)$", jid)) and int(tail[1]) == n]
		return found, _mask(folded, m.start(), m.end())
	return [], folded


def _find_technician(folded: str, techs: Sequence[tuple[str, str]]) -> tuple[list[str], str]:
	words = folded.split()
	best: list[str] = []
	best_score = 0
	spans: dict[str, list[str]] = {}
	for tid, name in techs:
		if re.search(rf"(?<![a-z0-9-]){re.escape(_fold(tid))}(?![a-z0-9-])", folded):
			score, used = 100, [_fold(tid)]
		else:
			tokens = [t for t in _fold(name or "").split() if len(t) >= 3 and t not in _NOISE]
			used = [t for t in tokens if t in words]
			score = len(used) * 10 + (1 if used and len(used) == len(tokens) else 0)
		if score and score > best_score:
			best, best_score = [tid], score
		elif score and score == best_score:
			best.append(tid)
		spans[tid] = used
	out = folded
	for tid in best:
		for token in spans.get(tid, ()):
			out = re.sub(rf"(?<![a-z0-9-]){re.escape(token)}(?![a-z0-9-])", lambda m: " " * len(m[0]), out)
	return best, out


def job_references(text: str) -> tuple[set[str], set[int]]:
	"""What in a line may name a job: tokens holding a digit (an ID, any case) and "#n" numbers; the caller loads
	only the jobs these can name, not every open job."""
	folded = _fold(_HASH.sub(r" jobnumber\1 ", text or ""))
	numbers = {int(n) for n in _NUMBER.findall(folded)}
	tokens = {t for t in re.findall(r"[a-z0-9][a-z0-9-]*", folded) if any(c.isdigit() for c in t)}
	return tokens - {f"jobnumber{n}" for n in _NUMBER.findall(folded)}, numbers


def _one(out: DispatchReading, found: list[str], what: str, listed: str) -> str | None:
	"""The one match, else a doubt: none (no_job / no_technician) or several (…_ambiguous, listed)."""
	if len(found) == 1:
		return found[0]
	if found:
		out.doubts.append(f"{what}_ambiguous")
		out.details[listed] = found[:5]
	else:
		out.doubts.append(f"no_{what}")
	return None


def read_dispatch_line(
	text: str, now: datetime, jobs: Sequence[tuple[str, str]], techs: Sequence[tuple[str, str]]
) -> DispatchReading:
	"""`jobs`: (id, title) of the jobs that may be named; `techs`: (id, name) of the technicians."""
	out = DispatchReading()
	folded = _fold(_HASH.sub(r" jobnumber\1 ", text or ""))
	found, rest = _find_job(folded, jobs)
	out.job = _one(out, found, "job", "jobs")
	people, rest = _find_technician(rest, techs)
	out.technician = _one(out, people, "technician", "technicians")
	clock: time | None = None
	for pattern in (_TIME_FROM, _TIME_AT):
		m = pattern.search(rest)
		if m and (clock := _clock(m, 1)) is not None:
			rest = _mask(rest, m.start(), m.end())
			break
	today = now.date()
	day: date | None = None
	language = _language(folded)
	rest = _ABBR.sub(lambda m: FULL_WEEKDAYS[language][_ABBR_DAY[m[1]]], rest)
	try:
		atoms = _Scanner(rest, today, language).scan()
	except _Invalid:
		out.doubts.append("bad_date")
		atoms = []
	if atoms:
		day = atoms[0].first
	if clock is None:
		out.doubts.append("no_time")
		return out
	if day is None:
		day = today
		if datetime.combine(day, clock) < now:
			day = today + timedelta(days=1)
			out.doubts.append("day_guessed")
	out.start = datetime.combine(day, clock)
	if out.start < now:
		out.doubts.append("past")
	return out
