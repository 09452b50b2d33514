"""Plain data in and out of the optimizer: the request, its weights, and the proposal it returns."""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from ..geo import OfflineRouting, RoutingProvider
from ..models import JobInfo, TechInfo

# Statuses the optimizer may place when the job has no technician or no start yet.
UNASSIGNED_STATUSES = frozenset({"New", "Triaged"})
# Booked but not started: movable when re-optimizing (unless pinned).
BOOKED_STATUSES = frozenset({"New", "Triaged", "Proposed", "Scheduled", "Dispatched"})
IGNORED_STATUSES = frozenset({"Cancelled"})
PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}

# Reason codes of a job left unplaced.
REASONS = {
	"no_coordinates": "the job has no coordinates",
	"no_skill": "no technician in scope has the required tag levels",
	"no_window": "no technician in scope has a working window long enough in the date range",
	"dependency": "its predecessor is neither done nor placed early enough",
	"assistant_unavailable": "an assistant is not free at any time the job fits",
	"no_capacity": "every qualified technician is full (shifts, daily hour cap, travel)",
	"continuous_no_room": "no qualified technician is free for the whole continuous run",
}
# Reason codes of a booked job a re-optimization sends back to the tray.
RELEASE_REASONS = {
	"displaced": "released to the tray: without it, {count} more job(s) are placed",
	"displaced_priority": "released to the tray: without it, higher-priority jobs are placed",
	"unavailable": "its technician can no longer do it then (absence, shift or skill) and nobody else can",
}


@dataclass(slots=True)
class OptimizeWeights:
	"""Objective weights (Dispatch Settings). Placing a job always outweighs every other term."""

	travel: float = 1.0  # per travel minute
	overtime: float = 2.0  # per minute of job + travel past the daily cap
	lateness: float = 0.5  # per hour placed after the requested date
	balance: float = 0.05  # per minute of the busiest technician-day (evens the load)
	tag_surplus: float = 5.0  # per level above a wanted tag (lowest adequate level preferred), minutes
	tag_wanted_bonus: float = 2.5  # per wanted (not required) tag the technician has, minutes


@dataclass(slots=True)
class OptimizeRequest:
	techs: list[TechInfo]
	jobs: list[JobInfo]  # every job that may occupy a technician in the range (fixed ones too)
	date_from: date
	date_to: date
	holidays: frozenset = frozenset()
	default_week: dict | None = None
	job_ids: frozenset | None = None  # jobs the optimizer may place (default: all movable)
	tech_ids: frozenset | None = None  # technicians it may use (default: all active)
	reoptimize: bool = False  # also move booked, not pinned, not started jobs in the range
	now: datetime | None = None  # nothing is placed before this
	weights: OptimizeWeights = field(default_factory=OptimizeWeights)
	routing: RoutingProvider = field(default_factory=OfflineRouting)
	time_limit_s: float = 30.0  # Dispatch Settings optimizer_time_limit_s; the solver stops earlier when done
	seed: int = 0
	# True: the solver searches to the end of its exploration level, never stopped by the clock, so the same
	# request always gives the same proposal (slower on big instances). False: the time limit stops it,
	# and a loaded machine may stop it at a different point.
	deterministic: bool = False
	min_gap_min: int = 0  # extra minutes kept between consecutive jobs on top of travel
	# Placing comes first: when the greedy loop places more jobs than the solver's plan, return greedy's plan.
	greedy_floor: bool = True


@dataclass(slots=True)
class Move:
	job: str
	from_tech: str | None
	from_start: datetime | None
	to_tech: str
	to_start: datetime
	end: datetime
	travel_min: int  # travel to this job from the previous stop


@dataclass(slots=True)
class Unplaced:
	job: str
	reason: str
	message: str


@dataclass(slots=True)
class Release:
	"""A booked job the proposal sends back to the tray (re-optimizing), and why."""

	job: str
	from_tech: str
	from_start: datetime
	reason: str
	message: str
	count: int = 0  # "displaced": how many more jobs the plan places without it


@dataclass(slots=True)
class Kpis:
	travel_min: int = 0
	travel_km: float = 0.0
	placed: int = 0
	overtime_min: int = 0
	lateness_h: float = 0.0
	late_jobs: int = 0
	utilisation: dict[str, float] = field(default_factory=dict)  # tech -> job hours / window hours


@dataclass(slots=True)
class Proposal:
	moves: list[Move]
	unplaced: list[Unplaced]
	kpis_before: Kpis
	kpis_after: Kpis
	solver: str
	seconds: float
	assignments: dict[str, tuple[str, datetime]] = field(default_factory=dict)  # every movable job placed
	released: list[Release] = field(default_factory=list)  # booked jobs sent back to the tray

	def to_dict(self) -> dict:
		def conv(v):
			if isinstance(v, datetime):
				return v.isoformat(sep=" ")
			if isinstance(v, dict):
				return {k: conv(x) for k, x in v.items()}
			if isinstance(v, list | tuple):
				return [conv(x) for x in v]
			return v

		return conv(
			{
				"moves": [asdict(m) for m in self.moves],
				"unplaced": [asdict(u) for u in self.unplaced],
				"released": [asdict(r) for r in self.released],
				"kpis_before": asdict(self.kpis_before),
				"kpis_after": asdict(self.kpis_after),
				"solver": self.solver,
				"seconds": round(self.seconds, 3),
			}
		)
