import pytest

from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.validation import (
	MAX_DURATION_H,
	check_dependency,
	validate_duration,
	validate_tag_level,
)


def test_engine_error_carries_code_message_and_params():
	e = EngineError("invalid_time", "{value} is not a time", value="8h")
	assert isinstance(e, ValueError)
	assert (e.code, e.message, e.params, str(e)) == (
		"invalid_time",
		"{value} is not a time",
		{"value": "8h"},
		"8h is not a time",
	)
	assert str(EngineError("x", "missing {name}")) == "missing {name}"  # unformattable messages stay as is


@pytest.mark.parametrize("hours", [0.25, 1, "2", 8.5, MAX_DURATION_H])
def test_valid_duration(hours):
	validate_duration(hours)


@pytest.mark.parametrize(
	"hours", [0, -1, None, "x", "", MAX_DURATION_H + 0.1, 24 * 15, float("nan"), float("inf")]
)
def test_invalid_duration(hours):
	with pytest.raises(EngineError) as e:
		validate_duration(hours)
	assert e.value.code == "invalid_duration"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_valid_tag_level(level):
	validate_tag_level(level)


@pytest.mark.parametrize("level", [0, 6, -1, "x", "3", 2.5, 3.0, True, None])
def test_invalid_tag_level(level):
	with pytest.raises(EngineError) as e:
		validate_tag_level(level)
	assert e.value.code == "invalid_tag_level"


def test_no_dependency_or_a_plain_chain_is_fine():
	graph = {"B": "C", "C": None}
	check_dependency("A", None, graph.get)
	check_dependency("A", "", graph.get)
	check_dependency("A", "B", graph.get)  # A → B → C
	check_dependency(None, "B", graph.get)  # a job not saved yet


def test_self_dependency():
	with pytest.raises(EngineError) as e:
		check_dependency("A", "A", {}.get)
	assert e.value.code == "dependency_self"


def test_cycle_through_a_three_job_chain():
	graph = {"B": "C", "C": "A"}
	with pytest.raises(EngineError) as e:
		check_dependency("A", "B", graph.get)
	assert e.value.code == "dependency_cycle"
	assert e.value.params["path"] == "A → B → C → A"
	assert "A → B → C → A" in str(e.value)


def test_two_job_cycle():
	with pytest.raises(EngineError) as e:
		check_dependency("A", "B", {"B": "A"}.get)
	assert e.value.params["path"] == "A → B → A"


def test_a_cycle_elsewhere_is_not_this_jobs_problem():
	check_dependency("X", "Y", {"Y": "Z", "Z": "Y"}.get)


def test_a_long_chain_stops_at_max_depth():
	chain = {f"J{i}": f"J{i + 1}" for i in range(5000)}
	check_dependency("A", "J0", chain.get, max_depth=100)  # gives up quietly past max_depth
	chain["J5000"] = "A"
	with pytest.raises(EngineError):
		check_dependency("A", "J0", chain.get, max_depth=6000)
