"""Every whitelisted method types every parameter: Frappe v15 validates annotated arguments, so an
unannotated one would slip through unchecked (Frappe v15 has no switch that enforces this itself)."""

import ast
import pathlib

APP = pathlib.Path(__file__).resolve().parent.parent / "gigafibre_dispatch"


def whitelisted_functions():
	for path in sorted(APP.rglob("*.py")):
		if "tests" in path.parts:
			continue
		tree = ast.parse(path.read_text(), str(path))
		for node in ast.walk(tree):
			if isinstance(node, ast.FunctionDef):
				for dec in node.decorator_list:
					target = dec.func if isinstance(dec, ast.Call) else dec
					if ast.unparse(target) in ("frappe.whitelist", "whitelist"):
						yield path, node


def test_whitelisted_parameters_are_annotated():
	found = list(whitelisted_functions())
	assert len(found) >= 6
	for path, fn in found:
		args = fn.args.args + fn.args.kwonlyargs
		missing = [a.arg for a in args if a.annotation is None and a.arg != "self"]
		assert not missing, f"{path.name}:{fn.name} has untyped parameters {missing}"
		assert fn.returns is not None, f"{path.name}:{fn.name} has no return annotation"


def test_writes_are_post_only():
	writers = {"create_work_order", "materialize", "drop", "resize", "release"}
	for _, fn in whitelisted_functions():
		if fn.name in writers:
			dec = next(d for d in fn.decorator_list if isinstance(d, ast.Call))
			methods = [k for k in dec.keywords if k.arg == "methods"]
			assert methods and ast.literal_eval(methods[0].value) == ["POST"], fn.name
