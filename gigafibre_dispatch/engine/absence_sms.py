"""Absence SMS read by rules (French and English): the fallback when no language model answers.

A technician texts the dispatch number ("malade aujourd'hui", "vacances du 3 au 5 mars", "sick until
Friday", "de retour"); `parse_absence_message` turns the text into an `AbsenceIntent`, or None when it is
not understood (the shell then answers politely and changes nothing). Pure Python: no frappe, stdlib only.

Reading, step by step: accents, case, punctuation and emojis are folded away and a trailing signature
("… Marc", "- Marc Tremblay") is dropped; the reason comes from keywords; times ("jusqu'à 10h",
"de 8h à 12h", "matin", "pm") and dates are found, and the date expressions are combined into one range.

Decisions where texts are ambiguous:
- Weekday names (lundi…dimanche, monday…sunday; abbreviations lun/mar/…/dim in French texts, mon/tue/…/sun
  in English ones, the abbreviations only next to a day number or after a word such as "du", "until",
  "absent") mean the next such day strictly after today. Only "ce"/"cette"/"this" before today's weekday
  name means today. "lundi prochain"/"next monday" is the same as "lundi" (the coming Monday). After
  "depuis"/"since" a weekday is the last one, today included.
- Numeric dates are day/month ("12/03" is 12 March), as Québec French texts write them, in English texts
  too; English month names are read either way round ("March 3", "3 March").
- A date with a month and no year is this year's, unless that is more than 30 days in the past: then it
  is next year's (in December "du 3 au 5 janvier" is next January). A day number alone ("le 12",
  "du 23 au 27") is in the current month, or the next one when that day has passed.
- "jusqu'à …"/"until …" runs from today to that date inclusive, "depuis …"/"since …" from that date to
  today; "pour 3 jours"/"for 3 days" from the start date (today by default) for that many days;
  "cette semaine"/"this week" is today to Friday (to Sunday at the weekend); "la semaine prochaine"/
  "next week" is next Monday to Friday.
- No date at all: today. Two dates joined by "et"/"and" make one range only when they are consecutive
  days (or after "entre"/"between"); two unrelated dates, or a range that ends before it starts, are not
  understood.
- A return with no absence reason ("de retour", "I'm back", "back to work tomorrow", "de retour lundi")
  clears the absence now: the clear action carries no date. A reason with a return date ("malade, de
  retour lundi") sets the absence until the day before the return; "back from vacation" is a return.
- Negated availability ("pas disponible demain", "can't come in", "je rentre pas") is an absence
  ("Absent"); an absent customer ("client absent") is not the technician's absence.
- "matin"/"morning"/"am"/"avant-midi" alone mean until noon (end 12:00); "après-midi"/"afternoon"/"pm"
  from noon (start 12:00); both together mean the whole day. Explicit hours win over those words. A start
  time applies to the first day and an end time to the last day; a point in time ("rdv à 10h") sets none.
  One day that ends before it starts ("de 14h à 10h") is not understood.
- With several reasons, the most specific wins: Malade, Rendez-vous, Formation, Vacances, Congé, Absent.
- A cancel ("annuler mon absence", "j'annule mon congé", "cancel my sick day", "je ne suis plus malade",
  "finalement je rentre demain", "never mind, I'll be in tomorrow", "I'm coming in after all") is the action
  "cancel"; its from_date is the first day the technician is back at work (None: today). "annule mon absence
  de demain" and "finalement je rentre demain" both mean "no absence from tomorrow on": the shell
  (`cancel_absence`) clears an absence that starts that day or later, shortens a running one to end the day
  before, and changes nothing when none is declared. The words for coming in ("je rentre", "I'll be in")
  are a cancel only next to a change of plan ("finalement", "never mind", "after all", "actually"). A cancel
  of something that is not an absence ("annulez la job de demain", "annule mon rdv") is not understood, a
  negated one ("je ne peux pas annuler mon rendez-vous, je serai absent demain") is read without it, a cancel
  that also names a reason ("annule mes vacances, je suis malade") is not understood, and a cancel dated in
  the past is not understood.
- A cleared or cancelled absence has reason "" (as the language-model reader returns it). The language is
  "en" when English words outnumber French ones, else "fr".
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True, slots=True)
class AbsenceIntent:
	action: str  # "set" (start or change an absence) | "clear" (back at work) | "cancel" (see cancel_absence)
	reason: str  # French label: Malade, Vacances, Formation, Rendez-vous, Congé, Absent ("" otherwise)
	from_date: date | None = None  # None for clear; for cancel the first day back (None: today)
	until_date: date | None = None  # inclusive; None for clear
	start_time: time | None = None  # on from_date
	end_time: time | None = None  # on until_date
	language: str = "fr"  # "fr" | "en"


NOON = time(12, 0)
MAX_SPAN_DAYS = 366

MONTHS = {
	"janvier": 1, "janv": 1, "january": 1, "jan": 1,
	"fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
	"mars": 3, "march": 3,
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
MONTHS_EN = {**MONTHS, "mar": 3}  # "mar" is mardi in French texts, March in English ones
WEEKDAYS = {
	"lundi": 0, "monday": 0,
	"mardi": 1, "tuesday": 1, "tuseday": 1, "tueday": 1,
	"mercredi": 2, "mecredi": 2, "wednesday": 2, "wendsday": 2, "wensday": 2, "wednsday": 2, "wedensday": 2,
	"jeudi": 3, "thursday": 3, "thurday": 3, "thrusday": 3, "thursay": 3,
	"vendredi": 4, "friday": 4,
	"samedi": 5, "saturday": 5,
	"dimanche": 6, "sunday": 6,
}  # fmt: skip
WEEKDAY_ABBR = {
	"fr": {"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6},
	"en": {
		"mon": 0,
		"tue": 1,
		"tues": 1,
		"wed": 2,
		"thu": 3,
		"thur": 3,
		"thurs": 3,
		"fri": 4,
		"sat": 5,
		"sun": 6,
	},
}
NUMBERS = {
	"un": 1, "une": 1, "a": 1, "an": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3,
	"quatre": 4, "four": 4, "cinq": 5, "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8,
	"neuf": 9, "nine": 9, "dix": 10, "ten": 10,
}  # fmt: skip

ENGLISH_WORDS = frozenset(
	"i sick ill today tomorrow tmrw back until till from the this next week for days day vacation holiday "
	"holidays training appointment doctor dentist morning afternoon work available again and will be not can "
	"won feeling flu fever my have hi hello hey thanks thank you please monday tuesday wednesday thursday "
	"friday saturday sunday january february march april june july august september october november "
	"december is to of at in going sorry leave unavailable coming off cancel never mind after all actually "
	"anymore longer".split()
)
FRENCH_WORDS = frozenset(
	"je j suis malade aujourd aujourdhui hui auj ajd demain du au le la les de des jusqu jusqua jusquau "
	"vacances vacance conge conges formation rendez vous rdv medecin matin apres midi semaine prochaine "
	"prochain cette ce cet retour bonjour merci lundi mardi mercredi jeudi vendredi samedi dimanche janvier "
	"fevrier mars avril mai juin juillet aout septembre octobre novembre decembre pour jours jour journee et "
	"serai svp grippe fievre disponible absente pas ne mon ma mes chez dentiste travail salut allo bonne "
	"a en "
	"un une avec annuler annule annulez finalement rentre plus absence".split()
)


def _alt(words: Iterable[str]) -> str:
	return "|".join(sorted(words, key=len, reverse=True))


# --- text folding ---------------------------------------------------------------------------------

_SEGMENT = re.compile(r"[^\n.!?,;]+")
_SIGNATURE = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]*\.?)?")
_KNOWN = re.compile(
	r"\b(?:"
	+ _alt(WEEKDAYS)
	+ r"|aujourd|auj|today|demain|tomorrow|malade|sick|absente?|vacances?|vacation|holidays?|formation"
	r"|training|conge|off|rdv|retour|back|disponible|available|grippe|medecin|doctor|appointment)\b"
)


def _fold(text: str) -> str:
	"""Lower case, no accents, apostrophes as spaces; only letters, digits, "/", ":", "-"; single spaces."""
	text = unicodedata.normalize("NFKD", text)
	text = "".join(c for c in text if not unicodedata.combining(c)).lower()
	text = re.sub(r"[‐‑‒–—−]", "-", text)
	text = re.sub(r"[^a-z0-9/:\-]+", " ", text)
	return re.sub(r"\s+", " ", text).strip()


def _strip_signature(text: str) -> str:
	"""Drop a last segment of one or two capitalized words that is neither a date nor a keyword ("… Marc")."""
	segments = [m for m in _SEGMENT.finditer(text) if m.group().strip()]
	if len(segments) < 2:
		return text
	last = segments[-1]
	words = last.group().strip().lstrip("-–—~ ").strip()
	if _SIGNATURE.fullmatch(words) and not _KNOWN.search(_fold(words)):
		return text[: last.start()]
	return text


def _language(folded: str) -> str:
	words = folded.split()
	english = sum(w in ENGLISH_WORDS for w in words)
	french = sum(w in FRENCH_WORDS for w in words)
	return "en" if english > french else "fr"


# --- rewrites: negations, absent customers, ranges sharing one month ------------------------------

_ARRIVAL = r"(?P<h>[0-2]?\d)(?::(?P<mi>\d{2}))?(?:\s*(?P<ap>am|pm))?\b"


def _arrival(m: re.Match) -> str:
	"""An arrival hour as the reader's clock ("10" and "10am": 10h; "2pm" and a bare 1 to 6: the afternoon)."""
	hour = int(m["h"])
	if m["ap"] == "pm" and hour < 12 or not m["ap"] and 1 <= hour <= 6:
		hour += 12
	return f"{hour}h{m['mi'] or ''}"


