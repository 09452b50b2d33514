"""The rule-based absence-SMS reader on real-looking French and English texts; the French confirmations."""

import dataclasses
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigafibre_dispatch.engine.absence_sms import (
	NO_ABSENCE,
	AbsenceIntent,
	Cancellation,
	cancel_absence,
	cancellation_fr,
	confirmation_fr,
	parse_absence_message,
)

MON = date(2026, 11, 23)  # a Monday
FRI = date(2026, 11, 27)  # a Friday: "friday" alone is next week's
DEC = date(2026, 12, 15)  # a Tuesday in December: January dates are next year's
NOON = time(12, 0)


def nov(day: int) -> date:
	return date(2026, 11, day)


def dec(day: int) -> date:
	return date(2026, 12, day)


def y27(month: int, day: int) -> date:
	return date(2027, month, day)


def fr(reason: str, start: date, until: date, start_time=None, end_time=None) -> AbsenceIntent:
	return AbsenceIntent("set", reason, start, until, start_time, end_time, "fr")


def en(reason: str, start: date, until: date, start_time=None, end_time=None) -> AbsenceIntent:
	return AbsenceIntent("set", reason, start, until, start_time, end_time, "en")


CLEAR_FR = AbsenceIntent("clear", "", language="fr")
CLEAR_EN = AbsenceIntent("clear", "", language="en")


def cancel_fr(back: date | None = None) -> AbsenceIntent:
	"""A cancel: no absence from `back` on (None: today)."""
	return AbsenceIntent("cancel", "", back, language="fr")


def cancel_en(back: date | None = None) -> AbsenceIntent:
	return AbsenceIntent("cancel", "", back, language="en")


# Cancels in French: the absence goes (from the date named, which is the first day back).
CANCEL_FR = [
	(MON, "annuler mon absence", cancel_fr()),
	(MON, "J'annule mon congé", cancel_fr()),
	(MON, "Bonjour, j'annule mon congé de maladie. Marc", cancel_fr()),
	(MON, "annule mon absence de demain", cancel_fr(nov(24))),
	(MON, "Annulation de mon congé de vendredi svp", cancel_fr(FRI)),
	(MON, "annulez mes vacances du 3 au 5 mars", cancel_fr(y27(3, 3))),
	(MON, "mes vacances sont annulées", cancel_fr()),
	(MON, "Ma formation de jeudi est annulée", cancel_fr(nov(26))),
	(MON, "je ne suis plus malade", cancel_fr()),
	(MON, "Bonjour, je ne suis plus malade", cancel_fr()),
	(MON, "je ne suis plus malade, de retour demain", cancel_fr(nov(24))),
	(MON, "finalement je rentre demain", cancel_fr(nov(24))),
	(MON, "Finalement je serai là lundi", cancel_fr(nov(30))),
	(MON, "je rentre finalement aujourd'hui", cancel_fr(MON)),
	(MON, "en fin de compte je suis disponible demain", cancel_fr(nov(24))),
]
# Cancels in English.
CANCEL_EN = [
	(MON, "cancel my day off", cancel_en()),
	(MON, "cancel my sick day", cancel_en()),
	(MON, "Please cancel my day off tomorrow", cancel_en(nov(24))),
	(MON, "cancel my vacation from March 3 to 5", cancel_en(y27(3, 3))),
	(MON, "my vacation is cancelled", cancel_en()),
	(MON, "training on Friday got cancelled", cancel_en(FRI)),
	(MON, "I'm not sick anymore", cancel_en()),
	(MON, "no longer sick, thanks", cancel_en()),
	(MON, "never mind, I'll be in tomorrow", cancel_en(nov(24))),
	(MON, "Nevermind, I'm back", cancel_en()),
	(MON, "I'm coming in after all", cancel_en()),
	(MON, "actually I can make it on Friday", cancel_en(FRI)),
]
# Not a cancel of the technician's absence: read as something else, or not understood.
NOT_A_CANCEL = [
	(
		MON,
		"je ne peux pas annuler mon rendez-vous, je serai absent demain",
		fr("Rendez-vous", nov(24), nov(24)),
	),
	(MON, "I can't cancel my appointment, I'll be off tomorrow", en("Rendez-vous", nov(24), nov(24))),
	(MON, "finalement je ne rentre pas demain", fr("Absent", nov(24), nov(24))),
	(MON, "never mind, I won't be in tomorrow", en("Absent", nov(24), nov(24))),
	(MON, "actually I'm in training tomorrow", en("Formation", nov(24), nov(24))),
	(MON, "j'annule mes rdv, je suis malade demain", fr("Malade", nov(24), nov(24))),
	(MON, "annulez la job de demain", None),  # a job, not an absence
	(MON, "annule mon rdv de demain", None),  # the technician's or a customer's: ask again
	(MON, "cancel tomorrow's job", None),
	(MON, "le client a annulé", None),
	(MON, "Client annulé, je passe au suivant", None),
	(MON, "annule mes vacances, je suis malade", None),  # two things at once
	(MON, "annule mon absence d'hier", None),  # in the past
	(MON, "finalement", None),
	(MON, "je rentre demain", None),  # no change of plan: not read
]

