"""The app's layers, read from the source (every import, at the top of a module or inside a function):

	engine/  <-  scheduling/, integrations/  <-  lifecycle/  <-  portal/  <-  api/ faces  <-  hooks, pages, CLI

A module imports only its own layer or the ones below it, a face never imports another face, and no module
reaches itself again through its imports (an import inside a function to dodge a cycle is still a cycle)."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
APP = ROOT / "gigafibre_dispatch"
PKG = "gigafibre_dispatch"


def module_name(path: pathlib.Path) -> str:
	parts = path.relative_to(ROOT).with_suffix("").parts
	return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> dict[str, pathlib.Path]:
	return {
		module_name(p): p
		for p in sorted(APP.rglob("*.py"))
		if "tests" not in p.relative_to(APP).parts and not p.name.startswith("test_")
	}


MODULES = app_modules()


def resolve(name: str) -> str | None:
	"""The app module an import names (a module, or the package whose __init__ it is)."""
	while name and name not in MODULES:
		name = name.rpartition(".")[0]
	return name or None


def imports_of(module: str) -> set[str]:
	path = MODULES[module]
	package = module if path.name == "__init__.py" else module.rpartition(".")[0]
	out = set()
	for node in ast.walk(ast.parse(path.read_text(), str(path))):
		if isinstance(node, ast.Import):
			names = [a.name for a in node.names]
		elif isinstance(node, ast.ImportFrom):
			base = node.module or ""
			if node.level:
				base = ".".join(
					package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
				)
			names = [f"{base}.{a.name}" for a in node.names] + [base]
		else:
			continue
		for name in names:
			if name == PKG or name.startswith(PKG + "."):
				target = resolve(name)
				if target and target != module and target != PKG:
					out.add(target)
	return out


GRAPH = {m: imports_of(m) for m in MODULES}


def layer(module: str) -> str:
	parts = module.split(".")
	return parts[1] if len(parts) > 1 else ""


def offences(lower: set[str], upper: set[str]) -> list[str]:
	return sorted(
		f"{m} imports {t}"
		for m, targets in GRAPH.items()
		if layer(m) in lower
		for t in targets
		if layer(t) in upper
	)


def test_the_graph_is_read():
	assert len(MODULES) > 40
	assert "gigafibre_dispatch.scheduling.drop" in GRAPH["gigafibre_dispatch.lifecycle.commands"]


def test_engine_imports_nothing_of_the_app():
	assert offences({"engine"}, {layer(m) for m in MODULES} - {"engine"}) == []


def test_services_never_import_a_face():
	assert offences({"scheduling", "integrations", "lifecycle", "portal", "utils"}, {"api"}) == []


def test_scheduling_and_integrations_sit_below_the_lifecycle():
	assert offences({"scheduling", "integrations", "utils"}, {"lifecycle", "portal"}) == []


def test_the_lifecycle_never_imports_the_portal():
	assert offences({"lifecycle"}, {"portal"}) == []


def test_a_face_never_imports_another_face():
	faces = [m for m in MODULES if layer(m) == "api"]
	assert [f"{m} imports {t}" for m in faces for t in GRAPH[m] if layer(t) == "api"] == []


def test_no_import_cycles():
	index, low, stack, on_stack, cycles = {}, {}, [], set(), []

	def visit(m):  # Tarjan's strongly connected components
		index[m] = low[m] = len(index)
		stack.append(m)
		on_stack.add(m)
		for t in GRAPH[m]:
			if t not in index:
				visit(t)
				low[m] = min(low[m], low[t])
			elif t in on_stack:
				low[m] = min(low[m], index[t])
		if low[m] == index[m]:
			component = []
			while True:
				t = stack.pop()
				on_stack.discard(t)
				component.append(t)
				if t == m:
					break
			if len(component) > 1:
				cycles.append(sorted(component))

	for m in sorted(GRAPH):
		if m not in index:
			visit(m)
	assert cycles == []


# ---------------------------------------------------------------- faces write nothing

# A write, as code under api/ would make it: a document saved, inserted or deleted, a value set in the database, a
# SQL statement that changes rows, a commit, or a job status assigned. Faces parse, check the caller, call a service.
WRITE_CALLS = {
	"save",
	"insert",
	"delete",
	"db_insert",
	"db_update",
	"db_set",
	"set_value",
	"set_single_value",
	"delete_doc",
	"rename_doc",
	"commit",
	"bulk_insert",
}
WRITE_SQL = ("insert ", "update ", "delete ", "replace ", "alter ", "drop ", "truncate ")


def writes_in(source: str) -> list[str]:
	found = []
	for node in ast.walk(ast.parse(source)):
		if isinstance(node, ast.Call):
			name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
			if name in WRITE_CALLS:
				found.append(f"line {node.lineno}: {name}()")
			elif name == "sql" and node.args and isinstance(node.args[0], ast.Constant):
				text = str(node.args[0].value).strip().lower()
				if text.startswith(WRITE_SQL):
					found.append(f"line {node.lineno}: a writing sql()")
		elif isinstance(node, ast.Assign):
			for target in node.targets:
				if isinstance(target, ast.Attribute) and target.attr == "status":
					found.append(f"line {node.lineno}: .status assigned")
	return found


def test_the_write_detector_breaks_once_and_keeps_once():
	assert writes_in("doc.save()") and writes_in("frappe.db.set_value('X', 'a', 'b', 1)")
	assert writes_in("frappe.db.sql('update `tabX` set a = 1')") and writes_in("job.status = 'Done'")
	assert writes_in("frappe.delete_doc('X', 'a')") and writes_in("frappe.db.commit()")
	assert not writes_in("frappe.db.sql('select name from `tabX`')")
	assert not writes_in("rows = frappe.get_list('X'); value = doc.get('status')")


def test_faces_write_nothing():
	faces = [p for p in (APP / "api").glob("*.py")]
	assert len(faces) > 8
	offending = {p.name: writes_in(p.read_text()) for p in faces}
	assert {name: found for name, found in offending.items() if found} == {}