# What technicians write for what the reader knows, one rewrite a row: joual "pis" for "et"; "today or
# tomorrow" (not sure which) for both days.
REWRITES = (
	# not the technician (C22): "sick of this rain", "le modem est malade", "power is off on the street"
	(re.compile(r"\bsick\s+(?:and\s+tired\s+)?of\b"), " "),
	(
		re.compile(
			r"\b(?:modem|routeur|router|borne|ont|chien|dog|camion|truck|char|van|laptop|tablette|cell|phone"
			r"|power|courant|electricite|internet|signal|lights?|breaker|disjoncteur)s?\s+(?:est|is|are|sont|was"
			r"|etait)?\s*(?:malade|sick|off)\b"
		),
		" ",
	),
	(re.compile(r"\bpis\b"), "et"),
	# short forms (C24): "vac"/"vacs"/"vacay" ("fds" and "weekend" need the send time: `_weekend`)
	(re.compile(r"\bvac(?:s|ay|ances)?\b"), "vacances"),
	# English ordinals: "from the 9th through the 11th" reads as "from 9 through 11"
	(re.compile(r"\b(from|through|thru|to|until|till|til)\s+the\s+(?=\d)"), r"\1 "),
	(re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)\b"), r"\1"),
	# a planned late start (C18) is an absence until the arrival time: "je commence a 10h demain", "in late
	# monday, till 10", "won't be in until 9:30"
	(
		re.compile(
			r"\b(?:je\s+|j\s+)?(?:commence(?:rai)?|arrive(?:rai)?|rentre(?:rai)?)\s+(?:seulement\s+|juste\s+)?"
			r"(?:vers\s+|a\s+|pour\s+)(?=\d{1,2}\s*(?:h|:))"
		),
		"absent jusqu a ",
	),
	(
		re.compile(
			r"\b(?:i\s+ll\s+be\s+|be\s+|i\s+m\s+|im\s+|coming\s+)?in\s+late\b(?P<rest>.*?)"
			r"\b(?:till|until|til|at|around|by)\s+" + _ARRIVAL
		),
		lambda m: f"absent{m['rest']} jusqu a {_arrival(m)}",
	),
	(
		re.compile(r"\b(?:won\s+t|wont|will\s+not)\s+be\s+in\s+(?:until|till|til|before)\s+" + _ARRIVAL),
		lambda m: f"absent jusqu a {_arrival(m)}",
	),
	(
		re.compile(
			r"\b(aujourd\s+hui|aujourdhui|auj|ajd|today)\s+(?:ou|or)\s+(demain|dem|dmain|tomorrow|tmrw|tmr)\b"
		),
		r"\1 et \2",
	),
)
_NOT_HERE = re.compile(
	r"\b(?:le\s+|la\s+|les\s+|the\s+)?(?:clients?|clientes?|customers?|locataires?|proprio|proprietaire"
	r"|occupant"
	r"|monsieur|madame|mme|nobody|no\s+one|noone)\s+(?:est\s+|etait\s+|sont\s+|is\s+|was\s+|are\s+)?"
	r"(?:absente?s?|absence|pas\s+la|not\s+home|not\s+there)\b|\babsence\s+du\s+client\b"
)
_NEGATED = re.compile(
	r"\b(?:pas|non|not|un|in)[\s-]?(?:disponibles?|dispo|available)\b"
	r"|\b(?:je\s+|j\s+)?(?:ne\s+|n\s+)?(?:rentre|rentrerai|viens|viendrai|travaille|travaillerai)\s+pas\b"
	r"|\b(?:je\s+|j\s+)?(?:ne\s+|n\s+)?(?:peux|pourrai|pourrais|vais|serai|suis)\s+pas\s+(?:capable\s+de\s+)?"
	r"(?:rentrer|venir|travailler|entrer|etre\s+la|etre\s+present|la|present|au\s+travail)\b"
	r"|\b(?:won\s+t|wont|will\s+not|can\s+t|cant|cannot|can\s+not|not\s+able\s+to|unable\s+to"
	r"|not\s+going\s+to"
	r"|not\s+gonna)\s+(?:be\s+)?(?:come|coming|make\s+it|work|working|in|at\s+work|there|able\s+to\s+work)\b"
	r"|\bnot\s+coming\b"
)

_DAY = r"[0-3]?\d"
_ORD = r"(?:eme|er|re|e|st|nd|rd|th)?"
_CONN = r"(?:jusqu\s+au|jusqu\s+a|through|until|till|thru|til|and|au|to|et|a|-)"
_NOT_A_DAY = (
	r"(?!\s*(?:/|:|h\b|h\d|\d|jours?\b|journees?\b|days?\b|semaines?\b|weeks?\b|heures?\b|hours?\b|hrs?\b"
	r"|min|am\b|pm\b|ans?\b|years?\b|mois\b|months?\b))"
)


def _month_re(language: str) -> str:
	return _alt(MONTHS_EN if language == "en" else MONTHS)


def _share_month(text: str, language: str) -> str:
	"""One month for both ends: "du 3 au 5 mars", "3-5 mars" → "3 mars au 5 mars"; "March 3-5",
	"from March 3 to 5" → "March 3 to March 5"."""
	month = _month_re(language)
	text = re.sub(
		rf"\b(?P<d1>{_DAY}){_ORD}\s*(?P<conn>{_CONN})\s*(?:(?:le|the)\s+)?(?P<d2>{_DAY}){_ORD}\s+(?:of\s+)?"
		rf"(?P<m>{month})\b",
		lambda m: f"{m['d1']} {m['m']} {m['conn']} {m['d2']} {m['m']}",
		text,
	)
	return re.sub(
		rf"\b(?P<m>{month})\s+(?P<d1>{_DAY}){_ORD}\s*(?P<conn>{_CONN})\s*(?:the\s+)?(?P<d2>{_DAY}){_ORD}\b"
		rf"(?!\s*(?:of\s+)?(?:{month})\b){_NOT_A_DAY}",
		lambda m: f"{m['m']} {m['d1']} {m['conn']} {m['m']} {m['d2']}",
		text,
	)


# --- reasons and returns --------------------------------------------------------------------------

