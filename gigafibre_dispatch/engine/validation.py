"""Field rules that refuse nonsense before anything is saved."""

from collections.abc import Callable

from .errors import EngineError

MAX_DURATION_H = 24 * 14


def validate_duration(hours) -> None:
	"""Hours: more than 0, at most two weeks (continuous jobs may span days)."""
	try:
		value = float(hours)
	except (TypeError, ValueError):
		raise EngineError("invalid_duration", "{hours} is not a duration", hours=hours) from None
	if not 0 < value <= MAX_DURATION_H:
		raise EngineError(
			"invalid_duration", "{hours} h is not between 0 and {max} h", hours=hours, max=MAX_DURATION_H
		)


def validate_tag_level(level) -> None:
	"""A skill level is an int from 1 to 5."""
	if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
		raise EngineError("invalid_tag_level", "{level} is not a level from 1 to 5", level=level)


def check_dependency(
	job_id: str | None, depends_on: str | None, lookup: Callable[[str], str | None], max_depth: int = 1000
) -> None:
	"""Refuse a job that depends on itself or, through a chain, on a job that depends on it."""
	if not depends_on:
		return
	if depends_on == job_id:
		raise EngineError("dependency_self", "{job} depends on itself", job=job_id)
	path = [job_id, depends_on]
	seen = {depends_on}
	current = depends_on
	for _ in range(max_depth):
		current = lookup(current)
		if not current:
			return
		path.append(current)
		if current == job_id:
			raise EngineError(
				"dependency_cycle", "dependency cycle: {path}", path=" → ".join(str(p) for p in path)
			)
		if current in seen:
			return  # a cycle further up that does not involve this job
		seen.add(current)
