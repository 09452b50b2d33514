"""Who may call what, once: the Frappe role groups, read off the engine's role table, and the decorator that
checks them (helpdesk's `agent_only` idiom). Machine clients and the lifecycle's own reads check app roles
instead, with a structured refusal: `lifecycle.actor.require_actor`."""

from functools import wraps

import frappe

from gigafibre_dispatch.engine.lifecycle import DISPATCH, FRAPPE_ROLES, ROLE_TABLE, STAFF

# The Frappe roles this app creates (setup/install.py).
APP_ROLES = tuple(frappe_role for _role, frappe_role in ROLE_TABLE)


def frappe_roles(app_roles) -> tuple[str, ...]:
	"""The Frappe roles that act as any of these app roles."""
	return tuple(sorted(r for r, app_role in FRAPPE_ROLES.items() if app_role in app_roles))


# Dispatch Manager, Dispatcher, System Manager (and Administrator): book, offer, publish, edit a job.
DISPATCHER_ROLES = frappe_roles(DISPATCH)
# Everyone but a technician: sees every job in their scope (permissions.py).
STAFF_ROLES = frappe_roles(STAFF)


def has_any(roles, user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(set(roles) & set(frappe.get_roles(user)))


def is_dispatcher(user: str | None = None) -> bool:
	return has_any(DISPATCHER_ROLES, user)


def dispatcher_only(fn):
	"""For a whitelisted method only dispatchers may call: `@frappe.whitelist()` above, `@dispatcher_only` below."""

	@wraps(fn)
	def wrapper(*args, **kwargs):
		frappe.only_for(DISPATCHER_ROLES)
		return fn(*args, **kwargs)

	return wrapper


def is_technician_only(user: str | None = None) -> bool:
	"""A technician and nothing more (no staff role): sees their own jobs only."""
	user = user or frappe.session.user
	if user == "Administrator":
		return False
	roles = set(frappe.get_roles(user))
	return "Technician" in roles and not (roles & set(STAFF_ROLES))
