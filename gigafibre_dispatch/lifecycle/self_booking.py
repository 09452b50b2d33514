"""Self-scheduling: the customer of a job that needs a time gets a link (/book/<token>) offering the first N
suggested slots (the slots engine with all its rules: shifts, lunch, absences, holidays, skills, travel); the
customer picks one and the job is booked through the lifecycle commands (lifecycle/commands.book: the drop rules,
idempotent, audited), the actor being the link itself.

A link works once and for Dispatch Settings › Booking Link Lifetime: it carries a nonce the job keeps; booking
marks it used, and sending a newer link replaces it. A slot taken meanwhile (another booking, a drag on the board)
is refused with fresh slots. A CSR sends the link (Desk, API); with Dispatch Settings › Send a Booking Link on
Intake, every job taken in with a phone and no time gets one."""

import uuid
from datetime import datetime, timedelta, timezone

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from gigafibre_dispatch.engine.customer_links import make_link_token, read_link_token
from gigafibre_dispatch.engine.lifecycle import Actor
from gigafibre_dispatch.integrations import customer_sms
from gigafibre_dispatch.lifecycle.commands import book as book_job
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.scheduling.suggest import slots_for
from gigafibre_dispatch.utils.errors import DispatchValidationError
from gigafibre_dispatch.utils.urls import base_url, secret

DOCTYPE = "Dispatch Job"
NEEDS_A_TIME = ("New", "Triaged")
DEFAULT_SLOTS = 5
DEFAULT_HOURS = 72
FRESH_FACTOR = 6  # a picked slot is checked against this many times the offered count, computed afresh
KEYS = uuid.UUID("6f1e5a0c-8a35-4c8e-9a55-2b7f5f3f0b1d")  # derives a booking's idempotency key from its link


class LinkNotValid(frappe.AuthenticationError):
	"""The link is unknown, forged, expired or replaced by a newer one."""

	http_status_code = 401


class LinkUsed(frappe.ValidationError):
	http_status_code = 410


class SlotTaken(frappe.ValidationError):
	"""The slot picked is no longer free; `fresh` holds the slots offered now."""

	http_status_code = 409

	def __init__(self, message, fresh):
		super().__init__(message)
		self.fresh = fresh


def slot_count() -> int:
	return data.setting_int("booking_slot_count", DEFAULT_SLOTS)


def link_hours() -> int:
	return data.setting_int("booking_link_hours", DEFAULT_HOURS)


# ------------------------------------------------------------------ sending


def send_link(job: str) -> dict:
	"""Make a booking link for a job that needs a time and text it to its customer. {"url", "expires", "sms"}."""
	row = frappe.db.sql(
		"select name, status, duration_h, service_location from `tabDispatch Job` where name = %s for update",
		job,
		as_dict=True,
	)
	if not row:
		frappe.throw(_("Dispatch Job {0} does not exist").format(job), frappe.DoesNotExistError)
	row = row[0]
	if row.status not in NEEDS_A_TIME:
		frappe.throw(
			_("Job {0} is {1}: a booking link is only for a job that still needs a time").format(
				job, _(row.status)
			),
			DispatchValidationError,
		)
	if not row.duration_h or float(row.duration_h) <= 0:
		frappe.throw(_("Job {0} has no duration: triage it first").format(job), DispatchValidationError)
	if not customer_sms.customer_phone(job):
		frappe.throw(
			_("Job {0}: its service location has no customer phone to text the link to").format(job),
			DispatchValidationError,
		)
	now = now_datetime()
	expires = now + timedelta(hours=link_hours())
	nonce = frappe.generate_hash(length=10)
	frappe.db.set_value(DOCTYPE, job, "booking_link_nonce", nonce, update_modified=False)
	token = make_link_token(
		job,
		"book",
		secret("magic_link_secret"),
		expires=datetime.now(timezone.utc) + timedelta(hours=link_hours()),
		nonce=nonce,
	)
	url = f"{base_url()}/book/{token}"
	sms = customer_sms.booking_link(job, url, expires, nonce)
	return {"job": job, "url": url, "expires": expires, "sms": sms}


def auto_send(job: str):
	"""RQ job after intake (Dispatch Settings › Send a Booking Link on Intake): a job with a phone, a duration and
	no time gets its link; any other job is left to the CSR."""
	if not data.settings().get("booking_link_on_intake"):
		return None
	row = frappe.db.get_value(DOCTYPE, job, ["status", "duration_h", "booking_link_nonce"], as_dict=True)
	if not row or row.status not in NEEDS_A_TIME or row.booking_link_nonce or not row.duration_h:
		return None
	if not customer_sms.customer_phone(job):
		return None
	return send_link(job)


