"""Twilio, in one place (as frappe/crm's crm/integrations/twilio/):

- client.py    the SDK behind one small interface (send, fetch) and what Twilio's statuses mean
- messages.py  the outbox: each message logged in Dispatch SMS Log, sent once by an RQ job, retried, reconciled
- webhook.py   what Twilio calls: its signature checked against the public URL, TwiML answers
- status.py    Twilio's status callbacks (delivered, undelivered…) recorded on the message's log

The whitelisted endpoints Twilio posts to are faces in api/sms.py; what a technician's text means is decided in
lifecycle/sms_inbound.py.
"""
