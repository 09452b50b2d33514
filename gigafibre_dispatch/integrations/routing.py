"""Road travel times from a routing service, behind engine/geo.RoutingProvider, chosen in Dispatch Settings
(`routing_provider`, `routing_url`, `mapbox_token`):

- `OSRM`: an OSRM server (`osrm/osrm-backend`, e.g. with a Québec extract): `/table/v1/driving` for matrices,
  `/route/v1/driving` for one leg;
- `Mapbox`: the Directions Matrix API (`/directions-matrix/v1/mapbox/driving`; `routing_url` may point at a
  stand-in, else api.mapbox.com);
- `Offline` (the default): the straight-line estimate at the settings' speed and detour.

Matrices are asked in batches within each service's size limit (engine/geo.matrix_batches: OSRM's default
max-table-size is 100 coordinates, Mapbox takes 25), and every leg is cached in Redis for CACHE_TTL_S by its ends
rounded to about 10 m, so ranking, slots, drops and the optimizer share one answer. A timeout or an error never
fails the caller: that leg takes the offline estimate and says so (`leg` → "estimate"), the failure is logged and
counted in the metrics (`dispatch:metrics:routing`, field `<provider>|fallback`; answered legs `<provider>|ok`)."""

import frappe
import requests
from redis import Redis

from gigafibre_dispatch.engine.geo import OfflineRouting, matrix_batches

PROVIDERS = ("Offline", "OSRM", "Mapbox")
CACHE_TTL_S = 6 * 3600
TIMEOUT_S = 4
PRECISION = 4  # decimal places of the cache key's coordinates (~10 m)
Point = tuple[float, float]


class RoutingUnavailable(Exception):
	pass


class OsrmClient:
	name = "osrm"
	max_coordinates = 100

	def __init__(self, url: str, timeout: float = TIMEOUT_S):
		self.url = url.rstrip("/")
		self.timeout = timeout

	def matrix(self, points: list[Point], sources: list[int], destinations: list[int]) -> list[list]:
		"""Minutes from each source to each destination (None where the service found no road)."""
		return _matrix(
			"OSRM", f"{self.url}/table/v1/driving", points, sources, destinations, {}, self.timeout
		)

	def leg(self, a: Point, b: Point) -> float:
		coords = f"{a[1]:.6f},{a[0]:.6f};{b[1]:.6f},{b[0]:.6f}"
		data = _get(f"{self.url}/route/v1/driving/{coords}", {"overview": "false"}, self.timeout)
		if data.get("code") != "Ok" or not data.get("routes"):
			raise RoutingUnavailable(f"OSRM: {data.get('code')} {data.get('message') or ''}".strip())
		return float(data["routes"][0]["duration"]) / 60.0


class MapboxClient:
	name = "mapbox"
	max_coordinates = 25

	def __init__(self, token: str, url: str | None = None, timeout: float = TIMEOUT_S):
		self.url = (url or "https://api.mapbox.com").rstrip("/")
		self.token = token
		self.timeout = timeout

	def matrix(self, points: list[Point], sources: list[int], destinations: list[int]) -> list[list]:
		url = f"{self.url}/directions-matrix/v1/mapbox/driving"
		return _matrix(
			"Mapbox", url, points, sources, destinations, {"access_token": self.token}, self.timeout
		)

	def leg(self, a: Point, b: Point) -> float:
		minutes = self.matrix([a, b], [0], [1])[0][0]
		if minutes is None:
			raise RoutingUnavailable("Mapbox: no route")
		return minutes


def _matrix(label: str, url: str, points, sources, destinations, extra: dict, timeout: float) -> list[list]:
	"""One matrix request in the shape OSRM and Mapbox share: `<url>/<lon,lat;…>?sources&destinations`, seconds
	back in `durations`."""
	coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
	params = {
		"sources": ";".join(map(str, sources)),
		"destinations": ";".join(map(str, destinations)),
		"annotations": "duration",
		**extra,
	}
	data = _get(f"{url}/{coords}", params, timeout)
	if data.get("code") != "Ok":
		raise RoutingUnavailable(f"{label}: {data.get('code')} {data.get('message') or ''}".strip())
	return _minutes(data.get("durations"), len(sources), len(destinations))


def _get(url: str, params: dict, timeout: float) -> dict:
	try:
		response = requests.get(url, params=params, timeout=timeout)
		response.raise_for_status()
		data = response.json()
	except (requests.RequestException, ValueError) as e:
		raise RoutingUnavailable(str(e)) from e
	if not isinstance(data, dict):
		raise RoutingUnavailable("not a routing answer")
	return data


def _minutes(durations, rows: int, cols: int) -> list[list]:
	"""The service's seconds as minutes, checked for shape."""
	if not isinstance(durations, list) or len(durations) != rows or any(len(r) != cols for r in durations):
		raise RoutingUnavailable("the matrix has the wrong shape")
	return [[None if v is None else float(v) / 60.0 for v in row] for row in durations]


