"""Every refusal message of the lifecycle is a literal `_()` string (lifecycle/http.py: messages), so that
Frappe's extractor finds it and `bench get-untranslated` can list it; read from the source, no Frappe."""

import ast
import pathlib

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