_OFF = (
	r"\b(?:days?|journee|jour|i\s+m|im|am|suis|serai|be|etre|take|taking|prendre|prends|prend)\s+"
	r"(?:(?:a|the|une?|ma|my)\s+)?(?:(?:day|journee)\s+)?off\b|^off\b"
	r"|\boff\s+(?=(?:today|tomm?orr?ow|tmrw|tmr|demain|aujourd|auj|ajd|apres|day|du|from|le|on|this|next"
	r"|cette"
	r"|ce|cet|la|until|till|til|jusqu|" + _alt(WEEKDAYS) + r")\b)"
	r"|\b(?:today|tomm?orr?ow|tmrw|demain|aujourd\s+hui|aujourdhui|auj|ajd|" + _alt(WEEKDAYS) + r")\s+off\b"
	r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\s+off\b"  # "weekend off" once the weekend is dates
)
REASONS = (  # most specific first
	(
		"Malade",
		r"\b(?:malade|maladie|sick|grippee?|fievre|fever|flu|gastro|covid|migraine|unwell|blessee?|injured"
		r"|mal\s+(?:au|a\s+la|aux)\s+[a-z]+)\b"
		r"|\b(?:i\s+m|im|i\s+am|feel|feeling|felt|got|getting|is|been|very"
		r"|really|too)\s+ill\b",
	),
	(
		"Rendez-vous",
		r"\b(?:rendez[\s-]?vous|rdv|appointment|appt|medecin|docteur|doctor|dentiste|dentist|hopital|hospital"
		r"|clinique|clinic|physio)\b",
	),
	(
		"Formation",
		r"\b(?:formation|training|seminaire|seminar|examen|exam)\b"
		r"|\b(?:j\s+ai|jai|un|des|mes|mon|ai)\s+cours\b"
		r"|\b(?:a|in|my)\s+class\b",
	),
	("Vacances", r"\b(?:vacances?|vacations?|holidays?)\b"),
	("Congé", r"\b(?:conges?|pto|personal\s+day|journee\s+personnelle|ferie)\b|" + _OFF),
	("Absent", r"\b(?:absente?s?|absences?|absant)\b"),
	# what technicians write with no absence word (C19): a day taken, a procedure, a duty, a family event
	(
		"Absent",
		r"\b(?:je\s+|j\s+)?(?:prends|prend|prendre)\s+(?:ma|la)\s+journee\b"
		r"|\b(?:operation|operee?|chirurgie|surgery|colo|coloscopie|colonoscopy|biopsie|biopsy|endoscopie|irm|mri"
		r"|funerailles|funeral|enterrement|salon\s+funeraire|jury\s+duty|jure|jury|demenagement|demenage"
		r"|moving\s+day|wedding|mariage|accouchement)\b"
		r"|\b(?:chu|je\s+suis|suis|je\s+serai|serai)\s+pas\s+la\b"
		r"|\b(?:i\s+m|im|i\s+am|i\s+ll\s+be|i\s+will\s+be)\s+out\b",
	),
)
_REASONS = tuple((label, re.compile(pattern)) for label, pattern in REASONS)
_RETURN_FROM = re.compile(
	r"\b(?:de\s+retour|back|retour|revenu|revenue)\s+(?:de|d|du|des|from)\s+"
	r"(?:(?:la|ma|mes|mon|my|the|l)\s+)?"
	r"(?P<what>vacances?|vacations?|holidays?|formation|training|conges?|rendez-vous|rendez\s+vous|rdv"
	r"|appointment|medecin|doctor|dentiste|dentist|maladie|sick\s+leave|hopital|hospital)\b"
)
_CLEAR = re.compile(
	r"\b(?:(?:je\s+suis|suis|je\s+serai|serai)\s+)?de\s+retour\b"
	r"|\bretour\s+au\s+(?:travail|boulot|bureau|job)\b"
	r"|\b(?:i\s+m|im|i\s+am|i\s+will\s+be|i\s+ll\s+be|will\s+be|be)\s+back\b|\bback\s+(?:to|at)\s+work\b"
	r"|^(?:(?:hi|hello|hey|bonjour|salut|allo|ok)\s+)*back\b"
	r"|\bavailable(?:\s+again)?\b|\bdisponible\b|\bdispo\b"
)
_RETURN = re.compile(r"\bretour\b|\bback\b|\bje\s+(?:reviens|rentre|recommence)\b")


def _reason(text: str) -> str | None:
	return next((label for label, pattern in _REASONS if pattern.search(text)), None)


# --- times ----------------------------------------------------------------------------------------


def _t(n: int) -> str:
	return (
		rf"(?:(?P<h{n}>[01]?\d|2[0-3])\s*(?:h|:)\s*(?P<m{n}>[0-5]\d)?(?:\s*(?P<a{n}>am|pm))?(?![a-z])"
		rf"|(?P<hh{n}>1[0-2]|0?[1-9])\s*(?P<aa{n}>am|pm)\b|(?<![-a-z])(?P<noon{n}>midi|noon)\b)"
	)


_TIME_CONN = r"\s*(?:-|a|au|to|till|until|et|and|jusqu\s+a)\s*"
_TIME_RANGE = re.compile(rf"\b(?:(?:de|from|between|entre)\s+)?{_t(1)}{_TIME_CONN}{_t(2)}")
_TIME_RANGE_BARE = re.compile(rf"\b(?:de|from|between|entre)\s+(?P<bare>[01]?\d|2[0-3]){_TIME_CONN}{_t(2)}")
_TIME_UNTIL = re.compile(rf"\b(?:jusqu\s+a|jusqu\s+au|jusqua|until|till|til|before|avant)\s+{_t(1)}")
_TIME_FROM = re.compile(
	rf"\b(?:a\s+partir\s+de|a\s+partir\s+d|des|from|after|apres|starting(?:\s+at)?|since|depuis)\s+{_t(1)}"
)
_TIME_AT = re.compile(rf"\b(?:(?:a|at|vers|around)\s+)?{_t(1)}")
_MORNING = re.compile(r"\b(?:matin|matinee|morning|avant-midi|avant\s+midi)\b|(?<!\bi\s)\bam\b")
_AFTERNOON = re.compile(r"\b(?:apres-midi|apres\s+midi|apresmidi|aprem|afternoon|pm)\b")


def _clock(m: re.Match, n: int) -> time | None:
	if m[f"noon{n}"]:
		return NOON
	hour, minute, ampm = (
		(m[f"h{n}"], m[f"m{n}"], m[f"a{n}"]) if m[f"h{n}"] is not None else (m[f"hh{n}"], None, m[f"aa{n}"])
	)
	if hour is None:
		return None
	h, mi = int(hour), int(minute or 0)
	if ampm == "pm" and h < 12:
		h += 12
	elif ampm == "am" and h == 12:
		h = 0
	return time(h, mi) if h < 24 else None


def _mask(text: str, start: int, end: int) -> str:
	return text[:start] + " " * (end - start) + text[end:]


def _times(text: str) -> tuple[time | None, time | None, str]:
	"""(start, end) clock times written in the text, and the text with every time expression blanked out."""
	start = end = None
	for m in list(_TIME_RANGE.finditer(text)):
		start, end = start or _clock(m, 1), end or _clock(m, 2)
		text = _mask(text, m.start(), m.end())
	for m in list(_TIME_RANGE_BARE.finditer(text)):
		last = _clock(m, 2)
		hour = int(m["bare"])
		if last is not None and "pm" in (m["a2"], m["aa2"]) and hour + 12 <= last.hour:
			hour += 12  # "from 1 to 4pm"
		start, end = start or time(hour, 0), end or last
		text = _mask(text, m.start(), m.end())
	for m in list(_TIME_UNTIL.finditer(text)):
		end = end or _clock(m, 1)
		text = _mask(text, m.start(), m.end())
	for m in list(_TIME_FROM.finditer(text)):
		start = start or _clock(m, 1)
		text = _mask(text, m.start(), m.end())
	for m in list(_TIME_AT.finditer(text)):
		text = _mask(text, m.start(), m.end())
	return start, end, text


# --- dates ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Atom:
	start: int  # span in the text
	end: int
	first: date
	last: date
	weekday: bool = False  # a weekday name: after another date it means the first such day from that date


class _Invalid(Exception):
	"""A date that cannot exist (31/02) or a range that cannot be read."""


def _next_weekday(today: date, weekday: int, this: bool = False) -> date:
	ahead = (weekday - today.weekday()) % 7
	if ahead == 0 and not this:
		ahead = 7
	return today + timedelta(days=ahead)


def _add_month(d: date) -> tuple[int, int]:
	return (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)


def _month_day(today: date, month: int, day: int, year: str | None = None) -> date:
	try:
		if year:
			return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
		d = date(today.year, month, day)
		if (today - d).days > 30:
			d = date(today.year + 1, month, day)
		return d
	except ValueError as e:
		raise _Invalid from e


def _day_only(today: date, day: int) -> date:
	year, month = (today.year, today.month) if day >= today.day else _add_month(today)
	try:
		return date(year, month, day)
	except ValueError as e:
		raise _Invalid from e


