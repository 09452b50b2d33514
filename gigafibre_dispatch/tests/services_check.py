"""Live check that the site's processes do this app's background work (run by .ci/run after the integration suite).

    bench --site S execute gigafibre_dispatch.tests.services_check.run

Unlike the integration suite (one process, rolled back), this needs the real processes: an RQ worker sends an SMS
queued by the app (to the Twilio stand-in on loopback), the scheduler's minute sweep re-queues a message whose
retry is due, which the worker then sends, and the worker computes an optimization proposal from the long queue. It commits its records and removes them at the end. Prints
"services: N passed, M failed".
"""

import time
import traceback
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from gigafibre_dispatch.integrations.twilio import messages as sms
from gigafibre_dispatch.tests.standins import TwilioStandIn

TWILIO_FIELDS = ("twilio_account_sid", "twilio_from_number", "twilio_api_base")


def _wait_for(predicate, seconds: float, step: float = 1.0):
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		frappe.db.rollback()  # a fresh snapshot: see what the worker committed
		value = predicate()
		if value:
			return value
		time.sleep(step)
	return None


def _status(log: str) -> str | None:
	return frappe.db.get_value("Dispatch SMS Log", log, "status")


def check_worker_sends_queued_sms(tech: str, twilio: TwilioStandIn):
	log, created = sms.queue_sms(
		tech,
		"+1 514 555 0199",
		"Vérification du service",
		"magic_link",
		f"ci-worker-{frappe.generate_hash()}",
	)
	assert created
	frappe.db.commit()  # enqueued after commit: from here on only the worker can send it
	started = time.monotonic()
	assert _wait_for(lambda: _status(log) == "sent", 60), f"the worker did not send {log}: {_status(log)}"
	assert [m["Body"] for m in twilio.messages].count("Vérification du service") == 1
	return f"sent by the worker in {time.monotonic() - started:.1f}s"


def check_scheduler_requeues_due_retry(tech: str, twilio: TwilioStandIn):
	frappe.db.set_single_value("System Settings", "enable_scheduler", 1)
	log = frappe.get_doc(
		{
			"doctype": "Dispatch SMS Log",
			"technician": tech,
			"to_number": "+1 514 555 0198",
			"body": "Nouvel essai planifié",
			"kind": "magic_link",
			"status": "retrying",
			"attempts": 1,
			"next_attempt_at": now_datetime() - timedelta(minutes=1),
			"dedupe_key": f"ci-scheduler-{frappe.generate_hash()}",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	started = time.monotonic()
	# The minute sweep is due within two scheduler ticks (60 s each by default), and the worker may be busy.
	assert _wait_for(lambda: _status(log.name) == "sent", 240, step=2), (
		f"the scheduler's sweep did not re-send {log.name}: {_status(log.name)}"
	)
	assert [m["Body"] for m in twilio.messages].count("Nouvel essai planifié") == 1
	return f"re-sent through the scheduler and the worker in {time.monotonic() - started:.1f}s"


def check_worker_runs_a_large_optimization(tech: str, twilio: TwilioStandIn):
	"""A proposal over more than a day goes to the long queue; the worker computes it."""
	from frappe.utils import add_days, getdate, nowdate

	from gigafibre_dispatch.scheduling import optimize

	monday = add_days(getdate(nowdate()), 7 - getdate(nowdate()).weekday())
	frappe.db.set_value("Dispatch Technician", tech, {"home_latitude": 45.50, "home_longitude": -73.57})
	jobs = [
		frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": f"Vérification optimiseur {i}",
				"duration_h": 1,
				"latitude": 45.50 + 0.01 * i,
				"longitude": -73.57,
			}
		)
		.insert(ignore_permissions=True)
		.name
		for i in range(2)
	]
	_CLEANUP["jobs"] = jobs
	name = optimize.start(monday, add_days(monday, 2), technicians=[tech], jobs=jobs)
	_CLEANUP["optimization"] = name
	frappe.db.commit()
	assert frappe.db.get_value("Dispatch Optimization", name, "status") == "Queued", (
		"a 3-day range runs in the background"
	)
	started = time.monotonic()
	status = _wait_for(
		lambda: (
			frappe.db.get_value("Dispatch Optimization", name, "status") in ("Ready", "Failed")
			and frappe.db.get_value("Dispatch Optimization", name, "status")
		),
		120,
	)
	assert status == "Ready", (
		f"{name}: {status} {frappe.db.get_value('Dispatch Optimization', name, 'error')}"
	)
	moves = frappe.get_all("Dispatch Optimization Move", filters={"parent": name}, pluck="job")
	assert sorted(moves) == sorted(jobs), moves
	return f"proposal {name} computed by the worker in {time.monotonic() - started:.1f}s, {len(moves)} moves"


_CLEANUP: dict = {}


def run():
	settings = frappe.get_single("Dispatch Settings")
	saved = {f: settings.get(f) for f in TWILIO_FIELDS}
	tech = None
	passed = failed = 0
	with TwilioStandIn() as twilio:
		try:
			settings.update(
				{
					"twilio_account_sid": "AC" + "0" * 32,
					"twilio_from_number": "+14382313838",
					"twilio_api_base": twilio.url,
				}
			)
			settings.twilio_auth_token = "stand-in-token"
			settings.flags.ignore_mandatory = True
			settings.save(ignore_permissions=True)
			tech = (
				frappe.get_doc(
					{
						"doctype": "Dispatch Technician",
						"technician_name": "CI services check",
						"phone": "+1 514 555 0199",
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			frappe.db.commit()
			for check in (
				check_worker_sends_queued_sms,
				check_scheduler_requeues_due_retry,
				check_worker_runs_a_large_optimization,
			):
				try:
					detail = check(tech, twilio)
					passed += 1
					print(f"ok   {check.__name__}: {detail}")
				except Exception:
					failed += 1
					print(f"FAIL {check.__name__}:\n{traceback.format_exc()}")
		finally:
			frappe.db.rollback()
			if name := _CLEANUP.get("optimization"):
				frappe.db.delete("Dispatch Optimization Move", {"parent": name})
				frappe.db.delete("Dispatch Optimization Unplaced", {"parent": name})
				frappe.db.delete("Dispatch Optimization", name)
			for job in _CLEANUP.get("jobs", ()):
				for doctype in ("Dispatch Audit Event", "Dispatch State Transition"):
					frappe.db.delete(doctype, {"job": job})
				frappe.db.delete("Dispatch Job", job)
			if tech:
				frappe.db.delete("Dispatch SMS Log", {"technician": tech})
				frappe.delete_doc("Dispatch Technician", tech, force=True, ignore_permissions=True)
			settings = frappe.get_single("Dispatch Settings")
			settings.update(saved)
			settings.twilio_auth_token = None
			settings.flags.ignore_mandatory = True
			settings.save(ignore_permissions=True)
			frappe.db.commit()
	print(f"services: {passed} passed, {failed} failed")
