"""Hardening on every route: a list's sort order is a field list (a sub-query is refused before any query runs),
and the guest endpoints (portal, Twilio webhook) throttle with a 429."""

from urllib.parse import quote

import frappe
from frappe.tests.test_api import make_request

from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase, login_client
from gigafibre_dispatch.utils.throttle import GUEST_LIMIT

SUBQUERIES = (
	"(select 1 from tabUser limit 1)",
	"name, (select password from __Auth limit 1)",
	"if(1=1, name, modified)",
	"modified desc; drop table tabNote",
	"name desc -- ",
	"sleep(1)",
)
PLAIN = (
	"modified desc",
	"`tabDispatch Job`.`modified` desc, name asc",
	"creation",
	"`tabDispatch Job`.name ASC",
)
# Not SQL either way (a table name with a space needs its backquotes): refused before Frappe's 500.
MALFORMED = ("tabDispatch Job.name ASC", "`name", "name desc desc")


class TestSortOrderGuard(LifecycleHttpCase):
	def test_a_sub_query_in_a_sort_order_is_refused_everywhere_and_plain_orders_work(self):
		client = login_client("Administrator", frappe.conf.get("admin_password") or "admin")
		routes = (
			lambda v: f"/api/resource/Dispatch Job?order_by={quote(v)}&limit_page_length=1",
			lambda v: (
				f"/api/method/frappe.client.get_list?doctype=Dispatch%20Job&order_by={quote(v)}&limit_page_length=1"
			),
			lambda v: (
				f"/api/method/frappe.client.get_list?doctype=Dispatch%20Job&group_by={quote(v)}&limit_page_length=1"
			),
			lambda v: (
				f"/api/method/frappe.desk.reportview.get?doctype=Dispatch%20Job&fields=%5B%22name%22%5D&order_by={quote(v)}"
			),
		)
		for route in routes:
			for value in SUBQUERIES + MALFORMED:
				response = make_request(target=client.get, args=(route(value),))
				self.assertEqual(response.status_code, 400, f"{route(value)}: {response.text[:300]}")
				self.assertEqual(response.json.get("exc_type"), "BadSortOrder", response.text[:300])
			for value in PLAIN:
				response = make_request(target=client.get, args=(route(value),))
				self.assertEqual(response.status_code, 200, f"{route(value)}: {response.text[:300]}")


class TestGuestThrottle(LifecycleHttpCase):
	def test_past_the_limit_a_guest_endpoint_answers_429_and_does_not_run(self):
		path = "/api/method/gigafibre_dispatch.api.portal.catalog?token=not-a-token"
		# Frappe's window starts at an endpoint's first call and lasts a minute: one opened by an earlier test
		# could close halfway through this one and start the count again. The test opens its own.
		frappe.cache.delete_keys("rl:gigafibre_dispatch.api.portal.catalog")
		statuses = [
			make_request(target=self.client.get, args=(path,)).status_code for _ in range(GUEST_LIMIT + 2)
		]
		self.assertNotIn(429, statuses[: GUEST_LIMIT - 50])  # the suite's own calls may share the minute
		self.assertEqual(statuses[-1], 429, statuses[-5:])
		self.assertTrue(all(s in (401, 403, 429) for s in statuses), set(statuses))
		frappe.cache.delete_keys("rl:gigafibre_dispatch.api.portal.catalog")


class TestGuestErrors(LifecycleHttpCase):
	def test_a_guest_error_carries_no_traceback_even_when_the_site_allows_them(self):
		saved = frappe.db.get_single_value("System Settings", "allow_error_traceback")
		frappe.db.set_single_value("System Settings", "allow_error_traceback", 1)
		frappe.db.commit()

		def restore():
			frappe.db.set_single_value("System Settings", "allow_error_traceback", saved)
			frappe.db.commit()

		self.addCleanup(restore)
		path = "/api/method/gigafibre_dispatch.api.portal.catalog"  # no token: the call itself fails
		guest = make_request(target=self.client.get, args=(path,))
		self.assertGreaterEqual(guest.status_code, 400, guest.text)
		self.assertNotIn("exc", guest.json)
		self.assertNotIn("_exc_source", guest.json)
		self.assertNotIn("Traceback", guest.text)

	def test_the_hook_strips_a_500s_traceback_for_a_guest_and_keeps_it_for_staff(self):
		import json

		from werkzeug.wrappers import Response

		from gigafibre_dispatch.lifecycle.http import strip_guest_tracebacks

		body = {
			"exception": "pymysql.err.OperationalError: (1045, access denied for user _8f2e on db _8f2e)",
			"exc_type": "OperationalError",
			"exc": '["Traceback (most recent call last): File apps/frappe/..."]',
			"_exc_source": "gigafibre_dispatch (app)",
		}

		def answered(user):
			response = Response(json.dumps(body), status=500, content_type="application/json")
			frappe.set_user(user)
			try:
				strip_guest_tracebacks(response, None)
			finally:
				frappe.set_user("Administrator")
			return json.loads(response.get_data(as_text=True))

		guest = answered("Guest")
		self.assertEqual(guest, {"exception": "pymysql.err.OperationalError", "exc_type": "OperationalError"})
		self.assertEqual(answered("Administrator"), body)
