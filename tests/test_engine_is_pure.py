import ast
import pathlib

ENGINE = pathlib.Path(__file__).resolve().parent.parent / "gigafibre_dispatch" / "engine"


def test_engine_never_imports_frappe():
	files = sorted(ENGINE.glob("*.py"))
	assert len(files) >= 10
	for path in files:
		tree = ast.parse(path.read_text(), str(path))
		for node in ast.walk(tree):
			if isinstance(node, ast.Import):
				names = [a.name for a in node.names]
			elif isinstance(node, ast.ImportFrom):
				names = [node.module or ""]
			else:
				continue
			assert not any(n == "frappe" or n.startswith("frappe.") for n in names), (
				f"{path.name} imports frappe"
			)
