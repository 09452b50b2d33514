"""Dispatch Settings get a geocoding provider for the board's address search: sites made before it start Offline
(the site's own Service Locations), as a new site does."""

import frappe


def execute():
	if not frappe.db.get_single_value("Dispatch Settings", "geocoding_provider"):
		frappe.db.set_single_value("Dispatch Settings", "geocoding_provider", "Offline")
