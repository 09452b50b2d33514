"""What the technician's page reads of equipment: the job's site only. A search by serial number (then MAC address)
finds equipment at the job's Service Location, or in stock (at no customer's location); never another customer's
equipment, whatever the text (`%` and `_` are matched as themselves)."""

import frappe

FIELDS = ["serial_no", "mac_address", "equipment_type", "brand", "model", "status", "service_location"]
MIN_QUERY = 3
LIMIT = 10


def _like(text: str, prefix_only: bool) -> str:
	escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
	return f"{escaped}%" if prefix_only else f"%{escaped}%"


def search(job: str, query: str) -> list[dict]:
	query = (query or "").strip()
	if len(query) < MIN_QUERY:
		return []
	location = frappe.db.get_value("Dispatch Job", job, "service_location") or ""
	# The job's site, or stock: one of these two, never a customer's elsewhere.
	scope = [["service_location", "=", location], ["service_location", "is", "not set"]]
	by_serial = frappe.get_all(
		"Service Equipment",
		filters={"serial_no": ("like", _like(query, True))},
		or_filters=scope,
		fields=FIELDS,
		limit_page_length=LIMIT,
	)
	if by_serial:
		return by_serial
	mac = query.upper().replace("-", ":")
	return frappe.get_all(
		"Service Equipment",
		filters={"mac_address": ("like", _like(mac, False))},
		or_filters=scope,
		fields=FIELDS,
		limit_page_length=LIMIT,
	)


def on_site(job: str) -> list[dict]:
	"""The equipment installed at the job's Service Location."""
	location = frappe.db.get_value("Dispatch Job", job, "service_location")
	return frappe.get_all(
		"Service Equipment",
		filters={"service_location": location or "", "status": "Installed"},
		fields=["serial_no", "mac_address", "equipment_type", "brand", "model"],
	)
