"""A Dispatch Job's states, once: every group of states the app uses is read off this table.

Pure data, no I/O: the engine, the loaders, the board and the feeds all take their groups from here.
"""

# state               phase         a dispatcher may cancel it
STATE_TABLE = (
	("New", "backlog", True),
	("Triaged", "backlog", True),
	("Proposed", "backlog", True),
	("Scheduled", "booked", True),
	("Dispatched", "booked", True),
	("In Progress", "on_site", False),
	("Change Requested", "on_site", True),
	("Completed", "done", False),
	("Verified", "done", False),
	("Invoiced", "done", False),
	("Cancelled", "cancelled", False),
)
PHASES = ("backlog", "booked", "on_site", "done", "cancelled")


def _phase(*phases: str) -> tuple[str, ...]:
	return tuple(state for state, phase, _cancel in STATE_TABLE if phase in phases)


STATES = tuple(state for state, _phase_, _cancel in STATE_TABLE)
# Not yet booked: what the cockpit and the alerts call the scheduling backlog.
BACKLOG_STATES = _phase("backlog")
# The technician has begun (or finished): a start in the past is no conflict.
STARTED_STATES = frozenset(_phase("on_site", "done"))
# The work is done: a dependency on such a job is met.
DONE_STATES = frozenset(_phase("done"))
# No longer occupies a technician's time (board, slot search, drop rules, hours booked).
INACTIVE_STATES = _phase("cancelled")
# Done or cancelled: off the unassigned tray, CANCELLED in a calendar feed.
CLOSED_STATES = _phase("done", "cancelled")
# Where `cancel` may be issued.
CANCELLABLE_STATES = frozenset(state for state, _phase_, cancel in STATE_TABLE if cancel)

assert set(p for _s, p, _c in STATE_TABLE) <= set(PHASES)
