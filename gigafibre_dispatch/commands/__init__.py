"""bench --site S dispatch ... : admin commands of Gigafibre Dispatch."""

import click
from frappe.commands import get_site, pass_context


@click.group("dispatch")
def dispatch():
	"""Gigafibre Dispatch administration."""


def _connect(context):
	import frappe

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	return frappe


@dispatch.command("demo")
@click.option(
	"--week-of",
	default=None,
	help="Any date of the week to fill (default: this week, or the coming one on a weekend)",
)
@pass_context
def demo(context, week_of=None):
	"""Load (or reload) the Montréal demo: technicians, resources, customers, locations and a week of jobs."""
	frappe = _connect(context)
	try:
		from gigafibre_dispatch.demo import load_demo

		summary = load_demo(week_of)
		frappe.db.commit()
		for key, value in summary.items():
			click.echo(f"{key}: {value}")
	finally:
		frappe.destroy()


@dispatch.command("rank")
@click.argument("job")
@click.option("--limit", default=10, show_default=True)
@pass_context
def rank(context, job, limit=10):
	"""Print the technician ranking for JOB with each score's breakdown."""
	frappe = _connect(context)
	try:
		from gigafibre_dispatch.api.scheduling import best_technicians

		rows = best_technicians(job=job, limit=limit)
		if not rows:
			click.echo("No eligible technician.")
			return
		header = f"{'#':>2}  {'technician':<12} {'name':<26} {'score':>8} {'prox':>7} {'km':>6} {'load':>7} {'over':>6} {'gps':>4} {'skill':>6}  warnings"
		click.echo(header)
		click.echo("-" * len(header))
		for i, r in enumerate(rows, 1):
			b = r["breakdown"]
			warnings = ", ".join(
				f"{w.get('code')}:{w.get('tag', '')}" if w.get("tag") else str(w.get("code"))
				for w in r["warnings"]
			)
			km = b.get("distance_km")
			click.echo(
				f"{i:>2}  {r['technician']:<12} {r['technician_name'][:26]:<26} {r['score']:>8.1f} {b['proximity']:>7.1f}"
				f" {km if km is not None else '-':>6} {b['load']:>7.1f} {b['overload']:>6.0f} {b['gps']:>4.0f} {b['skill']:>6.1f}"
				f"  {warnings}"
			)
	finally:
		frappe.destroy()


@dispatch.command("rotate-secrets")
@pass_context
def rotate_secrets(context):
	"""New magic-link and iCal secrets: every magic link and calendar URL issued so far stops working."""
	frappe = _connect(context)
	try:
		from gigafibre_dispatch.setup.install import ensure_secrets

		ensure_secrets(rotate=True)
		frappe.db.commit()
		click.echo("Magic-link and iCal secrets rotated: publish schedules again to send new links.")
	finally:
		frappe.destroy()


@dispatch.command("setup-site")
@click.option("--company", default="Gigafibre Démo", show_default=True)
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option(
	"--admin-password", default=None, help="Password of the wizard's admin user (random if not given)"
)
@pass_context
def setup_site(context, company, language, admin_password=None):
	"""Complete ERPNext's setup wizard without a browser: COMPANY, Canada, CAD, America/Toronto."""
	frappe = _connect(context)
	try:
		from gigafibre_dispatch.setup.site import complete_setup

		ran = complete_setup(company=company, language=language, admin_password=admin_password)
		click.echo(
			"Site set up: Canada, CAD, America/Toronto."
			if ran
			else "The site was already set up: nothing to change."
		)
	finally:
		frappe.destroy()


@dispatch.command("optimize")
@click.option("--from", "date_from", required=True, help="First day (YYYY-MM-DD)")
@click.option("--to", "date_to", required=True, help="Last day (YYYY-MM-DD)")
@click.option("--technicians", default=None, help="Comma-separated technicians (default: every active one)")
@click.option("--jobs", default=None, help="Comma-separated jobs (default: every unassigned New/Triaged job)")
@click.option(
	"--reoptimize",
	is_flag=True,
	help="Also move booked jobs of the range that are neither pinned nor started; some may go back to the tray when that places more jobs",
)
@click.option("--apply", "apply_", is_flag=True, help="Book every move through the lifecycle commands")
@pass_context
def optimize(context, date_from, date_to, technicians=None, jobs=None, reoptimize=False, apply_=False):
	"""Auto-distribute a date range: store a proposal (Dispatch Optimization), print its KPIs and moves, and
	with --apply book them (as Administrator, through the commands)."""
	frappe = _connect(context)
	try:
		from gigafibre_dispatch.lifecycle.actor import current_actor
		from gigafibre_dispatch.lifecycle.optimize import apply
		from gigafibre_dispatch.scheduling import optimize as service

		name = service.start(date_from, date_to, technicians, jobs, reoptimize, inline=True)
		frappe.db.commit()
		p = service.proposal_of(name)
		click.echo(f"{name}: {p['status']} ({p['solver']}, {p['seconds']} s)")
		if p["error"]:
			click.echo(f"error: {p['error']}")
			raise SystemExit(1)
		before, after = p["kpis_before"], p["kpis_after"]
		click.echo(f"{'kpi':<16} {'before':>10} {'after':>10}")
		for key in ("placed", "travel_min", "travel_km", "overtime_min", "lateness_h", "late_jobs"):
			click.echo(f"{key:<16} {before[key]:>10} {after[key]:>10}")
		for tech, value in sorted(after["utilisation"].items()):
			click.echo(f"{'util ' + tech:<16} {before['utilisation'].get(tech, 0):>10} {value:>10}")
		click.echo(f"moves: {len(p['moves'])}")
		for m in p["moves"]:
			src = f"{m['from_technician']} {m['from_start']}" if m["from_technician"] else "unassigned"
			click.echo(f"  {m['job']}: {src} -> {m['to_technician']} {m['to_start']} ({m['travel_min']} min)")
		click.echo(f"back to the tray: {len(p['released'])}")
		for r in p["released"]:
			click.echo(
				f"  {r['job']}: {r['from_technician']} {r['from_start']} -> tray: {r['reason']} ({r['message']})"
			)
		click.echo(f"not placed: {len(p['unplaced'])}")
		for u in p["unplaced"]:
			click.echo(f"  {u['job']}: {u['reason']} ({u['message']})")
		if apply_:
			result = apply(name, None, current_actor())
			frappe.db.commit()
			click.echo(f"applied: {result['applied']}, skipped: {result['skipped']} -> {result['status']}")
			for m in result["released"] + result["moves"]:
				if m["apply_status"] == "skipped":
					click.echo(f"  skipped {m['job']}: {m['apply_reason']}")
	finally:
		frappe.destroy()


commands = [dispatch]