# (today, message, the exact intent or None)
TABLE = [
	# French: today, tomorrow, half days, typos and signatures
	(MON, "malade aujourdhui", fr("Malade", MON, MON)),
	(MON, "Bonjour, je suis malade aujourd'hui. Marc", fr("Malade", MON, MON)),
	(MON, "MALADE AUJOURD’HUI 🤒🤒 svp avisez mes clients", fr("Malade", MON, MON)),
	(MON, "absent demain am", fr("Absent", nov(24), nov(24), None, NOON)),
	(MON, "Absente demain après-midi", fr("Absent", nov(24), nov(24), NOON, None)),
	(MON, "absent demain apres midi", fr("Absent", nov(24), nov(24), NOON, None)),
	(MON, "Rendez-vous chez le dentiste ce matin", fr("Rendez-vous", MON, MON, None, NOON)),
	(MON, "rdv médecin demain de 8h à 11h30", fr("Rendez-vous", nov(24), nov(24), time(8), time(11, 30))),
	(MON, "absent après-demain", fr("Absent", nov(25), nov(25))),
	(MON, "Off demain. Sam", fr("Congé", nov(24), nov(24))),  # the signature "Sam" is not samedi
	(
		MON,
		"Salut! Je serai absente vendredi pour un rdv chez le dentiste. Merci, Julie",
		fr("Rendez-vous", FRI, FRI),
	),
	(MON, "Malade ce matin, de retour cet après-midi", fr("Malade", MON, MON, None, NOON)),
	# French: date ranges, numeric dates, month names
	(MON, "vacances du 3 au 5 mars", fr("Vacances", y27(3, 3), y27(3, 5))),
	(MON, "Vacances du 3 mars au 5 mars", fr("Vacances", y27(3, 3), y27(3, 5))),
	(MON, "vacances du 28 février au 2 mars svp", fr("Vacances", y27(2, 28), y27(3, 2))),
	(MON, "Congé 3-5 mars", fr("Congé", y27(3, 3), y27(3, 5))),
	(MON, "formation le 12 mars", fr("Formation", y27(3, 12), y27(3, 12))),
	(MON, "absent 12/03", fr("Absent", y27(3, 12), y27(3, 12))),  # day/month
	(MON, "vacances du 23 au 27", fr("Vacances", MON, FRI)),
	(MON, "vacances du 28 au 2", fr("Vacances", nov(28), dec(2))),
	(MON, "absent mar 24", fr("Absent", nov(24), nov(24))),  # "mar" is mardi in French
	(MON, "malade depuis le 20/11", fr("Malade", nov(20), MON)),
	# French: until, for, weeks, weekdays
	(MON, "malade jusqu'à vendredi", fr("Malade", MON, FRI)),
	(MON, "absent jusqu'au 5 décembre", fr("Absent", MON, dec(5))),
	(MON, "malade pour 3 jours", fr("Malade", MON, nov(25))),
	(MON, "je prends 2 jours de congé à partir de jeudi", fr("Congé", nov(26), FRI)),
	(MON, "formation cette semaine", fr("Formation", MON, FRI)),
	(MON, "Vacances la semaine prochaine", fr("Vacances", nov(30), dec(4))),
	(MON, "absent lundi", fr("Absent", nov(30), nov(30))),  # strictly after today
	(MON, "absent ce lundi", fr("Absent", MON, MON)),  # "ce" + today's weekday: today
	(MON, "congé vendredi", fr("Congé", FRI, FRI)),
	(MON, "absent du lundi au mercredi", fr("Absent", nov(30), dec(2))),
	(MON, "pas disponible demain", fr("Absent", nov(24), nov(24))),
	# French: returns
	(MON, "Malade, de retour lundi", fr("Malade", MON, nov(29))),
	(MON, "de retour lundi", CLEAR_FR),
	(MON, "Je suis de retour, merci!", CLEAR_FR),
	(MON, "de retour de vacances!", CLEAR_FR),
	# English
	(MON, "sick until friday", en("Malade", MON, FRI)),
	(MON, "I'm sick today, sorry", en("Malade", MON, MON)),
	(MON, "sick tomorrow", en("Malade", nov(24), nov(24))),
	(MON, "Off tomorrow morning", en("Congé", nov(24), nov(24), None, NOON)),
	(MON, "day off on Friday", en("Congé", FRI, FRI)),
	(MON, "vacation from March 3 to 5", en("Vacances", y27(3, 3), y27(3, 5))),
	(MON, "Vacation March 3-5", en("Vacances", y27(3, 3), y27(3, 5))),
	(MON, "holidays from 3 to 5 March", en("Vacances", y27(3, 3), y27(3, 5))),
	(MON, "training on March 12", en("Formation", y27(3, 12), y27(3, 12))),
	(MON, "Doctor appointment this afternoon", en("Rendez-vous", MON, MON, NOON, None)),
	(MON, "training next week", en("Formation", nov(30), dec(4))),
	(MON, "sick for 3 days", en("Malade", MON, nov(25))),
	(MON, "off until March 5", en("Congé", MON, y27(3, 5))),
	(MON, "I can't come in tomorrow", en("Absent", nov(24), nov(24))),
	(MON, "absent tomorrow from 1 to 4pm", en("Absent", nov(24), nov(24), time(13), time(16))),
	(MON, "I'm sick, back on Monday", en("Malade", MON, nov(29))),
	(MON, "I'm back", CLEAR_EN),
	(MON, "back to work", CLEAR_EN),
	(MON, "available again", CLEAR_EN),
	# Friday: a weekday name alone is next week's, with "ce"/"this" it is today
	(FRI, "sick until friday", en("Malade", FRI, dec(4))),
	(FRI, "malade jusqu'à ce vendredi", fr("Malade", FRI, FRI)),
	(FRI, "absent this friday", en("Absent", FRI, FRI)),
	# December: month-name dates more than 30 days back are next year's
	(DEC, "vacances du 3 au 5 janvier", fr("Vacances", y27(1, 3), y27(1, 5))),
	(DEC, "Vacances du 28 décembre au 2 janvier", fr("Vacances", dec(28), y27(1, 2))),
	(DEC, "absent le 10 décembre", fr("Absent", dec(10), dec(10))),  # 5 days back: this year
	(DEC, "vacation Dec 21 to Jan 4", en("Vacances", dec(21), y27(1, 4))),
	(DEC, "malade aujourdhui et demain", fr("Malade", DEC, dec(16))),
	# not understood: nothing changes
	(MON, "ok merci", None),
	(MON, "Où est le client?", None),
	(MON, "Client absent, je passe au suivant", None),
	(MON, "Can you call me?", None),
	(MON, "call me back please", None),
	(MON, "of course", None),
	(MON, "le job est en cours", None),
	(MON, "", None),
	(MON, "vacances du 5 au 3 mars", None),  # ends before it starts
	(MON, "absent lundi et mercredi", None),  # two absences, not one range
	(MON, "absent 31/02", None),  # no such date
	(MON, "absent demain de 14h à 10h", None),  # ends before it starts
	*CANCEL_FR,
	*CANCEL_EN,
	*NOT_A_CANCEL,
]


