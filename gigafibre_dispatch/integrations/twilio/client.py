"""The Twilio client (the twilio SDK) behind one small interface, and what its message statuses mean.

Tests point `twilio_api_base` (Dispatch Settings) at a local stand-in server: the SDK itself is never patched."""

from datetime import datetime

import frappe
from frappe import _

TWILIO_SENT = frozenset({"accepted", "scheduled", "queued", "sending", "sent", "delivered", "read"})
TWILIO_FAILED = frozenset({"failed", "undelivered", "canceled"})
STATUS_PATH = "/api/method/gigafibre_dispatch.api.sms.status"  # where Twilio reports a message's fate


class SmsError(Exception):
	def __init__(self, message: str, transient: bool):
		super().__init__(message)
		self.transient = transient


class TwilioProvider:
	"""One small interface: send(to, body) -> (sid, status). Tests point `base_url` at a local stand-in."""

	def __init__(self, account_sid: str, auth_token: str, from_number: str, base_url: str | None = None):
		from twilio.http.http_client import TwilioHttpClient
		from twilio.rest import Client

		self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=15))
		if base_url:
			self.client.api.base_url = base_url.rstrip("/")
		self.from_number = from_number

	def send(self, to: str, body: str, status_callback: str | None = None) -> tuple[str, str]:
		from twilio.base.exceptions import TwilioException, TwilioRestException

		extra = {"status_callback": status_callback} if status_callback else {}
		try:
			message = self.client.messages.create(to=to, from_=self.from_number, body=body, **extra)
		except TwilioRestException as e:
			raise SmsError(f"Twilio {e.status}: {e.msg}", transient=e.status >= 500 or e.status == 429) from e
		except (TwilioException, OSError) as e:
			raise SmsError(str(e), transient=True) from e
		return message.sid, message.status

	def fetch(self, sid: str) -> tuple[str, str | None, datetime | None]:
		"""(Twilio status, error text or None, when Twilio sent it in system time or None) of a message."""
		from frappe.utils import convert_utc_to_system_timezone
		from twilio.base.exceptions import TwilioException, TwilioRestException

		try:
			message = self.client.messages(sid).fetch()
		except TwilioRestException as e:
			raise SmsError(f"Twilio {e.status}: {e.msg}", transient=e.status >= 500 or e.status == 429) from e
		except (TwilioException, OSError) as e:
			raise SmsError(str(e), transient=True) from e
		error = None
		if message.error_code or message.error_message:
			error = (
				f"Twilio {message.status} {message.error_code or ''}: {message.error_message or ''}".strip()
			)
		sent = message.date_sent or message.date_created
		return (
			message.status,
			error,
			convert_utc_to_system_timezone(sent).replace(tzinfo=None) if sent else None,
		)


def provider() -> TwilioProvider:
	s = frappe.get_cached_doc("Dispatch Settings")
	token = s.get_password("twilio_auth_token", raise_exception=False)
	if not (s.twilio_account_sid and token and s.twilio_from_number):
		raise SmsError(_("Twilio is not configured in Dispatch Settings"), transient=False)
	return TwilioProvider(s.twilio_account_sid, token, s.twilio_from_number, s.twilio_api_base or None)


def status_callback_url() -> str | None:
	"""Where Twilio posts a message's later statuses (delivered, undelivered…): the site's public URL, when set."""
	base = frappe.get_cached_doc("Dispatch Settings").public_base_url
	return base.rstrip("/") + STATUS_PATH if base else None
