"""The engine never imports frappe: checked in the source (ast) and at import time (a fresh interpreter)."""

import ast
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENGINE = ROOT / "gigafibre_dispatch" / "engine"
MODULES = sorted(
	".".join(p.relative_to(ENGINE).with_suffix("").parts).removesuffix(".__init__")
	for p in ENGINE.rglob("*.py")
	if p.stem != "__init__" or p.parent != ENGINE
)


def test_engine_sources_never_import_frappe():
	files = sorted(ENGINE.rglob("*.py"))
	assert len(files) >= 12
	for path in files:
		tree = ast.parse(path.read_text(), str(path))
		for node in ast.walk(tree):
			if isinstance(node, ast.Import):
				names = [a.name for a in node.names]
			elif isinstance(node, ast.ImportFrom):
				names = [node.module or ""] if node.level == 0 else []
			elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
				"import_module",
				"__import__",
			):
				names = [
					a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
				]
			else:
				continue
			assert not any(n == "frappe" or n.startswith("frappe.") for n in names), (
				f"{path.name} imports frappe"
			)


def test_engine_imports_without_frappe_and_without_warnings():
	"""Every engine module imports in a fresh interpreter where `import frappe` would fail, with -W error."""
	code = (
		"import importlib, sys\n"
		"sys.modules['frappe'] = None  # any import of frappe now raises ImportError\n"
		f"for name in {MODULES!r}:\n"
		"    importlib.import_module('gigafibre_dispatch.engine.' + name)\n"
		"assert sys.modules['frappe'] is None\n"
		"print('ok', len(" + repr(MODULES) + "))\n"
	)
	env = {**os.environ, "PYTHONPATH": str(ROOT)}
	result = subprocess.run(
		[sys.executable, "-W", "error", "-c", code],
		cwd=ROOT,
		env=env,
		capture_output=True,
		text=True,
		timeout=60,
	)
	assert result.returncode == 0, result.stderr
	assert result.stdout.strip() == f"ok {len(MODULES)}"


def test_ranking_import_alone():
	"""The shell's own check: `python -W error -c "import gigafibre_dispatch.engine.ranking"`."""
	code = "import sys, gigafibre_dispatch.engine.ranking; assert 'frappe' not in sys.modules"
	env = {**os.environ, "PYTHONPATH": str(ROOT)}
	result = subprocess.run(
		[sys.executable, "-W", "error", "-c", code],
		cwd=ROOT,
		env=env,
		capture_output=True,
		text=True,
		timeout=60,
	)
	assert result.returncode == 0, result.stderr
