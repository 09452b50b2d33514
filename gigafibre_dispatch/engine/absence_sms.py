"""Absence SMS, read by rules (French and English): the fallback when no language model is configured or answers.

Decisions: a weekday name means its next occurrence after today (today itself only with "ce"/"this" or
"aujourd'hui"); numeric dates are day/month as Québec texts write them; a month-name date more than 30 days in the
past means next year; with no date at all the absence is for today; "matin"/"morning" is until noon,
"après-midi"/"afternoon" from noon.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta


@dataclass(frozen=True, slots=True)
class AbsenceIntent:
	action: str  # "set" | "clear"
	reason: str  # French label: Malade, Vacances, Formation, Rendez-vous, Congé, Absent
	from_date: date | None = None
	until_date: date | None = None
	start_time: time | None = None
	end_time: time | None = None
	language: str = "fr"


MONTHS = {
	"janvier": 1, "janv": 1, "january": 1, "jan": 1,
	"fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
	"mars": 3, "march": 3, "mar": 3,
	"avril": 4, "avr": 4, "april": 4, "apr": 4,
	"mai": 5, "may": 5,
	"juin": 6, "june": 6, "jun": 6,
	"juillet": 7, "juil": 7, "july": 7, "jul": 7,
	"aout": 8, "august": 8, "aug": 8,
	"septembre": 9, "sept": 9, "september": 9, "sep": 9,
	"octobre": 10, "oct": 10, "october": 10,
	"novembre": 11, "nov": 11, "november": 11,
	"decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAYS = {
	"lundi": 0, "lun": 0, "monday": 0, "mon": 0,
	"mardi": 1, "tuesday": 1, "tue": 1, "tues": 1,
	"mercredi": 2, "mer": 2, "wednesday": 2, "wed": 2,
	"jeudi": 3, "jeu": 3, "thursday": 3, "thu": 3, "thurs": 3,
	"vendredi": 4, "ven": 4, "friday": 4, "fri": 4,
	"samedi": 5, "sam": 5, "saturday": 5, "sat": 5,
	"dimanche": 6, "dim": 6, "sunday": 6, "sun": 6,
}  # fmt: skip
REASONS = (  # first match wins
	("Malade", r"\b(malade|sick|ill|grippe|fievre|fever|covid)\b"),
	("Rendez-vous", r"\b(rendez[- ]vous|rdv|appointment|medecin|doctor|dentiste|dentist)\b"),
	("Formation", r"\b(formation|training|cours|course)\b"),
	("Vacances", r"\b(vacances|vacation|holidays?)\b"),
	("Congé", r"\b(conge|day off|off)\b"),
	("Absent", r"\b(absente?|absence|away|out)\b"),
)
CLEAR = r"\b(de retour|je suis de retour|retour au travail|back to work|i'?m back|i am back|back|disponible|available again)\b"
ENGLISH = r"\b(sick|ill|today|tomorrow|until|till|from|back|vacation|holiday|training|appointment|off|away|next week|this week|morning|afternoon|for \d+ days?)\b"
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))

FR_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
FR_MONTHS = (
	"janv.",
	"févr.",
	"mars",
	"avr.",
	"mai",
	"juin",
	"juil.",
	"août",
	"sept.",
	"oct.",
	"nov.",
	"déc.",
)


def _norm(text: str) -> str:
	text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
	text = text.replace("’", "'")
	return re.sub(r"\s+", " ", text).strip()


def _month_date(day: int, month: int, today: date) -> date | None:
	try:
		d = date(today.year, month, day)
	except ValueError:
		return None
	if (today - d).days > 30:
		d = date(today.year + 1, month, day)
	return d


def _next_weekday(today: date, weekday: int, this: bool = False) -> date:
	ahead = (weekday - today.weekday()) % 7
	if ahead == 0 and not this:
		ahead = 7
	return today + timedelta(days=ahead)


def _dates(t: str, today: date) -> tuple[date | None, date | None]:
	"""(from, until) found in normalized text t; (None, None) when no date is given."""
	m = re.search(
		rf"\b(?:du|from|de)?\s*(\d{{1,2}})(?:er)?\s*(?:({MONTH_RE})\.?)?\s*(?:au|to|-|a|until|till|jusqu'au)\s*(\d{{1,2}})\s*({MONTH_RE})\b",
		t,
	)
	if m:
		first_month = MONTHS[m.group(2)] if m.group(2) else MONTHS[m.group(4)]
		start = _month_date(int(m.group(1)), first_month, today)
		end = _month_date(int(m.group(3)), MONTHS[m.group(4)], today)
		if start and end and end < start and not m.group(2):
			end = None
		return start, end
	m = re.search(
		rf"\b({MONTH_RE})\.?\s+(\d{{1,2}})\s*(?:-|to|until|till)\s*(?:({MONTH_RE})\.?\s+)?(\d{{1,2}})\b", t
	)
	if m:
		start = _month_date(int(m.group(2)), MONTHS[m.group(1)], today)
		end = _month_date(int(m.group(4)), MONTHS[m.group(3) or m.group(1)], today)
		return start, end
	m = re.search(r"\b(\d{1,2})/(\d{1,2})\s*(?:au|to|-|a)\s*(\d{1,2})/(\d{1,2})\b", t)
	if m:
		return _month_date(int(m.group(1)), int(m.group(2)), today), _month_date(
			int(m.group(3)), int(m.group(4)), today
		)
	until = None
	m = re.search(
		rf"\b(?:jusqu'?(?:a|au)|until|till|til)\s+(?:(?:le|the)\s+)?(?:(\d{{1,2}})(?:er)?\s*({MONTH_RE})|({MONTH_RE})\.?\s+(\d{{1,2}})|({WEEKDAY_RE})|(\d{{1,2}})/(\d{{1,2}}))\b",
		t,
	)
	if m:
		if m.group(1):
			until = _month_date(int(m.group(1)), MONTHS[m.group(2)], today)
		elif m.group(3):
			until = _month_date(int(m.group(4)), MONTHS[m.group(3)], today)
		elif m.group(5):
			until = _next_weekday(today, WEEKDAYS[m.group(5)], this=True)
		else:
			until = _month_date(int(m.group(6)), int(m.group(7)), today)
		t = t[: m.start()] + t[m.end() :]  # the until-date is not also the start
	m = re.search(r"\b(?:pour|for)\s+(\d{1,2})\s+(?:jours?|days?)\b", t)
	if m:
		return today, today + timedelta(days=int(m.group(1)) - 1)
	if re.search(r"\b(la semaine prochaine|next week)\b", t):
		monday = today + timedelta(days=7 - today.weekday())
		return monday, monday + timedelta(days=4)
	if re.search(r"\b(cette semaine|this week)\b", t):
		return today, max(today, today + timedelta(days=4 - today.weekday()))
	start = None
	if re.search(r"\b(apres[- ]demain|day after tomorrow)\b", t):
		start = today + timedelta(days=2)
	elif re.search(r"\b(demain|tomorrow|tmrw)\b", t):
		start = today + timedelta(days=1)
	elif re.search(
		r"\b(aujourd'?hui|auj|today|ce matin|cet apres[- ]midi|this morning|this afternoon|tonight|ce soir)\b",
		t,
	):
		start = today
	else:
		m = re.search(
			rf"\b(?:le\s+|on\s+)?(\d{{1,2}})(?:er)?\s*({MONTH_RE})\b|\b({MONTH_RE})\.?\s+(\d{{1,2}})\b|\b(\d{{1,2}})/(\d{{1,2}})\b",
			t,
		)
		if m:
			if m.group(1):
				start = _month_date(int(m.group(1)), MONTHS[m.group(2)], today)
			elif m.group(3):
				start = _month_date(int(m.group(4)), MONTHS[m.group(3)], today)
			else:
				start = _month_date(int(m.group(5)), int(m.group(6)), today)
		else:
			m = re.search(rf"\b(ce |this )?({WEEKDAY_RE})\b", t)
			if m and not (
				m.group(2) in ("mar", "sun", "sat", "mon")
				and not re.search(rf"\b(?:le|on|ce|this)\s+{m.group(2)}\b", t)
			):
				start = _next_weekday(today, WEEKDAYS[m.group(2)], this=bool(m.group(1)))
	if until is not None:
		return start or today, until
	return start, start


def parse_absence_message(text: str, today: date) -> AbsenceIntent | None:
	t = _norm(text)
	if not t:
		return None
	language = (
		"en"
		if re.search(ENGLISH, t)
		and not re.search(r"\b(je|suis|malade|demain|aujourd|jusqu|vacances|retour)\b", t)
		else "fr"
	)
	if re.search(CLEAR, t) and not re.search(r"\b(pas de retour|not back)\b", t):
		return AbsenceIntent(action="clear", reason="", language=language)
	reason = next((label for label, pattern in REASONS if re.search(pattern, t)), None)
	if reason is None:
		return None
	start, until = _dates(t, today)
	if start is None and until is None:
		start = until = today
	if start is None or until is None or until < start:
		return None
	start_time = end_time = None
	if re.search(r"\b(apres[- ]midi|pm|afternoon)\b", t):
		start_time = time(12, 0)
	elif re.search(r"\b(matin|am|morning)\b", t):
		end_time = time(12, 0)
	return AbsenceIntent("set", reason, start, until, start_time, end_time, language)


def _fr_date(d: date) -> str:
	return f"{FR_DAYS[d.weekday()]} {d.day} {FR_MONTHS[d.month - 1]}"


def confirmation_fr(intent: AbsenceIntent) -> str:
	if intent.action == "clear":
		return "Bon retour! Votre absence est levée."
	if intent.from_date == intent.until_date:
		when = f"le {_fr_date(intent.from_date)}"
		if intent.end_time and not intent.start_time:
			when += " (matin)"
		elif intent.start_time and not intent.end_time:
			when += " (après-midi)"
	else:
		when = f"du {_fr_date(intent.from_date)} au {_fr_date(intent.until_date)}"
	wish = {"Malade": " Bon rétablissement!", "Vacances": " Bonnes vacances!"}.get(intent.reason, "")
	sentence = f"Absence enregistrée ({intent.reason}) {when}"
	return (sentence if sentence.endswith(".") else sentence + ".") + wish