# ------------------------------------------------------------------ the customer's side


def read_link(token: str) -> dict:
	"""{"job", "nonce", "state"}: state "open" (may book), "used" (booked through this link). A link unknown,
	forged, expired or replaced raises LinkNotValid."""
	claims = read_link_token(token, "book", secret("magic_link_secret"), now=datetime.now(timezone.utc))
	if isinstance(claims, str):
		raise LinkNotValid(_("This link has expired or is not valid; call us for a new one"))
	current = frappe.db.get_value(DOCTYPE, claims["job"], "booking_link_nonce")
	if current and current == claims["nonce"]:
		state = "open"
	elif current == f"used:{claims['nonce']}":
		state = "used"
	else:
		raise LinkNotValid(_("This link has expired or is not valid; call us for a new one"))
	return {"job": claims["job"], "nonce": claims["nonce"], "state": state}


def offered(job: str, count: int | None = None) -> list[dict]:
	"""The first `count` slots for the job, as the customer sees them: a start, an end, a first name."""
	doc = frappe.get_doc(DOCTYPE, job)
	found = slots_for(data.job_info(doc), limit=count or slot_count())
	return [
		{
			"technician": s.tech_id,
			"first_name": customer_sms.first_name(s.tech_id),
			"start": s.start,
			"end": s.end,
		}
		for s in found
	]


def appointment(job: str) -> dict:
	"""What the customer may read of the job: its time, the technician's first name, its status."""
	row = frappe.db.get_value(
		DOCTYPE,
		job,
		["status", "scheduled_start", "scheduled_end", "assigned_technician", "subject"],
		as_dict=True,
	)
	return {
		"status": row.status,
		"start": row.scheduled_start,
		"end": row.scheduled_end,
		"first_name": customer_sms.first_name(row.assigned_technician),
		"subject": row.subject,
	}


def customer_actor(job: str, nonce: str) -> Actor:
	"""The booking link acting: it may book this one job, under the job's own account and site."""
	row = frappe.db.get_value(DOCTYPE, job, ["customer", "service_location"], as_dict=True)
	return Actor(
		id=f"customer-link:{job}:{nonce}",
		roles=frozenset({"dispatcher"}),
		actor_type="customer",
		account_ids=frozenset({row.customer or ""}),
		site_ids=frozenset({row.service_location or ""}),
		tool_name="booking link",
	)


def book(token: str, technician: str, start) -> dict:
	"""Book the slot the customer picked. A retry of the same pick answers the same; a link already used for
	another time raises LinkUsed; a slot no longer free raises SlotTaken with fresh slots."""
	link = read_link(token)
	job = link["job"]
	try:
		start = get_datetime(start)
	except Exception:
		start = None
	if not start or not technician or not isinstance(technician, str):
		frappe.throw(_("Pick one of the times offered"), DispatchValidationError)
	start = start.replace(second=0, microsecond=0)
	key = str(uuid.uuid5(KEYS, f"{job}|{link['nonce']}|{technician}|{start.isoformat()}"))
	actor = customer_actor(job, link["nonce"])
	if link["state"] == "used":
		booked = appointment(job)
		same_tech = frappe.db.get_value(DOCTYPE, job, "assigned_technician") == technician
		if same_tech and booked["start"] and get_datetime(booked["start"]) == start:
			book_job(job, technician, start, actor, idempotency_key=key)  # replays: writes nothing
			return {"job": job, **booked, "replayed": True}
		raise LinkUsed(_("This link was already used to book your appointment"))
	# One booking at a time per job and per technician: the slot is checked and taken under both locks.
	frappe.db.sql("select name from `tabDispatch Job` where name = %s for update", job)
	frappe.db.sql("select name from `tabDispatch Technician` where name = %s for update", technician)
	fresh = offered(job, slot_count() * FRESH_FACTOR)
	if not any(s["technician"] == technician and get_datetime(s["start"]) == start for s in fresh):
		raise SlotTaken(_("That time was just taken; here are the times free now"), fresh[: slot_count()])
	book_job(job, technician, start, actor, idempotency_key=key)
	frappe.db.set_value(DOCTYPE, job, "booking_link_nonce", f"used:{link['nonce']}", update_modified=False)
	return {"job": job, **appointment(job), "replayed": False}
