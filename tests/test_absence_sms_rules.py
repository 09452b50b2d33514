"""The rule-based absence reader on real-looking texts (French and English, typos and all)."""

from datetime import date, time

import pytest

from gigafibre_dispatch.engine.absence_sms import (
	AbsenceIntent,
	confirmation_fr,
	is_question,
	parse_absence_message,
)

MON = date(2026, 11, 23)  # a Monday
DEC = date(2026, 12, 14)  # a Monday in December: January dates are next year

# (today, message, expected (action, reason, from, until, start_time, end_time) or None)
TABLE = [
	(MON, "malade aujourdhui", ("set", "Malade", MON, MON, None, None)),
	(MON, "Bonjour, je suis malade aujourd'hui. Marc", ("set", "Malade", MON, MON, None, None)),
	(MON, "MALADE 🤒", ("set", "Malade", MON, MON, None, None)),
	(MON, "absent demain", ("set", "Absent", date(2026, 11, 24), date(2026, 11, 24), None, None)),
	(MON, "absent demain am", ("set", "Absent", date(2026, 11, 24), date(2026, 11, 24), None, time(12))),
	(
		MON,
		"rdv dentiste demain après-midi",
		("set", "Rendez-vous", date(2026, 11, 24), date(2026, 11, 24), time(12), None),
	),
	(MON, "Rendez-vous chez le médecin ce matin", ("set", "Rendez-vous", MON, MON, None, time(12))),
	(MON, "vacances du 3 au 5 mars", ("set", "Vacances", date(2027, 3, 3), date(2027, 3, 5), None, None)),
	(
		MON,
		"Vacances du 28 février au 2 mars svp",
		("set", "Vacances", date(2027, 2, 28), date(2027, 3, 2), None, None),
	),
	(MON, "formation jeudi", ("set", "Formation", date(2026, 11, 26), date(2026, 11, 26), None, None)),
	(
		MON,
		"Je suis en formation toute la semaine prochaine",
		("set", "Formation", date(2026, 11, 30), date(2026, 12, 4), None, None),
	),
	(MON, "absente lundi", ("set", "Absent", date(2026, 11, 30), date(2026, 11, 30), None, None)),
	(MON, "congé vendredi", ("set", "Congé", date(2026, 11, 27), date(2026, 11, 27), None, None)),
	(MON, "je serai absent cette semaine", ("set", "Absent", MON, date(2026, 11, 27), None, None)),
	(MON, "absent jusqu'au 5 décembre", ("set", "Absent", MON, date(2026, 12, 5), None, None)),
	(MON, "malade jusqu'à mercredi", ("set", "Malade", MON, date(2026, 11, 25), None, None)),
	(MON, "malade pour 3 jours", ("set", "Malade", MON, date(2026, 11, 25), None, None)),
	(MON, "absent le 12 décembre", ("set", "Absent", date(2026, 12, 12), date(2026, 12, 12), None, None)),
	(MON, "malade 24/11", ("set", "Malade", date(2026, 11, 24), date(2026, 11, 24), None, None)),
	(MON, "vacances 21/12 au 2/1", ("set", "Vacances", date(2026, 12, 21), date(2027, 1, 2), None, None)),
	(MON, "grippe, je reste à la maison", ("set", "Malade", MON, MON, None, None)),
	(MON, "sick", ("set", "Malade", MON, MON, None, None)),
	(MON, "sick until friday", ("set", "Malade", MON, date(2026, 11, 27), None, None)),
	(MON, "I'm sick today, sorry", ("set", "Malade", MON, MON, None, None)),
	(MON, "off tomorrow", ("set", "Congé", date(2026, 11, 24), date(2026, 11, 24), None, None)),
	(MON, "off till Dec 2", ("set", "Congé", MON, date(2026, 12, 2), None, None)),
	(MON, "vacation next week", ("set", "Vacances", date(2026, 11, 30), date(2026, 12, 4), None, None)),
	(MON, "sick March 3-5", ("set", "Malade", date(2027, 3, 3), date(2027, 3, 5), None, None)),
	(
		MON,
		"training from December 1 to 3",
		("set", "Formation", date(2026, 12, 1), date(2026, 12, 3), None, None),
	),
	(MON, "doctor appointment this afternoon", ("set", "Rendez-vous", MON, MON, time(12), None)),
	(DEC, "vacances du 3 au 5 janvier", ("set", "Vacances", date(2027, 1, 3), date(2027, 1, 5), None, None)),
	(DEC, "malade après-demain", ("set", "Malade", date(2026, 12, 16), date(2026, 12, 16), None, None)),
	(MON, "de retour", ("clear", "", None, None, None, None)),
	(MON, "Je suis de retour, merci!", ("clear", "", None, None, None, None)),
	(MON, "I'm back", ("clear", "", None, None, None, None)),
	(MON, "back to work tomorrow", ("clear", "", None, None, None, None)),
	# cancels: (action "cancel", first day back or None for today)
	(MON, "annuler mon absence", ("cancel", "", None, None, None, None)),
	(MON, "j'annule mon congé", ("cancel", "", None, None, None, None)),
	(MON, "Annule mon absence de demain svp", ("cancel", "", date(2026, 11, 24), None, None, None)),
	(MON, "finalement je rentre demain", ("cancel", "", date(2026, 11, 24), None, None, None)),
	(MON, "Je ne suis plus malade!", ("cancel", "", None, None, None, None)),
	(MON, "cancel my day off", ("cancel", "", None, None, None, None)),
	(MON, "cancel my sick day", ("cancel", "", None, None, None, None)),
	(MON, "Never mind, I'll be in tomorrow", ("cancel", "", date(2026, 11, 24), None, None, None)),
	(MON, "I'm coming in after all", ("cancel", "", None, None, None, None)),
	(
		MON,
		"je ne peux pas annuler mon rendez-vous, je serai absent demain",
		("set", "Rendez-vous", date(2026, 11, 24), date(2026, 11, 24), None, None),
	),
	(
		MON,
		"finalement je ne rentre pas demain",
		("set", "Absent", date(2026, 11, 24), date(2026, 11, 24), None, None),
	),
	(MON, "annulez la job de demain", None),
	(MON, "cancel tomorrow's job", None),
	(MON, "ok merci", None),
	(MON, "Où est le client?", None),
	(MON, "Can you call me?", None),
	(MON, "", None),
	(MON, "vacances du 5 au 3 mars", None),
]


