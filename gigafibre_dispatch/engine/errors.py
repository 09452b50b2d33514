"""The one error type of the engine: a stable code, an English message, and parameters."""


class EngineError(ValueError):
	def __init__(self, code: str, message: str, **params):
		self.code = code
		self.message = message
		self.params = params
		try:
			text = message.format(**params)
		except (KeyError, IndexError, ValueError):
			text = message
		super().__init__(text)
