"""How long the server worked on an answer of this app, said in a `Server-Timing` header (`app;dur=<ms>`):
browsers show it in their network panel and in resource timing, which is how `benchmarks/bench_board_ui.mjs`
measures the board's data "on the server", apart from the network and the browser's own queueing.

Only on this app's whitelisted methods and only for a signed-in user: an outsider learns no timings."""

import time

import frappe

PREFIX = "/api/method/gigafibre_dispatch."


def start():
	"""before_request: the clock starts once the request is known (site, session)."""
	frappe.local.gfd_started = time.perf_counter()


def stamp(response=None, request=None):
	"""after_request: the time from `start` to here (the method and its JSON encoding), in milliseconds."""
	started = getattr(frappe.local, "gfd_started", None)
	if started is None or response is None or request is None:
		return
	if not request.path.startswith(PREFIX) or frappe.session.user in (None, "Guest"):
		return
	response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
