"""Responses with exact status codes and bodies: a returned Response is committed, a raised one rolled back."""

import json

import frappe
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from gigafibre_dispatch.engine.lifecycle import PolicyError


def error_body(error: PolicyError) -> dict:
	return {"error": {"code": error.code, "message": error_message(error), "policy_error": error.as_dict()}}


def error_message(error: PolicyError) -> str:
	"""The translated message template, filled from the error's details ({fields}, {state}, …)."""
	from frappe import _

	values = {
		k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in error.details.items()
	}
	try:
		return _(error.message).format(**values)
	except (IndexError, KeyError, ValueError):
		return _(error.message)


def json_response(status: int, body: dict, headers: dict | None = None) -> Response:
	response = Response(
		json.dumps(body, default=str, ensure_ascii=False), status=status, mimetype="application/json"
	)
	for key, value in (headers or {}).items():
		response.headers[key] = value
	return response


class PolicyHTTPException(HTTPException):
	"""Raised to end a request with a policy error; Frappe rolls the transaction back and sends `response`."""

	def __init__(self, response: Response):
		super().__init__(response=response)
		self.code = response.status_code


def policy_exception(
	error: PolicyError, status: int | None = None, headers: dict | None = None
) -> PolicyHTTPException:
	from gigafibre_dispatch.lifecycle.observability import request_context, response_headers

	merged = response_headers(request_context())
	merged.update(headers or {})
	return PolicyHTTPException(json_response(status or error.http_status, error_body(error), merged))


def refusal(what: str, error: PolicyError, status: int | None = None) -> PolicyHTTPException:
	"""Count and log a refusal, and the exception that ends the request with it."""
	from gigafibre_dispatch.lifecycle.observability import observe_refusal

	observe_refusal(what, error)
	return policy_exception(error, status)


def in_request() -> bool:
	return bool(getattr(frappe.local, "request", None))
