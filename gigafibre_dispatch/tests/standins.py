"""Real HTTP servers on loopback that stand in for hosted services (Twilio, Traccar, LLM) in tests."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class StandIn:
	"""A tiny threaded HTTP server; `handle(method, path, headers, body) -> (status, json_body)`."""

	def __init__(self):
		self.requests: list[dict] = []
		self.server = None

	def handle(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict]:
		raise NotImplementedError

	@property
	def url(self) -> str:
		host, port = self.server.server_address
		return f"http://{host}:{port}"

	def __enter__(self):
		standin = self

		class Handler(BaseHTTPRequestHandler):
			def _serve(self):
				length = int(self.headers.get("Content-Length") or 0)
				body = self.rfile.read(length) if length else b""
				standin.requests.append(
					{"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
				)
				status, payload = standin.handle(self.command, self.path, dict(self.headers), body)
				data = json.dumps(payload).encode()
				self.send_response(status)
				self.send_header("Content-Type", "application/json")
				self.send_header("Content-Length", str(len(data)))
				self.end_headers()
				self.wfile.write(data)

			do_GET = do_POST = _serve

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		return self

	def __exit__(self, *exc):
		self.server.shutdown()
		self.server.server_close()


class TwilioStandIn(StandIn):
	"""Twilio's Messages REST API: POST …/Messages.json sends (answers "queued"), GET …/Messages/<sid>.json
	fetches. `fail_with` makes the next requests fail with those statuses; `outcome[sid] = (status, error_code,
	error_message)` is what a fetch of that message answers (default: delivered)."""

	def __init__(self):
		super().__init__()
		self.fail_with: list[int] = []
		self.sent: dict[str, dict] = {}
		self.outcome: dict[str, tuple[str, int | None, str | None]] = {}

	@property
	def messages(self) -> list[dict]:
		return [
			{k: v[0] for k, v in parse_qs(r["body"].decode()).items()}
			for r in self.requests
			if r["path"].endswith("/Messages.json")
		]

	@property
	def fetches(self) -> list[str]:
		"""The SIDs fetched, in order."""
		return [
			r["path"].rsplit("/", 1)[1].removesuffix(".json")
			for r in self.requests
			if r["method"] == "GET" and "/Messages/" in r["path"]
		]

	def handle(self, method, path, headers, body):
		if self.fail_with:
			status = self.fail_with.pop(0)
			return status, {
				"code": 21211 if status < 500 else 20500,
				"message": "Refused by stand-in",
				"status": status,
			}
		account = path.split("/")[3]
		if method == "GET" and "/Messages/" in path:
			sid = path.rsplit("/", 1)[1].removesuffix(".json")
			if sid not in self.sent and sid not in self.outcome:
				return 404, {
					"code": 20404,
					"message": f"The requested resource {path} was not found",
					"status": 404,
				}
			status, code, message = self.outcome.get(sid, ("delivered", None, None))
			return 200, {
				**self.sent.get(sid, {"sid": sid, "account_sid": account}),
				"status": status,
				"error_code": code,
				"error_message": message,
				"date_sent": "Mon, 23 Nov 2026 14:00:00 +0000",
			}
		form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
		sid = "SM" + uuid.uuid4().hex
		self.sent[sid] = {
			"sid": sid,
			"to": form.get("To"),
			"from": form.get("From"),
			"body": form.get("Body"),
			"account_sid": account,
			"date_created": "Mon, 23 Nov 2026 13:59:59 +0000",
		}
		return 201, {**self.sent[sid], "status": "queued"}


class TraccarStandIn(StandIn):
	"""Traccar's /api/devices and /api/positions?deviceId= (one device per request, like the real one)."""

	def __init__(self, devices: list[dict], positions: dict[str, dict]):
		super().__init__()
		self.devices = devices
		self.positions = positions

	def handle(self, method, path, headers, body):
		from urllib.parse import urlparse

		url = urlparse(path)
		if url.path == "/api/devices":
			return 200, self.devices
		if url.path == "/api/positions":
			device = parse_qs(url.query).get("deviceId", [None])[0]
			return 200, [self.positions[device]] if device in self.positions else []
		return 404, {"message": "not found"}