class RoadRouting:
	"""A routing service as the engine's provider: legs from the cache or the service, the estimate otherwise."""

	def __init__(self, client, fallback: OfflineRouting, ttl_s: int = CACHE_TTL_S):
		self.client = client
		self.fallback = fallback
		self.ttl_s = ttl_s
		self.memo: dict[tuple, float] = {}  # this request's legs
		self.failed = False  # the service failed once in this request: estimates from then on

	# -------------------------------------------------------------- the engine's interface

	def travel_minutes(self, origin: Point, dest: Point) -> float:
		return self.leg(origin, dest)[0]

	def leg(self, origin: Point, dest: Point) -> tuple[float, str]:
		a, b = _round(origin), _round(dest)
		if a == b:
			return 0.0, self.client.name
		minutes = self.memo.get((a, b))
		if minutes is None:
			minutes = self._cached([(a, b)]).get((a, b))
		if minutes is None and not self.failed:
			try:
				minutes = self.client.leg(a, b)
			except RoutingUnavailable as e:
				self._fallback(e)
			else:
				self._store({(a, b): minutes})
		if minutes is None:
			return self.fallback.travel_minutes(origin, dest), "estimate"
		self.memo[(a, b)] = minutes
		return minutes, self.client.name

	def prefetch(self, points: list[Point]) -> None:
		"""Every ordered pair among `points` into the memo: the cache first, then the service for the rest, in
		batches within its size limit."""
		unique = list(dict.fromkeys(_round(p) for p in points))
		pairs = [(a, b) for a in unique for b in unique if a != b]
		wanted = [p for p in pairs if p not in self.memo]
		found = self._cached(wanted)
		self.memo.update(found)
		missing = {p for p in wanted if p not in found}
		if not missing or self.failed:
			return
		fetched: dict[tuple, float] = {}
		for sources, destinations in matrix_batches(len(unique), self.client.max_coordinates):
			block = [(unique[i], unique[j]) for i in sources for j in destinations]
			if not any(p in missing for p in block):
				continue
			src = [unique[i] for i in sources]
			dst = [unique[j] for j in destinations]
			# One request's points: its sources, then those of its destinations not among them.
			points_of = list(dict.fromkeys(src + dst))
			index = {p: k for k, p in enumerate(points_of)}
			try:
				rows = self.client.matrix(points_of, [index[p] for p in src], [index[p] for p in dst])
			except RoutingUnavailable as e:
				self._fallback(e)
				break
			for si, a in enumerate(src):
				for di, b in enumerate(dst):
					if a != b and rows[si][di] is not None:
						fetched[(a, b)] = rows[si][di]
		self._store(fetched)
		self.memo.update(fetched)

	# -------------------------------------------------------------- cache, failures, metrics

	def _key(self, a: tuple, b: tuple) -> str:
		return frappe.cache.make_key(f"dispatch:route:{self.client.name}:{a[0]},{a[1]}:{b[0]},{b[1]}")

	def _cached(self, pairs: list[tuple]) -> dict[tuple, float]:
		if not pairs:
			return {}
		try:
			values = Redis.mget(frappe.cache, [self._key(a, b) for a, b in pairs])
		except Exception:
			return {}
		return {p: float(v) for p, v in zip(pairs, values, strict=True) if v is not None}

	def _store(self, legs: dict[tuple, float]):
		if not legs:
			return
		try:
			pipe = frappe.cache.pipeline()
			for (a, b), minutes in legs.items():
				pipe.set(self._key(a, b), repr(minutes), ex=self.ttl_s)
			pipe.execute()
			_count(self.client.name, "ok", len(legs))
		except Exception:
			pass

	def _fallback(self, error: Exception):
		self.failed = True
		frappe.logger("gigafibre_dispatch").warning(
			f"routing: {self.client.name} unavailable, estimating instead: {error}"
		)
		_count(self.client.name, "fallback")


def _round(p: Point) -> tuple[float, float]:
	return (round(float(p[0]), PRECISION), round(float(p[1]), PRECISION))


def _count(provider: str, outcome: str, amount: int = 1):
	try:
		Redis.hincrby(
			frappe.cache, frappe.cache.make_key("dispatch:metrics:routing"), f"{provider}|{outcome}", amount
		)
	except Exception:
		pass


def provider(settings, fallback: OfflineRouting):
	"""The configured provider: a road service when one is set up completely, else `fallback` (the estimate)."""
	kind = settings.get("routing_provider") or "Offline"
	if kind == "OSRM" and settings.get("routing_url"):
		return RoadRouting(OsrmClient(settings.routing_url), fallback)
	if kind == "Mapbox":
		token = (
			settings.get_password("mapbox_token", raise_exception=False)
			if settings.get("mapbox_token")
			else None
		)
		if token:
			return RoadRouting(MapboxClient(token, settings.get("routing_url")), fallback)
	return fallback
