"""Distances and an offline travel-time estimate; routing providers plug in behind one interface."""

import math
from typing import Protocol

from .errors import EngineError

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
	"""Great-circle distance in km between two points given in degrees."""
	p1, p2 = math.radians(lat1), math.radians(lat2)
	dp = p2 - p1
	dl = math.radians(lon2 - lon1)
	a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
	return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def validate_coordinates(lat: float | None, lon: float | None) -> None:
	"""Both None (not geocoded) or both in range; anything else is refused."""
	if lat is None and lon is None:
		return
	if lat is None or lon is None:
		raise EngineError("coordinates_out_of_range", "latitude and longitude go together", lat=lat, lon=lon)
	try:
		lat_f, lon_f = float(lat), float(lon)
	except (TypeError, ValueError):
		raise EngineError(
			"coordinates_out_of_range", "coordinates must be numbers", lat=lat, lon=lon
		) from None
	if not (-90.0 <= lat_f <= 90.0 and -180.0 <= lon_f <= 180.0) or math.isnan(lat_f) or math.isnan(lon_f):
		raise EngineError("coordinates_out_of_range", "({lat}, {lon}) is out of range", lat=lat, lon=lon)


def travel_minutes(distance_km: float, speed_kmh: float = 40.0, detour_factor: float = 1.3) -> int:
	"""Road time estimated from a straight-line distance: distance × detour / speed, rounded up."""
	if speed_kmh <= 0 or detour_factor <= 0:
		raise ValueError("speed_kmh and detour_factor must be positive")
	if distance_km <= 0:
		return 0
	return math.ceil(distance_km * detour_factor / speed_kmh * 60.0)


class RoutingProvider(Protocol):
	"""Driving time between two (lat, lon) points, in minutes (OSRM, Mapbox… plug in here). `leg` says where the
	minutes came from ("estimate", or the service's name); `prefetch` lets a provider that asks a service fetch
	every pair among some points at once (a matrix) before the engine asks for them one by one."""

	def travel_minutes(self, origin: tuple[float, float], dest: tuple[float, float]) -> float: ...

	def leg(self, origin: tuple[float, float], dest: tuple[float, float]) -> tuple[float, str]: ...

	def prefetch(self, points: list[tuple[float, float]]) -> None: ...


def matrix_batches(n: int, max_coordinates: int) -> list[tuple[range, range]]:
	"""The requests that cover every ordered pair among `n` points when one request holds at most
	`max_coordinates` points: (sources, destinations) index ranges, each pair of ranges at most that many points
	together (a block of the matrix)."""
	if n <= 0:
		return []
	if max_coordinates < 2:
		raise ValueError("a matrix request needs room for two points")
	if n <= max_coordinates:
		return [(range(n), range(n))]
	size = max_coordinates // 2
	chunks = [range(i, min(n, i + size)) for i in range(0, n, size)]
	return [(a, b) for a in chunks for b in chunks]


class OfflineRouting:
	"""The default provider: haversine distance and an average speed. Works with no account."""

	def __init__(self, speed_kmh: float = 40.0, detour_factor: float = 1.3):
		if speed_kmh <= 0 or detour_factor <= 0:
			raise ValueError("speed_kmh and detour_factor must be positive")
		self.speed_kmh = speed_kmh
		self.detour_factor = detour_factor

	def travel_minutes(self, origin: tuple[float, float], dest: tuple[float, float]) -> float:
		return travel_minutes(
			haversine_km(origin[0], origin[1], dest[0], dest[1]), self.speed_kmh, self.detour_factor
		)

	def leg(self, origin: tuple[float, float], dest: tuple[float, float]) -> tuple[float, str]:
		return self.travel_minutes(origin, dest), "estimate"

	def prefetch(self, points: list[tuple[float, float]]) -> None:
		return None  # nothing to fetch
