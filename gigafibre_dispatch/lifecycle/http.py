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


def body_error(request) -> PolicyError | None:
	"""A JSON body that does not parse, or is not an object (a list, a string, a number)."""
	if request is None or not request.is_json:
		return None
	raw = request.get_data(cache=True, as_text=True)
	if not raw.strip():
		return None
	try:
		value = json.loads(raw)
	except ValueError:
		return PolicyError("validation", "malformed_json", "The request body is not valid JSON")
	if not isinstance(value, dict):
		return PolicyError("validation", "payload_not_object", "The request body must be a JSON object")
	return None


def bad_body_response(response, request):
	"""after_request hook. Frappe parses a JSON body before any app hook runs and answers a body that does not
	parse with a 500 (a scalar with a 417): turn those into the 400 they are, with the structured error."""
	if response is None or not (request.path or "").startswith("/api/") or response.status_code not in (417, 500):
		return
	error = body_error(request)
	if error is None or (error.code == "payload_not_object" and frappe.form_dict.get("data") is not None):
		return  # a list body reached its endpoint as `data`: the endpoint answered for itself
	from gigafibre_dispatch.lifecycle.observability import observe_refusal

	observe_refusal("request", error)
	response.status_code = 400
	response.set_data(json.dumps(error_body(error), ensure_ascii=False))
	response.headers["Content-Type"] = "application/json"
