"""SMS phrases that field technicians send to report absences: test data for a rule-based parser.

Written independently of the parser: every expectation below follows the conventions in this header,
and every expected date is computed from `sent` by the helpers below (literal dates only when the SMS
itself names a full date with a year).

CONVENTIONS (the parser's specification)
========================================
C1  Clock. `sent` is a naive America/Toronto wall-clock datetime. "Today" is sent.date(). All date
	arithmetic is done on calendar dates, never by adding 24 h to an instant, so DST days
	(2027-03-14 spring forward, 2026-11-01 fall back) change nothing.
C2  Relative days. "auj/ajd/aujourd'hui/today/tdy" = today; "demain/dem/dmain/tomorrow/tmrw/tmr/tomorow"
	= today + 1; "apres-demain/after tomorrow" = today + 2. The pair "auj ou demain"/"today or
	tomorrow" (also "auj pis demain") = two days, first = today, last = tomorrow. Any OTHER "X ou Y" /
	"X or Y" is AMBIGUOUS.
C3  Late night. "demain/tomorrow" sent between 00:00 and 04:59 is AMBIGUOUS (the writer may mean the
	day that just started).
C4  Undated absence ("chu malade", "calling in sick", a rdv with times but no day) = the DEFAULT DAY:
	today if sent before 17:00, tomorrow if sent at or after 17:00.
C5  Weekday names (lundi..dimanche, monday..sunday, mon/tue/wed/thu/fri/sat/sun, typos): the next
	occurrence; today counts only if sent before 12:00 (at 12:00 or later, the same weekday means
	the one 7 days later). "prochain"/"next" adds nothing ("lundi prochain" = "lundi").
	"lundi en 8" (Quebec) = that weekday + 7 days.
C6  Weekday ranges / lists ("du lundi au mercredi", "wed thru fri", "jeudi pis vendredi", "mon, tue"):
	the first weekday by C5, each later weekday = its first occurrence on or after the previous one.
	A list is one range only when its days are consecutive; non-consecutive lists are AMBIGUOUS.
C7  Day numbers ("le 31", "the 3rd", "1er", "le 15"): the next date with that day number on or after
	today; months lacking that day (30 Feb, 31 Nov) are skipped. A bare day number equal to today's
	day sent at or after 17:00 is AMBIGUOUS (today is almost over: today or next month?).
C8  Day-number ranges ("du 28 au 2", "from the 28th through the 2nd", "2nd to the 4th"): the start is
	the first number by C7, the end is the first date with the second number on or after the start, so
	a smaller end number crosses into the next month (and year in December). AMBIGUOUS when today lies
	strictly after the start and on or before the end of the same range begun this month or last month
	("du 28 au 2" sent Dec 29: ongoing vacation, or Jan 28..Feb 2?).
C9  Month names, French and English, with or without accents/periods, either order ("10 décembre",
	"10 decembre", "dec 10", "janvier 4", "jan. 4th", "3 fev", "janv"): a single date is this year if
	not already past, else the next year that has it (29 Feb: the next leap year). A range with month
	names is the earliest one not yet over: the months pin it, so an ongoing range keeps its (past)
	first day. A full date with a year is taken literally.
C10 Weekday + day number ("vendredi le 19", "thursday the 31st"): recorded when they agree;
	AMBIGUOUS when they disagree.
C11 "la semaine du N" / "the week of the Nth" / "semaine du 16 mai": Monday..Friday of the week
	(North-American calendar week, Sunday..Saturday) containing that date (date by C7/C9). So a Sunday
	N gives the Mon..Fri that follow it, a Saturday N gives the Mon..Fri that precede it.
C12 "semaine prochaine"/"next week" = the first Monday strictly after today .. the Friday after it
	(sent on a Sunday: tomorrow..Friday). "le reste de la semaine"/"rest of the week" = default day
	(C4) .. the following Friday.
C13 "fds"/"fin de semaine"/"weekend": sent Monday..Saturday = the Saturday and Sunday on or after
	today; sent Sunday before 12:00 = today only; sent Sunday at 12:00 or later = the next Sat+Sun.
C14 "de retour X" / "je reviens X" / "back on X" / "retour au travail X": absent from the default day
	(C4), or from an explicitly named start ("surgery on the 9th, back on the 16th"), until the day
	BEFORE the return day; the return day is the first matching date strictly after the first
	absent day. "back X" wins over an "until/till" in the same SMS.
C15 Durations: "pour 2 jours", "isolating 5 days", "3 jours a partir de demain", "2 days starting
	monday" = N calendar days from the default day (C4) or from the named start.
C16 Ranges are calendar days, weekends included; nothing is trimmed to working days (except C11/C12,
	which are Monday..Friday by definition).
C17 Partial days (only when first == last): "je pars a 14h"/"leaving at 2pm" -> start=14:00;
	"de 9h a 11h"/"9-11" -> start, end; "matin/am/morning" -> end=12:00; "pm/apres-midi/afternoon"
	-> start=12:00; "midi/noon" = 12:00. Bare hours without am/pm (both languages): 1..6 mean
	13:00..18:00, 7..12 mean 07:00..12:00. "vers 11h"/"around noon" keeps the stated hour.
C18 late_start: only when phrased as ARRIVING or STARTING late at a stated time ("in late Monday, till
	10", "je commence a 10h", "j'arrive vers 11h", "won't be in until 9:30") -> action "late_start",
	start=None, end=arrival time. Arriving late with no time stated is AMBIGUOUS. Absent "in the
	morning" is an "absence" with end=12:00, not a late_start.
C19 A "rdv" / appointment is an absence only with a time range, a stated leaving/arrival time, or an
	absence word ("off", "pas dispo", "toute la journee"); a bare "rdv demain" is AMBIGUOUS. A medical
	procedure or idiom ("operation au genou jeudi", "colo", "funerailles", "jury duty", "demenagement",
	"moving", "wedding", "je prends ma journee", "chu pas la", "I'm out") is a whole-day absence.
C20 Cancellation (action "cancel"): an explicit cancel word ("annule", "cancel", "finalement j'ai pas
	besoin", "plus besoin", "oublie ca", "nvm ... I'll be in") or a presence statement plus
	"finalement/after all" ("finalement je serai la demain", "I can work Thursday"); it frees only the
	day(s) named. A cancel-ish word next to a date with no presence/absence verb ("pas demain
	finalement") is AMBIGUOUS.
C21 Questions (a "?", "je peux-tu", "can I") about taking time off are AMBIGUOUS, never recorded.
	Questions about work ("c'est quoi l'adresse demain?") are "none".
C22 "none": job talk, chit-chat, delays of minutes on the current job, greetings, other people's
	appointments ("le client veut un rdv lundi"), "malade"/"sick of" used as an interjection, numbers
	that are addresses or pole/drop ordinals ("le 31 rue Principale", "3e poteau", "the 3rd drop"),
	"back"/"je reviens" meaning back at a client's site or from lunch, "off" about equipment or power.
C23 AMBIGUOUS (action "confirm", parser asks OUI/YES, records nothing): C2 other "ou/or", C3, C6
	non-consecutive, C7 same-day late, C8 ongoing range, C10 mismatch, C18 no time, C19 bare rdv, C20,
	C21, plus:
	unknown abbreviations ("csst", "ooo", "rtt"), named holidays without a date ("st-jean",
	"thanksgiving"), uncertainty ("pas sur", "might", "probablement", "2-3 jours"), "jusqu'a X"/"till X"
	without "inclus"/"back" (inclusive or return day?), "next weekend" sent Monday..Friday,
	a third party's absence ("mon helper est malade"), an injury without an absence statement,
	self-corrections and contradictions, two separate absences in one SMS, shift swaps.
C24 Joual / short forms: "pis" = "et", "chu"/"jsuis" = "je suis", "pu" = "plus", "vac"/"vacs"/"vacay"
	= vacances, "fds" = fin de semaine, "cte" = cette, "pcq" = parce que, "dsl" = desole, "rdv",
	"conge", "off", "pto", "day off", "ooo" (unknown, see C23).
C25 lang: "fr", "en", or "mixed" when English words beyond the usual Quebec loanwords appear in a
	French SMS (or the reverse). "off", "ok", "job", "boot", "helper", "lol" alone keep a French SMS "fr".
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

ACTIONS = ("absence", "cancel", "late_start", "none", "confirm")
LANGS = ("fr", "en", "mixed")

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NOON = time(12)
EVENING = time(17)
ONE_DAY = timedelta(days=1)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Case:
	text: str  # the SMS as typed (typos, no accents, joual, abbreviations kept as is)
	sent: datetime  # when it was sent (naive, America/Toronto wall clock)
	action: str  # "absence" | "cancel" | "late_start" | "none" | "confirm"
	first: date | None  # first day affected (None for "none"/"confirm")
	last: date | None  # last day affected, inclusive
	start: time | None = None  # partial day: absent from this time (None = from the start of the day)
	end: time | None = None  # partial day: absent until this time (None = to the end of the day)
	lang: str = "fr"  # "fr" | "en" | "mixed"
	note: str = ""  # which rule this case exercises


# ---------------------------------------------------------------------------------------------------
# Date helpers: every expected date is computed from `sent` with these.
# ---------------------------------------------------------------------------------------------------


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
	return datetime(year, month, day, hour, minute)


def today(sent: datetime) -> date:
	"""C2: auj / ajd / today / tdy."""
	return sent.date()


def tomorrow(sent: datetime) -> date:
	"""C2: demain / dem / dmain / tomorrow / tmrw / tmr."""
	return sent.date() + ONE_DAY


def in_days(sent: datetime, n: int) -> date:
	"""C2: apres-demain = in_days(sent, 2)."""
	return sent.date() + timedelta(days=n)


def today_or_tomorrow(sent: datetime) -> tuple[date, date]:
	"""C2: "auj ou demain" / "today or tomorrow" = both days."""
	return today(sent), tomorrow(sent)


def default_day(sent: datetime) -> date:
	"""C4: undated absence = today before 17:00, tomorrow from 17:00."""
	return today(sent) if sent.time() < EVENING else tomorrow(sent)


def on_or_after(day: date, weekday: int) -> date:
	return day + timedelta(days=(weekday - day.weekday()) % 7)


def strictly_after(day: date, weekday: int) -> date:
	return on_or_after(day + ONE_DAY, weekday)


def next_weekday(sent: datetime, weekday: int) -> date:
	"""C5: next occurrence; today counts only before 12:00."""
	if sent.time() < NOON:
		return on_or_after(today(sent), weekday)
	return strictly_after(today(sent), weekday)


def weekday_span(sent: datetime, first_wd: int, last_wd: int) -> tuple[date, date]:
	"""C6: "du lundi au mercredi", "jeudi pis vendredi"."""
	first = next_weekday(sent, first_wd)
	return first, on_or_after(first, last_wd)


def _shift_month(year: int, month: int, k: int) -> tuple[int, int]:
	index = year * 12 + (month - 1) + k
	return index // 12, index % 12 + 1


def _make(year: int, month: int, day: int) -> date | None:
	try:
		return date(year, month, day)
	except ValueError:
		return None


def day_on_or_after(day: date, n: int) -> date:
	"""First date whose day number is n, on or after `day` (months lacking n are skipped)."""
	for k in range(0, 14):
		year, month = _shift_month(day.year, day.month, k)
		candidate = _make(year, month, n)
		if candidate is not None and candidate >= day:
			return candidate
	raise ValueError(f"no day {n} after {day}")


def day_number(sent: datetime, n: int) -> date:
	"""C7: "le 31", "the 3rd"."""
	return day_on_or_after(today(sent), n)


def day_range_in_progress(sent: datetime, n1: int, n2: int) -> bool:
	"""C8: the n1..n2 range begun this month or last month has started and not ended."""
	t = today(sent)
	for k in (-1, 0):
		year, month = _shift_month(t.year, t.month, k)
		start = _make(year, month, n1)
		if start is not None and start < t <= day_on_or_after(start, n2):
			return True
	return False


def day_span(sent: datetime, n1: int, n2: int) -> tuple[date, date]:
	"""C8: "du 28 au 2": start by C7, end = first n2 on or after the start."""
	if day_range_in_progress(sent, n1, n2):
		raise ValueError(f"{n1}..{n2} sent {sent} is ongoing: AMBIGUOUS, not a CASE")
	first = day_number(sent, n1)
	return first, day_on_or_after(first, n2)


def _month_day_on_or_after(day: date, month: int, n: int) -> date:
	for year in range(day.year, day.year + 9):
		candidate = _make(year, month, n)
		if candidate is not None and candidate >= day:
			return candidate
	raise ValueError(f"no {month}/{n} after {day}")


def month_span(sent: datetime, m1: int, n1: int, m2: int, n2: int) -> tuple[date, date]:
	"""C9: "du 30 dec au 3 janv", "vacation dec 24 to jan 3": earliest range not yet over."""
	t = today(sent)
	for year in range(t.year - 1, t.year + 9):
		first = _make(year, m1, n1)
		if first is None:
			continue
		last = _month_day_on_or_after(first, m2, n2)
		if last >= t:
			return first, last
	raise ValueError(f"no range {m1}/{n1}..{m2}/{n2} after {t}")


def month_day(sent: datetime, month: int, n: int) -> date:
	"""C9: "10 decembre", "dec 10", "jan. 4th": this year if not over, else the next possible year."""
	return month_span(sent, month, n, month, n)[0]


def week_of_date(day: date) -> tuple[date, date]:
	"""C11: Monday..Friday of the Sunday..Saturday week containing `day`."""
	sunday = day - timedelta(days=(day.weekday() + 1) % 7)
	return sunday + ONE_DAY, sunday + timedelta(days=5)


def week_of(sent: datetime, n: int) -> tuple[date, date]:
	"""C11: "la semaine du 21", "the week of the 28th"."""
	return week_of_date(day_number(sent, n))


def week_of_month_day(sent: datetime, month: int, n: int) -> tuple[date, date]:
	"""C11: "la semaine du 16 mai"."""
	return week_of_date(month_day(sent, month, n))


def next_week(sent: datetime) -> tuple[date, date]:
	"""C12: "semaine prochaine" / "next week"."""
	monday = strictly_after(today(sent), MON)
	return monday, monday + timedelta(days=4)


def rest_of_week(sent: datetime) -> tuple[date, date]:
	"""C12: "le reste de la semaine" / "rest of the week"."""
	first = default_day(sent)
	return first, on_or_after(first, FRI)


def weekend(sent: datetime) -> tuple[date, date]:
	"""C13: "fds" / "fin de semaine" / "weekend"."""
	t = today(sent)
	if t.weekday() == SUN:
		if sent.time() < NOON:
			return t, t
		return t + timedelta(days=6), t + WEEK
	saturday = on_or_after(t, SAT)
	return saturday, saturday + ONE_DAY


def back_on_weekday(sent: datetime, weekday: int, first: date | None = None) -> tuple[date, date]:
	"""C14: "de retour lundi" / "back on Monday"."""
	first = first or default_day(sent)
	return first, strictly_after(first, weekday) - ONE_DAY


def back_on_day(sent: datetime, n: int, first: date | None = None) -> tuple[date, date]:
	"""C14: "je reviens le 5" / "back on the 16th"."""
	first = first or default_day(sent)
	return first, day_on_or_after(first + ONE_DAY, n) - ONE_DAY


def for_days(sent: datetime, n: int, first: date | None = None) -> tuple[date, date]:
	"""C15: "pour 2 jours", "isolating 5 days"."""
	first = first or default_day(sent)
	return first, first + timedelta(days=n - 1)


# ---------------------------------------------------------------------------------------------------
# Case builders. `days` is a function of `sent` returning a date or a (first, last) tuple.
# ---------------------------------------------------------------------------------------------------


def _case(action, text, sent, days, note, lang, start=None, end=None) -> Case:
	first = last = None
	if days is not None:
		got = days(sent)
		first, last = got if isinstance(got, tuple) else (got, got)
	return Case(text, sent, action, first, last, start, end, lang, note)


def absent(text, sent, days, note, lang="fr", start=None, end=None) -> Case:
	return _case("absence", text, sent, days, note, lang, start, end)


def late(text, sent, days, until, note, lang="fr") -> Case:
	return _case("late_start", text, sent, days, note, lang, None, until)


def cancel(text, sent, days, note, lang="fr") -> Case:
	return _case("cancel", text, sent, days, note, lang)


def nothing(text, sent, note, lang="fr") -> Case:
	return _case("none", text, sent, None, note, lang)


def ask(text, sent, note, lang="fr") -> Case:
	return _case("confirm", text, sent, None, note, lang)


# ---------------------------------------------------------------------------------------------------
# French
# ---------------------------------------------------------------------------------------------------

FRENCH: list[Case] = [
	# C2 / C4: relative and undated days
	absent("chu malade auj", at(2026, 1, 5, 6, 10), today, "C2 auj = today; C24 chu"),
	absent("malade ajd dsl", at(2026, 3, 4, 5, 30), today, "C2 ajd = today, 05:30"),
	absent(
		"Bonjour, je suis malade aujourd'hui, je rentre pas.",
		at(2026, 3, 31, 6, 45),
		today,
		"C2 aujourd'hui spelled out, last day of month",
	),
	absent("Aujourdhui chu off, gastro", at(2026, 9, 30, 5, 40), today, "C2 aujourdhui without apostrophe"),
	absent(
		"grippe, pas capable de rentrer demain",
		at(2026, 2, 26, 21, 15),
		tomorrow,
		"C2 demain = today + 1",
	),
	absent("dmain chu off", at(2026, 1, 30, 18, 20), tomorrow, "C2 dmain typo; Friday evening -> Saturday"),
	absent(
		"gastro, pas la de la journee dem",
		at(2026, 2, 28, 22, 40),
		tomorrow,
		"C2 dem = demain; Feb 28 -> Mar 1",
	),
	absent(
		"covid positif, off auj pis demain",
		at(2026, 11, 30, 7, 5),
		today_or_tomorrow,
		"C2 auj pis demain = two days, across month end",
	),
	absent(
		"chu pas la auj ou demain",
		at(2026, 12, 31, 8, 0),
		today_or_tomorrow,
		"C2 auj ou demain = two days, across year end",
	),
	absent(
		"pas dispo demain, rdv notaire",
		at(2027, 3, 13, 23, 0),
		tomorrow,
		"C1 demain on the eve of spring-forward (no +24 h arithmetic)",
	),
	absent("je prends congé demain", at(2027, 3, 14, 6, 15), tomorrow, "C1 conge + demain sent on DST day"),
	absent("je prends ma journée", at(2026, 5, 29, 6, 40), default_day, "C19 idiom, no absence keyword"),
	absent("chu pas la demain", at(2026, 11, 1, 20, 30), tomorrow, "C19 idiom 'pas la'; fall-back day"),
	absent("chu malade", at(2026, 6, 17, 6, 5), default_day, "C4 undated before 17:00 -> today"),
	absent(
		"chu malade en maudit, pas la",
		at(2026, 10, 30, 19, 10),
		default_day,
		"C4 undated Friday after 17:00 -> Saturday",
	),
	absent("Fievre a 39, je rentre pas", at(2026, 12, 14, 5, 50), default_day, "C4 'je rentre pas' idiom"),
	absent(
		"je rentre pas dmain, ma fille est malade",
		at(2026, 6, 23, 21, 0),
		tomorrow,
		"C2 sender stays home for a sick child",
	),
	absent(
		"off apres-demain", at(2026, 9, 30, 10, 0), lambda s: in_days(s, 2), "C2 apres-demain = today + 2"
	),
	absent(
		"malade pour 2 jours",
		at(2026, 4, 30, 6, 20),
		lambda s: for_days(s, 2),
		"C15 N jours from default day, across month end",
	),
	absent(
		"arret de travail 3 jours a partir de demain",
		at(2026, 12, 29, 16, 0),
		lambda s: for_days(s, 3, tomorrow(s)),
		"C15 N jours from demain, across year end",
	),
	absent(
		"malade, off le reste de la semaine",
		at(2026, 3, 4, 7, 10),
		rest_of_week,
		"C12 reste de la semaine = default day..Friday",
	),
	absent(
		"sui pas capab de rentré auj mal de dos",
		at(2026, 2, 2, 5, 55),
		today,
		"C2 heavy typos, no absence keyword",
	),
	absent(
		"jsuis off aujourdui",
		at(2027, 1, 4, 7, 20),
		today,
		"C2 aujourdui typo; C24 jsuis",
	),
	# C5 / C6: weekday names
	absent("off lundi", at(2026, 3, 2, 8, 0), lambda s: next_weekday(s, MON), "C5 same weekday before 12:00"),
	absent(
		"off lundi",
		at(2026, 3, 2, 13, 30),
		lambda s: next_weekday(s, MON),
		"C5 same weekday after 12:00 -> next week",
	),
	absent(
		"mardi je serai absent",
		at(2026, 1, 9, 17, 45),
		lambda s: next_weekday(s, TUE),
		"C5 Friday evening -> next Tuesday",
	),
	absent(
		"Funérailles vendredi, je serai pas là",
		at(2026, 6, 17, 12, 15),
		lambda s: next_weekday(s, FRI),
		"C19 funerailles idiom",
	),
	absent(
		"funerailles de mon oncle vendredi",
		at(2026, 1, 9, 11, 59),
		lambda s: next_weekday(s, FRI),
		"C5 same weekday at 11:59 -> today",
	),
	absent(
		"opération au genou jeudi",
		at(2026, 11, 30, 9, 0),
		lambda s: next_weekday(s, THU),
		"C19 medical procedure = whole day",
	),
	absent(
		"operation genou jeudi pis vendredi",
		at(2026, 12, 31, 14, 0),
		lambda s: weekday_span(s, THU, FRI),
		"C6 Thursday after 12:00 -> next week; vendredi follows jeudi (not Jan 1)",
	),
	absent(
		"mercredi rdv chez le dentiste toute la journee",
		at(2026, 1, 31, 10, 0),
		lambda s: next_weekday(s, WED),
		"C19 rdv + toute la journee",
	),
	absent(
		"off du lundi au mercredi",
		at(2026, 5, 31, 15, 0),
		lambda s: weekday_span(s, MON, WED),
		"C6 weekday range sent Sunday",
	),
	absent(
		"vacs de mercredi a vendredi",
		at(2026, 9, 30, 8, 30),
		lambda s: weekday_span(s, WED, FRI),
		"C6 range starting today before 12:00, across month end",
	),
	absent(
		"vac vendredi a mardi",
		at(2026, 4, 30, 17, 0),
		lambda s: weekday_span(s, FRI, TUE),
		"C6/C16 range wrapping a weekend and month end",
	),
	absent(
		"lundi prochain chu en conge",
		at(2026, 12, 30, 9, 0),
		lambda s: next_weekday(s, MON),
		"C5 prochain = bare weekday, year end",
	),
	absent(
		"mardi en 8 je suis off",
		at(2026, 6, 15, 10, 0),
		lambda s: next_weekday(s, TUE) + WEEK,
		"C5 'en 8' = weekday + 7 days",
	),
	absent("maldae mercredi", at(2026, 3, 31, 22, 0), lambda s: next_weekday(s, WED), "C5 typo in malade"),
	absent(
		"congé samedi, mariage",
		at(2026, 2, 26, 12, 30),
		lambda s: next_weekday(s, SAT),
		"C5 Saturday, end of February",
	),
	absent(
		"dimanche chu pas la",
		at(2027, 3, 14, 11, 0),
		lambda s: next_weekday(s, SUN),
		"C5 same weekday before 12:00 on DST day",
	),
	absent(
		"Bonjour Mathieu, je serai absent vendredi le 19 pour un rendez-vous.",
		at(2026, 6, 15, 7, 45),
		lambda s: next_weekday(s, FRI),
		"C10 weekday and day number agree",
	),
	absent(
		"jeudi j'ai une colo, pas la",
		at(2026, 10, 30, 8, 0),
		lambda s: next_weekday(s, THU),
		"C19 colo = medical procedure",
	),
	absent(
		"vendredi chu off",
		at(2026, 10, 30, 17, 45),
		lambda s: next_weekday(s, FRI),
		"C5 Friday evening, same weekday -> next Friday",
	),
	absent(
		"mecredi jpeux pas rentrer",
		at(2026, 11, 20, 13, 0),
		lambda s: next_weekday(s, WED),
		"C5 mecredi typo",
	),
	# C7 / C8: day numbers
	absent("Je serai en congé le 31", at(2026, 12, 14, 16, 20), lambda s: day_number(s, 31), "C7 this month"),
	absent(
		"off le 31",
		at(2026, 11, 20, 10, 0),
		lambda s: day_number(s, 31),
		"C7 November has no 31st -> December",
	),
	absent(
		"le 1er je suis pas la",
		at(2026, 12, 31, 23, 0),
		lambda s: day_number(s, 1),
		"C7 1er sent Dec 31 23:00 -> Jan 1",
	),
	absent(
		"conge le 15", at(2026, 6, 17, 13, 0), lambda s: day_number(s, 15), "C7 already past -> next month"
	),
	absent(
		"off le 30, rdv medical",
		at(2027, 2, 26, 9, 15),
		lambda s: day_number(s, 30),
		"C7 February has no 30th -> March",
	),
	absent(
		"vacances du 28 au 2",
		at(2026, 12, 18, 17, 45),
		lambda s: day_span(s, 28, 2),
		"C8 descending range crosses month and year",
	),
	absent("off du 3 au 7", at(2026, 3, 2, 19, 0), lambda s: day_span(s, 3, 7), "C8 ascending range"),
	absent(
		"conge du 29 au 3",
		at(2026, 1, 5, 12, 0),
		lambda s: day_span(s, 29, 3),
		"C8 range into February",
	),
	absent(
		"le 29 pis le 30 chu off",
		at(2027, 2, 26, 10, 0),
		lambda s: day_span(s, 29, 30),
		"C6/C8 consecutive list skips February 2027",
	),
	absent(
		"absent le 21 pis le 22 pour un mariage",
		at(2026, 6, 23, 11, 0),
		lambda s: day_span(s, 21, 22),
		"C8 consecutive list next month",
	),
	absent(
		"déménagement le 1er juillet",
		at(2026, 6, 15, 8, 0),
		lambda s: month_day(s, 7, 1),
		"C19 moving-day idiom; C9 month name",
	),
	# C9: month names
	absent(
		"congé le 10 décembre",
		at(2026, 11, 30, 12, 5),
		lambda s: month_day(s, 12, 10),
		"C9 French month with accent",
	),
	absent(
		"conge 10 decembre",
		at(2026, 12, 28, 7, 0),
		lambda s: month_day(s, 12, 10),
		"C9 date already past -> next year",
	),
	absent(
		"vacances du 30 dec au 3 janv",
		at(2026, 12, 14, 16, 0),
		lambda s: month_span(s, 12, 30, 1, 3),
		"C9 abbreviated months across year",
	),
	absent("off janvier 4", at(2026, 12, 30, 11, 0), lambda s: month_day(s, 1, 4), "C9 month-first order"),
	absent(
		"Je serai absent le 4 janvier 2027 (examen)",
		at(2026, 12, 14, 9, 30),
		lambda s: date(2027, 1, 4),
		"C9 full date with year: literal",
	),
	absent(
		"vacs 1er au 12 mars",
		at(2027, 2, 26, 18, 0),
		lambda s: month_span(s, 3, 1, 3, 12),
		"C9 range with one month name",
	),
	absent(
		"29 fevrier je suis off",
		at(2028, 2, 10, 8, 0),
		lambda s: month_day(s, 2, 29),
		"C9 leap day, no accent",
	),
	absent(
		"rdv chirurgie le 3 fev, off toute la journee",
		at(2026, 1, 31, 9, 0),
		lambda s: month_day(s, 2, 3),
		"C9 fev abbreviation; sent Saturday",
	),
	absent("congé 2 avril", at(2026, 3, 31, 14, 0), lambda s: month_day(s, 4, 2), "C9 next month"),
	absent(
		"off le 24 aout",
		at(2026, 9, 30, 15, 30),
		lambda s: month_day(s, 8, 24),
		"C9 past month date -> next year",
	),
	# C11 / C12 / C13: weeks and weekends
	absent(
		"vacances la semaine du 21",
		at(2026, 12, 14, 8, 0),
		lambda s: week_of(s, 21),
		"C11 semaine du N = Mon..Fri",
	),
	absent(
		"semaine du 28 off",
		at(2026, 6, 15, 15, 0),
		lambda s: week_of(s, 28),
		"C11 N is a Sunday -> the week it starts",
	),
	absent("vac semaine du 7", at(2026, 11, 20, 6, 30), lambda s: week_of(s, 7), "C11 next month"),
	absent(
		"la semaine du 3 je suis en vacances",
		at(2026, 12, 30, 19, 0),
		lambda s: week_of(s, 3),
		"C11 Sunday Jan 3 -> Jan 4..8, next year",
	),
	absent(
		"en vacances la semaine du 16 mai",
		at(2026, 3, 31, 10, 30),
		lambda s: week_of_month_day(s, 5, 16),
		"C11 N is a Saturday -> the Mon..Fri before it",
	),
	absent(
		"vacs semaine prochaine",
		at(2026, 5, 31, 16, 0),
		next_week,
		"C12 sent Sunday: tomorrow..Friday",
	),
	absent(
		"conge toute la semaine prochaine",
		at(2026, 10, 30, 18, 0),
		next_week,
		"C12 Friday evening, across month end",
	),
	absent("off la fds", at(2026, 2, 26, 10, 0), weekend, "C13 fds = Sat+Sun across month end"),
	absent(
		"chu pas dispo en fds",
		at(2026, 11, 1, 14, 0),
		weekend,
		"C13 Sunday after 12:00 -> next weekend (DST day)",
	),
	absent(
		"fds je peux pas travailler", at(2026, 10, 31, 9, 0), weekend, "C13 sent Saturday: today+tomorrow"
	),
	absent("pas dispo cte fds", at(2027, 3, 14, 8, 0), weekend, "C13 Sunday before 12:00 -> today only"),
	absent(
		"off toute la fin de semaine",
		at(2026, 12, 31, 12, 0),
		weekend,
		"C13 fin de semaine spelled out, across year end",
	),
	# C14: de retour
	absent(
		"malade, de retour lundi",
		at(2026, 6, 17, 7, 30),
		lambda s: back_on_weekday(s, MON),
		"C14 de retour = until the day before",
	),
	absent(
		"chu en vac, de retour mardi",
		at(2026, 1, 9, 19, 0),
		lambda s: back_on_weekday(s, TUE),
		"C14 after 17:00 starts tomorrow",
	),
	absent(
		"en vacances, je reviens le 5",
		at(2026, 12, 30, 10, 0),
		lambda s: back_on_day(s, 5),
		"C14 je reviens le N, across year end",
	),
	absent(
		"chu malade, de retour lundi",
		at(2026, 1, 5, 6, 30),
		lambda s: back_on_weekday(s, MON),
		"C14 sent Monday: return is next Monday",
	),
	absent(
		"gastro, retour au travail jeudi",
		at(2026, 3, 31, 6, 0),
		lambda s: back_on_weekday(s, THU),
		"C14 retour au travail, across month end",
	),
	# C17: partial days
	absent("je pars à 14h", at(2026, 4, 30, 9, 0), default_day, "C17 leaving at 14h today", start=time(14)),
	absent(
		"rdv medecin de 9h a 11h",
		at(2026, 6, 15, 20, 0),
		default_day,
		"C17/C4 undated rdv after 17:00 -> tomorrow",
		start=time(9),
		end=time(11),
	),
	absent(
		"rdv dentiste demain 13h30 a 15h",
		at(2026, 11, 1, 19, 0),
		tomorrow,
		"C17 half hours",
		start=time(13, 30),
		end=time(15),
	),
	absent(
		"je dois partir a midi vendredi",
		at(2026, 9, 30, 11, 0),
		lambda s: next_weekday(s, FRI),
		"C17 midi = 12:00",
		start=NOON,
	),
	absent("je pars a 3h auj", at(2026, 6, 17, 8, 0), today, "C17 bare hour 3 = 15:00", start=time(15)),
	absent(
		"rdv de 1 a 3 jeudi",
		at(2026, 6, 23, 9, 30),
		lambda s: next_weekday(s, THU),
		"C17 bare hours 1..3 = 13:00..15:00",
		start=time(13),
		end=time(15),
	),
	absent(
		"pas la demain matin",
		at(2026, 2, 26, 16, 0),
		tomorrow,
		"C17/C18 matin = absence until 12:00, not late_start",
		end=NOON,
	),
	absent(
		"je finis a 15h30 auj, rdv ecole",
		at(2026, 1, 9, 7, 0),
		today,
		"C17 finishing = leaving",
		start=time(15, 30),
	),
	absent(
		"off en pm vendredi",
		at(2026, 3, 4, 9, 45),
		lambda s: next_weekday(s, FRI),
		"C17 pm = from 12:00",
		start=NOON,
	),
	absent(
		"faut que je parte a 2h30 demain pour l'ecole",
		at(2027, 3, 13, 21, 30),
		tomorrow,
		"C17 bare 2h30 = 14:30; DST eve",
		start=time(14, 30),
	),
	# C18: late start
	late(
		"je commence a 10h demain, rdv garage",
		at(2026, 12, 29, 18, 30),
		tomorrow,
		time(10),
		"C18 je commence a = late_start",
	),
	late(
		"j'arrive vers 11h lundi",
		at(2026, 5, 29, 16, 0),
		lambda s: next_weekday(s, MON),
		time(11),
		"C18 vers = keep the hour",
	),
	late(
		"rdv a 8h, je rentre pour 10h30",
		at(2026, 3, 2, 6, 0),
		default_day,
		time(10, 30),
		"C18 je rentre pour = arrival time",
	),
	late(
		"je vais rentrer juste a 13h demain",
		at(2026, 9, 30, 20, 15),
		tomorrow,
		time(13),
		"C18 arrival in the afternoon",
	),
	# C20: cancellations
	cancel(
		"finalement j'ai pas besoin de mon congé lundi",
		at(2026, 2, 26, 15, 0),
		lambda s: next_weekday(s, MON),
		"C20 finalement pas besoin",
	),
	cancel("annule mon off de demain", at(2026, 10, 31, 20, 0), tomorrow, "C20 annule"),
	cancel(
		"annule mes vacs du 28 au 2, je travaille",
		at(2026, 12, 14, 11, 0),
		lambda s: day_span(s, 28, 2),
		"C20 cancel a range across the year end",
	),
	cancel(
		"finalement je serai la demain",
		at(2026, 6, 15, 18, 0),
		tomorrow,
		"C20 presence + finalement = cancel",
	),
	cancel(
		"je rentre jeudi finalement, chu pu malade",
		at(2026, 12, 29, 12, 30),
		lambda s: next_weekday(s, THU),
		"C20 frees only the named day",
	),
	cancel(
		"oublie ca pour le 15, je travaille",
		at(2026, 6, 17, 17, 10),
		lambda s: day_number(s, 15),
		"C20 oublie ca + day number",
	),
	cancel(
		"mon rdv de vendredi est annulé, je suis dispo",
		at(2027, 3, 31, 8, 0),
		lambda s: next_weekday(s, FRI),
		"C20 annule + dispo",
	),
	cancel(
		"finalement je prends pas la semaine du 21",
		at(2026, 12, 14, 13, 0),
		lambda s: week_of(s, 21),
		"C20/C11 cancel a week",
	),
	cancel(
		"plus besoin du 10 decembre",
		at(2026, 11, 30, 19, 0),
		lambda s: month_day(s, 12, 10),
		"C20 plus besoin + month name",
	),
	# C22: nothing to record
	nothing("je suis en retard de 10 min sur le job", at(2026, 3, 4, 8, 10), "C22 minutes late on the job"),
	nothing("le client est pas la", at(2026, 6, 15, 13, 0), "C22 job talk"),
	nothing("ok merci", at(2026, 12, 28, 9, 0), "C22 chit-chat"),
	nothing("on est rendu au 3e poteau", at(2026, 10, 30, 11, 30), "C22 3e = pole ordinal"),
	nothing(
		"malade le chien du client a mordu mon boot",
		at(2026, 6, 23, 14, 0),
		"C22 malade = interjection; the boot was bitten, not the tech",
	),
	nothing("c'est quoi l'adresse demain?", at(2026, 1, 9, 17, 50), "C21/C22 work question"),
	nothing("le client veut un rdv lundi", at(2026, 11, 30, 10, 0), "C22 the client's rdv"),
	nothing("job fini, je m'en vais au prochain", at(2026, 4, 30, 14, 0), "C22 leaving for the next job"),
	nothing("le modem est malade lol", at(2026, 5, 29, 10, 0), "C22 malade about equipment"),
	nothing("bon matin, chu en route", at(2026, 2, 2, 7, 0), "C22 greeting"),
	nothing("j'ai fini le 31 rue Principale", at(2026, 12, 29, 15, 0), "C22 31 = civic number"),
	nothing("client absent, je reviens lundi", at(2026, 2, 26, 14, 0), "C22 back at the client's, not work"),
	nothing("merci bonne fds!", at(2026, 1, 30, 17, 0), "C22 fds in a greeting"),
	nothing("demain je commence a quelle heure?", at(2027, 3, 13, 19, 0), "C21/C22 schedule question"),
	nothing("je suis parti diner 30 min", at(2026, 9, 30, 12, 0), "C22 lunch break"),
	nothing(
		"le poteau est off, hydro doit venir demain",
		at(2026, 11, 20, 10, 30),
		"C22 off about power, demain about Hydro",
	),
	nothing("fini pour auj, bonne soiree", at(2026, 3, 6, 17, 30), "C22 normal end of day"),
]

# ---------------------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------------------

ENGLISH: list[Case] = [
	absent("sick today", at(2026, 1, 5, 5, 45), today, "C2 today", "en"),
	absent("Im sick, wont be in tmrw", at(2026, 2, 26, 20, 0), tomorrow, "C2 tmrw", "en"),
	absent("I'm out tomorrow", at(2026, 10, 30, 18, 30), tomorrow, "C19 idiom; Friday evening", "en"),
	absent("flu, off tdy", at(2026, 3, 31, 6, 0), today, "C2 tdy", "en"),
	absent(
		"can't come in today or tomorrow, kid has the flu",
		at(2026, 12, 30, 6, 30),
		today_or_tomorrow,
		"C2 today or tomorrow = two days",
		"en",
	),
	absent("pto tmr", at(2026, 12, 31, 15, 0), tomorrow, "C2 tmr; year end", "en"),
	absent(
		"taking a day off tomorrow",
		at(2027, 3, 13, 22, 0),
		tomorrow,
		"C1 DST eve, day off",
		"en",
	),
	absent(
		"day off monday", at(2026, 1, 31, 11, 0), lambda s: next_weekday(s, MON), "C5 sent Saturday", "en"
	),
	absent(
		"off monday",
		at(2026, 6, 15, 11, 0),
		lambda s: next_weekday(s, MON),
		"C5 same weekday before 12:00",
		"en",
	),
	absent("sick, wont make it in", at(2026, 9, 30, 6, 0), default_day, "C4 undated morning", "en"),
	absent(
		"out friday for a funeral",
		at(2026, 5, 29, 12, 0),
		lambda s: next_weekday(s, FRI),
		"C5 same weekday at exactly 12:00 -> next week",
		"en",
	),
	absent(
		"jury duty on the 12th", at(2026, 1, 5, 16, 0), lambda s: day_number(s, 12), "C19 jury duty", "en"
	),
	absent(
		"vacation from the 28th through the 2nd",
		at(2026, 12, 7, 8, 0),
		lambda s: day_span(s, 28, 2),
		"C8 ordinal range across year",
		"en",
	),
	absent("out the 3rd", at(2026, 6, 17, 9, 0), lambda s: day_number(s, 3), "C7 past -> next month", "en"),
	absent(
		"off on the 31st",
		at(2026, 4, 30, 13, 0),
		lambda s: day_number(s, 31),
		"C7 April has no 31st -> May",
		"en",
	),
	absent("dec 10 off", at(2026, 11, 30, 14, 0), lambda s: month_day(s, 12, 10), "C9 month first", "en"),
	absent(
		"off jan. 4th", at(2026, 12, 28, 10, 0), lambda s: month_day(s, 1, 4), "C9 jan. with period", "en"
	),
	absent(
		"vacation dec 24 to jan 3",
		at(2026, 12, 14, 7, 15),
		lambda s: month_span(s, 12, 24, 1, 3),
		"C9 month range across year",
		"en",
	),
	absent(
		"out March 1-5",
		at(2027, 2, 26, 7, 0),
		lambda s: month_span(s, 3, 1, 3, 5),
		"C9 month with dash range",
		"en",
	),
	absent(
		"on vacation the week of the 28th",
		at(2026, 12, 14, 12, 0),
		lambda s: week_of(s, 28),
		"C11 Monday Dec 28 week across year",
		"en",
	),
	absent(
		"week of the 21st off",
		at(2026, 6, 15, 12, 40),
		lambda s: week_of(s, 21),
		"C11 Sunday 21st -> following Mon..Fri",
		"en",
	),
	absent(
		"vacation the week of dec 21",
		at(2026, 11, 20, 12, 0),
		lambda s: week_of_month_day(s, 12, 21),
		"C11 with month name",
		"en",
	),
	absent("off next week", at(2026, 10, 31, 10, 0), next_week, "C12 sent Saturday", "en"),
	absent(
		"off the rest of the week",
		at(2026, 2, 26, 19, 0),
		rest_of_week,
		"C12 after 17:00 Thursday -> Friday only",
		"en",
	),
	absent("off this weekend", at(2026, 1, 9, 17, 45), weekend, "C13 Friday evening", "en"),
	absent(
		"sick, back on Monday",
		at(2026, 12, 31, 7, 0),
		lambda s: back_on_weekday(s, MON),
		"C14 across year end, weekend included",
		"en",
	),
	absent(
		"on vacation, back on the 5th",
		at(2026, 12, 28, 18, 0),
		lambda s: back_on_day(s, 5),
		"C14 after 17:00 starts tomorrow",
		"en",
	),
	absent(
		"out till thursday, back friday",
		at(2026, 6, 15, 6, 0),
		lambda s: back_on_weekday(s, FRI),
		"C14 back wins over till",
		"en",
	),
	absent(
		"knee surgery on the 9th, back on the 16th",
		at(2026, 11, 30, 11, 0),
		lambda s: back_on_day(s, 16, day_number(s, 9)),
		"C14 explicit start + back on",
		"en",
	),
	absent("covid, isolating 5 days", at(2026, 6, 23, 7, 0), lambda s: for_days(s, 5), "C15 N days", "en"),
	absent(
		"off for 2 days starting monday",
		at(2026, 1, 30, 12, 30),
		lambda s: for_days(s, 2, next_weekday(s, MON)),
		"C15 N days from a weekday",
		"en",
	),
	absent("kid's sick, staying home", at(2026, 1, 30, 6, 15), default_day, "C4 idiom, undated", "en"),
	absent("out sick tdy", at(2026, 11, 1, 7, 0), today, "C1 fall-back day", "en"),
	absent(
		"off wed thru fri",
		at(2026, 3, 2, 10, 0),
		lambda s: weekday_span(s, WED, FRI),
		"C6 abbreviated weekday range",
		"en",
	),
	absent("vacation mon-fri next week", at(2026, 6, 17, 16, 30), next_week, "C12 next week", "en"),
	absent(
		"moving on the 1st, need the day",
		at(2026, 6, 15, 9, 0),
		lambda s: day_number(s, 1),
		"C19 moving; C7 1st next month",
		"en",
	),
	absent(
		"wedding sat, can't work",
		at(2026, 4, 30, 8, 0),
		lambda s: next_weekday(s, SAT),
		"C19 wedding; sat abbreviation",
		"en",
	),
	absent(
		"won't be in sunday",
		at(2027, 3, 14, 12, 30),
		lambda s: next_weekday(s, SUN),
		"C5 same weekday after 12:00 on DST day",
		"en",
	),
	absent("sick as a dog, not coming in", at(2026, 12, 31, 5, 30), default_day, "C4 idiom, 05:30", "en"),
	absent(
		"I'm off the 2nd to the 4th",
		at(2026, 1, 31, 15, 0),
		lambda s: day_span(s, 2, 4),
		"C8 ordinal range next month",
		"en",
	),
	absent(
		"vacay jan 2-10",
		at(2026, 12, 29, 10, 30),
		lambda s: month_span(s, 1, 2, 1, 10),
		"C9/C24 vacay, next year",
		"en",
	),
	absent("out tmrw, flu", at(2026, 5, 31, 22, 30), tomorrow, "C2 across month end", "en"),
	absent(
		"out mon, tue",
		at(2026, 11, 20, 16, 0),
		lambda s: weekday_span(s, MON, TUE),
		"C6 consecutive list",
		"en",
	),
	absent(
		"off thursday the 31st",
		at(2026, 12, 14, 10, 0),
		lambda s: day_number(s, 31),
		"C10 weekday and number agree",
		"en",
	),
	absent(
		"I wont be in on wendsday",
		at(2026, 9, 28, 21, 0),
		lambda s: next_weekday(s, WED),
		"C5 wendsday typo",
		"en",
	),
	absent("calling in sick", at(2027, 1, 4, 6, 0), default_day, "C4 idiom, undated", "en"),
	absent(
		"taking pto friday",
		at(2027, 2, 26, 6, 30),
		lambda s: next_weekday(s, FRI),
		"C5 same weekday before 12:00 -> today",
		"en",
	),
	absent(
		"out next monday",
		at(2026, 12, 28, 13, 0),
		lambda s: next_weekday(s, MON),
		"C5 next = bare weekday; Monday afternoon",
		"en",
	),
	absent("sick day tomorow", at(2026, 3, 6, 21, 0), tomorrow, "C2 tomorow typo; Friday night", "en"),
	absent(
		"off from the 30th to the 4th",
		at(2026, 4, 30, 17, 30),
		lambda s: day_span(s, 30, 4),
		"C8 range starting today",
		"en",
	),
	# C17 / C18: partial days
	absent(
		"leaving at 2pm tomorrow",
		at(2026, 3, 4, 20, 0),
		tomorrow,
		"C17 leaving at 2pm",
		"en",
		start=time(14),
	),
	absent(
		"dentist appt 9-11 thursday",
		at(2026, 12, 29, 8, 0),
		lambda s: next_weekday(s, THU),
		"C17 bare 9-11 = morning",
		"en",
		start=time(9),
		end=time(11),
	),
	absent(
		"doc appt tomorrow, leaving at 1:30",
		at(2026, 6, 17, 18, 45),
		tomorrow,
		"C17 bare 1:30 = 13:30",
		"en",
		start=time(13, 30),
	),
	absent(
		"gotta leave at noon fri",
		at(2026, 10, 30, 7, 30),
		lambda s: next_weekday(s, FRI),
		"C5/C17 same weekday before 12:00, noon",
		"en",
		start=NOON,
	),
	absent(
		"off tomorrow morning",
		at(2026, 5, 29, 15, 0),
		tomorrow,
		"C17 morning = until 12:00",
		"en",
		end=NOON,
	),
	absent(
		"off tmr afternoon",
		at(2026, 1, 5, 19, 30),
		tomorrow,
		"C17 afternoon = from 12:00",
		"en",
		start=NOON,
	),
	late(
		"in late Monday, till 10",
		at(2026, 10, 31, 12, 0),
		lambda s: next_weekday(s, MON),
		time(10),
		"C18 in late till 10",
		"en",
	),
	late(
		"starting at 11 tomorrow, car at the garage",
		at(2026, 3, 1, 20, 0),
		tomorrow,
		time(11),
		"C18 starting at",
		"en",
	),
	late(
		"won't be in until 9:30 tmrw",
		at(2026, 11, 30, 21, 0),
		tomorrow,
		time(9, 30),
		"C18 until a time = arrival",
		"en",
	),
	late(
		"be in around noon on the 2nd",
		at(2026, 1, 30, 10, 0),
		lambda s: day_number(s, 2),
		NOON,
		"C18 around noon; C7 next month",
		"en",
	),
	# C20: cancellations
	cancel(
		"back early from my trip, I can work Thursday",
		at(2026, 1, 5, 20, 0),
		lambda s: next_weekday(s, THU),
		"C20 presence statement frees Thursday only",
		"en",
	),
	cancel(
		"cancel my pto for friday",
		at(2026, 6, 17, 10, 0),
		lambda s: next_weekday(s, FRI),
		"C20 cancel",
		"en",
	),
	cancel(
		"nvm about tomorrow, I'll be in",
		at(2026, 11, 1, 21, 0),
		tomorrow,
		"C20 nvm + I'll be in",
		"en",
	),
	cancel(
		"feeling better, I'll be in tomorrow after all",
		at(2026, 3, 4, 17, 30),
		tomorrow,
		"C20 after all",
		"en",
	),
	cancel(
		"dont need the 31st off anymore",
		at(2026, 12, 14, 14, 45),
		lambda s: day_number(s, 31),
		"C20 dont need anymore",
		"en",
	),
	cancel(
		"trip got cancelled, I can work the week of the 28th",
		at(2026, 12, 1, 13, 0),
		lambda s: week_of(s, 28),
		"C20/C11 cancel a week across year",
		"en",
	),
	cancel(
		"I can work monday after all",
		at(2026, 5, 31, 11, 0),
		lambda s: next_weekday(s, MON),
		"C20 sent Sunday",
		"en",
	),
	# C22: nothing
	nothing("running 10 min late to the job", at(2026, 3, 2, 8, 5), "C22 minutes late", "en"),
	nothing("customer not home", at(2026, 6, 15, 14, 30), "C22 job talk", "en"),
	nothing("ok thx", at(2026, 12, 31, 10, 0), "C22 chit-chat", "en"),
	nothing("done at 123 main, heading to the next one", at(2026, 1, 9, 15, 0), "C22 address", "en"),
	nothing("what time do i start tomorrow?", at(2026, 10, 30, 20, 0), "C21/C22 schedule question", "en"),
	nothing("customer wants to reschedule to monday", at(2026, 4, 30, 11, 0), "C22 client's date", "en"),
	nothing("im sick of this rain lol", at(2026, 9, 30, 14, 0), "C22 sick of = interjection", "en"),
	nothing("the 3rd drop is done", at(2026, 2, 26, 11, 0), "C22 3rd = drop ordinal", "en"),
	nothing("have a good weekend!", at(2026, 5, 29, 17, 5), "C22 weekend greeting", "en"),
	nothing("taking lunch now, back in 30", at(2027, 3, 31, 12, 0), "C22 back from lunch", "en"),
	nothing("power is off on the whole street", at(2026, 11, 20, 9, 0), "C22 off about power", "en"),
]

# ---------------------------------------------------------------------------------------------------
# Mixed French / English
# ---------------------------------------------------------------------------------------------------

MIXED: list[Case] = [
	absent("chu sick demain", at(2026, 3, 31, 20, 0), tomorrow, "C25 sick + demain", "mixed"),
	absent("off tomorrow pcq rdv", at(2026, 11, 30, 17, 30), tomorrow, "C24 pcq; tomorrow", "mixed"),
	absent(
		"day off vendredi",
		at(2026, 12, 30, 12, 0),
		lambda s: next_weekday(s, FRI),
		"C5 vendredi = Jan 1 next year",
		"mixed",
	),
	absent("flu, pas la today", at(2026, 1, 5, 7, 0), today, "C2 today", "mixed"),
	absent(
		"vacation du 28 au 2",
		at(2026, 12, 28, 7, 0),
		lambda s: day_span(s, 28, 2),
		"C8 range starting today across year",
		"mixed",
	),
	absent(
		"sick pis back lundi",
		at(2026, 5, 29, 7, 0),
		lambda s: back_on_weekday(s, MON),
		"C14 back lundi, weekend included",
		"mixed",
	),
	absent(
		"je suis out le 31",
		at(2026, 12, 29, 17, 0),
		lambda s: day_number(s, 31),
		"C7 day number (not today) at 17:00",
		"mixed",
	),
	absent(
		"pto la semaine du 21",
		at(2026, 9, 2, 10, 0),
		lambda s: week_of(s, 21),
		"C11 pto week",
		"mixed",
	),
	absent(
		"leaving a 2h demain, rdv doctor",
		at(2026, 6, 23, 19, 0),
		tomorrow,
		"C17 bare 2h = 14:00",
		"mixed",
		start=time(14),
	),
	absent("gastro, off today", at(2026, 4, 30, 5, 35), today, "C2 today", "mixed"),
	absent("chu off tmrw", at(2026, 6, 17, 22, 0), tomorrow, "C2 tmrw; C24 chu", "mixed"),
	absent(
		"vacs dec 24 to jan 3",
		at(2026, 12, 18, 9, 0),
		lambda s: month_span(s, 12, 24, 1, 3),
		"C9 across year",
		"mixed",
	),
	absent("off next week, vacances", at(2026, 3, 6, 18, 0), next_week, "C12 Friday evening", "mixed"),
	absent(
		"je prends un day off le 15",
		at(2026, 1, 9, 10, 0),
		lambda s: day_number(s, 15),
		"C7 day off + day number",
		"mixed",
	),
	absent("out la fds", at(2026, 5, 29, 8, 0), weekend, "C13 sent Friday", "mixed"),
	absent(
		"rdv dentist jeudi de 9h to 11h",
		at(2026, 11, 20, 15, 0),
		lambda s: next_weekday(s, THU),
		"C17 mixed time range",
		"mixed",
		start=time(9),
		end=time(11),
	),
	absent(
		"covid, je reviens monday",
		at(2026, 9, 30, 7, 0),
		lambda s: back_on_weekday(s, MON),
		"C14 across month end",
		"mixed",
	),
	absent(
		"booked off du 3 au 7 janv",
		at(2026, 12, 14, 18, 0),
		lambda s: month_span(s, 1, 3, 1, 7),
		"C9 next year",
		"mixed",
	),
	absent("flu, chu pas la dmain", at(2027, 3, 14, 21, 0), tomorrow, "C1 DST day evening", "mixed"),
	absent(
		"sick, je rentre pas auj pis dem",
		at(2026, 10, 31, 6, 0),
		today_or_tomorrow,
		"C2 auj pis dem across month end",
		"mixed",
	),
	absent(
		"off le 1er, moving day",
		at(2026, 6, 23, 8, 0),
		lambda s: day_number(s, 1),
		"C7/C19 moving day",
		"mixed",
	),
	absent(
		"chu off mon-tue",
		at(2026, 2, 28, 12, 0),
		lambda s: weekday_span(s, MON, TUE),
		"C6 sent Saturday across month end",
		"mixed",
	),
	late(
		"in late demain, till 10",
		at(2026, 2, 26, 22, 0),
		tomorrow,
		time(10),
		"C18 in late",
		"mixed",
	),
	cancel(
		"cancel mon off de vendredi",
		at(2026, 10, 30, 8, 0),
		lambda s: next_weekday(s, FRI),
		"C20/C5 Friday morning -> today",
		"mixed",
	),
	cancel(
		"finalement I can work lundi",
		at(2026, 12, 28, 19, 0),
		lambda s: next_weekday(s, MON),
		"C20/C5 Monday evening -> next Monday",
		"mixed",
	),
	nothing("ok merci, see you tomorrow", at(2026, 6, 15, 16, 0), "C22 chit-chat", "mixed"),
	nothing("le customer est pas home", at(2026, 12, 29, 11, 0), "C22 job talk", "mixed"),
	nothing("job done, je m'en vais au next", at(2027, 3, 31, 15, 0), "C22 next job", "mixed"),
]

CASES: list[Case] = FRENCH + ENGLISH + MIXED

# ---------------------------------------------------------------------------------------------------
# AMBIGUOUS: the parser must record nothing and ask OUI/YES.
# ---------------------------------------------------------------------------------------------------

AMBIGUOUS: list[Case] = [
	ask("je peux-tu prendre congé le 31?", at(2026, 12, 14, 10, 0), "C21 question"),
	ask("can I take friday off?", at(2026, 6, 17, 9, 0), "C21 question", "en"),
	ask("conge lundi?", at(2026, 1, 30, 16, 0), "C21 statement with a question mark"),
	ask("pas demain finalement", at(2026, 10, 30, 19, 0), "C20 absence or cancellation?"),
	ask("not tomorrow after all", at(2026, 3, 4, 18, 0), "C20 absence or cancellation?", "en"),
	ask("off lundi ou mardi", at(2026, 11, 20, 12, 0), "C2 X ou Y other than auj ou demain"),
	ask("sick monday or tuesday, not sure yet", at(2026, 3, 6, 16, 0), "C2 X or Y", "en"),
	ask("chu malade, pas la demain", at(2026, 11, 2, 0, 40), "C3 demain after midnight"),
	ask("out tomorrow", at(2027, 1, 1, 1, 15), "C3 tomorrow after midnight, new year", "en"),
	ask("csst a partir de demain", at(2026, 9, 30, 15, 0), "C23 unknown abbreviation"),
	ask("ooo fri", at(2026, 6, 15, 8, 30), "C23 unknown abbreviation", "en"),
	ask("rtt vendredi", at(2026, 3, 2, 9, 0), "C23 unknown abbreviation (not used in Quebec)"),
	ask("off demain, non attends, mercredi", at(2026, 3, 31, 19, 0), "C23 self-correction"),
	ask("chu off demain pis je serai la demain matin", at(2026, 1, 8, 18, 0), "C23 contradiction"),
	ask("off monday, actually I'll be in monday", at(2026, 5, 29, 14, 0), "C23 contradiction", "en"),
	ask("off till wed", at(2026, 1, 5, 12, 30), "C23 till: inclusive or return day?", "en"),
	ask("off jusqu'a mercredi", at(2026, 6, 17, 7, 0), "C23 jusqu'a: inclusive or return day?"),
	ask("next weekend off", at(2026, 1, 8, 14, 0), "C23 next weekend sent Thursday", "en"),
	ask("taking friday and monday off", at(2026, 9, 30, 13, 0), "C6 non-consecutive days", "en"),
	ask("off le 3 pis le 10", at(2026, 11, 20, 8, 0), "C6 non-consecutive days"),
	ask("malade, le chien m'a mordu", at(2026, 6, 23, 14, 10), "C23 injury, no absence statement"),
	ask("mon helper est malade auj", at(2026, 1, 9, 6, 30), "C23 third party"),
	ask("je vais commencer plus tard demain", at(2026, 2, 26, 20, 30), "C18 late start without a time"),
	ask("running late tmrw morning", at(2026, 4, 30, 19, 0), "C18 late start without a time", "en"),
	ask("pas sur de rentrer demain", at(2026, 4, 30, 21, 0), "C23 uncertainty"),
	ask("might be out tomorrow, will let you know", at(2026, 10, 31, 17, 0), "C23 uncertainty", "en"),
	ask(
		"sick today, pis demain aussi probablement",
		at(2026, 12, 30, 6, 0),
		"C23 second day uncertain",
		"mixed",
	),
	ask("je vais etre off 2-3 jours", at(2026, 1, 5, 7, 10), "C23 uncertain duration"),
	ask("off pour la st-jean", at(2026, 6, 15, 12, 0), "C23 named holiday, no date"),
	ask("off for thanksgiving", at(2026, 9, 30, 11, 0), "C23 named holiday, no date", "en"),
	ask("chu pas la le 31", at(2026, 12, 31, 20, 0), "C7 day number == today after 17:00"),
	ask("off the 30th", at(2026, 11, 30, 18, 30), "C7 day number == today after 17:00", "en"),
	ask("j'ai un rdv demain", at(2026, 3, 6, 16, 0), "C19 bare rdv: part or whole day?"),
	ask("dentist appt tomorrow", at(2026, 5, 31, 19, 0), "C19 bare appointment", "en"),
	ask("rdv medical le 30", at(2027, 2, 26, 9, 0), "C19 bare rdv with a day number"),
	ask("off vendredi le 18", at(2026, 6, 15, 7, 50), "C10 Friday is the 19th: mismatch"),
	ask("off lundi pis vacances du 20 au 24", at(2026, 6, 17, 20, 0), "C23 two separate absences"),
	ask("vac du 28 au 2", at(2026, 12, 29, 9, 0), "C8 ongoing range or next month?"),
	ask("off the 30th to the 3rd", at(2026, 5, 1, 10, 0), "C8 range begun last month still running", "en"),
	ask("shift swap avec Marc jeudi", at(2027, 3, 31, 10, 0), "C23 swap, not an absence", "mixed"),
]


# ---------------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------------

# Wall-clock times that do not exist (spring forward) or exist twice (fall back) in America/Toronto.
_DST_HOLES = (
	(at(2027, 3, 14, 2, 0), at(2027, 3, 14, 3, 0)),
	(at(2026, 11, 1, 1, 0), at(2026, 11, 1, 2, 0)),
)


def _check_case(case: Case) -> None:
	where = f"{case.text!r} @ {case.sent}"
	assert isinstance(case.text, str) and case.text.strip() == case.text and case.text, where
	assert type(case.sent) is datetime and case.sent.tzinfo is None, where
	assert not any(lo <= case.sent < hi for lo, hi in _DST_HOLES), f"DST gap/fold: {where}"
	assert case.action in ACTIONS, where
	assert case.lang in LANGS, where
	assert case.note.strip(), f"missing note: {where}"
	if case.action in ("none", "confirm"):
		assert case.first is None and case.last is None, where
		assert case.start is None and case.end is None, where
		return
	assert type(case.first) is date and type(case.last) is date, where
	assert case.first <= case.last, where
	if case.start is not None or case.end is not None:
		assert case.first == case.last, f"partial day on a range: {where}"
	if case.start is not None and case.end is not None:
		assert case.start < case.end, where
	if case.action == "late_start":
		assert case.start is None and case.end is not None, where
	if case.action == "cancel":
		assert case.start is None and case.end is None, where


def _self_check() -> None:
	for case in CASES + AMBIGUOUS:
		_check_case(case)
	assert all(c.action != "confirm" for c in CASES), "confirm belongs in AMBIGUOUS"
	assert all(c.action == "confirm" for c in AMBIGUOUS), "AMBIGUOUS must be confirm only"
	keys = [(c.text, c.sent) for c in CASES + AMBIGUOUS]
	dupes = sorted({k for k in keys if keys.count(k) > 1}, key=str)
	assert not dupes, f"duplicate (text, sent): {dupes}"
	assert len(CASES) >= 160, len(CASES)
	assert len(AMBIGUOUS) >= 25, len(AMBIGUOUS)
	for c in CASES:
		assert time(5, 30) <= c.sent.time() <= time(23, 0), f"sent outside 05:30..23:00: {c.text!r}"
	# calendar coverage asked for by the brief
	sents = [c.sent for c in CASES]
	assert {s.weekday() for s in sents} == set(range(7)), "every weekday"
	assert any(s.weekday() == FRI and s.time() >= EVENING for s in sents), "a Friday evening"
	assert {28, 29, 30, 31} <= {s.day for s in sents if s.month == 12}, "Dec 28-31"
	assert any(c.first and c.last and c.first.year < c.last.year for c in CASES), "range across year end"
	assert any((s + ONE_DAY).day == 1 for s in sents), "last day of a month"
	assert {date(2027, 3, 14), date(2026, 11, 1)} <= {s.date() for s in sents}, "DST days"
	assert min(s.time() for s in sents) == time(5, 30) and max(s.time() for s in sents) == time(23, 0)

	def counts(cases, attr, order):
		return {k: sum(1 for c in cases if getattr(c, attr) == k) for k in order}

	print(f"CASES: {len(CASES)}")
	print("  by action:", counts(CASES, "action", ACTIONS[:4]))
	print("  by lang:  ", counts(CASES, "lang", LANGS))
	print(f"AMBIGUOUS: {len(AMBIGUOUS)}")
	print("  by lang:  ", counts(AMBIGUOUS, "lang", LANGS))
	print("self-check OK")


if __name__ == "__main__":
	_self_check()
