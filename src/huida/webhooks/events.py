"""The events a webhook can subscribe to."""

from __future__ import annotations

EVENTS = ("feedback", "satisfaction", "comment", "transfer-human", "transfer-confirmation", "session-closed")
# Sent by the ping endpoint to test a subscription, whatever its events.
PING = "ping"
