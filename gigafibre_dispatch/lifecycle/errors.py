"""A command refused: the engine's PolicyError and the HTTP status it ends with."""

from gigafibre_dispatch.engine.lifecycle import PolicyError


class CommandRefused(Exception):
	def __init__(self, error: PolicyError, status: int | None = None):
		super().__init__(error.code)
		self.error = error
		self.status = status or error.http_status


def refused(dimension: str, code: str, message: str, status: int | None = None, **details) -> CommandRefused:
	return CommandRefused(PolicyError(dimension, code, message, details), status)
