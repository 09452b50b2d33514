"""The app's own throttle on what a guest can call (the portal's magic-link actions, Twilio's webhook): past
`GUEST_LIMIT` calls of one endpoint from one address within a minute, the answer is a 429 (Frappe's
RateLimitExceededError) and the endpoint does not run. `dispatch_guest_rate_limit` in site_config changes the limit."""

import frappe
from frappe.rate_limiter import rate_limit

GUEST_LIMIT = 600
WINDOW_SECONDS = 60


def _limit() -> int:
	return int(frappe.conf.get("dispatch_guest_rate_limit") or GUEST_LIMIT)


guest_throttle = rate_limit(limit=_limit, seconds=WINDOW_SECONDS)