class _Scanner:
	"""Finds date expressions pass by pass, most specific first, blanking each so later passes skip it."""

	def __init__(self, text: str, today: date, language: str):
		self.text = text
		self.today = today
		self.atoms: list[_Atom] = []
		self.days: int | None = None
		self.today_counts = False  # today's weekday name means today (sent before noon)
		month = _month_re(language)
		abbr = WEEKDAY_ABBR[language]
		self.months = MONTHS_EN if language == "en" else MONTHS
		self.weekdays = {**WEEKDAYS, **abbr}
		wd = rf"(?P<wd>{_alt(self.weekdays)})"
		self.passes: list[tuple[str, Callable[[re.Match], None]]] = [
			(r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})\b", self._iso),
			(
				r"\b(?:apres-demain|apres\s+demain|apresdemain|surlendemain|day\s+after\s+tomorrow)\b",
				self._plus(2),
			),
			(
				r"\b(?:dans|in)\s+(?P<n>\d{1,2}|"
				+ _alt(NUMBERS)
				+ r")\s+(?P<u>jours?|days?|semaines?|weeks?)\b",
				self._in_n,
			),
			(
				r"\b(?:(?:pour|for|pendant|during|durant)\s+)?(?P<n>\d{1,2}|" + _alt(NUMBERS) + r")\s+"
				r"(?:(?:full|entire|whole|complets?|pleins?)\s+)?"
				r"(?P<u>jours?|journees?|days?|semaines?|weeks?)\b",
				self._duration,
			),
			(
				rf"(?:\b{wd}\s+(?:(?:le|the)\s+)?)?\b(?P<d>{_DAY}){_ORD}\s+(?:of\s+)?(?P<mo>{month})\b"
				r"(?:\s+(?P<y>\d{4})\b)?",
				self._day_month,
			),
			(
				rf"(?:\b{wd}\s+)?\b(?P<mo>{month})\s+(?:the\s+)?(?P<d>{_DAY}){_ORD}\b"
				r"(?:\s+(?P<y>\d{4})\b)?",
				self._day_month,
			),
			(
				rf"(?:\b{wd}\s+(?:le\s+)?)?\b(?P<d>{_DAY})/(?P<mo>[01]?\d)(?:/(?P<y>\d{{4}}|\d{{2}}))?\b",
				self._numeric,
			),
			(
				rf"\b(?:du|from|entre|between)\s+(?:(?:le|the)\s+)?(?P<d1>{_DAY}){_ORD}\s*{_CONN}\s*"
				rf"(?:(?:le|the)\s+)?(?P<d2>{_DAY}){_ORD}\b{_NOT_A_DAY}",
				self._day_pair,
			),
			(rf"\b{wd}\s+(?:(?:le|the)\s+)?(?P<d>{_DAY}){_ORD}\b{_NOT_A_DAY}", self._day),
			(
				r"\b(?:le|the|on\s+the|jusqu\s+au|until\s+the|till\s+the)\s+"
				rf"(?P<d>{_DAY}){_ORD}\b{_NOT_A_DAY}",
				self._day,
			),
			(r"\b(?:la\s+semaine\s+prochaine|semaine\s+prochaine|next\s+week)\b", self._next_week),
			(
				r"\b(?:cette\s+semaine|this\s+week|toute\s+la\s+semaine|all\s+week|reste\s+de\s+la\s+semaine"
				r"|rest\s+of\s+the\s+week)\b",
				self._this_week,
			),
			(
				r"\b(?:ce|cette|this|le|la)\s+(?:fin\s+de\s+semaine|week-?end)\b",
				self._weekend,
			),
			(r"\b(?:avant-hier|avant\s+hier)\b", self._plus(-2)),
			(r"\b(?:demain|dem|tomm?orr?ow|tmrw|tmr|2morrow|2main|dmain)\b", self._plus(1)),
			(r"\b(?:hier|yesterday)\b", self._plus(-1)),
			(
				r"\b(?:aujourd\s+hui|aujourdhui|aujourd|auj|ajd|ojd|today|ce\s+matin|this\s+morning"
				r"|cet?t?e?\s+apres-midi|this\s+afternoon|ce\s+soir|tonight)\b",
				self._plus(0),
			),
			(
				r"\b(?:(?P<this>ce|cette|this)\s+|next\s+)?(?P<wd>" + _alt(WEEKDAYS) + r")\b"
				r"(?:\s+(?:prochaine?|next))?",
				self._weekday,
			),
			(
				rf"\b(?:de|du|from|off)\s+(?P<wd>{_alt(abbr)})\s*(?:a|au|to|thru|through|till|until|-)\s*"
				rf"(?P<wd2>{_alt(abbr)})\b",
				self._weekday_pair,
			),
			(
				r"\b(?:(?P<this>ce|this)|du|au|jusqu\s+a|jusqu\s+au|until|till|to|from|on|le|next|et|and"
				r"|absente?|off|thru|through|wedding|mariage|funeral|surgery|duty"
				rf"|malade|sick)\s+(?P<wd>{_alt(abbr)})\b(?!-)",
				self._weekday,
			),
		]

	def scan(self) -> list[_Atom]:
		for pattern, handle in self.passes:
			for m in list(re.finditer(pattern, self.text)):
				handle(m)
				self.text = _mask(self.text, m.start(), m.end())
		return sorted(self.atoms, key=lambda a: a.start)

	def _add(
		self, m: re.Match, first: date, last: date | None = None, group: str | int = 0, weekday: bool = False
	) -> None:
		self.atoms.append(_Atom(m.start(group), m.end(), first, last or first, weekday))

	def _iso(self, m: re.Match) -> None:
		try:
			self._add(m, date(int(m["y"]), int(m["mo"]), int(m["d"])))
		except ValueError as e:
			raise _Invalid from e

	def _plus(self, days: int) -> Callable[[re.Match], None]:
		return lambda m: self._add(m, self.today + timedelta(days=days))

	@staticmethod
	def _count(m: re.Match) -> int:
		n = int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"]]
		return n * 7 if m["u"].startswith(("semaine", "week")) else n

	def _in_n(self, m: re.Match) -> None:
		self._add(m, self.today + timedelta(days=self._count(m)))

	def _duration(self, m: re.Match) -> None:
		if self.days is None:
			self.days = self._count(m)

	def _day_month(self, m: re.Match) -> None:
		self._add(m, _month_day(self.today, self.months[m["mo"]], int(m["d"]), m["y"]))

	def _numeric(self, m: re.Match) -> None:
		month = int(m["mo"])
		if not 1 <= month <= 12:
			raise _Invalid
		self._add(m, _month_day(self.today, month, int(m["d"]), m["y"]))

	def _day_pair(self, m: re.Match) -> None:
		first = _day_only(self.today, int(m["d1"]))
		d2 = int(m["d2"])
		year, month = (first.year, first.month) if d2 >= first.day else _add_month(first)
		try:
			last = date(year, month, d2)
		except ValueError as e:
			raise _Invalid from e
		if last < first or (month != first.month and (last - first).days > 14):
			raise _Invalid
		self.atoms.append(_Atom(m.start("d1"), m.end("d1"), first, first))
		self.atoms.append(_Atom(m.start("d2"), m.end(), last, last))

	def _day(self, m: re.Match) -> None:
		self._add(m, _day_only(self.today, int(m["d"])), group="d" if m.groupdict().get("wd") is None else 0)

	def _next_week(self, m: re.Match) -> None:
		monday = self.today + timedelta(days=7 - self.today.weekday())
		self._add(m, monday, monday + timedelta(days=4))

	def _this_week(self, m: re.Match) -> None:
		weekday = self.today.weekday()
		self._add(m, self.today, self.today + timedelta(days=(4 if weekday <= 4 else 6) - weekday))

	def _weekend(self, m: re.Match) -> None:
		saturday = self.today + timedelta(days=max(0, 5 - self.today.weekday()))
		self._add(m, saturday, self.today + timedelta(days=6 - self.today.weekday()))

	def _weekday(self, m: re.Match) -> None:
		first = _next_weekday(self.today, self.weekdays[m["wd"]], this=bool(m["this"]) or self.today_counts)
		self._add(m, first, group="wd", weekday=not m["this"])

	def _weekday_pair(self, m: re.Match) -> None:
		first = _next_weekday(self.today, self.weekdays[m["wd"]], this=self.today_counts)
		last = first + timedelta(days=(self.weekdays[m["wd2"]] - first.weekday()) % 7)
		self._add(m, first, last, group="wd")


