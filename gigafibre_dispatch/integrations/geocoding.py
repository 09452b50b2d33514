"""Addresses to coordinates: a geocoding provider behind one small interface, chosen in Dispatch Settings
(`geocoding_provider`, `geocoding_url`). `Offline` (the default) geocodes nothing: the board's address search then
finds the site's own Service Locations only. `Nominatim` asks an OpenStreetMap Nominatim server (public or one's
own: `/search?format=jsonv2`). An outage is never an error: the caller gets `GeocodingUnavailable` and goes on."""

import requests

PROVIDERS = ("Offline", "Nominatim")
USER_AGENT = "gigafibre-dispatch/1 (ERPNext field service)"


class GeocodingUnavailable(Exception):
	pass


class NominatimGeocoder:
	name = "nominatim"

	def __init__(self, url: str, timeout: float = 4, countries: str | None = "ca"):
		self.url = url.rstrip("/")
		self.timeout = timeout
		self.countries = countries

	def search(self, query: str, limit: int = 5) -> list[dict]:
		"""Places for a free-text address, best first: {label, address_line, city, province, postal_code,
		latitude, longitude}."""
		params = {"q": query, "format": "jsonv2", "addressdetails": 1, "limit": limit}
		if self.countries:
			params["countrycodes"] = self.countries
		try:
			response = requests.get(
				f"{self.url}/search", params=params, headers={"User-Agent": USER_AGENT}, timeout=self.timeout
			)
			response.raise_for_status()
			rows = response.json()
			if not isinstance(rows, list):
				raise ValueError("not a list of places")
			return [self._place(r) for r in rows[:limit]]
		except (requests.RequestException, ValueError, KeyError, TypeError) as e:
			raise GeocodingUnavailable(str(e)) from e

	@staticmethod
	def _place(row: dict) -> dict:
		a = row.get("address") or {}
		street = " ".join(x for x in (a.get("house_number"), a.get("road")) if x)
		return {
			"label": row["display_name"],
			"address_line": street or (row["display_name"].split(",")[0]),
			"city": a.get("city") or a.get("town") or a.get("village") or a.get("municipality"),
			"province": a.get("state"),
			"postal_code": a.get("postcode"),
			"latitude": float(row["lat"]),
			"longitude": float(row["lon"]),
		}


def geocoder(settings) -> NominatimGeocoder | None:
	"""The configured provider, or None (Offline, or Nominatim with no URL)."""
	if (settings.get("geocoding_provider") or "Offline") == "Nominatim" and settings.get("geocoding_url"):
		return NominatimGeocoder(settings.geocoding_url)
	return None
