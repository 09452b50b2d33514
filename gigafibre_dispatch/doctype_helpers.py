"""Small helpers shared by controllers and endpoints."""

import re


def phone_digits(phone: str | None) -> str:
	"""The last 10 digits of a phone number: how an inbound SMS finds its technician."""
	return re.sub(r"\D", "", phone or "")[-10:]
