"""What the technician's page reads of equipment: the job's site only. A search by serial number (then MAC address)
finds equipment at the job's Service Location, or in stock (at no customer's location); never another customer's
equipment, whatever the text (`%` and `_` are matched as themselves)."""

import frappe

FIELDS = ["serial_no", "mac_address", "equipment_type", "brand", "model", "status", "service_location"]
MIN_QUERY = 3
LIMIT = 10


def _like(text: str, prefix_only: bool) -> str:
	"""A LIKE pattern matching `text` itself (its `%`, `_` and backslashes escaped, for ESCAPE '\\')."""
	escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
	return f"{escaped}%" if prefix_only else f"%{escaped}%"


# The job's site, or stock: equipment at no site, of no customer, not installed. Never a customer's elsewhere.
# Raw SQL with its ESCAPE: Frappe's `like` filter escapes backslashes again, which undoes the escaping above.
_SEARCH = """select {fields} from `tabService Equipment`
	where {column} like %(pattern)s escape '\\\\'
		and (service_location = %(site)s
			or (ifnull(service_location, '') = '' and ifnull(customer, '') = '' and ifnull(status, '') != 'Installed'))
	order by serial_no limit {limit}"""


def search(job: str, query: str) -> list[dict]:
	query = (query or "").strip()
	if len(query) < MIN_QUERY:
		return []
	site = frappe.db.get_value("Dispatch Job", job, "service_location") or "\x00no site"
	fields = ", ".join(f"`{f}`" for f in FIELDS)
	for column, pattern in (
		("serial_no", _like(query, True)),
		("mac_address", _like(query.upper().replace("-", ":"), False)),
	):
		rows = frappe.db.sql(
			_SEARCH.format(fields=fields, column=column, limit=LIMIT),
			{"pattern": pattern, "site": site},
			as_dict=True,
		)
		if rows:
			return rows
	return []


def on_site(job: str) -> list[dict]:
	"""The equipment installed at the job's Service Location."""
	location = frappe.db.get_value("Dispatch Job", job, "service_location")
	return frappe.get_all(
		"Service Equipment",
		filters={"service_location": location or "", "status": "Installed"},
		fields=["serial_no", "mac_address", "equipment_type", "brand", "model"],
	)