@pytest.mark.parametrize("today,message,expected", TABLE, ids=[m or "<empty>" for _, m, _ in TABLE])
def test_phrase(today, message, expected):
	assert parse_absence_message(message, today) == expected


def test_table_is_large_mixed_and_covers_every_reason_and_action():
	assert len(TABLE) >= 35
	understood = [e for _, _, e in TABLE if e is not None]
	assert {e.language for e in understood} == {"fr", "en"}
	assert {e.action for e in understood} == {"set", "clear", "cancel"}
	assert {e.language for _, _, e in CANCEL_FR} == {"fr"} and {e.language for _, _, e in CANCEL_EN} == {"en"}
	assert all(e.action == "cancel" for _, _, e in CANCEL_FR + CANCEL_EN)
	assert not any(e is not None and e.action == "cancel" for _, _, e in NOT_A_CANCEL)
	assert {e.reason for e in understood if e.action == "set"} == {
		"Malade",
		"Vacances",
		"Formation",
		"Absent",
		"Rendez-vous",
		"Congé",
	}
	assert len({t for t, _, _ in TABLE}) >= 3
	assert sum(e is None for _, _, e in TABLE) >= 10


@pytest.mark.parametrize(
	"name,offset",
	[
		("lundi", 7),
		("mardi", 1),
		("mercredi", 2),
		("jeudi", 3),
		("vendredi", 4),
		("samedi", 5),
		("dimanche", 6),
	],
)
def test_weekday_is_the_next_one_strictly_after_today(name, offset):
	day = MON + timedelta(days=offset)
	assert parse_absence_message(f"absent {name}", MON) == fr("Absent", day, day)


