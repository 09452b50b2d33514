"""Lifecycle commands against a real gunicorn (2 workers, 8 concurrent clients), next to POST /api/resource/ToDo.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/bench_commands.py --site dispatch.test

Prints commands/s and p50/p99 latency for both in the same run, in --pairs interleaved (ToDo, commands) pairs, and
the median of the pairs' ratios (goal: ≥ 1.0 × the ToDo throughput), then runs
--total commands (default 10,000) and checks that none was lost or duplicated: transition rows = successes.
Every request is checked (HTTP 200/201 and a body naming what was done); rates and latencies count successes
only. Any refused or wrong answer is listed (status and body, grouped) and the exit status is 1: a run that
measured errors is not a result. The bearer token is signed with the secret the app checks (site config
`dispatch_jwt_secret`, else Dispatch Settings; a temporary one only when neither has any) and carries the
configured issuer and audience. Everything it creates is removed at the end.
"""

import argparse
import itertools
import json
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote


def percentile(values, p):
	values = sorted(values)
	return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--clients", type=int, default=8)
	parser.add_argument("--per-client", type=int, default=150, help="requests per client in each timed phase")
	parser.add_argument("--pairs", type=int, default=5, help="timed (ToDo, commands) pairs, interleaved")
	parser.add_argument("--total", type=int, default=10000)
	parser.add_argument("--jobs", type=int, default=200)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	try:
		results = run(frappe, args)
		print(json.dumps(results))
	finally:
		frappe.destroy()
	if results["failed"]:
		sys.exit(1)


def check_todo(r, description: str) -> str | None:
	"""None for a created ToDo, else what was wrong."""
	data = _data(r, (200, 201))
	if isinstance(data, str):
		return data
	return None if data.get("description") == description and data.get("name") else _wrong(r)


def check_command(r, job: str) -> str | None:
	"""None for an applied triage of this job, else what was wrong."""
	data = _data(r, (200,))
	if isinstance(data, str):
		return data
	return None if data.get("to_state") == "Triaged" and data.get("job") == job else _wrong(r)


def _data(r, statuses) -> dict | str:
	if r.status_code not in statuses:
		return _wrong(r)
	try:
		data = r.json().get("data")
	except (ValueError, AttributeError):
		return _wrong(r)
	return data if isinstance(data, dict) else _wrong(r)


def _wrong(r) -> str:
	return f"{r.status_code} {' '.join(r.text.split())[:160]}"


class Outcome:
	"""Latencies of the successes and the failures of one client in one phase."""

	def __init__(self):
		self.latencies: list[float] = []
		self.failures: list[str] = []

	def add(self, ms: float, wrong: str | None) -> None:
		if wrong:
			self.failures.append(wrong)
		else:
			self.latencies.append(ms)


def summarize(outcomes: list[Outcome], elapsed: float) -> dict:
	lat = [x for o in outcomes for x in o.latencies]
	failures = [f for o in outcomes for f in o.failures]
	return {
		"successes": len(lat),
		"failures": len(failures),
		"per_s": round(len(lat) / elapsed, 1),
		"p50_ms": round(statistics.median(lat), 1) if lat else None,
		"p99_ms": round(percentile(lat, 99), 1) if lat else None,
	}


def failure_report(failures: dict[str, list[str]]) -> str:
	lines = []
	for phase, items in failures.items():
		lines.append(f"{phase}: {len(items)} failed request(s)")
		for text, n in Counter(items).most_common(5):
			lines.append(f"  {n} × {text}")
	return "\n".join(lines)


def bearer_secret(frappe, run_id) -> tuple[str, bool]:
	"""(secret, temporary): the one the app verifies tokens with, read the way it reads it."""
	from gigafibre_dispatch.lifecycle.actor import setting

	secret = setting("dispatch_jwt_secret", "jwt_secret", password=True)
	if secret:
		return secret, False
	secret = f"bench-{run_id}-{frappe.generate_hash(length=20)}"
	settings = frappe.get_single("Dispatch Settings")
	settings.jwt_secret = secret
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	return secret, True


