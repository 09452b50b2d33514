"""Shared helpers for the engine benchmarks: the repo root on sys.path, a median timer and a table printer."""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def median_ms(fn, runs: int = 30, warmup: int = 3) -> float:
	"""Median wall time of `fn()` in milliseconds over `runs` calls, after `warmup` untimed calls."""
	for _ in range(warmup):
		fn()
	times = []
	for _ in range(runs):
		t = time.perf_counter()
		fn()
		times.append((time.perf_counter() - t) * 1000)
	return statistics.median(times)


def print_table(rows: list[tuple[str, float, float]]) -> None:
	"""rows: (scenario, engine ms, baseline ms)."""
	width = max(len(r[0]) for r in rows)
	print(f"{'scenario':<{width}}  {'engine ms':>10}  {'baseline ms':>12}  {'ratio':>7}")
	for name, engine, base in rows:
		print(f"{name:<{width}}  {engine:>10.2f}  {base:>12.2f}  {base / engine:>6.1f}x")


JOB_COLUMNS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"subject",
	"status",
	"priority",
	"assigned_technician",
	"scheduled_start",
	"duration_h",
	"scheduled_end",
)


def insert_jobs(frappe, rows, extra_columns=()):
	"""Bulk-insert Dispatch Jobs (benchmark data; no controller logic): rows follow JOB_COLUMNS + extra_columns."""
	frappe.db.bulk_insert("Dispatch Job", [*JOB_COLUMNS, *extra_columns], rows)