_FILLER = re.compile(r"\b(?:le|la|the|on|inclus|inclusivement|inclusive|inclusively)\b")
_RANGE_GAP = re.compile(
	r"-|au|aux|a|to|till|til|until|untill|through|thru|jusqu\s+a|jusqu\s+au|jusqu\s+a\s+la|jusqua|jusquau"
	r"|jusqu|up\s+to|et\s+jusqu\s+a|and\s+until"
)
_AND_GAP = re.compile(r"et|and|&")
_UNTIL_BEFORE = re.compile(
	r"(?:jusqu\s+a|jusqu\s+au|jusqu\s+a\s+la|jusqua|jusquau|jusqu|until|untill|till|til|through|thru|up\s+to)"
	r"\s+(?:(?:le|the|on)\s+)?$"
)
_BETWEEN_BEFORE = re.compile(r"(?:entre|between)\s+(?:(?:le|the)\s+)?$")
_SINCE_BEFORE = re.compile(r"(?:depuis|since)\s+(?:(?:le|the)\s+)?$")


def _gap(text: str) -> str:
	return re.sub(r"\s+", " ", _FILLER.sub(" ", text)).strip()


def _ranges(atoms: list[_Atom], text: str, today: date) -> set[tuple[date, date]]:
	"""The date ranges the atoms make once "du … au …", "jusqu'à …", "entre … et …" are applied."""
	ranges = set()
	i = 0
	while i < len(atoms):
		a = atoms[i]
		if i + 1 < len(atoms):
			b = atoms[i + 1]
			if b.weekday and b.first < a.first:  # "du lundi au mercredi": the Wednesday after that Monday
				day = a.first + timedelta(days=(b.first.weekday() - a.first.weekday()) % 7)
				b = _Atom(b.start, b.end, day, day, True)
			gap = _gap(text[a.end : b.start])
			if _RANGE_GAP.fullmatch(gap):
				ranges.add((a.first, b.last))
				i += 2
				continue
			if _AND_GAP.fullmatch(gap):
				if not _BETWEEN_BEFORE.search(text[: a.start]) and b.first > a.last + timedelta(days=1):
					raise _Invalid  # "lundi et mercredi": two absences, not one range
				ranges.add((a.first, b.last))
				i += 2
				continue
		before = text[: a.start]
		if _UNTIL_BEFORE.search(before):
			ranges.add((today, a.last))
		elif _SINCE_BEFORE.search(before) and (a.weekday or a.first < today):
			# "malade depuis le 20/11", "sick since Friday" (the last Friday): from then to today
			since = (
				today - timedelta(days=(today.weekday() - a.first.weekday()) % 7) if a.weekday else a.first
			)
			ranges.add((since, today))
		else:
			ranges.add((a.first, a.last))
		i += 1
	return ranges


# --- cancels ---------------------------------------------------------------------------------------

_CANCEL_VERB = (
	r"(?:annul(?:e|er|ez|es|ee|ees|ons|ation)|cancel(?:s|led|ed|ling|ing|lation)?|call\s+off|enleve[rz]?"
	r"|efface[rz]?|supprime[rz]?)"
)
_ABSENCE_NOUN = (
	r"(?:absences?|conges?(?:\s+(?:de\s+)?maladie)?|vacances?|journees?\s+(?:de\s+conge|off|de\s+maladie"
	r"|personnelle)|formation|maladie|days?\s+off|time\s+off|sick\s+(?:days?|leave)|personal\s+days?|pto"
	r"|leave|vacations?|holidays?|training)"
)
_DETERMINERS = (
	r"(?:(?:mon|ma|mes|l|la|le|les|cette|cet|ce|de|d|du|des|my|the|this|that|of|today\s+s|tomorrow\s+s"
	r"|tmrw\s+s)\s+)*"
)
_CANCEL_NEGATED = re.compile(
	r"\b(?:peux|peut|pourrai|pourrais|vais|veux|voulais|dois|doit|ai|a)\s+pas\s+(?:pu\s+)?(?:l\s+|les\s+)?"
	+ _CANCEL_VERB
	+ r"\b|\b(?:can\s+t|cant|cannot|can\s+not|couldn\s+t|won\s+t|will\s+not|unable\s+to|not\s+able\s+to"
	r"|don\s+t\s+want\s+to|didn\s+t|did\s+not|not\s+going\s+to)\s+" + _CANCEL_VERB + r"\b"
)
_CANCEL = re.compile(
	rf"\b{_CANCEL_VERB}\s+{_DETERMINERS}{_ABSENCE_NOUN}\b"
	rf"|\b(?P<noun>{_ABSENCE_NOUN})(?:\s+[a-z0-9/]+){{0,4}}?\s+(?P<verb>(?:est|sont|a\s+ete|ont\s+ete|is|are|was"
	rf"|were|got|has\s+been|have\s+been)\s+{_CANCEL_VERB})\b"
	r"|\b(?:ne\s+|n\s+)?(?:suis\s+|serai\s+|chu\s+)?(?:plus|pu)\s+(?:malade|absente?|en\s+conge|en\s+vacances)\b"
	r"|\bno\s+longer\s+(?:sick|ill|off|absent)\b|\bnot\s+(?:sick|ill)\s+any\s*more\b"
	# "j'ai pas besoin de mon congé lundi", "I don't need my day off friday": the time off is given back
	rf"|\b(?:(?:ai|a)\s+)?(?:pas|plus|pu)\s+besoin\s+(?:de\s+|d\s+){_DETERMINERS}{_ABSENCE_NOUN}\b"
	rf"|\b(?:don\s+t|dont|do\s+not|no\s+longer)\s+need\s+{_DETERMINERS}{_ABSENCE_NOUN}\b"
)
_CANCEL_OTHER = re.compile(rf"\b{_CANCEL_VERB}\b(?:\s+{_DETERMINERS}[a-z]+)?")  # "annulez la job"
_CHANGE_OF_PLAN = re.compile(
	r"\b(?:finalement|en\s+fin\s+de\s+compte|apres\s+tout|tout\s+compte\s+fait|changement\s+de\s+plans?"
	r"|never\s*mind|nvm|after\s+all|actually|finally|change\s+of\s+plans?"
	r"|back\s+early|de\s+retour\s+plus\s+tot|revenue?\s+plus\s+tot)\b"
)
_COMING_IN = re.compile(
	r"\b(?:je|j)\s+(?:rentre|rentrerai|reviens|reviendrai|travaille|travaillerai|viens\s+travailler"
	r"|serai\s+(?:la|au\s+travail|presente?|disponible|dispo|de\s+retour)"
	r"|suis\s+(?:disponible|dispo|de\s+retour)"
	r"|peux\s+(?:rentrer|venir|travailler)|vais\s+(?:rentrer|venir|travailler|etre\s+la))\b"
	r"|\bi\s+(?:ll|will)\s+(?:be\s+(?:in|there|at\s+work|available|working|back)|come\s+in|work|make\s+it)\b"
	r"|\b(?:i\s+m|im|i\s+am)\s+(?:coming(?:\s+in)?|working|in|available|back)\b"
	r"|\bi\s+can\s+(?:come\s+in|make\s+it|work)\b"
)


def _cancel_rest(text: str) -> str | None:
	"""The text with its cancel phrases blanked out, or None when it is not a cancel."""
	spans = []
	for m in _CANCEL.finditer(text):  # "ma formation de jeudi est annulée": the date stays
		spans += [m.span("noun"), m.span("verb")] if m["noun"] else [m.span()]
	plan = [m.span() for m in _CHANGE_OF_PLAN.finditer(text)]
	# "finalement je rentre demain", unless it names a reason ("actually I'm in training tomorrow")
	if not spans and plan:
		coming = [m.span() for m in _COMING_IN.finditer(text)]
		if coming and _reason(_mask_all(text, coming + plan)) is None:
			spans = coming
	return _mask_all(text, spans + plan) if spans else None


def _mask_all(text: str, spans: list[tuple[int, int]]) -> str:
	for start, end in spans:
		text = _mask(text, start, end)
	return text


def _cancel(text: str, today: date, language: str) -> AbsenceIntent | None:
	"""A cancel's intent: the first date named is the first day back ("annule mon absence de demain")."""
	if _reason(text) is not None:
		return None  # "annule mes vacances, je suis malade": two things at once
	try:
		ranges = _ranges(_Scanner(text, today, language).scan(), text, today)
	except _Invalid:
		return None
	back = min((first for first, _ in ranges), default=None)
	if back is not None and back < today:
		return None
	return AbsenceIntent(action="cancel", reason="", from_date=back, language=language)


