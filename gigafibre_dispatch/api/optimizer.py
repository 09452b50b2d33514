"""Auto-distribute's face: start a proposal, follow it, read it, apply it (all or some moves).

Dispatchers only (Dispatcher, Dispatch Manager, System Manager). A proposal never changes a job; `apply` books
each chosen move through the lifecycle commands under the caller, once however many times it is called.
Progress is also pushed on the realtime event `dispatch:optimization` ({name, status, progress, error}).
"""

import frappe
from frappe.utils import cint

from gigafibre_dispatch.lifecycle.actor import current_actor
from gigafibre_dispatch.lifecycle.optimize import apply as apply_proposal
from gigafibre_dispatch.lifecycle.optimize import dismiss as dismiss_proposal
from gigafibre_dispatch.roles import dispatcher_only
from gigafibre_dispatch.scheduling import args
from gigafibre_dispatch.scheduling import optimize as service


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def start(
	date_from: str,
	date_to: str,
	technicians: str | list | None = None,
	jobs: str | list | None = None,
	reoptimize: int | str | bool = 0,
) -> dict:
	"""Propose an auto-distribution of the range. Default jobs: every unassigned New/Triaged job, plus (with
	`reoptimize`) the range's booked jobs that are neither pinned nor dispatched. Answers the status; a large
	range runs in the background (poll `status` or listen to `dispatch:optimization`)."""
	name = service.start(date_from, date_to, technicians, jobs, bool(cint(reoptimize)))
	return service.status_of(name)


@frappe.whitelist(methods=["GET", "POST"])
@dispatcher_only
def status(name: str) -> dict:
	"""{name, status (Queued/Running/Ready/Failed/Applied/Partly Applied), progress, error, solver, seconds}."""
	service.require_readable(name)  # a proposal moving a job out of the caller's scope: refused
	return service.status_of(name)


@frappe.whitelist(methods=["GET", "POST"])
@dispatcher_only
def get_proposal(name: str) -> dict:
	"""The moves (job, from, to technician and start, end, travel, applied status), the jobs not placed with
	their reason, and the KPIs before and after."""
	service.require_readable(name)  # a proposal moving a job out of the caller's scope: refused
	return service.proposal_of(name)


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def apply(name: str, moves: str | list | None = None) -> dict:
	"""Apply every pending move, or the moves of the given jobs (a list or JSON list of job names)."""
	service.require_readable(name)  # a proposal moving a job out of the caller's scope: refused
	return apply_proposal(name, args.parse_names(moves), current_actor())


@frappe.whitelist(methods=["POST"])
@dispatcher_only
def dismiss(name: str) -> dict:
	"""Set a proposal aside without applying anything of it."""
	service.require_readable(name)  # a proposal moving a job out of the caller's scope: refused
	return dismiss_proposal(name)
