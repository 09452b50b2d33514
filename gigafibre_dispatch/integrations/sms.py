"""Old dotted paths of the SMS outbox (jobs queued and scheduler entries of sites made before Twilio moved to
integrations/twilio/): the same functions."""

from gigafibre_dispatch.integrations.twilio.messages import reconcile_stuck, retry_due, send_log

__all__ = ["reconcile_stuck", "retry_due", "send_log"]