@dataclass(frozen=True, slots=True)
class Cancellation:
	outcome: (
		str  # "clear" (the whole absence goes) | "shorten" | "already" (it ends before) | "none" (no absence)
	)
	back: date  # the first day back at work
	until_date: date | None = None  # the new last day, for "shorten"


def cancel_absence(
	intent: AbsenceIntent, absence_from: date | None, absence_until: date | None, today: date
) -> Cancellation:
	"""What a cancel does to the declared absence (from, until inclusive; until None means one day).
	From the first day back on there is no absence: an absence starting then or later is cleared, one
	running before it ends the day before, one that ends before that day is left alone, and so is none."""
	back = max(intent.from_date or today, today)
	until = (absence_until or absence_from) if absence_from is not None else None
	if until is None or until < today:
		return Cancellation("none", back)
	if until < back:
		return Cancellation("already", back)
	if absence_from >= back:
		return Cancellation("clear", back)
	return Cancellation("shorten", back, back - timedelta(days=1))


# --- the parser -----------------------------------------------------------------------------------


# A question about time off asks; it records nothing ("je peux-tu prendre congé le 31?", "can I take friday
# off"): a question mark, or one of these asking forms at the start of a clause ("je peux" unless "je peux pas").
ASKING_FORMS = (
	"je peux tu",
	"j peux tu",
	"peux tu",
	"est ce que",
	"est ce qu",
	"puis je",
	"pourrais je",
	"pourrais tu",
	"ca se peut",
	"serait il possible",
	"se pourrait il",
	"can i",
	"could i",
	"may i",
	"is it ok",
	"would it be ok",
	"would it be possible",
	"is it possible",
	"am i allowed",
	"do you mind",
)
_ASKING = re.compile(
	r"(?:^|\b(?:et|pis|and|so|mais|but)\s+)(?:"
	+ "|".join(form.replace(" ", r"[\s-]+") for form in ASKING_FORMS)
	+ r"|(?:je|j)[\s-]+peux(?![\s-]+(?:pas|plus|pu|p)\b))\b"
)


def _dmy(d: date) -> str:
	return f"{d.day}/{d.month}/{d.year}"


_IN_EIGHT = re.compile(r"\b(?P<wd>" + _alt(WEEKDAYS) + r")\s+en\s+(?:8|huit)\b")


def _in_eight(text: str, today: date, morning: bool) -> str:
	""" "mardi en 8" (Quebec, C5): that weekday a week later than "mardi"."""
	m = _IN_EIGHT.search(text)
	if not m:
		return text
	day = _next_weekday(today, WEEKDAYS[m["wd"]], this=morning) + timedelta(days=7)
	return text[: m.start()] + f"le {_dmy(day)}" + text[m.end() :]


_WEEKEND = re.compile(
	r"\b(?:(?:la|ma|cette|cte|ce|the|this|le)\s+)?(?:fds|fin\s+de\s+semaine|week\s*-?\s*end)\b"
)


def _weekend(text: str, today: date, morning: bool) -> str:
	""" "fds", "fin de semaine", "weekend" (C13): the Saturday and Sunday on or after today; sent on a Sunday
	morning, today only; on a Sunday afternoon, the next ones. Written as dates the scanner reads."""
	if not _WEEKEND.search(text):
		return text
	if today.weekday() == 6 and morning:
		days = f"le {_dmy(today)}"
	else:
		saturday = today + timedelta(days=(5 - today.weekday()) % 7)
		days = f"du {_dmy(saturday)} au {_dmy(saturday + timedelta(days=1))}"
	return _WEEKEND.sub(days, text, count=1)


_WEEK_OF = re.compile(
	r"\b(?:(?:la|cette)\s+)?semaine\s+du\s+(?P<d>[0-3]?\d)(?:er|e)?(?:\s+(?P<m>[a-z]+))?\b"
	r"|\b(?:the\s+)?week\s+of\s+(?:the\s+)?(?:(?P<m2>[a-z]+)\s+)?(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?"
	r"(?:\s+(?P<m3>[a-z]+))?\b"
)


def _week_of(text: str, today: date, language: str) -> str:
	""" "la semaine du 21", "the week of the 21st" (C11): Monday to Friday of the week (Sunday to Saturday) holding
	that date (a day number: the next such date; with a month: this year's unless past)."""
	m = _WEEK_OF.search(text)
	if not m:
		return text
	months = MONTHS_EN if language == "en" else MONTHS
	day = int(m["d"] or m["d2"])
	month = next((months[w] for w in (m["m"], m["m2"], m["m3"]) if w and w in months), None)
	d = _month_day(today, month, day) if month else _day_only(today, day)
	sunday = d - timedelta(days=(d.weekday() + 1) % 7)
	span = f"du {_dmy(sunday + timedelta(days=1))} au {_dmy(sunday + timedelta(days=5))}"
	return text[: m.start()] + span + text[m.end() :]


def is_question(text: str) -> bool:
	"""The message asks rather than tells."""
	return "?" in (text or "") or bool(_ASKING.search(_fold(text or "")))


def parse_absence_message(text: str, today: date, before_noon: bool = False) -> AbsenceIntent | None:
	"""None when the message is not understood or asks a question (the shell then replies politely and changes
	nothing). `before_noon`: sent before noon, so today's weekday name means today ("vendredi" sent Friday at 9)."""
	if is_question(text):
		return None
	folded = _fold(_strip_signature(text or ""))
	if not folded:
		return None
	language = _language(folded)
	for pattern, replacement in REWRITES:
		folded = pattern.sub(replacement, folded)
	try:
		folded = _week_of(
			_weekend(_in_eight(folded, today, before_noon), today, before_noon), today, language
		)
	except _Invalid:
		return None
	folded = _NOT_HERE.sub(" ", folded)
	folded = _NEGATED.sub(" absent ", folded)
	folded = _share_month(re.sub(r"\s+", " ", folded).strip(), language)
	folded = _CANCEL_NEGATED.sub(" ", folded)
	start_time, end_time, text = _times(folded)

	rest = _cancel_rest(text)
	if rest is not None:
		return _cancel(rest, today, language)
	text = _CANCEL_OTHER.sub(" ", text)
	returned_from = _RETURN_FROM.search(text)
	reason_text = (
		_mask(text, returned_from.start("what"), returned_from.end("what")) if returned_from else text
	)
	reason = _reason(reason_text)
	if reason is None:
		if _CLEAR.search(text):
			return AbsenceIntent(action="clear", reason="", language=language)
		return None

	scanner = _Scanner(text, today, language)
	scanner.today_counts = before_noon
	try:
		atoms = scanner.scan()
		returning, return_marker = None, None
		for marker in _RETURN.finditer(text):
			after = [a for a in atoms if a.start >= marker.end()]
			if after and len(text[marker.end() : after[0].start].split()) <= 4:
				returning, return_marker = after[0], marker
				break
		ranges = _ranges([a for a in atoms if a is not returning], text, today)
	except _Invalid:
		return None
	if len(ranges) > 1:
		return None
	from_date, until_date = ranges.pop() if ranges else (today, today)
	if scanner.days is not None and from_date == until_date:
		until_date = from_date + timedelta(days=scanner.days - 1)

	half_day = text if return_marker is None else text[: return_marker.start()]
	morning, afternoon = bool(_MORNING.search(half_day)), bool(_AFTERNOON.search(half_day))
	if start_time is None and end_time is None and morning != afternoon:
		start_time, end_time = (None, NOON) if morning else (NOON, None)
	if returning is not None and returning.weekday and returning.first <= from_date:
		# "sick, back on Monday" sent on a Monday: the return is a later Monday than the first day away
		day = returning.first + timedelta(days=7)
		returning = _Atom(returning.start, returning.end, day, day, True)
	if returning is not None and (from_date == until_date or until_date == today):
		if returning.first > from_date:
			until_date = returning.first - timedelta(days=1)
		elif returning.first == from_date and _AFTERNOON.search(text[return_marker.start() :]):
			start_time, end_time = None, NOON  # "malade ce matin, de retour cet après-midi"
	if until_date < from_date or (until_date - from_date).days > MAX_SPAN_DAYS:
		return None
	if from_date == until_date and start_time and end_time and end_time <= start_time:
		return None  # "de 14h à 10h" on one day
	return AbsenceIntent("set", reason, from_date, until_date, start_time, end_time, language)


