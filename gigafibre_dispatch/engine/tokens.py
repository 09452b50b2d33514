"""API bearer tokens (HS256 JWT) for machine clients: verification and claims → actor."""

import time as _time
from collections.abc import Mapping
from datetime import datetime

import jwt

from .lifecycle import ROLES, Actor, PolicyError

ALLOWED_ALGORITHMS = ("HS256",)


def _auth(code: str, message: str, **details) -> PolicyError:
	return PolicyError("auth", code, message, details)


def _ids(value) -> frozenset[str] | None:
	if value is None:
		return None
	if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
		raise ValueError
	return frozenset(value)


def verify_api_token(
	token: str,
	secret: str,
	*,
	now: datetime | None = None,
	issuer: str | None = None,
	audience: str | None = None,
	leeway: int = 0,
	max_hours: float | None = None,
) -> Actor | PolicyError:
	"""Decode and check a bearer token; the actor it speaks for, or an `auth` policy error. With `max_hours`, a
	token whose expiry lies more than that after its issue time (`iat`, else now) is refused."""
	if not secret:
		return _auth("auth_not_configured", "Bearer authentication is not configured on this site")
	try:
		header = jwt.get_unverified_header(token)
	except jwt.PyJWTError:
		return _auth("malformed_token", "Malformed bearer token")
	alg = header.get("alg")
	if alg not in ALLOWED_ALGORITHMS:
		return _auth("algorithm_not_allowed", "Token algorithm not allowed", algorithm=alg)
	options = {"require": ["sub", "role", "exp"], "verify_aud": bool(audience)}
	try:
		claims = jwt.decode(
			token,
			secret,
			algorithms=list(ALLOWED_ALGORITHMS),
			options=options,
			issuer=issuer or None,
			audience=audience or None,
			leeway=leeway,
		)
	except jwt.ExpiredSignatureError:
		return _auth("token_expired", "Token expired")
	except jwt.InvalidAudienceError:
		return _auth("invalid_audience", "Token audience not accepted")
	except jwt.InvalidIssuerError:
		return _auth("invalid_issuer", "Token issuer not accepted")
	except jwt.MissingRequiredClaimError as e:
		return _auth("missing_claim", "Token lacks a required claim", claim=e.claim)
	except jwt.InvalidSignatureError:
		return _auth("invalid_signature", "Token signature does not verify")
	except jwt.PyJWTError as e:
		return _auth("invalid_token", "Invalid token", detail=type(e).__name__)
	if max_hours:
		issued = claims.get("iat")
		start = float(issued) if isinstance(issued, int | float) else _time.time()
		if float(claims["exp"]) - start > max_hours * 3600:
			return _auth(
				"token_lifetime_too_long", "Token lives longer than this site allows", max_hours=max_hours
			)
	if not audience and "aud" in claims:
		# A token minted for another audience (a magic link, say) is never an API token.
		return _auth("invalid_audience", "Token audience not accepted")
	return claims_to_actor(claims)


def claims_to_actor(claims: Mapping) -> Actor | PolicyError:
	role = claims.get("role")
	if role not in ROLES:
		return _auth("unknown_role", "Token role is not a dispatch role", role=role)
	scope = claims.get("scope") if isinstance(claims.get("scope"), Mapping) else {}
	try:
		accounts = _ids(claims.get("account_ids", scope.get("account_ids")))
		sites = _ids(claims.get("site_ids", scope.get("site_ids")))
	except ValueError:
		return _auth("invalid_scope", "Token scope must list account or site ids")
	if accounts is None and sites is None:
		return _auth("missing_scope", "Token carries no account or site scope")
	sub = claims.get("sub")
	if not isinstance(sub, str) or not sub:
		return _auth("missing_claim", "Token lacks a required claim", claim="sub")
	return Actor(
		id=sub,
		roles=frozenset({role}),
		actor_type=str(claims.get("actor_type") or "machine"),
		tech_id=claims.get("tech_id") if isinstance(claims.get("tech_id"), str) else None,
		account_ids=accounts,
		site_ids=sites,
		tool_name=claims.get("tool_name") if isinstance(claims.get("tool_name"), str) else None,
	)
