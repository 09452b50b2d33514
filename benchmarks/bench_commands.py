"""Lifecycle commands against a real gunicorn (2 workers, 8 concurrent clients), next to POST /api/resource/ToDo.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/bench_commands.py --site dispatch.test

Prints commands/s and p50/p99 latency for both in the same run (goal: ≥ 0.6 × the ToDo throughput), then runs
--total commands (default 10,000) and checks that none was lost or duplicated: transition rows = successes.
Everything it creates is removed at the end.
"""

import argparse
import json
import statistics
import time
import uuid
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
	parser.add_argument("--total", type=int, default=10000)
	parser.add_argument("--jobs", type=int, default=200)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	try:
		print(json.dumps(run(frappe, args)))
	finally:
		frappe.destroy()


def run(frappe, args):
	import jwt
	import requests

	from gigafibre_dispatch.tests.server import Gunicorn

	run_id = frappe.generate_hash(length=6)
	secret = f"bench-{run_id}-{frappe.generate_hash(length=20)}"
	settings = frappe.get_single("Dispatch Settings")
	saved_secret = settings.get_password("jwt_secret", raise_exception=False)
	settings.jwt_secret = secret
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	from gigafibre_dispatch.tests.utils import make_customer

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
	token = jwt.encode(
		{
			"sub": f"bench-{run_id}",
			"role": "dispatcher",
			"exp": int(time.time()) + 3600,
			"account_ids": [customer],
		},
		secret,
		algorithm="HS256",
	)
	admin_pw = frappe.conf.get("admin_password") or "admin"
	results = {}
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
				s = login_session()
				lat = []
				for i in range(n):
					t = time.perf_counter()
					r = s.post(
						f"{server.url}/api/resource/ToDo",
						json={"description": f"bench {run_id} {i}"},
						timeout=60,
					)
					lat.append((time.perf_counter() - t) * 1000)
					r.raise_for_status()
				return lat

			counter = iter(range(10**9))

			def command_worker(n, collect=None):
				s = requests.Session()
				s.headers.update({**base, "Authorization": f"Bearer {token}"})
				lat, ok = [], 0
				for _ in range(n):
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
					lat.append((time.perf_counter() - t) * 1000)
					if r.status_code == 200:
						ok += 1
					elif collect is not None:
						collect.append((r.status_code, r.text[:200]))
				return lat, ok

			def phase(worker, n):
				with ThreadPoolExecutor(max_workers=args.clients) as pool:
					t = time.perf_counter()
					outs = list(pool.map(lambda _: worker(n), range(args.clients)))
					elapsed = time.perf_counter() - t
				return outs, elapsed

			phase(todo_worker, 10)  # warm both paths
			phase(lambda n: command_worker(n)[0], 10)
			todo_outs, todo_s = phase(todo_worker, args.per_client)
			cmd_outs, cmd_s = phase(lambda n: command_worker(n), args.per_client)
			todo_lat = [x for o in todo_outs for x in o]
			cmd_lat = [x for o, _ in cmd_outs for x in o]
			results["todo"] = {
				"requests": len(todo_lat),
				"per_s": round(len(todo_lat) / todo_s, 1),
				"p50_ms": round(statistics.median(todo_lat), 1),
				"p99_ms": round(percentile(todo_lat, 99), 1),
			}
			results["commands"] = {
				"requests": len(cmd_lat),
				"per_s": round(len(cmd_lat) / cmd_s, 1),
				"p50_ms": round(statistics.median(cmd_lat), 1),
				"p99_ms": round(percentile(cmd_lat, 99), 1),
			}
			results["ratio"] = round(results["commands"]["per_s"] / results["todo"]["per_s"], 2)

			# The 10,000-command run: successes must equal the new transition rows.
			frappe.db.rollback()
			before = frappe.db.count("Dispatch State Transition", {"job": ("in", jobs), "command": "triage"})
			failures = []
			per_client = args.total // args.clients
			with ThreadPoolExecutor(max_workers=args.clients) as pool:
				t = time.perf_counter()
				outs = list(pool.map(lambda _: command_worker(per_client, failures), range(args.clients)))
				elapsed = time.perf_counter() - t
			frappe.db.rollback()
			after = frappe.db.count("Dispatch State Transition", {"job": ("in", jobs), "command": "triage"})
			successes = sum(ok for _, ok in outs)
			results["run"] = {
				"sent": per_client * args.clients,
				"successes": successes,
				"failures": len(failures),
				"transition_rows": after - before,
				"lost_or_duplicated": (after - before) - successes,
				"per_s": round(per_client * args.clients / elapsed, 1),
				"first_failures": failures[:3],
			}
	finally:
		frappe.db.rollback()
		frappe.db.delete("ToDo", {"description": ("like", f"bench {run_id}%")})
		for doctype in ("Dispatch State Transition", "Dispatch Audit Event"):
			frappe.db.delete(doctype, {"job": ("in", jobs or [""])})
		frappe.db.delete("Dispatch Idempotency Record", {"actor": f"bench-{run_id}"})
		frappe.db.delete("Dispatch Job", {"name": ("in", jobs or [""])})
		frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)
		settings.reload()
		settings.jwt_secret = saved_secret
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)
		frappe.db.commit()
	print(f"ToDo     {results['todo']}")
	print(f"commands {results['commands']}  ratio {results['ratio']} (goal ≥ 0.6)")
	print(f"run      {results['run']}")
	return results


if __name__ == "__main__":
	main()
