"""The board's address search (+ WO): the site's own Service Locations first, then the geocoding provider's places;
a picked place becomes the customer's Service Location, with its coordinates."""

import frappe
from frappe import _

from gigafibre_dispatch.engine import geo
from gigafibre_dispatch.engine.states import CLOSED_STATES
from gigafibre_dispatch.integrations import geocoding
from gigafibre_dispatch.scheduling import data
from gigafibre_dispatch.utils.errors import DispatchValidationError, engine_errors

SEARCHED = ("location_name", "address_line", "city", "postal_code")  # the fields an address search looks in
MIN_QUERY = 3
MAX_QUERY = 200


def search(query: str, customer: str | None = None, limit: int = 6) -> dict:
	"""{results, provider, provider_ok}: locations the caller may read that match the text (the customer's first),
	then the provider's places; a provider that fails or times out leaves the site's results and says so."""
	query = " ".join((query or "").split())
	if not MIN_QUERY <= len(query) <= MAX_QUERY:
		frappe.throw(
			_("Type {0} to {1} characters of the address").format(MIN_QUERY, MAX_QUERY),
			DispatchValidationError,
		)
	like = f"%{query}%"
	rows = frappe.get_list(
		"Service Location",
		or_filters=[[field, "like", like] for field in SEARCHED],
		fields=["name", "customer", "latitude", "longitude", *SEARCHED],
		limit_page_length=limit * 3,
	)
	rows.sort(key=lambda r: (r.customer != customer, r.location_name or ""))
	results = [
		{
			"source": "site",
			"service_location": r.name,
			"label": ", ".join(x for x in (r.location_name, r.address_line, r.city) if x),
			"customer": r.customer,
			"latitude": r.latitude if (r.latitude or r.longitude) else None,
			"longitude": r.longitude if (r.latitude or r.longitude) else None,
		}
		for r in rows[:limit]
	]
	provider = geocoding.geocoder(data.settings())
	if provider is None:
		return {"results": results, "provider": "offline", "provider_ok": True}
	try:
		places = provider.search(query, limit)
	except geocoding.GeocodingUnavailable as e:
		frappe.logger("gigafibre_dispatch").warning(f"geocoding unavailable: {e}")
		return {"results": results, "provider": provider.name, "provider_ok": False}
	results += [{"source": provider.name, **p} for p in places]
	return {"results": results, "provider": provider.name, "provider_ok": True}


def location_for(customer: str | None, place) -> str:
	"""The Service Location of a picked place (a dict or its JSON): the customer's own at that address (same line
	and city), else a new one with the place's coordinates (the caller's create permission)."""
	if isinstance(place, str):
		try:
			place = frappe.parse_json(place)
		except ValueError:
			place = None
	if not isinstance(place, dict) or not (place.get("address_line") or "").strip():
		frappe.throw(_("The address needs at least a street line"), DispatchValidationError)
	lat, lon = place.get("latitude"), place.get("longitude")
	with engine_errors():
		geo.validate_coordinates(lat, lon)
	line = place["address_line"].strip()[:140]
	city = (place.get("city") or "").strip()[:140] or None
	existing = frappe.get_all(
		"Service Location",
		filters={"customer": customer, "address_line": line, "city": city},
		pluck="name",
		limit=1,
	)
	if existing:
		return existing[0]
	doc = frappe.get_doc(
		{
			"doctype": "Service Location",
			"location_name": line,
			"customer": customer,
			"address_line": line,
			"city": city,
			"province": (place.get("province") or "").strip()[:140] or None,
			"postal_code": (place.get("postal_code") or "").strip()[:20] or None,
			"latitude": lat,
			"longitude": lon,
		}
	)
	doc.insert()  # the caller's permission on Service Location
	return doc.name


def geocode_if_needed(doc) -> str | None:
	"""Service Location validate: a location with an address and no coordinates asks the geocoding provider once
	per address; `geocode_status` says what came of it (Found, No match, Not reached, No provider), and the form
	says it too. A location with coordinates is left as it is. Returns the status set, or None."""
	if doc.latitude or doc.longitude:
		return None
	address = ", ".join(
		str(x).strip()
		for x in (doc.address_line, doc.city, doc.postal_code)  # a default province ("QC") narrows nothing
		if x and str(x).strip()
	)
	if not address:
		return None
	before = doc.get_doc_before_save()
	same_address = before is not None and all(
		before.get(f) == doc.get(f) for f in ("address_line", "city", "province", "postal_code")
	)
	if same_address and doc.geocode_status == "No match":
		return None  # asked already for this very address; an edit asks again
	provider = geocoding.geocoder(data.settings())
	if provider is None:
		doc.geocode_status = "No provider"
		return doc.geocode_status
	try:
		found = provider.search(address, limit=1)
	except geocoding.GeocodingUnavailable:
		found = None  # not reached: the next save asks again
	if not found:
		doc.geocode_status = "Not reached" if found is None else "No match"
		message = (
			_("The geocoding provider could not be reached: {0} has no coordinates yet")
			if found is None
			else _("No place matches {0}: fix the address or type the coordinates")
		)
		frappe.msgprint(message.format(address), indicator="orange", alert=True)
		return doc.geocode_status
	doc.latitude, doc.longitude = round(found[0]["latitude"], 6), round(found[0]["longitude"], 6)
	doc.geocode_status = "Found"
	doc.flags.geocoded = True
	return doc.geocode_status


def jobs_follow_location(doc) -> int:
	"""Service Location on_update, once it was geocoded: its open jobs take the new coordinates."""
	if not doc.flags.get("geocoded"):
		return 0
	return len(copy_coordinates(doc.name, doc.latitude, doc.longitude, "geocoded"))


def copy_coordinates(location: str, latitude, longitude, command: str, also=()) -> list[str]:
	"""A job's latitude/longitude are fetched from its Service Location (read-only on the job): every open job there
	(readable by the caller or not: their copies must follow) and the jobs `also` named get the location's
	coordinates, one UPDATE, and the boards are told (`command`: why). Returns the jobs changed."""
	jobs = frappe.get_all(
		"Dispatch Job",
		filters={"service_location": location, "status": ("not in", tuple(CLOSED_STATES))},
		pluck="name",
	)
	names = sorted(set(jobs) | set(also))
	if names:
		frappe.db.set_value(
			"Dispatch Job",
			{"name": ("in", names)},
			{"latitude": latitude, "longitude": longitude},
			update_modified=False,
		)
	for name in names:
		frappe.publish_realtime("dispatch:job_updated", {"job": name, "command": command}, after_commit=True)
	return names
