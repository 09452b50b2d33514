import pytest

from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.offers import (
	OFFER_MODES,
	OFFER_STATUSES,
	OFFER_TRANSITIONS,
	PRICING_PRESETS,
	check_offer_transition,
	may_accept,
	offer_amount,
	validate_offer,
)


@pytest.mark.parametrize(
	"displacement, rate, hours, amount",
	[
		(25, 65, 2.5, 187.5),
		(0, 65, 1, 65.0),
		(50, 95, 0, 50.0),
		(40.0, 85.0, 1 / 3, 68.33),
		("25", "65", "2", 155.0),
	],
)
def test_offer_amount(displacement, rate, hours, amount):
	assert offer_amount(displacement, rate, hours) == amount


def test_presets():
	assert set(PRICING_PRESETS) == {"standard", "urgent", "weekend"}
	expected = {
		"standard": (25.0, 65.0, "Standard"),
		"urgent": (50.0, 95.0, "Urgent"),
		"weekend": (40.0, 85.0, "Fin de semaine"),
	}
	for key, (displacement, rate, label) in expected.items():
		p = PRICING_PRESETS[key]
		assert (p["displacement"], p["hourly_rate"], p["label"]) == (displacement, rate, label)
	urgent = PRICING_PRESETS["urgent"]
	assert offer_amount(urgent["displacement"], urgent["hourly_rate"], 2) == 240.0


def test_modes_and_statuses():
	assert OFFER_MODES == ("broadcast", "targeted", "pool")
	assert OFFER_STATUSES == ("open", "pending", "accepted", "expired", "cancelled")
	assert set(OFFER_TRANSITIONS) == set(OFFER_STATUSES)


@pytest.mark.parametrize(
	"mode, candidates",
	[
		("broadcast", []),
		("broadcast", ["A", "B"]),
		("targeted", ["A"]),
		("pool", ["A"]),
		("pool", ["A", "B"]),
	],
)
def test_valid_offers(mode, candidates):
	validate_offer(mode, candidates)


@pytest.mark.parametrize(
	"mode, candidates",
	[
		("targeted", []),
		("targeted", ["A", "B"]),
		("pool", []),
		("lottery", ["A"]),
		("", []),
		("pool", ["A", "A"]),
	],
)
def test_invalid_offers(mode, candidates):
	with pytest.raises(EngineError) as e:
		validate_offer(mode, candidates)
	assert e.value.code == "invalid_offer_mode"


ALLOWED = {
	("open", "pending"),
	("open", "accepted"),
	("open", "expired"),
	("open", "cancelled"),
	("pending", "open"),
	("pending", "accepted"),
	("pending", "expired"),
	("pending", "cancelled"),
}


@pytest.mark.parametrize("old", OFFER_STATUSES)
@pytest.mark.parametrize("new", OFFER_STATUSES)
def test_transitions(old, new):
	if (old, new) in ALLOWED:
		check_offer_transition(old, new)
	else:
		with pytest.raises(EngineError) as e:
			check_offer_transition(old, new)
		assert e.value.code == "invalid_offer_transition"


def test_unknown_status_transition():
	with pytest.raises(EngineError):
		check_offer_transition("draft", "open")


@pytest.mark.parametrize(
	"mode, candidates, tech, ok",
	[
		("broadcast", [], "Z", True),
		("broadcast", ["A"], "Z", True),
		("targeted", ["A"], "A", True),
		("targeted", ["A"], "B", False),
		("pool", ["A", "B"], "B", True),
		("pool", ["A", "B"], "C", False),
	],
)
def test_may_accept(mode, candidates, tech, ok):
	assert may_accept(mode, candidates, tech) is ok