def test_ce_or_this_means_today_only_for_todays_weekday():
	assert parse_absence_message("absent ce lundi", MON) == fr("Absent", MON, MON)
	assert parse_absence_message("absent this monday", MON) == en("Absent", MON, MON)
	assert parse_absence_message("absent ce mercredi", MON) == fr("Absent", nov(25), nov(25))
	assert parse_absence_message("absent lundi prochain", MON) == fr("Absent", nov(30), nov(30))


def test_accents_case_and_punctuation_do_not_matter():
	plain = parse_absence_message("malade aujourd'hui", MON)
	for variant in (
		"MALADE AUJOURD'HUI!!!",
		"Malade aujourd’hui 🙁",
		"malade, aujourdhui.",
		"  malade   aujourd hui  ",
	):
		assert parse_absence_message(variant, MON) == plain
	assert parse_absence_message("Vacances du 28 fevrier au 2 mars", MON) == parse_absence_message(
		"VACANCES DU 28 FÉVRIER AU 2 MARS", MON
	)


def test_numeric_dates_are_day_month_and_wrap_like_month_names():
	assert parse_absence_message("absent 02/03", MON) == fr("Absent", y27(3, 2), y27(3, 2))
	assert parse_absence_message("absent 24/11", MON) == fr("Absent", nov(24), nov(24))
	assert parse_absence_message("absent 13/13", MON) is None


def test_an_absence_is_never_inverted_and_the_reason_is_the_most_specific():
	assert parse_absence_message("congé de maladie demain", MON) == fr("Malade", nov(24), nov(24))
	assert parse_absence_message("absent demain, rdv chez le médecin", MON) == fr(
		"Rendez-vous", nov(24), nov(24)
	)
	assert parse_absence_message("absent jusqu'au 20 novembre", MON) is None  # until a past date


def test_intent_is_frozen_with_slots():
	intent = fr("Malade", MON, MON)
	assert not hasattr(intent, "__dict__")
	with pytest.raises(dataclasses.FrozenInstanceError):
		intent.reason = "Absent"


