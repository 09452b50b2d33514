"""A brand-new site made usable without the setup wizard: for `bench dispatch setup-site` and `before_tests`.

ERPNext's own `before_tests` does the same with a US company; ours is the seed's: Canada, CAD, America/Toronto.
"""

import frappe
from frappe.query_builder.functions import Coalesce
from frappe.utils import now_datetime

TIME_ZONE = "America/Toronto"
LANGUAGES = {"en": "English", "fr": "Français"}
# Canada's Country record has no time format: Desk would render times with an empty format.
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "HH:mm"


def complete_setup(
	company: str = "Gigafibre Démo",
	language: str = "fr",
	admin_password: str | None = None,
	email: str = "dispatch-admin@example.com",
) -> bool:
	"""Complete ERPNext's setup wizard non-interactively when it has not run: company, Canada, CAD, Toronto.

	Returns True when it changed something, False when the site was already set up as wanted. Idempotent."""
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	ran = False
	if not frappe.db.get_single_value("System Settings", "setup_complete") or not frappe.db.a_row_exists(
		"Company"
	):
		year = now_datetime().year
		abbr = "".join(word[0] for word in company.split() if word[:1].isalnum()).upper()[:5] or "GD"
		setup_complete(
			{
				"language": LANGUAGES.get(language, "English"),
				"country": "Canada",
				"timezone": TIME_ZONE,
				"currency": "CAD",
				"company_name": company,
				"company_abbr": abbr,
				"company_tagline": "Field service",
				"industry": "Telecommunications",
				"chart_of_accounts": "Standard",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"full_name": "Dispatch Admin",
				"email": email,
				"password": admin_password or frappe.generate_hash(length=16),
				"enable_telemetry": 0,
			}
		)
		ran = True
	settings = frappe.get_single("System Settings")
	wanted = {"time_zone": TIME_ZONE, "date_format": DATE_FORMAT, "time_format": TIME_FORMAT}
	if any(settings.get(k) != v for k, v in wanted.items()):
		settings.update(wanted)
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)
		ran = True
	# Desk reads these from the defaults, which System Settings only writes for the fields a save changed.
	for key, value in wanted.items():
		if frappe.db.get_default(key) != value:
			frappe.db.set_default(key, value)
			ran = True
	if restart_schedule_clock():
		ran = True
	if ensure_fiscal_years():
		ran = True
	if ran:
		frappe.db.commit()
		frappe.clear_cache()
	return ran


def ensure_fiscal_years() -> int:
	"""Last year, this year and next year each have a Fiscal Year (calendar years), made when missing: ERPNext's
	Desk stops every page with "not in any active Fiscal Year" on a date outside them, and around New Year the site's
	date and the server's may fall in different years. Returns how many were made."""
	made = 0
	year = now_datetime().year
	for y in (year - 1, year, year + 1):
		start, end = f"{y}-01-01", f"{y}-12-31"
		covered = frappe.db.sql(
			"""select count(*) from `tabFiscal Year` where disabled = 0
			and year_start_date <= %(start)s and year_end_date >= %(end)s""",
			{"start": start, "end": end},
		)[0][0]
		overlapping = frappe.db.sql(
			"""select count(*) from `tabFiscal Year` where year_start_date <= %(end)s and year_end_date >= %(start)s""",
			{"start": start, "end": end},
		)[0][0]
		if covered or overlapping or frappe.db.exists("Fiscal Year", str(y)):
			continue  # a year set up otherwise (April to March…) is the company's choice
		frappe.get_doc(
			{"doctype": "Fiscal Year", "year": str(y), "year_start_date": start, "year_end_date": end}
		).insert(ignore_permissions=True)
		made += 1
	return made


def restart_schedule_clock() -> int:
	"""Scheduled jobs count from their last run, else from their creation, in the site's zone. A new site starts in
	Frappe's default zone (Asia/Kolkata); once it moves to Toronto those timestamps lie hours in the future and
	every job would wait for them. Start their clock at the site's new now; returns how many were waiting."""
	now = now_datetime()
	job = frappe.qb.DocType("Scheduled Job Type")
	waiting = (
		frappe.qb.from_(job).select(job.name).where(Coalesce(job.last_execution, job.creation) > now)
	).run(pluck=True)
	if waiting:
		frappe.qb.update(job).set(job.last_execution, now).where(job.name.isin(waiting)).run()
	return len(waiting)


def before_tests():
	"""`bench run-tests --app gigafibre_dispatch` on a brand-new site: no wizard, no hand-made records.

	Completes ERPNext's setup (company, chart of accounts, UOMs, item groups, fiscal year) and the app's defaults,
	so every test makes only its own records."""
	frappe.clear_cache()
	complete_setup(company="Gigafibre Tests", language="en")
	from gigafibre_dispatch.setup.install import after_install

	after_install()
	frappe.db.commit()
