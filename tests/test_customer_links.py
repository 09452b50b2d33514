"""Customer links (engine/customer_links.py): short, signed per purpose, expiring, carrying a nonce."""

from datetime import datetime, timedelta, timezone

import pytest

from gigafibre_dispatch.engine.customer_links import make_link_token, read_link_token

SECRET = "a-site-secret-0123456789"
NOW = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # a year end


def test_a_valid_link_reads_back_its_job_expiry_and_nonce():
	token = make_link_token("DJ-2026-00042", "book", SECRET, expires=NOW + timedelta(hours=72), nonce="n0nce")
	got = read_link_token(token, "book", SECRET, now=NOW)
	assert got == {
		"job": "DJ-2026-00042",
		"expires": int((NOW + timedelta(hours=72)).timestamp()),
		"nonce": "n0nce",
	}
	assert len(token) < 80  # fits an SMS beside its text


def test_a_link_expires_at_its_second_not_a_second_later():
	expires = NOW + timedelta(minutes=1)
	token = make_link_token("J", "status", SECRET, expires=expires)
	assert isinstance(read_link_token(token, "status", SECRET, now=expires - timedelta(seconds=1)), dict)
	assert read_link_token(token, "status", SECRET, now=expires) == "expired"


def test_naive_times_are_utc():
	token = make_link_token("J", "status", SECRET, expires=datetime(2027, 1, 1, 1, 0))
	assert read_link_token(token, "status", SECRET, now=NOW)["expires"] == int(
		datetime(2027, 1, 1, 1, 0, tzinfo=timezone.utc).timestamp()
	)


@pytest.mark.parametrize(
	"mutate",
	[
		lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
		lambda t: "x" + t,  # body changed
		lambda t: t.split(".")[0],  # no signature
		lambda t: "",
		lambda t: "." + t.split(".")[1],
		lambda t: t + "é",
		lambda t: t * 10,
	],
)
def test_a_tampered_link_is_invalid(mutate):
	token = make_link_token("J-1", "book", SECRET, expires=NOW + timedelta(hours=1), nonce="abc")
	assert read_link_token(mutate(token), "book", SECRET, now=NOW) == "invalid"


def test_a_link_for_one_purpose_or_secret_is_refused_for_another():
	token = make_link_token("J-1", "status", SECRET, expires=NOW + timedelta(hours=1))
	assert read_link_token(token, "book", SECRET, now=NOW) == "invalid"
	assert read_link_token(token, "status", SECRET + "x", now=NOW) == "invalid"
	assert read_link_token(token, "nope", SECRET, now=NOW) == "invalid"


def test_a_forged_body_with_another_job_needs_the_secret():
	token = make_link_token("J-1", "book", SECRET, expires=NOW + timedelta(hours=1), nonce="n")
	other = make_link_token("J-2", "book", "attacker", expires=NOW + timedelta(days=999), nonce="n")
	forged = other.split(".")[0] + "." + token.split(".")[1]
	assert read_link_token(forged, "book", SECRET, now=NOW) == "invalid"


def test_bad_arguments_are_refused_when_making():
	with pytest.raises(ValueError):
		make_link_token("J", "other", SECRET, expires=NOW)
	with pytest.raises(ValueError):
		make_link_token("", "book", SECRET, expires=NOW)