@settings(max_examples=300, deadline=None)
@given(
	words=st.lists(
		st.sampled_from(
			"malade sick absent vacances off rdv du au 3 5 28 mars march février to - jusqu'à until lundi "
			"friday ce this demain today hier depuis de retour back pour for jours days le the 12/03 31/02 "
			"am pm 8h 14:30 midi matin après-midi et and entre semaine prochaine next week Marc Sam mar , . "
			"🤒".split()
		),
		max_size=10,
	),
	offset=st.integers(min_value=0, max_value=730),
)
def test_any_text_gives_none_or_a_sound_intent(words, offset):
	today = date(2026, 1, 1) + timedelta(days=offset)
	intent = parse_absence_message(" ".join(words), today)
	if intent is None:
		return
	assert intent.language in ("fr", "en")
	if intent.action == "clear":
		assert (intent.reason, intent.from_date, intent.until_date) == ("", None, None)
	elif intent.action == "cancel":
		assert (intent.reason, intent.until_date) == ("", None)
		assert intent.from_date is None or intent.from_date >= today
	else:
		assert intent.action == "set"
		assert intent.reason in ("Malade", "Vacances", "Formation", "Absent", "Rendez-vous", "Congé")
		assert intent.from_date <= intent.until_date
	assert confirmation_fr(intent).endswith("!") or confirmation_fr(intent).endswith(".")


# --- the French confirmation ----------------------------------------------------------------------


def test_confirmation_for_a_range():
	assert (
		confirmation_fr(fr("Malade", MON, nov(24)))
		== "Absence enregistrée (Malade) du lun. 23 nov. au mar. 24 nov. Bon rétablissement!"
	)
	assert (
		confirmation_fr(fr("Vacances", y27(3, 3), y27(3, 5)))
		== "Absence enregistrée (Vacances) du mer. 3 mars au ven. 5 mars. Bonnes vacances!"
	)


def test_confirmation_for_one_day_and_half_days():
	assert (
		confirmation_fr(fr("Formation", FRI, FRI))
		== "Absence enregistrée (Formation) le ven. 27 nov. Bonne formation!"
	)
	assert (
		confirmation_fr(fr("Absent", nov(24), nov(24), None, NOON))
		== "Absence enregistrée (Absent) le mar. 24 nov. (matin). Merci de nous avoir avisés."
	)
	assert (
		confirmation_fr(fr("Congé", nov(24), nov(24), NOON, None))
		== "Absence enregistrée (Congé) le mar. 24 nov. (après-midi). Bon congé!"
	)
	assert (
		confirmation_fr(fr("Rendez-vous", nov(24), nov(24), time(8), time(11, 30)))
		== "Absence enregistrée (Rendez-vous) le mar. 24 nov. de 8 h à 11 h 30. Merci de nous avoir avisés."
	)
	assert confirmation_fr(fr("Absent", dec(1), dec(1), None, time(10))).startswith(
		"Absence enregistrée (Absent) le mar. 1er déc. jusqu'à 10 h."
	)


def test_confirmation_shows_times_on_their_days_and_the_year_across_years():
	assert (
		confirmation_fr(fr("Malade", MON, nov(25), NOON, time(10)))
		== "Absence enregistrée (Malade) du lun. 23 nov. (dès 12 h) au mer. 25 nov. (jusqu'à 10 h). "
		"Bon rétablissement!"
	)
	assert (
		confirmation_fr(fr("Vacances", dec(28), y27(1, 2)))
		== "Absence enregistrée (Vacances) du lun. 28 déc. 2026 au sam. 2 janv. 2027. Bonnes vacances!"
	)


def test_confirmation_for_a_return():
	assert confirmation_fr(CLEAR_FR) == "Bon retour! Votre absence est levée."
	assert confirmation_fr(parse_absence_message("I'm back", MON)) == "Bon retour! Votre absence est levée."


@pytest.mark.parametrize("today,message,expected", [row for row in TABLE if row[2] is not None][:40])
def test_confirmation_of_parsed_messages_names_the_reason_and_dates(today, message, expected):
	reply = confirmation_fr(parse_absence_message(message, today))
	if expected.action == "clear":
		assert reply == "Bon retour! Votre absence est levée."
		return
	if expected.action == "cancel":
		assert reply == "Votre absence est annulée. Merci de nous avoir avisés."
		return
	assert reply.startswith(f"Absence enregistrée ({expected.reason}) ")
	for day in {expected.from_date, expected.until_date}:
		assert f" {'1er' if day.day == 1 else day.day} " in reply
	assert ("du " in reply and " au " in reply) == (expected.from_date != expected.until_date)


# --- cancelling a declared absence -----------------------------------------------------------------


