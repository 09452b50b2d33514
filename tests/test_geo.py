import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigafibre_dispatch.engine.errors import EngineError
from gigafibre_dispatch.engine.geo import (
	OfflineRouting,
	RoutingProvider,
	haversine_km,
	travel_minutes,
	validate_coordinates,
)

MONTREAL = (45.5017, -73.5673)
QUEBEC = (46.8139, -71.2080)


def test_haversine_known_distances():
	assert haversine_km(*MONTREAL, *MONTREAL) == 0
	assert 232.5 < haversine_km(*MONTREAL, *QUEBEC) < 233.5
	# One degree of latitude is R × π / 180 km.
	assert haversine_km(45, -73, 46, -73) == pytest.approx(6371.0088 * math.pi / 180, rel=1e-9)
	assert haversine_km(0, 0, 0, 180) == pytest.approx(6371.0088 * math.pi, rel=1e-9)


lat = st.floats(-90, 90, allow_nan=False)
lon = st.floats(-180, 180, allow_nan=False)


@given(lat, lon, lat, lon)
def test_haversine_symmetric_and_bounded(a, b, c, d):
	x = haversine_km(a, b, c, d)
	assert x == pytest.approx(haversine_km(c, d, a, b), abs=1e-6)
	assert 0 <= x <= 6371.0088 * math.pi + 1e-6


@pytest.mark.parametrize(
	"la, lo", [(None, None), (0, 0), (90, 180), (-90, -180), (45.5, -73.57), ("45.5", "-73.57")]
)
def test_valid_coordinates(la, lo):
	validate_coordinates(la, lo)


@pytest.mark.parametrize(
	"la, lo",
	[(90.01, 0), (-90.5, 0), (0, 180.1), (0, -181), (None, -73.0), (45.0, None), ("x", 1), (float("nan"), 0)],
)
def test_invalid_coordinates(la, lo):
	with pytest.raises(EngineError) as e:
		validate_coordinates(la, lo)
	assert e.value.code == "coordinates_out_of_range"


@pytest.mark.parametrize(
	"km, speed, detour, minutes",
	[
		(0, 40, 1.3, 0),
		(-5, 40, 1.3, 0),
		(10, 40, 1.3, 20),  # 10 × 1.3 / 40 h = 19.5 min, rounded up
		(40, 40, 1.0, 60),
		(1, 60, 1.0, 1),
		(0.01, 40, 1.3, 1),
	],
)
def test_travel_minutes(km, speed, detour, minutes):
	assert travel_minutes(km, speed, detour) == minutes


def test_offline_routing_is_a_routing_provider():
	routing: RoutingProvider = OfflineRouting(speed_kmh=60, detour_factor=1.0)
	km = haversine_km(*MONTREAL, *QUEBEC)
	assert routing.travel_minutes(MONTREAL, QUEBEC) == math.ceil(km)
	assert routing.travel_minutes(MONTREAL, MONTREAL) == 0
	assert OfflineRouting().travel_minutes(MONTREAL, QUEBEC) == travel_minutes(km)
	with pytest.raises(ValueError):
		OfflineRouting(speed_kmh=0)


# ------------------------------------------------------------------ matrix batches (a routing service's size limit)


def _covered(n, batches):
	return {(i, j) for src, dst in batches for i in src for j in dst}


@pytest.mark.parametrize(
	"n,limit", [(1, 25), (2, 2), (25, 25), (26, 25), (60, 25), (101, 100), (7, 3), (250, 100)]
)
def test_every_pair_is_asked_once_within_the_limit(n, limit):
	from gigafibre_dispatch.engine.geo import matrix_batches

	batches = matrix_batches(n, limit)
	assert _covered(n, batches) == {(i, j) for i in range(n) for j in range(n)}
	for src, dst in batches:
		assert len(set(src) | set(dst)) <= limit
	# No pair asked twice (each block of the matrix once).
	asked = [(i, j) for src, dst in batches for i in src for j in dst]
	assert len(asked) == len(set(asked))


def test_batches_break_and_keep():
	from gigafibre_dispatch.engine.geo import matrix_batches

	assert matrix_batches(0, 25) == []
	assert matrix_batches(10, 25) == [(range(10), range(10))]  # one request when all fit
	# 26 points, 25 a request: chunks of 12, 12 and 2, every chunk against every chunk (9 requests of <= 24 points).
	assert len(matrix_batches(26, 25)) == 9
	with pytest.raises(ValueError):
		matrix_batches(5, 1)


def test_the_optimizers_matrix_lets_a_service_fetch_all_pairs_first():
	from gigafibre_dispatch.engine.optimize.state import travel_matrix

	class Service:
		def __init__(self):
			self.prefetched = []

		def prefetch(self, points):
			self.prefetched.append(list(points))

		def travel_minutes(self, a, b):
			return 7.2 if a[0] < b[0] else 3.0

	points = [(45.5, -73.5), (45.6, -73.6), (45.7, -73.7)]
	service = Service()
	m = travel_matrix(points, service)
	assert service.prefetched == [points]  # once, before the pairs
	assert (m[0, 1], m[1, 0], m[1, 1]) == (8, 3, 0)
