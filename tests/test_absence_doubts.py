"""Readings that must be confirmed (OUI/YES) before anything is recorded: each doubt broken once and kept once,
the answers, and the phrase set measured (the figures may only get better)."""

from collections import Counter
from datetime import date, datetime

import pytest

from gigafibre_dispatch.engine.absence_sms import (
	DOUBT_RULES,
	GUESSES,
	confirmation_answer,
	library_dates,
	question_fr,
	read_absence_message,
)
from tests.data.absence_phrases import AMBIGUOUS, CASES

SUNDAY_NOON = datetime(2026, 12, 6, 12, 0)  # a Sunday


@pytest.mark.parametrize(
	"doubt, asks, plain",
	[
		("question", "je peux-tu prendre congé le 31?", "je prends congé le 31"),
		("question", "can I take friday off", "I'm taking friday off"),
		("uncertain", "malade demain probablement", "malade demain"),
		("uncertain", "absent 2-3 jours", "absent 3 jours"),
		("someone_else", "mon helper est malade demain", "je suis malade demain"),
		("unknown_word", "csst demain", "malade demain"),
		("unknown_word", "malade demain, csst", "malade demain"),
		("either_or", "congé jeudi ou vendredi", "congé jeudi"),
		("either_or", "off le 9 ou le 10", "off le 9"),
		("cancel_word", "malade demain finalement", "malade demain"),
		("weekday_mismatch", "congé vendredi le 10", "congé vendredi le 11"),
	],
)
def test_each_doubt_asks_and_its_plain_form_does_not(doubt, asks, plain):
	reading = read_absence_message(asks, SUNDAY_NOON)
	assert doubt in reading.doubts, (asks, reading)
	assert not reading.certain
	if plain is not None:
		kept = read_absence_message(plain, SUNDAY_NOON)
		assert kept.certain, (plain, kept)


def test_late_night_tomorrow_asks_which_day():
	at_one = datetime(2026, 12, 7, 1, 0)
	assert "late_night_tomorrow" in read_absence_message("malade demain", at_one).doubts
	assert read_absence_message("malade demain", datetime(2026, 12, 7, 7, 0)).certain


def test_every_rule_has_a_case_above():
	codes = {code for code, _ in DOUBT_RULES} | {code for code, _, _ in GUESSES}
	assert codes <= {"uncertain", "someone_else", "unknown_word", "either_or", "cancel_word"}


def test_a_question_about_work_is_not_an_absence():
	reading = read_absence_message("c'est quoi l'adresse demain?", SUNDAY_NOON)
	assert reading.intent is None and reading.doubts == ("question",)


def test_a_reading_the_library_contradicts_is_asked():
	from gigafibre_dispatch.engine.absence_sms import AbsenceIntent, library_disagrees

	wrong = AbsenceIntent("set", "Vacances", date(2026, 12, 24), date(2026, 12, 24))
	right = AbsenceIntent("set", "Vacances", date(2026, 12, 23), date(2026, 12, 23))
	assert library_disagrees("vacances le 23 décembre", SUNDAY_NOON, wrong)
	assert not library_disagrees("vacances le 23 décembre", SUNDAY_NOON, right)
	assert not library_disagrees("malade", SUNDAY_NOON, wrong)  # no date named: nothing to compare
	assert not library_disagrees(
		"je suis absent 3 jours", SUNDAY_NOON, wrong
	)  # "je", "3 jours" are not dates


def test_the_library_reads_dates_relative_to_the_send_time():
	assert library_dates("le 23 décembre", SUNDAY_NOON) == [date(2026, 12, 23)]
	assert library_dates("bonjour", SUNDAY_NOON) == []


def test_answers():
	for text in ("OUI", "oui", "Oui merci", "yes", "YES!", "ok", "Confirmé", "o"):
		assert confirmation_answer(text) == "yes", text
	for text in ("non", "NON", "no", "oublie ça"):
		assert confirmation_answer(text) == "no", text
	for text in ("oui je suis malade demain", "malade", "ok malade demain", "non merci je serai là demain"):
		assert confirmation_answer(text) is None, text


def test_the_question_reads_back_what_was_understood():
	reading = read_absence_message("malade demain probablement", SUNDAY_NOON)
	text = question_fr(reading.intent)
	assert text.startswith("J'ai compris : absence (Malade) le lun. 7 déc.")
	assert "OUI" in text and "NON" in text


def measure() -> Counter:
	out = Counter()
	for c in [*CASES, *AMBIGUOUS]:
		r = read_absence_message(c.text, c.sent)
		if r.intent is None:
			got = "nothing"  # not understood: the reply says so, nothing is recorded
		elif r.doubts:
			got = "asked"
		else:
			got = r.intent.action
		if c.action in ("absence", "late_start"):
			if got == "set":
				right = (r.intent.from_date, r.intent.until_date) == (c.first, c.last)
				out["absence recorded right" if right else "absence recorded WRONG"] += 1
			else:
				out[f"absence {got}"] += 1
		elif c.action == "confirm":
			out["ambiguous " + ("recorded WRONG" if got in ("set", "cancel", "clear") else got)] += 1
		elif c.action == "none":
			out["none " + ("recorded WRONG" if got in ("set", "cancel", "clear") else got)] += 1
		else:
			out["cancel " + ("right" if got in ("cancel", "clear") else got)] += 1
	return out


def test_the_phrase_set_measured():
	"""The figures of the closing note; a change to the parser that records more wrong readings fails here."""
	m = measure()
	assert m["absence recorded WRONG"] <= 17
	assert m["ambiguous recorded WRONG"] <= 9
	assert m["none recorded WRONG"] <= 5
	assert m["absence recorded right"] >= 85
	assert m["ambiguous asked"] + m["ambiguous nothing"] >= 31
