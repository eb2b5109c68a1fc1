"""Webhooks: per-robot subscriptions, signed deliveries through the outbox, a delivery log.

Other packages report events with `emit_event(session, tenant_id=, robot_id=, event=, body=)` in the
transaction of the change they report.
"""

from huida.webhooks.service import emit_event

__all__ = ["emit_event"]