def run(frappe, args):
	import jwt
	import requests

	from gigafibre_dispatch.lifecycle.actor import setting
	from gigafibre_dispatch.tests.server import Gunicorn
	from gigafibre_dispatch.tests.utils import make_customer

	run_id = frappe.generate_hash(length=6)
	secret, temporary_secret = bearer_secret(frappe, run_id)
	customer = make_customer(f"ZZ Bench {run_id}")
	jobs = []
	for i in range(args.jobs):
		doc = frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": f"bench {run_id} {i}",
				"duration_h": 1,
				"customer": customer,
			}
		)
		doc.insert(ignore_permissions=True)
		jobs.append(doc.name)
	frappe.db.commit()
	claims = {
		"sub": f"bench-{run_id}",
		"role": "dispatcher",
		"exp": int(time.time()) + 3600,
		"account_ids": [customer],
	}
	issuer = setting("dispatch_jwt_issuer", "jwt_issuer")
	audience = setting("dispatch_jwt_audience", "jwt_audience")
	if issuer:
		claims["iss"] = issuer
	if audience:
		claims["aud"] = audience
	token = jwt.encode(claims, secret, algorithm="HS256")
	admin_pw = frappe.conf.get("admin_password") or "admin"
	results = {}
	failures: dict[str, list[str]] = {}
	try:
		with Gunicorn(workers=2, threads=1) as server:
			base = server.headers()

			def login_session():
				s = requests.Session()
				s.headers.update(base)
				r = s.post(
					f"{server.url}/api/method/login",
					json={"usr": "Administrator", "pwd": admin_pw},
					timeout=30,
				)
				r.raise_for_status()
				return s

			def todo_worker(n):
				s, out = login_session(), Outcome()
				for i in range(n):
					description = f"bench {run_id} {uuid.uuid4().hex[:8]} {i}"
					t = time.perf_counter()
					r = s.post(
						f"{server.url}/api/resource/ToDo", json={"description": description}, timeout=60
					)
					ms = (time.perf_counter() - t) * 1000
					out.add(ms, check_todo(r, description))
				return out

			counter = itertools.count()
			counter_lock = threading.Lock()

			def command_worker(n):
				s, out = requests.Session(), Outcome()
				s.headers.update({**base, "Authorization": f"Bearer {token}"})
				for _ in range(n):
					with counter_lock:
						i = next(counter)
					job = jobs[i % len(jobs)]
					url = f"{server.url}/api/v2/document/{quote('Dispatch Job')}/{quote(job)}/method/triage"
					t = time.perf_counter()
					r = s.post(
						url,
						json={"priority": ("low", "medium", "high")[i % 3]},
						headers={"Idempotency-Key": str(uuid.uuid4())},
						timeout=60,
					)
					ms = (time.perf_counter() - t) * 1000
					out.add(ms, check_command(r, job))
				return out

			def phase(name, worker, n):
				with ThreadPoolExecutor(max_workers=args.clients) as pool:
					t = time.perf_counter()
					outs = list(pool.map(lambda _: worker(n), range(args.clients)))
					elapsed = time.perf_counter() - t
				failed = [f for o in outs for f in o.failures]
				if failed:
					failures[name] = failed
				return summarize(outs, elapsed)

			phase("warm-up ToDo", todo_worker, 10)
			phase("warm-up commands", command_worker, 10)
			# Pairs, interleaved (ToDo then commands, then again): a machine that slows down mid-run weighs on
			# both sides alike; the median of the pairs' ratios is the figure.
			pairs = []
			for k in range(args.pairs):
				todo = phase("ToDo", todo_worker, args.per_client)
				commands = phase("commands", command_worker, args.per_client)
				ratio = round(commands["per_s"] / todo["per_s"], 3) if todo["per_s"] else None
				pairs.append({"todo": todo, "commands": commands, "ratio": ratio})
				print(f"pair {k + 1}: ToDo {todo['per_s']}/s, commands {commands['per_s']}/s, ratio {ratio}")
			ratios = [p["ratio"] for p in pairs if p["ratio"] is not None]
			results["pairs"] = pairs
			results["todo"] = pairs[-1]["todo"]
			results["commands"] = pairs[-1]["commands"]
			results["ratio"] = round(statistics.median(ratios), 2) if ratios else None
			results["ratios"] = ratios

			# The 10,000-command run: successes must equal the new transition rows.
			frappe.db.rollback()
			before = frappe.db.count("Dispatch State Transition", {"job": ("in", jobs), "command": "triage"})
			per_client = args.total // args.clients
			results["run"] = phase("run", command_worker, per_client)
			frappe.db.rollback()
			after = frappe.db.count("Dispatch State Transition", {"job": ("in", jobs), "command": "triage"})
			results["run"].update(
				{
					"sent": per_client * args.clients,
					"transition_rows": after - before,
					"lost_or_duplicated": (after - before) - results["run"]["successes"],
				}
			)
	finally:
		frappe.db.rollback()
		frappe.db.delete("ToDo", {"description": ("like", f"bench {run_id}%")})
		for doctype in ("Dispatch State Transition", "Dispatch Audit Event"):
			frappe.db.delete(doctype, {"job": ("in", jobs or [""])})
		frappe.db.delete("Dispatch Idempotency Record", {"actor": f"bench-{run_id}"})
		frappe.db.delete("Dispatch Job", {"name": ("in", jobs or [""])})
		frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)
		if temporary_secret:
			settings = frappe.get_single("Dispatch Settings")
			settings.jwt_secret = None
			settings.flags.ignore_mandatory = True
			settings.save(ignore_permissions=True)
		frappe.db.commit()
	import os

	print(f"ToDo     {results['todo']} (last pair)")
	print(f"commands {results['commands']} (last pair)")
	print(
		f"ratio    median {results['ratio']} of {len(results['ratios'])} pairs {results['ratios']} "
		f"(goal ≥ 1.0; {os.cpu_count()} cores)"
	)
	print(f"run      {results['run']}")
	if results["run"]["lost_or_duplicated"]:
		failures.setdefault("run", []).append(
			f"transition rows - successes = {results['run']['lost_or_duplicated']} (lost or duplicated)"
		)
	results["failed"] = {name: len(items) for name, items in failures.items()}
	if failures:
		print(
			"FAILED: the figures above do not measure successful commands only\n" + failure_report(failures),
			file=sys.stderr,
		)
	return results


if __name__ == "__main__":
	main()
