"""Plain data the scheduling rules work on."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .availability import Absence, ExtraShift
from .states import STATES


@dataclass(slots=True)
class TagReq:
	tag: str
	level: int = 1
	required: bool = True


@dataclass(slots=True)
class Assist:
	tech_id: str
	duration_h: float = 0.0
	note: str = ""
	pinned: bool = False


@dataclass(slots=True)
class TechInfo:
	id: str
	name: str = ""
	resource_type: str = "human"  # "human" | "material"
	category: str | None = None
	team: str | None = None  # team or region (the board groups by it)
	lat: float | None = None  # home base
	lon: float | None = None
	tags: dict[str, int] = field(default_factory=dict)  # tag -> level 1..5
	week: dict | None = None  # parsed weekly schedule; None = the default week
	extra_shifts: list[ExtraShift] = field(default_factory=list)
	absence: Absence | None = None  # one more absence (a convenience for callers holding a single one)
	daily_hour_cap: float = 8.0
	gps_lat: float | None = None
	gps_lon: float | None = None
	gps_fix_at: datetime | None = None
	active: bool = True
	holidays: frozenset | None = None  # this technician's non-working dates; None = the caller's
	absences: list[Absence] = field(default_factory=list)  # every absence (past ones too), `absence` included

	def __post_init__(self):
		if self.absence is not None and self.absence not in self.absences:
			self.absences = [*self.absences, self.absence]

	def holidays_or(self, fallback: frozenset) -> frozenset:
		return self.holidays if self.holidays is not None else fallback


@dataclass(slots=True)
class JobInfo:
	id: str
	start: datetime | None = None
	duration_h: float = 1.0
	tech_id: str | None = None
	lat: float | None = None
	lon: float | None = None
	tags: list[TagReq] = field(default_factory=list)
	continuous: bool = False
	status: str = STATES[0]
	priority: str = "medium"
	depends_on: str | None = None
	assistants: list[Assist] = field(default_factory=list)
	title: str = ""
	pinned: bool = False  # placed by hand: the optimizer never moves it
	requested_date: date | None = None  # the customer's date: placing it later counts as lateness
	release_reason: str | None = None  # why it went back to the tray (the board flags it)
	published: bool = False  # sent to the technician (their /t page and calendar show it)
	# SLA: latest end (engine/sla.latest_end of response_by / resolution_by); ending later counts as lateness.
	deadline: datetime | None = None

	@property
	def end(self) -> datetime | None:
		return self.start + timedelta(hours=self.duration_h) if self.start else None
