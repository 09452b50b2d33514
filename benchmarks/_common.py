"""Shared helpers for the engine benchmarks: deterministic data and a median timer."""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def median_ms(fn, runs: int = 30, warmup: int = 3) -> float:
	for _ in range(warmup):
		fn()
	times = []
	for _ in range(runs):
		t = time.perf_counter()
		fn()
		times.append((time.perf_counter() - t) * 1000)
	return statistics.median(times)
