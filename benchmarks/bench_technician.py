"""Technician side on a real site: the iCal feed with 500 jobs (goal ≤ 50 ms server time) and the portal day
page (goal ≤ 150 ms), each next to a baseline measured in the same run. Everything is rolled back.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/benchmarks/bench_technician.py --site dispatch.test

Baselines: the feed built the obvious way (each job loaded as a document, the VTIMEZONE generated per request);
for the portal, Frappe's own /login page rendered through the same WSGI app.
"""

import argparse
import json
import statistics
import time
from datetime import datetime, timedelta

from _common import insert_jobs, median_ms


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--jobs", type=int, default=500)
	args = parser.parse_args()
	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		print(json.dumps(run(frappe, args)))
	finally:
		frappe.db.rollback()
		frappe.destroy()


def run(frappe, args):
	from frappe.utils import now, now_datetime
	from icalendar import Calendar, Event, Timezone
	from werkzeug.test import Client

	from gigafibre_dispatch.engine.ical import ical_token
	from gigafibre_dispatch.portal.calendar import feed_response
	from gigafibre_dispatch.portal.links import magic_link_for
	from gigafibre_dispatch.setup.install import ensure_secrets

	ensure_secrets()
	tech = frappe.get_doc(
		{
			"doctype": "Dispatch Technician",
			"technician_name": "Bench iCal",
			"home_latitude": 45.5,
			"home_longitude": -73.6,
		}
	).insert()
	ts = now()
	base = datetime.combine(now_datetime().date(), datetime.min.time())
	rows = []
	for i in range(args.jobs):
		start = base + timedelta(days=i % 60 - 5, hours=8 + i % 9)
		rows.append(
			(
				f"BENCH-ICS-{i:04d}",
				ts,
				ts,
				"Administrator",
				"Administrator",
				f"Job {i}",
				"Scheduled",
				("low", "medium", "urgent")[i % 3],
				tech.name,
				start,
				1.5,
				start + timedelta(hours=1.5),
				1,
				0,
			)
		)
	insert_jobs(frappe, rows, ("published", "is_recurring"))
	secret = frappe.get_single("Dispatch Settings").get_password("ical_secret")
	token = ical_token(tech.name, secret)
	feed = feed_response(tech.name, token)
	events = Calendar.from_ical(feed.get_data()).walk("VEVENT")

	def baseline_feed():
		cal = Calendar()
		cal.add("prodid", "-//baseline//")
		cal.add("version", "2.0")
		cal.add_component(Timezone.from_tzid("America/Toronto"))
		for name in frappe.get_all(
			"Dispatch Job", filters={"assigned_technician": tech.name, "published": 1}, pluck="name"
		):
			doc = frappe.get_doc("Dispatch Job", name)
			ev = Event()
			ev.add("uid", doc.name)
			ev.add("summary", doc.subject)
			ev.add("dtstart", doc.scheduled_start)
			ev.add("dtend", doc.scheduled_end)
			cal.add_component(ev)
		return cal.to_ical()

	from gigafibre_dispatch.portal import calendar as ical_api

	cold = []
	for _ in range(3):
		ical_api.EVENTS.data.clear()
		t = time.perf_counter()
		feed_response(tech.name, token)
		cold.append((time.perf_counter() - t) * 1000)
	cold_ms = statistics.median(cold)
	feed_ms = median_ms(lambda: feed_response(tech.name, token))
	base_ms = median_ms(baseline_feed, runs=3, warmup=1)

	# Portal day page through the WSGI app (same process, same database transaction).
	frappe.db.commit()  # the app's request opens its own connection: let it see the data (removed below)
	try:
		link = magic_link_for(tech.name).split("/t/", 1)[1]
		from frappe.app import application

		client = Client(application)
		headers = {"X-Frappe-Site-Name": frappe.local.site}
		page = client.get(f"/t/{link}", headers=headers)
		assert page.status_code == 200, page.status_code
		portal_ms = median_ms(lambda: client.get(f"/t/{link}", headers=headers))
		login_ms = median_ms(lambda: client.get("/login", headers=headers), runs=5, warmup=1)
	finally:
		frappe.connect()
		frappe.db.delete("Dispatch Job", {"name": ("like", "BENCH-ICS-%")})
		frappe.delete_doc("Dispatch Technician", tech.name, force=True)
		frappe.db.commit()
	out = {
		"ical": {
			"jobs": args.jobs,
			"events": len(events),
			"feed_ms": round(feed_ms, 1),
			"cold_ms": round(cold_ms, 1),
			"baseline_ms": round(base_ms, 1),
			"ratio": round(base_ms / feed_ms, 1),
			"goal_ms": 50,
		},
		"portal": {"page_ms": round(portal_ms, 1), "login_page_ms": round(login_ms, 1), "goal_ms": 150},
	}
	print(
		f"iCal feed, {args.jobs} jobs ({len(events)} in the window): {feed_ms:.1f} ms warm, {cold_ms:.1f} ms with every event"
		f" rendered (baseline {base_ms:.1f} ms, {base_ms / feed_ms:.1f}x), goal ≤ 50 ms"
	)
	print(f"portal day page: {portal_ms:.1f} ms (Frappe /login page {login_ms:.1f} ms), goal ≤ 150 ms")
	return out


if __name__ == "__main__":
	main()