# --- the French reply -----------------------------------------------------------------------------

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
WISHES = {
	"Malade": "Bon rétablissement!",
	"Vacances": "Bonnes vacances!",
	"Formation": "Bonne formation!",
	"Congé": "Bon congé!",
}
THANKS = "Merci de nous avoir avisés."


def fr_date(d: date, with_year: bool = False) -> str:
	day = "1er" if d.day == 1 else str(d.day)
	return f"{FR_DAYS[d.weekday()]} {day} {FR_MONTHS[d.month - 1]}" + (f" {d.year}" if with_year else "")


def fr_time(t: time) -> str:
	return f"{t.hour} h" if t.minute == 0 else f"{t.hour} h {t.minute:02d}"


def confirmation_fr(intent: AbsenceIntent) -> str:
	"""The French SMS reply, e.g.
	"Absence enregistrée (Malade) du lun. 23 nov. au mar. 24 nov. Bon rétablissement!" or
	"Bon retour! Votre absence est levée." The year shows only when the absence spans two years."""
	if intent.action == "clear":
		return "Bon retour! Votre absence est levée."
	if intent.action == "cancel":
		return "Votre absence est annulée. " + THANKS
	return f"Absence enregistrée {_described(intent)}. {WISHES.get(intent.reason, THANKS)}"


CONFIRM_MINUTES = 30  # an unconfirmed reading waits this long for OUI/YES


def question_fr(intent: AbsenceIntent) -> str:
	"""The French SMS asking to confirm a reading that is not certain (nothing is recorded yet)."""
	return (
		f"J'ai compris : absence {_described(intent)}. Est-ce exact? Répondez OUI pour l'enregistrer ou NON pour "
		f"l'oublier (d'ici {CONFIRM_MINUTES} min), ou réécrivez votre message."
	)


def _described(intent: AbsenceIntent) -> str:
	""" "(Malade) du lun. 23 nov. au mar. 24 nov.", "(Rendez-vous) le jeu. 3 déc. de 9 h à 11 h"."""
	sentence = f"({intent.reason})"
	first, last = intent.from_date, intent.until_date or intent.from_date
	start, end = intent.start_time, intent.end_time
	if first is not None and last is not None:
		years = first.year != last.year
		if first == last:
			sentence += f" le {fr_date(first)}"
			if start is None and end == NOON:
				sentence += " (matin)"
			elif start == NOON and end is None:
				sentence += " (après-midi)"
			elif start is not None and end is not None:
				sentence += f" de {fr_time(start)} à {fr_time(end)}"
			elif start is not None:
				sentence += f" à partir de {fr_time(start)}"
			elif end is not None:
				sentence += f" jusqu'à {fr_time(end)}"
		else:
			sentence += f" du {fr_date(first, years)}" + (f" (dès {fr_time(start)})" if start else "")
			sentence += f" au {fr_date(last, years)}" + (f" (jusqu'à {fr_time(end)})" if end else "")
	return sentence.rstrip(".")


NO_ABSENCE = "Aucune absence n'est inscrite à votre nom; rien n'a changé. " + THANKS


def _fr_period(first: date, last: date) -> str:
	years = first.year != last.year
	return (
		f"le {fr_date(first)}" if first == last else f"du {fr_date(first, years)} au {fr_date(last, years)}"
	)


def cancellation_fr(
	cancellation: Cancellation, reason: str | None, absence_from: date | None, absence_until: date | None
) -> str:
	"""The French SMS reply to a cancel, given the absence as it was declared, e.g.
	"Absence annulée (Vacances, du mer. 3 mars au ven. 5 mars). Merci de nous avoir avisés." or
	"Absence écourtée (Malade): dernier jour le lun. 23 nov., retour le mar. 24 nov. Bon retour!"."""
	label = reason or "Absent"
	if cancellation.outcome == "clear" and absence_from is not None:
		period = _fr_period(absence_from, absence_until or absence_from)
		return f"Absence annulée ({label}, {period}). {THANKS}"
	if cancellation.outcome == "shorten" and cancellation.until_date is not None:
		return (
			f"Absence écourtée ({label}): dernier jour le {fr_date(cancellation.until_date)}, "
			f"retour le {fr_date(cancellation.back).rstrip('.')}. Bon retour!"
		)
	if cancellation.outcome == "already" and absence_from is not None:
		period = _fr_period(absence_from, absence_until or absence_from)
		back = fr_date(cancellation.back)
		return f"Votre absence ({label}, {period}) se termine avant le {back}; rien n'a changé."
	return NO_ABSENCE


# --- doubts: when a reading must be confirmed (OUI/YES) before anything is recorded ------------------


@dataclass(frozen=True, slots=True)
class Reading:
	"""What a message says (`intent`, None when not understood) and why the reading is not certain. A reading with
	doubts records nothing: the shell replies with it and asks for OUI/YES."""

	intent: AbsenceIntent | None
	doubts: tuple[str, ...] = ()

	@property
	def certain(self) -> bool:
		return self.intent is not None and not self.doubts


_TOMORROW = re.compile(r"\b(?:demain|dem|dmain|dmn|tomorrow|tomorow|tmrw|tmr|2morrow)\b")
_DAY_NUMBER_AFTER_WEEKDAY = re.compile(
	r"\b(?P<weekday>" + _alt(WEEKDAYS) + r")\s+(?:le\s+|the\s+)?(?P<day>\d{1,2})"
	r"(?:er|e|st|nd|rd|th)?\b(?!\s*(?:h|:|am|pm))"
)
# Each rule: (code, pattern on the folded text). Table-driven: a new doubt is one row (and a test case).
DOUBT_RULES: tuple[tuple[str, re.Pattern], ...] = tuple(
	(code, re.compile(pattern))
	for code, pattern in (
		# "pas sûr", "might", "probablement", "2-3 jours"
		(
			"uncertain",
			r"\b(?:pas\s+sur|pas\s+certaine?|peut\s+etre|probablement|possiblement|je\s+pense|j\s+pense|might"
			r"|maybe|probably|possibly|not\s+sure|i\s+think|p-?e)\b|\b\d\s*-\s*\d\s*(?:jours?|days?)\b",
		),
		# someone else's absence: "mon helper est malade", "my partner is sick"
		(
			"someone_else",
			r"\b(?:mon|ma|mes|my)\s+(?:helper|partenaire|partner|coequipiere?|collegue|coworker|gars|chum|blonde"
			r"|wife|husband|son|daughter|kid|kids|fils|fille|enfants?)\b(?:\s+\w+){0,2}\s+(?:est|sont|is|are|a|has)\b",
		),
		# a short form or a named holiday the rules cannot date
		(
			"unknown_word",
			r"\b(?:csst|ooo|rtt|st[\s-]?jean|saint[\s-]?jean|thanksgiving|action\s+de\s+grace)\b",
		),
		# "jeudi ou vendredi", "monday or tuesday": which one?
		(
			"either_or",
			r"\b(?:" + _alt(WEEKDAYS) + r"|\d{1,2})\s+(?:ou|or)\s+(?:" + _alt(WEEKDAYS) + r"|\d{1,2})\b",
		),
		# a self-correction or a contradiction: "off demain, non attends, mercredi", "actually I'll be in monday"
		(
			"self_correction",
			r"\b(?:non\s+attends?|no\s+wait|wait\s+no|je\s+veux\s+dire|i\s+mean|correction|oups|oops|scratch\s+that)\b"
			r"|\b(?:je\s+serai\s+la|i\s+ll\s+be\s+in|i\s+will\s+be\s+in)\b",
		),
		# "jusqu'à mercredi", "till wed": is that day off too, or the day back? (unless "inclus" / "back")
		(
			"until_which",
			r"\b(?:till|til|until|jusqu\s+a|jusqu\s+au|jusqua|jusquau)\s+(?:(?:le|the|this|next|ce)\s+)?(?:"
			+ _alt({**WEEKDAYS, **WEEKDAY_ABBR["fr"], **WEEKDAY_ABBR["en"]})
			+ r")\b"
			r"(?!.*\b(?:inclus|inclusivement|inclusive|included|back|retour)\b)",
		),
		# a cancel word in a message read as a new absence ("pas demain finalement")
		("cancel_word", _CANCEL_VERB + r"|\bfinalement\b|\bnever\s*mind\b|\bnvm\b|\bafter\s+all\b"),
	)
)


