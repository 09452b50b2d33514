"""Traccar GPS: devices (cached 60 s in Redis), latest positions (one request per device, in parallel),
and the scheduled poll that stores each technician's last fix for ranking's freshness bonus.

An outage is never an error page: callers get "no fix" (empty results, available=False).
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import frappe
import requests
from frappe.utils import get_system_timezone

DEVICE_CACHE_SECONDS = 60
KNOTS_TO_KMH = 1.852


class TraccarUnavailable(Exception):
	pass


class TraccarClient:
	def __init__(
		self,
		url: str,
		token: str | None = None,
		username: str | None = None,
		password: str | None = None,
		timeout: float = 5,
	):
		self.url = url.rstrip("/")
		self.session = requests.Session()
		if token:
			self.session.headers["Authorization"] = f"Bearer {token}"  # preferred
		elif username:
			self.session.auth = (username, password or "")
		self.timeout = timeout

	def get(self, path: str, **params):
		try:
			response = self.session.get(f"{self.url}{path}", params=params, timeout=self.timeout)
			response.raise_for_status()
			return response.json()
		except (requests.RequestException, ValueError) as e:
			raise TraccarUnavailable(str(e)) from e

	def devices(self) -> list[dict]:
		key = f"dispatch:traccar:devices:{self.url}"
		cached = frappe.cache.get_value(key, expires=True)  # a TTL key: never memoised per request
		if cached is not None:
			return cached
		devices = self.get("/api/devices")
		frappe.cache.set_value(key, devices, expires_in_sec=DEVICE_CACHE_SECONDS)
		return devices

	def position(self, device_id: str) -> dict | None:
		rows = self.get("/api/positions", deviceId=device_id)  # Traccar answers one device per request
		return rows[0] if rows else None

	def positions(self, device_ids: list[str]) -> dict[str, dict]:
		if not device_ids:
			return {}

		def one(device_id):
			try:
				return device_id, self.position(device_id)
			except TraccarUnavailable:
				return device_id, None

		with ThreadPoolExecutor(max_workers=min(8, len(device_ids))) as pool:
			return {d: p for d, p in pool.map(one, device_ids) if p}


def client() -> TraccarClient | None:
	s = frappe.get_cached_doc("Dispatch Settings")
	if not s.traccar_url:
		return None
	return TraccarClient(
		s.traccar_url,
		token=s.get_password("traccar_token", raise_exception=False),
		username=s.traccar_username,
		password=s.get_password("traccar_password", raise_exception=False),
	)


def _local(fix_time: str | None) -> datetime | None:
	if not fix_time:
		return None
	try:
		moment = datetime.fromisoformat(fix_time.replace("Z", "+00:00"))
	except ValueError:
		return None
	return moment.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)


def _moved(before, latitude, longitude) -> bool:
	"""The position differs from the one stored (a new fix at the same place moves no marker)."""
	if latitude is None or longitude is None:
		return False
	if before.gps_latitude is None or before.gps_longitude is None:
		return True
	return (
		abs(float(before.gps_latitude) - float(latitude)) > 1e-7
		or abs(float(before.gps_longitude) - float(longitude)) > 1e-7
	)


def poll_positions() -> int:
	"""Scheduled: store the last fix of every technician with a Traccar device. Returns how many were updated."""
	if not frappe.db.get_single_value("Dispatch Settings", "gps_poll_enabled"):
		return 0
	traccar = client()
	if traccar is None:
		return 0
	techs = frappe.get_all(
		"Dispatch Technician",
		filters={"active": 1, "traccar_device_id": ("is", "set")},
		fields=["name", "traccar_device_id", "gps_latitude", "gps_longitude"],
	)
	try:
		status = {str(d["id"]): d.get("status") for d in traccar.devices()}
	except TraccarUnavailable:
		frappe.logger("gigafibre_dispatch").warning("Traccar unavailable: GPS fixes not refreshed")
		return 0
	fixes = traccar.positions([t.traccar_device_id for t in techs])
	updated = 0
	for t in techs:
		pos = fixes.get(t.traccar_device_id)
		if not pos:
			continue
		fix_at = _local(pos.get("fixTime"))
		latitude, longitude = pos.get("latitude"), pos.get("longitude")
		frappe.db.set_value(
			"Dispatch Technician",
			t.name,
			{
				"gps_latitude": latitude,
				"gps_longitude": longitude,
				"gps_speed": round(float(pos.get("speed") or 0) * KNOTS_TO_KMH, 1),
				"gps_online": 1 if status.get(t.traccar_device_id) == "online" else 0,
				"gps_fix_at": fix_at,
			},
			update_modified=False,
		)
		updated += 1
		if _moved(t, latitude, longitude):
			# The boards move this technician's marker (after the poll's commit), no reload.
			frappe.publish_realtime(
				"dispatch:gps",
				{
					"technician": t.name,
					"latitude": latitude,
					"longitude": longitude,
					"fix_at": fix_at.isoformat(sep="T") if fix_at else None,
				},
				after_commit=True,
			)
	return updated
