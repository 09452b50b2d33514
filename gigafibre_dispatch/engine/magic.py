"""Magic links for technicians: short JWTs in their own audience, never accepted as API tokens.

A link is signed with the magic-link secret (rotating it invalidates every link) and carries the technician's
link version (bumping it, or deactivating the technician, invalidates that technician's links only).
"""

import uuid
from datetime import datetime, timedelta, timezone

import jwt

MAGIC_AUDIENCE = "gigafibre-dispatch-magic-link"
MAX_CHAIN_DAYS = 30  # a link renewed again and again still ends this long after the first one was sent


def _ts(now: datetime) -> int:
	if now.tzinfo is None:
		now = now.replace(tzinfo=timezone.utc)
	return int(now.timestamp())


def make_magic_token(
	tech_id: str,
	secret: str,
	*,
	now: datetime,
	ttl_hours: int = 72,
	job: str | None = None,
	version: int = 0,
	first: int | None = None,
) -> str:
	"""A link to one job (`job` given) or to all the technician's published jobs; `first`: when the first link of
	a renewed chain was made (a refresh keeps it)."""
	iat = _ts(now)
	claims = {
		"sub": tech_id,
		"aud": MAGIC_AUDIENCE,
		"iat": iat,
		"exp": iat + int(timedelta(hours=ttl_hours).total_seconds()),
		"scope": "job" if job else "tech",
		"v": int(version),
		"jti": uuid.uuid4().hex,
		"first": int(first if first is not None else iat),
	}
	if job:
		claims["job"] = job
	return jwt.encode(claims, secret, algorithm="HS256")


def verify_magic_token(token: str, secret: str, *, now: datetime) -> dict | str:
	"""The claims of a valid link, or why it is not valid: 'expired', 'wrong_audience', 'invalid'."""
	if not token or not secret:
		return "invalid"
	try:
		claims = jwt.decode(
			token,
			secret,
			algorithms=["HS256"],
			audience=MAGIC_AUDIENCE,
			options={"require": ["sub", "aud", "exp", "iat"], "verify_iat": False},
			leeway=0,
		)
	except jwt.ExpiredSignatureError:
		return "expired"
	except jwt.InvalidAudienceError:
		return "wrong_audience"
	except jwt.PyJWTError:
		return "invalid"
	if claims["exp"] <= _ts(now):
		return "expired"
	if claims.get("scope") not in ("job", "tech") or (claims.get("scope") == "job" and not claims.get("job")):
		return "invalid"
	return claims


def refresh_magic_token(
	claims: dict, secret: str, *, now: datetime, ttl_hours: int = 72, max_chain_days: int = MAX_CHAIN_DAYS
) -> str | None:
	"""A new link with the same target and version and a fresh expiry, never past `max_chain_days` after the first
	link of the chain (then None: dispatch sends a new one)."""
	first = int(claims.get("first") or claims["iat"])
	end = first + max_chain_days * 86400
	if _ts(now) >= end:
		return None
	ttl = min(ttl_hours, (end - _ts(now)) / 3600)
	return make_magic_token(
		claims["sub"],
		secret,
		now=now,
		ttl_hours=ttl,
		job=claims.get("job"),
		version=claims.get("v", 0),
		first=first,
	)