_ALTERNATIVE = r"(?:" + _alt(WEEKDAYS) + r"|demain|\d{1,2}(?:er|e|st|nd|rd|th)?)"
# When the rules read nothing: (doubt, pattern, rewrite) giving the likely reading, which is then asked.
GUESSES: tuple[tuple[str, re.Pattern, str], ...] = (
	# "malade jeudi ou vendredi": the first one, asked
	("either_or", re.compile(r"\s+(?:ou|or)\s+(?:le\s+|the\s+)?" + _ALTERNATIVE + r"\b"), " "),
	# "csst demain": an absence whose reason the rules do not know, asked
	("unknown_word", re.compile(r"\b(?:csst|ooo|rtt)\b"), "absent"),
	# "next weekend off": the coming weekend, asked (or the one after?)
	("next_weekend", re.compile(r"\bnext\s+(?=week\s*-?\s*end\b)"), ""),
)


def _unask(text: str) -> str:
	"""The message without its question: what it asks about ("je peux-tu prendre congé le 31?")."""
	folded = _fold(text.replace("?", " "))
	return _ASKING.sub(" ", folded)


def read_absence_message(text: str, sent: datetime) -> Reading:
	"""The reading of an SMS sent at `sent` (the technician's local time), with its doubts (see DOUBT_RULES and
	below): a question, late at night "tomorrow" (which day?), a weekday that does not match its day number."""
	today, morning = sent.date(), sent.hour < 12
	if is_question(text):
		return Reading(parse_absence_message(_unask(text), today, morning), ("question",))
	intent = parse_absence_message(text, today, morning)
	folded = _fold(_strip_signature(text or ""))
	doubts = []
	if intent is None:
		# Not understood as written, but one reading is likely: it is asked, never recorded as is.
		for code, pattern, replacement in GUESSES:
			if pattern.search(folded):
				intent = parse_absence_message(pattern.sub(replacement, folded, count=1), today, morning)
				if intent is not None:
					doubts.append(code)
					break
	if intent is None or intent.action != "set":
		return Reading(intent)
	doubts += [code for code, pattern in DOUBT_RULES if pattern.search(folded)]
	if sent.hour < 5 and _TOMORROW.search(folded):
		doubts.append("late_night_tomorrow")  # 01:00 "demain": the day that just started, or the next?
	if sent.hour >= 17 and intent.from_date == today and not _TODAY_WORD.search(folded):
		# C4: an absence with no day named, sent in the evening, is for tomorrow
		first = today + timedelta(days=1)
		intent = AbsenceIntent(
			intent.action,
			intent.reason,
			first,
			max(intent.until_date, first),
			intent.start_time,
			intent.end_time,
			intent.language,
		)
	if (
		intent.reason == "Rendez-vous"
		and intent.start_time is None
		and intent.end_time is None
		and not _WHOLE_DAY.search(folded)
	):
		doubts.append("bare_appointment")  # "rdv demain": part of the day, or all of it?
	if library_disagrees(text, sent, intent):
		doubts.append("dates_disagree")
	if sent.weekday() < 5 and _NEXT_WEEKEND.search(folded):
		doubts.append("next_weekend")  # sent on a weekday: this coming one, or the one after?
	if sent.hour >= 17 and any(int(d) == today.day for d in _BARE_DAY.findall(folded)):
		doubts.append("same_day_late")  # "le 31" sent the 31st at 20:00: today, or next month?
	if _ongoing(folded, today):
		doubts.append("ongoing_range")  # "du 28 au 2" sent the 29th: this one, or next month's?
	for m in _DAY_NUMBER_AFTER_WEEKDAY.finditer(folded):
		day = int(m["day"])
		named = WEEKDAYS[m["weekday"]]
		d = intent.from_date
		candidates = [d + timedelta(days=k) for k in range((intent.until_date - d).days + 1)] if d else []
		if not any(c.day == day and c.weekday() == named for c in candidates):
			doubts.append("weekday_mismatch")  # "vendredi le 19" when the 19th is a Thursday
			break
	return Reading(intent, tuple(dict.fromkeys(doubts)))


_TODAY_WORD = re.compile(
	r"\b(?:aujourd\s+hui|aujourdhui|auj|ajd|today|tdy|ce\s+soir|tonight|maintenant|now|right\s+now|a\s+matin"
	r"|this\s+(?:morning|afternoon|evening))\b"
)
_WHOLE_DAY = re.compile(
	r"\b(?:off|absente?|pas\s+dispo(?:nible)?|toute\s+la\s+journee|all\s+day|whole\s+day|full\s+day"
	r"|journee|day\s+off|not\s+available|unavailable)\b"
)
_NEXT_WEEKEND = re.compile(
	r"\bnext\s+week\s*-?\s*end\b|\b(?:fds|fin\s+de\s+semaine|week\s*-?\s*end)\s+prochaine?\b"
)
_BARE_DAY = re.compile(r"\b(?:le|the|on)\s+([0-3]?\d)(?:er|e|st|nd|rd|th)?\b(?!\s*(?:/|:|h\b|h\d|[a-z]{3,}))")
_DAY_RANGE = re.compile(
	r"\b(?:du\s+|from\s+(?:the\s+)?)?([0-3]?\d)(?:er|e|st|nd|rd|th)?\s*(?:au|to|through|thru|-|a)\s*"
	r"(?:le\s+|the\s+)?([0-3]?\d)(?:er|e|st|nd|rd|th)?\b(?!\s*(?:/|:|h\b|h\d|(?:" + _alt(MONTHS_EN) + r")\b))"
)


def _ongoing(folded: str, today: date) -> bool:
	"""A day-number range that runs now (begun this month or last): today's, or the next one?"""
	for m in _DAY_RANGE.finditer(folded):
		first, last = int(m[1]), int(m[2])
		for back in (0, 1):
			year, month = today.year, today.month - back
			if month == 0:
				year, month = year - 1, 12
			try:
				start = date(year, month, first)
				end_year, end_month = (year, month) if last >= first else _add_month(start)
				end = date(end_year, end_month, last)
			except ValueError:
				continue
			if start < today <= end:
				return True
	return False


def library_dates(text: str, sent: datetime) -> list[date]:
	"""The dates `dateparser` (French and English, relative to the send time, the future preferred) finds in the
	message: a second reader the rules are checked against."""
	import warnings

	from dateparser.search import search_dates

	with warnings.catch_warnings():
		warnings.simplefilter("ignore")
		try:
			found = search_dates(
				text,
				languages=["fr", "en"],
				settings={"RELATIVE_BASE": sent, "PREFER_DATES_FROM": "future"},
			)
		except Exception:  # the library's own failure on odd input: no second opinion
			return []
	out = set()
	for matched, when in found or []:
		folded = _fold(matched)
		# What the library over-reads: a lone short word ("je" taken for jeudi) and durations ("3 jours").
		if len(folded) <= 3 and not folded.isdigit() or _DURATION.fullmatch(folded):
			continue
		# A weekday with a day number ("vendredi le 11") it reads as something else; the rules check those.
		if re.search(r"\d", folded) and any(w in WEEKDAYS for w in folded.split()):
			continue
		out.add(when.date())
	return sorted(out)


_DURATION = re.compile(r"(?:pour\s+|for\s+)?\d+\s*(?:jours?|days?|semaines?|weeks?|j|d)")


def library_disagrees(text: str, sent: datetime, intent: AbsenceIntent) -> bool:
	"""The library names dates, and neither end of the rules' reading is among them."""
	found = library_dates(text, sent)
	agree = {intent.from_date, intent.until_date, intent.until_date + timedelta(days=1)}  # or the day back
	return bool(found) and not agree.intersection(found)


_YES = re.compile(
	r"^(?:oui|yes|o|y|ok|okay|confirme[rz]?|confirm(?:ed)?|c\s+est\s+ca|exact|correct|yep|yup|ouais)(?:\s+merci|\s+thanks?)?$"
)
_NO = re.compile(r"^(?:non|no|n|nope|pas\s+ca|oublie(?:\s+ca)?|forget\s+it)(?:\s+merci|\s+thanks?)?$")


def confirmation_answer(text: str) -> str | None:
	""" "yes" or "no" when the whole message answers a confirmation question (OUI/YES, NON/NO), else None."""
	folded = _fold(_strip_signature(text or ""))
	if _YES.match(folded):
		return "yes"
	if _NO.match(folded):
		return "no"
	return None