class LlmStandIn(StandIn):
	"""An OpenAI-compatible /chat/completions that answers with `reply` (a dict serialised as the content)."""

	def __init__(self, reply: dict | str, status: int = 200):
		super().__init__()
		self.reply = reply
		self.status = status

	def handle(self, method, path, headers, body):
		if self.status != 200:
			return self.status, {"error": {"message": "down"}}
		content = self.reply if isinstance(self.reply, str) else json.dumps(self.reply)
		return 200, {"choices": [{"message": {"role": "assistant", "content": content}}]}


class NominatimStandIn(StandIn):
	"""OpenStreetMap Nominatim's `/search?format=jsonv2&addressdetails=1`: the places whose display name holds every
	comma-separated part of the query (case aside, accents as given), at most `limit`. `fail_with`: the next requests answer those statuses;
	`answer`: a body to send instead (a broken server)."""

	def __init__(self, places: list[dict]):
		super().__init__()
		self.places = places
		self.fail_with: list[int] = []
		self.answer = None

	def handle(self, method, path, headers, body):
		from urllib.parse import urlparse

		if self.fail_with:
			return self.fail_with.pop(0), {"error": "stand-in failure"}
		if self.answer is not None:
			return 200, self.answer
		query = parse_qs(urlparse(path).query)
		if urlparse(path).path != "/search" or query.get("format") != ["jsonv2"]:
			return 400, {"error": "only /search?format=jsonv2"}
		# Free text as Nominatim reads it, roughly: every comma-separated part of the query is in the place's name.
		parts = [t.strip() for t in query.get("q", [""])[0].lower().split(",") if t.strip()]
		limit = int(query.get("limit", ["10"])[0])
		return 200, [p for p in self.places if all(t in p["display_name"].lower() for t in parts)][:limit]


class RoadStandIn(StandIn):
	"""A routing service on loopback that answers like OSRM (`/table/v1/driving/<lon,lat;…>?sources&destinations`,
	`/route/v1/driving/<a;b>`) or Mapbox's Directions Matrix (`/directions-matrix/v1/mapbox/driving/<…>`, with
	`access_token`). Its roads: the straight line at `kmh` (the stand-in's own formula, not the app's estimate).
	`fail_with`: the next requests answer those statuses; `token`: what Mapbox requests must carry."""

	def __init__(self, kmh: float = 30.0, token: str | None = None):
		super().__init__()
		self.kmh = kmh
		self.token = token
		self.fail_with: list[int] = []

	def seconds(self, a: tuple[float, float], b: tuple[float, float]) -> float:
		from gigafibre_dispatch.engine.geo import haversine_km

		return haversine_km(a[0], a[1], b[0], b[1]) / self.kmh * 3600.0

	@staticmethod
	def points(path: str) -> list[tuple[float, float]]:
		coords = path.split("?")[0].rsplit("/", 1)[1]
		return [(float(c.split(",")[1]), float(c.split(",")[0])) for c in coords.split(";")]

	@staticmethod
	def query(path: str) -> dict:
		return {k: v[0] for k, v in parse_qs(path.split("?", 1)[1] if "?" in path else "").items()}

	def handle(self, method, path, headers, body):
		if self.fail_with:
			return self.fail_with.pop(0), {"code": "Error", "message": "Refused by stand-in"}
		q = self.query(path)
		if "/directions-matrix/" in path and self.token and q.get("access_token") != self.token:
			return 401, {"message": "Not Authorized - Invalid Token"}
		pts = self.points(path)
		if "/route/v1/" in path:
			return 200, {"code": "Ok", "routes": [{"duration": self.seconds(pts[0], pts[1]), "distance": 0}]}
		src = [int(i) for i in q.get("sources", "").split(";")] if q.get("sources") else list(range(len(pts)))
		dst = (
			[int(i) for i in q.get("destinations", "").split(";")]
			if q.get("destinations")
			else list(range(len(pts)))
		)
		return 200, {"code": "Ok", "durations": [[self.seconds(pts[i], pts[j]) for j in dst] for i in src]}

	def asked(self, kind: str) -> list[dict]:
		"""The requests of one kind ("table", "route", "matrix"), each with its points."""
		marker = {"table": "/table/v1/", "route": "/route/v1/", "matrix": "/directions-matrix/"}[kind]
		return [{**r, "points": self.points(r["path"])} for r in self.requests if marker in r["path"]]