@pytest.mark.parametrize(
	"intent,absence,expected",
	[
		# "annuler mon absence" (back today)
		(cancel_fr(), (nov(25), nov(27)), Cancellation("clear", MON)),  # starts later: cleared
		(cancel_fr(), (MON, FRI), Cancellation("clear", MON)),  # starts today: cleared
		(cancel_fr(), (nov(20), FRI), Cancellation("shorten", MON, nov(22))),  # running: ends yesterday
		(cancel_fr(), (nov(20), nov(22)), Cancellation("none", MON)),  # over
		(cancel_fr(), (None, None), Cancellation("none", MON)),  # none declared
		(cancel_fr(), (MON, None), Cancellation("clear", MON)),  # one day, no end date
		# "finalement je rentre demain" / "annule mon absence de demain" (back tomorrow)
		(cancel_fr(nov(24)), (nov(20), FRI), Cancellation("shorten", nov(24), MON)),  # ends today
		(cancel_fr(nov(24)), (MON, FRI), Cancellation("shorten", nov(24), MON)),
		(cancel_fr(nov(24)), (nov(24), nov(24)), Cancellation("clear", nov(24))),
		(cancel_fr(nov(24)), (nov(20), MON), Cancellation("already", nov(24))),  # already ends today
		(cancel_fr(nov(24)), (nov(30), dec(4)), Cancellation("clear", nov(24))),
	],
)
def test_cancel_clears_or_shortens_the_declared_absence(intent, absence, expected):
	assert cancel_absence(intent, *absence, today=MON) == expected


def test_a_cancel_dated_before_today_counts_from_today():
	stale = AbsenceIntent("cancel", "", nov(20))  # e.g. a reading made yesterday and replayed
	assert cancel_absence(stale, nov(20), FRI, today=MON) == Cancellation("shorten", MON, nov(22))


def test_cancellation_replies():
	assert (
		cancellation_fr(Cancellation("clear", MON), "Vacances", y27(3, 3), y27(3, 5))
		== "Absence annulée (Vacances, du mer. 3 mars au ven. 5 mars). Merci de nous avoir avisés."
	)
	assert (
		cancellation_fr(Cancellation("clear", MON), "Malade", nov(24), None)
		== "Absence annulée (Malade, le mar. 24 nov.). Merci de nous avoir avisés."
	)
	assert (
		cancellation_fr(Cancellation("shorten", nov(24), MON), "Malade", nov(20), FRI)
		== "Absence écourtée (Malade): dernier jour le lun. 23 nov., retour le mar. 24 nov. Bon retour!"
	)
	assert (
		cancellation_fr(Cancellation("already", nov(24)), "Congé", nov(20), MON)
		== "Votre absence (Congé, du ven. 20 nov. au lun. 23 nov.) se termine avant le mar. 24 nov.; "
		"rien n'a changé."
	)
	assert cancellation_fr(Cancellation("none", MON), None, None, None) == NO_ABSENCE
	assert (
		NO_ABSENCE
		== "Aucune absence n'est inscrite à votre nom; rien n'a changé. Merci de nous avoir avisés."
	)


@settings(max_examples=300, deadline=None)
@given(
	start=st.integers(min_value=-10, max_value=10),
	length=st.integers(min_value=0, max_value=10),
	back=st.one_of(st.none(), st.integers(min_value=-3, max_value=12)),
)
def test_a_cancel_never_lengthens_an_absence_nor_leaves_it_on_the_day_back(start, length, back):
	first = MON + timedelta(days=start)
	last = first + timedelta(days=length)
	intent = cancel_fr(None if back is None else MON + timedelta(days=back))
	result = cancel_absence(intent, first, last, today=MON)
	day_back = max(intent.from_date or MON, MON)
	assert result.back == day_back
	if result.outcome == "shorten":
		assert first <= result.until_date < day_back <= last
		assert result.until_date == day_back - timedelta(days=1)
	elif result.outcome == "clear":
		assert first >= day_back
	else:
		assert last < day_back
		assert (result.outcome == "none") == (last < MON)
	assert cancellation_fr(result, "Malade", first, last).endswith(("!", "."))
