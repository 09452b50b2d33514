"""Links sent to a job's customer: the status page (/c/<token>) and the booking page (/book/<token>).

A link is short enough for one SMS: the job, its expiry and, for a booking link, a nonce the job keeps (a link
works once: booking or a newer link changes the nonce), then an HMAC of all of it and the link's purpose under the
site's secret. A status link cannot be used as a booking link, nor the reverse. Nothing else is in it: the page
reads the job, never the link, for what it shows.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timezone

PURPOSES = ("status", "book")
SIGNATURE_CHARS = 22  # 132 bits of the HMAC


def _ts(when: datetime) -> int:
	if when.tzinfo is None:
		when = when.replace(tzinfo=timezone.utc)
	return int(when.timestamp())


def _b64(raw: bytes) -> str:
	return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
	return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(purpose: str, body: str, secret: str) -> str:
	mac = hmac.new(secret.encode(), f"{purpose}|{body}".encode(), hashlib.sha256).digest()
	return _b64(mac)[:SIGNATURE_CHARS]


def make_link_token(job: str, purpose: str, secret: str, *, expires: datetime, nonce: str = "") -> str:
	"""A token for `job` valid until `expires` (an aware datetime, or naive UTC)."""
	if purpose not in PURPOSES:
		raise ValueError(f"unknown purpose {purpose!r}")
	if not job or not secret:
		raise ValueError("a link needs a job and a secret")
	body = _b64(f"{job}\x1f{_ts(expires):x}\x1f{nonce}".encode())
	return f"{body}.{_signature(purpose, body, secret)}"


def read_link_token(token: str, purpose: str, secret: str, *, now: datetime) -> dict | str:
	"""{"job", "expires" (epoch seconds), "nonce"} of a valid token, or why not: 'invalid' or 'expired'."""
	if not token or not secret or not isinstance(token, str) or len(token) > 400 or purpose not in PURPOSES:
		return "invalid"
	body, _sep, signature = token.partition(".")
	if not body or not hmac.compare_digest(signature.encode(), _signature(purpose, body, secret).encode()):
		return "invalid"
	try:
		job, expires, nonce = _unb64(body).decode().split("\x1f")
		expires = int(expires, 16)
	except (ValueError, UnicodeDecodeError):
		return "invalid"
	if expires <= _ts(now):
		return "expired"
	return {"job": job, "expires": expires, "nonce": nonce}
