"""The absence-SMS phrase set (tests/data/absence_phrases.py) is well formed and as broad as issue 18 asks: its
expectations are computed from each message's send time, written without reading the parser."""

from tests.data.absence_phrases import AMBIGUOUS, CASES, _self_check


def test_the_phrase_set_is_well_formed():
	_self_check()


def test_the_phrase_set_is_broad():
	assert len(CASES) >= 150
	assert len(AMBIGUOUS) >= 25
	by_lang = {lang: sum(1 for c in CASES if c.lang == lang) for lang in ("fr", "en", "mixed")}
	assert by_lang["fr"] >= len(CASES) / 2
	assert by_lang["en"] >= len(CASES) / 3
	assert {c.action for c in CASES} == {"absence", "cancel", "late_start", "none"}
	assert all(c.action == "confirm" for c in AMBIGUOUS)
	sent_days = {c.sent.weekday() for c in CASES}
	assert sent_days == set(range(7))  # sent on every day of the week
