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
	"""Accepts Messages.json like Twilio's REST API; `fail_with` makes the next sends fail with that status."""

	def __init__(self):
		super().__init__()
		self.fail_with: list[int] = []

	@property
	def messages(self) -> list[dict]:
		return [
			{k: v[0] for k, v in parse_qs(r["body"].decode()).items()}
			for r in self.requests
			if r["path"].endswith("/Messages.json")
		]

	def handle(self, method, path, headers, body):
		if self.fail_with:
			status = self.fail_with.pop(0)
			return status, {
				"code": 21211 if status < 500 else 20500,
				"message": "Refused by stand-in",
				"status": status,
			}
		form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
		sid = "SM" + uuid.uuid4().hex
		return 201, {
			"sid": sid,
			"status": "queued",
			"to": form.get("To"),
			"from": form.get("From"),
			"body": form.get("Body"),
			"account_sid": path.split("/")[3],
		}


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
