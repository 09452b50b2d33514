"""A rule lives in one place: the lists the Desk and the board show (job types, priorities) are the engine's own,
and the board's JavaScript names none of them itself."""

import json
import re
from pathlib import Path

from gigafibre_dispatch.engine.lifecycle import JOB_TYPES, PRIORITIES

APP = Path(__file__).resolve().parents[1] / "gigafibre_dispatch"
JOB_JSON = APP / "gigafibre_dispatch" / "doctype" / "dispatch_job" / "dispatch_job.json"
FRONTEND = APP / "public" / "js"


def _options(fieldname: str) -> list[str]:
	doc = json.loads(JOB_JSON.read_text())
	field = next(f for f in doc["fields"] if f["fieldname"] == fieldname)
	return [o for o in field["options"].split("\n") if o]


def test_the_job_form_offers_the_engines_job_types_and_priorities():
	assert tuple(_options("job_type")) == tuple(JOB_TYPES)
	assert tuple(_options("priority")) == tuple(PRIORITIES)


def _names_a_list_of(values, text: str) -> bool:
	"""True when `text` holds three or more of `values` as quoted strings in one array or option string."""
	quoted = [v for v in values if re.search(r"[\"'`]" + re.escape(v) + r"[\"'`\\\\]", text)]
	options = [v for v in values if re.search(re.escape(v) + r"\\n", text)]
	return len(quoted) >= 3 or len(options) >= 3


def test_the_frontend_reads_them_from_the_doctype():
	offenders = [
		str(p.relative_to(APP))
		for p in sorted(FRONTEND.rglob("*"))
		if p.suffix in (".js", ".vue")
		and "dist" not in p.parts
		and (_names_a_list_of(JOB_TYPES, p.read_text()) or _names_a_list_of(PRIORITIES, p.read_text()))
	]
	assert offenders == []


def test_the_detector_breaks_and_keeps():
	assert _names_a_list_of(JOB_TYPES, 'const T = ["Installation", "Réparation", "Maintenance"];')
	assert _names_a_list_of(PRIORITIES, 'options: "low\\nmedium\\nhigh\\nurgent"')
	assert not _names_a_list_of(JOB_TYPES, 'default: "Installation"')
	assert not _names_a_list_of(PRIORITIES, 'priority === "urgent" ? 1 : 0')


def _lifecycle_fields() -> tuple[str, ...]:
	import ast

	source = (JOB_JSON.parent / "dispatch_job.py").read_text()
	for node in ast.parse(source).body:
		if isinstance(node, ast.Assign) and any(
			getattr(t, "id", "") == "LIFECYCLE_FIELDS" for t in node.targets
		):
			return tuple(ast.literal_eval(node.value))
	raise AssertionError("LIFECYCLE_FIELDS not found")


def test_a_field_only_a_command_changes_is_read_only_on_the_form():
	"""The form never offers an edit the save would refuse: every lifecycle field is read-only, or read-only once
	saved (a recurring template is created with its technician and time)."""
	fields = {f["fieldname"]: f for f in json.loads(JOB_JSON.read_text())["fields"]}
	lifecycle = _lifecycle_fields()
	assert "assigned_technician" in lifecycle and "scheduled_start" in lifecycle
	editable = [
		name
		for name in lifecycle
		if not fields[name].get("read_only")
		and "!doc.__islocal" not in (fields[name].get("read_only_depends_on") or "")
	]
	assert editable == []
