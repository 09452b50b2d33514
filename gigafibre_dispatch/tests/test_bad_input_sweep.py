"""Every whitelisted method of the app, called by a dispatcher (and by a guest) with wrong values for each of its
parameters: a wrong type, an impossible date or time, a huge number, text that is not valid Unicode, an empty
value. The answer is always a 4xx (or a 200 that ignored it), never a 5xx; no traceback reaches a guest."""

import ast
import json
import pathlib
import uuid
from urllib.parse import quote

import frappe
from frappe.tests.test_api import make_request

from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase, login_client

APP = pathlib.Path(__file__).resolve().parent.parent

# Values a careless or hostile client sends; each is tried alone in one parameter, the others given sane values.
BAD = (
	"nine",
	"2026-02-30",
	"2026-13-01 10:00:00",
	"10000-01-01",
	"24:61",
	"-1",
	"1e309",
	"99999999999999999999999",
	"[]",
	"{}",
	'{"a": [1, {"b": null}]}',
	"null",
	"",
	"\ud800",
	"x" * 5000,
	"(select 1)",
)
# A sane value per parameter name (so that only the bad one is at fault).
SANE = {
	"date_from": "2026-12-07",
	"date_to": "2026-12-08",
	"date": "2026-12-07",
	"start_date": "2026-12-07",
	"day": "2026-12-07",
	"start": "2026-12-07 10:00:00",
	"start_time": "10:00",
	"end_time": "11:00",
	"duration_h": "1",
	"limit": "3",
	"q": "rue",
	"text": "DEMO-J001 Julie demain 9h",
	"kind": "outage",
	"message": "test",
	"subject": "Sweep",
	"priority": "medium",
	"job_type": "Installation",
}
SKIP = {
	# Twilio's webhook checks its signature first (a 403 for anything unsigned): swept by its own tests.
	("sms", "inbound"),
}


def whitelisted():
	for path in sorted((APP / "api").glob("*.py")):
		tree = ast.parse(path.read_text(), str(path))
		for node in tree.body:
			if not isinstance(node, ast.FunctionDef):
				continue
			for dec in node.decorator_list:
				target = dec.func if isinstance(dec, ast.Call) else dec
				if ast.unparse(target) != "frappe.whitelist":
					continue
				methods = ["GET", "POST"]
				if isinstance(dec, ast.Call):
					for k in dec.keywords:
						if k.arg == "methods":
							methods = ast.literal_eval(k.value)
				params = [a.arg for a in node.args.args if a.arg != "self"]
				if (path.stem, node.name) not in SKIP and params:
					yield path.stem, node.name, methods, params


class TestBadInputSweep(LifecycleHttpCase):
	def test_no_bad_value_in_any_parameter_is_a_5xx(self):
		client = login_client("Administrator", frappe.conf.get("admin_password") or "admin")
		failures = []
		calls = 0
		for module, name, methods, params in whitelisted():
			url = f"/api/method/gigafibre_dispatch.api.{module}.{name}"
			for param in params:
				for bad in BAD:
					body = {p: SANE.get(p, "x") for p in params}
					body[param] = bad
					if "POST" in methods:
						response = make_request(
							target=client.post,
							args=(url,),
							kwargs={
								"data": json.dumps(body, ensure_ascii=True),
								"headers": {
									"Content-Type": "application/json",
									"Idempotency-Key": str(uuid.uuid4()),
								},
							},
						)
					else:
						query = "&".join(
							f"{k}={quote(v, safe='')}" for k, v in body.items() if "\ud800" not in v
						)
						response = make_request(target=client.get, args=(f"{url}?{query}",))
					calls += 1
					if response.status_code >= 500:
						failures.append(
							f"{module}.{name}({param}={bad[:20]!r}): {response.status_code} {response.text[:160]}"
						)
				frappe.db.rollback()
		self.assertGreater(calls, 500)
		self.assertEqual(failures, [], "\n".join(failures[:40]))
