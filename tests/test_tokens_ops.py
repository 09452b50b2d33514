import pathlib
import time

import jwt
import pytest

from gigafibre_dispatch.engine import ops
from gigafibre_dispatch.engine.lifecycle import Actor, PolicyError
from gigafibre_dispatch.engine.tokens import verify_api_token

SECRET = "s3cret-for-tests-0123456789abcdef"


def token(secret=SECRET, algorithm="HS256", **claims):
	base = {"sub": "hub", "role": "dispatcher", "exp": int(time.time()) + 60, "account_ids": ["C1"]}
	base.update(claims)
	return jwt.encode({k: v for k, v in base.items() if v is not None}, secret, algorithm=algorithm)


def test_valid_token_gives_the_actor_and_scope():
	actor = verify_api_token(token(site_ids=["L1"], tool_name="n8n"), SECRET)
	assert isinstance(actor, Actor)
	assert (actor.id, actor.roles, actor.account_ids, actor.site_ids, actor.tool_name) == (
		"hub",
		frozenset({"dispatcher"}),
		frozenset({"C1"}),
		frozenset({"L1"}),
		"n8n",
	)
	nested = verify_api_token(token(account_ids=None, scope={"site_ids": ["L9"]}), SECRET)
	assert nested.site_ids == frozenset({"L9"}) and nested.account_ids is None


@pytest.mark.parametrize(
	"make,code",
	[
		(lambda: token(exp=int(time.time()) - 5), "token_expired"),
		(lambda: token(secret="another-secret-0123456789abcdef0"), "invalid_signature"),
		(
			lambda: jwt.encode(
				{"sub": "x", "role": "dispatcher", "exp": int(time.time()) + 60, "account_ids": ["C"]},
				None,
				algorithm="none",
			),
			"algorithm_not_allowed",
		),
		(lambda: token(account_ids=None), "missing_scope"),
		(lambda: token(account_ids=[""]), "invalid_scope"),
		(lambda: token(role=None), "missing_claim"),
		(lambda: token(role="root"), "unknown_role"),
		(lambda: token(aud="magic-link"), "invalid_audience"),
		(lambda: "not.a.token", "malformed_token"),
	],
)
def test_refusals(make, code):
	result = verify_api_token(make(), SECRET)
	assert isinstance(result, PolicyError) and result.dimension == "auth" and result.code == code
	assert result.http_status == 401


def test_issuer_audience_and_missing_secret():
	assert verify_api_token(token(iss="hub", aud="api"), SECRET, issuer="hub", audience="api").id == "hub"
	assert (
		verify_api_token(token(iss="other", aud="api"), SECRET, issuer="hub", audience="api").code
		== "invalid_issuer"
	)
	assert (
		verify_api_token(token(iss="hub", aud="portal"), SECRET, issuer="hub", audience="api").code
		== "invalid_audience"
	)
	assert verify_api_token(token(), "").code == "auth_not_configured"


def test_traceparent():
	tid, span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	assert ops.parse_traceparent(f"00-{tid}-{span}-01") == (tid, span)
	for bad in (
		None,
		"",
		"garbage",
		f"00-{'0' * 32}-{span}-01",
		f"ff-{tid}-{span}-01",
		f"00-{tid}-{'0' * 16}-01",
	):
		assert ops.parse_traceparent(bad) is None
	assert ops.parse_traceparent(ops.traceparent_for(tid))[0] == tid


def test_prometheus_text():
	text = ops.prometheus_text(
		{
			"requests": [{"command": "triage", "status": "200", "count": 3}],
			"errors": [{"command": "triage", "dimension": "scope", "count": 1}],
			"transitions": [{"command": "triage", "from_state": "New", "to_state": "Triaged", "count": 3}],
		}
	)
	assert "# TYPE dispatch_requests_total counter" in text
	assert 'dispatch_requests_total{command="triage",status="200"} 3' in text
	assert 'dispatch_errors_total{command="triage",dimension="scope"} 1' in text
	assert 'dispatch_transitions_total{command="triage",from_state="New",to_state="Triaged"} 3' in text
	assert text.endswith("\n")


def test_alerts_fire_at_threshold_and_name_a_runbook_that_exists():
	signals = {
		"stuck_scheduling_count": 12,
		"completion_rejections": 1,
		"idempotency_conflicts": 10,
		"auth_policy_rejections": 0,
	}
	limits = {
		"stuck_scheduling_count": 10,
		"completion_rejection": 5,
		"idempotency_conflict": 10,
		"auth_policy_rejection": 0,
	}
	alerts = {a["alert"]: a for a in ops.evaluate_alerts(signals, limits)}
	assert alerts["stuck_scheduling_backlog"]["firing"] and alerts["idempotency_conflict_spike"]["firing"]
	assert not alerts["completion_rejection_spike"]["firing"]
	assert "auth_policy_rejection_spike" not in alerts  # a threshold of 0 disables the alert
	root = pathlib.Path(__file__).resolve().parent.parent
	for runbook in ops.RUNBOOKS.values():
		path, anchor = runbook.split("#")
		headings = [
			line[3:].strip() for line in (root / path).read_text().splitlines() if line.startswith("## ")
		]
		assert anchor in headings, runbook


def test_a_token_living_longer_than_the_cap_is_refused():
	now = int(time.time())
	ten_years = token(iat=now, exp=now + 10 * 365 * 86400)
	no_iat_long = token(iat=None, exp=now + 30 * 3600)
	two_hours = token(iat=now, exp=now + 2 * 3600)
	for t in (ten_years, no_iat_long):
		refused = verify_api_token(t, SECRET, max_hours=24)
		assert isinstance(refused, PolicyError) and refused.code == "token_lifetime_too_long"
	assert not isinstance(verify_api_token(two_hours, SECRET, max_hours=24), PolicyError)
	assert not isinstance(verify_api_token(ten_years, SECRET), PolicyError)  # no cap given: none applied


def test_a_magic_link_renews_but_never_past_a_month_after_the_first():
	from datetime import datetime, timedelta, timezone

	from gigafibre_dispatch.engine.magic import MAX_CHAIN_DAYS, refresh_magic_token, verify_magic_token
	from gigafibre_dispatch.engine.magic import make_magic_token as make

	secret = "magic-secret-for-tests-0123456789abcdef"
	# PyJWT checks exp on the real clock: the chain starts now.
	sent = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
	end = int((sent + timedelta(days=MAX_CHAIN_DAYS)).replace(tzinfo=timezone.utc).timestamp())
	link = make("T1", secret, now=sent, ttl_hours=72, job="J1", version=2)
	at, renewals = sent, 0
	while True:  # renewed every day, as a technician opening the page would
		at += timedelta(days=1)
		claims = verify_magic_token(link, secret, now=at)
		if claims == "expired":  # the last renewal ran to the chain's end, not past it
			renewed = None
			break
		assert isinstance(claims, dict), (at, claims)
		renewed = refresh_magic_token(claims, secret, now=at, ttl_hours=72)
		if renewed is None:
			break
		renewals += 1
		new = verify_magic_token(renewed, secret, now=at)
		same_target = ("T1", "J1", 2, claims["first"])
		assert (new["sub"], new["job"], new["v"], new["first"]) == same_target
		assert new["exp"] <= end  # never past a month after the first link
		link = renewed
	assert renewals == MAX_CHAIN_DAYS - 1 and at == sent + timedelta(days=MAX_CHAIN_DAYS)
