"""Every refusal message of the lifecycle is a literal `_()` string (lifecycle/http.py: messages), so that
Frappe's extractor finds it and `bench get-untranslated` can list it; read from the source, no Frappe."""

import ast
import csv
import json
import pathlib
import re

APP = pathlib.Path(__file__).resolve().parent.parent / "gigafibre_dispatch"
# Calls that take a refusal's English template, and the position of that template.
TEMPLATE_ARG = {"PolicyError": 2, "_auth": 1, "_refuse": 1}


def refusal_templates() -> dict[str, str]:
	found = {}
	for path in sorted(APP.rglob("*.py")):
		if "tests" in path.relative_to(APP).parts:
			continue
		for node in ast.walk(ast.parse(path.read_text(), str(path))):
			if not isinstance(node, ast.Call):
				continue
			name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
			index = TEMPLATE_ARG.get(name)
			if index is None or len(node.args) <= index:
				continue
			arg = node.args[index]
			if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
				found.setdefault(arg.value, f"{path.relative_to(APP)}:{node.lineno}")
	return found


def translated_templates() -> dict[str, str]:
	tree = ast.parse((APP / "lifecycle" / "http.py").read_text())
	fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "messages")
	table = next(n.value for n in ast.walk(fn) if isinstance(n, ast.Return))
	out = {}
	for key, value in zip(table.keys, table.values, strict=True):
		assert isinstance(value, ast.Call) and ast.unparse(value.func) == "_", key.value
		assert isinstance(value.args[0], ast.Constant), f"_() of a variable for {key.value!r}"
		out[key.value] = value.args[0].value
	return out


def test_every_refusal_template_is_a_literal_translation():
	templates = refusal_templates()
	table = translated_templates()
	assert len(templates) > 30
	missing = {t: where for t, where in templates.items() if t not in table}
	assert missing == {}
	assert all(key == text for key, text in table.items())


# Strings of ours whose French comes from Frappe or ERPNext (`bench get-untranslated fr` does not list them);
# every other extractable string needs a row in translations/fr.csv.
FROM_FRAPPE = frozenset(
	(
		"API Key",
		"Accepted",
		"Action",
		"Active",
		"Amount",
		"Applied",
		"Body",
		"Brand",
		"Cancelled",
		"Category",
		"City",
		"Color",
		"Completed",
		"Contact",
		"Contact Phone",
		"Create",
		"Custom",
		"Default Holiday List",
		"Description",
		"Done",
		"Email",
		"End Time",
		"Error",
		"File",
		"File URL",
		"From State",
		"Holiday List",
		"In Progress",
		"Invoiced",
		"Item",
		"Item Name",
		"Latitude",
		"Location Name",
		"Longitude",
		"Maintenance",
		"Message",
		"Model",
		"Name",
		"New",
		"Note",
		"Other",
		"Postal Code",
		"Pricing",
		"Progress",
		"Quantity",
		"Response",
		"Role",
		"Sales Invoice",
		"Sales Order",
		"Schedule",
		"Scheduled",
		"Score",
		"Send SMS",
		"Series",
		"Skills",
		"Start Time",
		"System Manager",
		"Tag",
		"Time Zone",
		"To State",
		"Type",
		"UOM",
		"Urgent",
		"User",
		"Verified",
		"calendar",
		"failed",
		"queued",
	)
)
JS_CALL = re.compile(r"""\b__\(\s*(["'`])((?:\\.|(?!\1).)*)\1""", re.S)


def translatable(text) -> bool:
	"""Frappe's filter (frappe.gettext.extractors.utils.is_translatable)."""
	return bool(
		isinstance(text, str)
		and re.search("[a-zA-Z]", text)
		and not text.startswith(("fa fa-", "eval:"))
		and not text.endswith("px")
	)


def doctype_strings() -> dict[str, str]:
	"""What Frappe extracts from our DocTypes (frappe.translate.get_messages_from_doctype): name, module,
	description, field labels and descriptions, Select options, roles."""
	found = {}
	for path in sorted((APP / "gigafibre_dispatch" / "doctype").glob("*/*.json")):
		doc = json.loads(path.read_text())
		if doc.get("doctype") != "DocType":
			continue
		texts = [doc["name"], doc.get("module"), doc.get("description")]
		for f in doc.get("fields", []):
			texts += [f.get("label"), f.get("description")]
			options = (f.get("options") or "").split("\n")
			if f.get("fieldtype") == "Select" and f.get("options") and "icon" not in options[0]:
				texts += options
		texts += [p.get("role") for p in doc.get("permissions", [])]
		for text in texts:
			if translatable(text):
				found.setdefault(text, path.name)
	return found


def js_strings() -> dict[str, str]:
	"""The `__("…")` literals of the Desk scripts, the board and the portal (the built bundle excluded)."""
	found = {}
	for path in sorted(APP.rglob("*")):
		if path.suffix not in (".js", ".vue") or {"dist", "node_modules"} & set(path.parts):
			continue
		text = path.read_text()
		for match in JS_CALL.finditer(text):
			if translatable(match.group(2)):
				found.setdefault(
					match.group(2), f"{path.relative_to(APP)}:{text.count(chr(10), 0, match.start()) + 1}"
				)
	return found


def py_strings() -> dict[str, str]:
	found = {}
	for path in sorted(APP.rglob("*.py")):
		if "tests" in path.relative_to(APP).parts:
			continue
		for node in ast.walk(ast.parse(path.read_text(), str(path))):
			name = isinstance(node, ast.Call) and (
				getattr(node.func, "id", None) or getattr(node.func, "attr", None)
			)
			if name == "_" and node.args and isinstance(node.args[0], ast.Constant):
				if translatable(node.args[0].value):
					found.setdefault(node.args[0].value, f"{path.relative_to(APP)}:{node.lineno}")
	return found


def french() -> set[str]:
	with open(APP / "translations" / "fr.csv", encoding="utf-8", newline="") as f:
		rows = [row for row in csv.reader(f) if row]
	assert all(len(row) == 2 and row[1].strip() for row in rows), "fr.csv rows are source,translation"
	sources = [row[0] for row in rows]
	assert len(sources) == len(set(sources)), "fr.csv lists a source twice"
	for source, translation in rows:
		assert sorted(re.findall(r"\{\d*\}", source)) == sorted(re.findall(r"\{\d*\}", translation)), source
	return set(sources)


def test_every_string_of_ours_has_french():
	known = french() | FROM_FRAPPE
	for strings in (doctype_strings(), js_strings(), py_strings()):
		assert len(strings) > 20
		assert {text: where for text, where in strings.items() if text not in known} == {}
