"""Job offers: modes, pricing presets, status transitions, who may accept."""

from collections.abc import Sequence

from .errors import EngineError

OFFER_MODES = ("broadcast", "targeted", "pool")
OFFER_STATUSES = ("open", "pending", "accepted", "expired", "cancelled")
PRICING_PRESETS = {
	"standard": {"label": "Standard", "displacement": 25.0, "hourly_rate": 65.0},
	"urgent": {"label": "Urgent", "displacement": 50.0, "hourly_rate": 95.0},
	"weekend": {"label": "Fin de semaine", "displacement": 40.0, "hourly_rate": 85.0},
}
OFFER_TRANSITIONS = {
	"open": {"pending", "accepted", "expired", "cancelled"},
	"pending": {"open", "accepted", "expired", "cancelled"},
	"accepted": set(),
	"expired": set(),
	"cancelled": set(),
}


def offer_amount(displacement: float, hourly_rate: float, duration_h: float) -> float:
	"""displacement $ + hourly rate $/h × duration."""
	return round(float(displacement) + float(hourly_rate) * float(duration_h), 2)


def validate_offer(mode: str, candidates: Sequence[str]) -> None:
	if mode not in OFFER_MODES:
		raise EngineError("invalid_offer_mode", "unknown mode {mode}", mode=mode)
	if mode == "targeted" and len(candidates) != 1:
		raise EngineError("invalid_offer_mode", "a targeted offer has exactly one candidate", mode=mode)
	if mode == "pool" and not candidates:
		raise EngineError("invalid_offer_mode", "a pool offer needs at least one candidate", mode=mode)
	if len(set(candidates)) != len(candidates):
		raise EngineError("invalid_offer_mode", "a candidate is listed twice", mode=mode)


def check_offer_transition(old: str, new: str) -> None:
	if new not in OFFER_TRANSITIONS.get(old, set()):
		raise EngineError("invalid_offer_transition", "{old} → {new}", old=old, new=new)


def may_accept(mode: str, candidates: Sequence[str], tech_id: str) -> bool:
	return mode == "broadcast" or tech_id in candidates