@pytest.mark.parametrize("today,message,expected", TABLE, ids=[m or "<empty>" for _, m, _ in TABLE])
def test_phrase(today, message, expected):
	intent = parse_absence_message(message, today)
	if expected is None:
		assert intent is None
	else:
		assert intent is not None
		assert (
			intent.action,
			intent.reason,
			intent.from_date,
			intent.until_date,
			intent.start_time,
			intent.end_time,
		) == expected


def test_table_is_large_and_mixed():
	assert len(TABLE) >= 35
	langs = {parse_absence_message(m, t).language for t, m, e in TABLE if e is not None}
	assert langs == {"fr", "en"}
	cancels = [(parse_absence_message(m, t).language, e[0]) for t, m, e in TABLE if e and e[0] == "cancel"]
	assert {lang for lang, _ in cancels} == {"fr", "en"}


def test_french_confirmations():
	sick = confirmation_fr(AbsenceIntent("set", "Malade", MON, MON))
	assert sick == "Absence enregistrée (Malade) le lun. 23 nov. Bon rétablissement!"
	holidays = confirmation_fr(AbsenceIntent("set", "Vacances", date(2027, 3, 3), date(2027, 3, 5)))
	assert holidays == "Absence enregistrée (Vacances) du mer. 3 mars au ven. 5 mars. Bonnes vacances!"
	morning = confirmation_fr(AbsenceIntent("set", "Rendez-vous", MON, MON, None, time(12)))
	assert "(matin)" in morning and "Rendez-vous" in morning
	assert confirmation_fr(AbsenceIntent("clear", "")) == "Bon retour! Votre absence est levée."


# A question about time off asks: it records nothing (the shell replies without changing anything).
QUESTIONS = [
	"je peux-tu prendre congé le 31?",
	"Je peux tu prendre congé le 31",
	"est-ce que je peux être off vendredi",
	"puis-je prendre ma journée demain",
	"conge lundi?",
	"can I take friday off",
	"Could I be off on the 12th?",
	"is it ok if I leave at 2 tomorrow",
	"malade demain?",
]
STATEMENTS = [  # "can't" and "je peux pas" tell, they do not ask
	("je peux pas rentrer demain, malade", True),
	("j'peux pu travailler auj, grippe", True),
	("I can't come in tomorrow, sick", True),
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_question_records_nothing(text):
	assert is_question(text)
	assert parse_absence_message(text, MON) is None


@pytest.mark.parametrize("text,absence", STATEMENTS)
def test_a_statement_with_can_is_not_a_question(text, absence):
	assert not is_question(text)
	intent = parse_absence_message(text, MON)
	assert (intent is not None and intent.action == "set") == absence


# A cancellation gives the named day back: it never sets an absence on the day it frees (the first day back is
# the day named).
WED = date(2026, 11, 25)
CANCELS = [
	("finalement j'ai pas besoin de mon congé lundi", date(2026, 11, 30)),
	("j'ai pu besoin de ma journée off vendredi", date(2026, 11, 27)),
	("I dont need my day off friday", date(2026, 11, 27)),
	("I don't need my vacation on the 4th anymore", date(2026, 12, 4)),
	("back early from my trip, I can work Thursday", date(2026, 11, 26)),
	("je rentre jeudi finalement, chu pu malade", date(2026, 11, 26)),
]


@pytest.mark.parametrize("text,back", CANCELS)
def test_a_cancellation_frees_the_day_it_names(text, back):
	intent = parse_absence_message(text, WED)
	assert intent is not None and intent.action == "cancel", intent
	assert intent.from_date == back


# "dem" is tomorrow; joual "pis" is "et"; "today or tomorrow" (not sure which) is both days. Sent on a Wednesday.
REWRITTEN = [
	("malade dem", date(2026, 11, 26), date(2026, 11, 26)),
	("gastro, pas la de la journee dem", date(2026, 11, 26), date(2026, 11, 26)),
	("covid positif, off auj pis demain", WED, date(2026, 11, 26)),
	("malade jeudi pis vendredi", date(2026, 11, 26), date(2026, 11, 27)),
	("can't come in today or tomorrow, kid has the flu", WED, date(2026, 11, 26)),
	("chu malade auj ou dem", WED, date(2026, 11, 26)),
]


@pytest.mark.parametrize("text,first,last", REWRITTEN)
def test_rewritten_forms(text, first, last):
	intent = parse_absence_message(text, WED)
	assert intent is not None and intent.action == "set", intent
	assert (intent.from_date, intent.until_date) == (first, last)


def test_dem_inside_other_words_is_not_tomorrow():
	assert parse_absence_message("le modem est mort chez le client", WED) is None
