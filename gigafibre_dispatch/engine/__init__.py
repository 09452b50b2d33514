"""Pure scheduling and lifecycle rules of Gigafibre Dispatch.

Nothing in this package imports frappe: it takes plain data (dataclasses, dicts, datetimes) and returns
plain data, so the Frappe shell, the tests at the repo root and the benchmarks all call the same rules.
Datetimes are naive and in the site's time zone.
"""
