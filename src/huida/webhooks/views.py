"""How subscriptions and deliveries look through the API (secrets never leave, only a hint)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from huida.timefmt import format_datetime
from huida.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from huida.webhooks.service import attempts_of, next_attempt_times, secret_hint


def webhook_entity(hook: Webhook) -> dict[str, Any]:
    return {
        "webhookId": hook.webhook_id, "robotId": hook.robot_id, "tenantId": hook.tenant_id, "url": hook.url,
        "events": list(hook.events or []), "active": hook.active, "maxInFlight": hook.max_in_flight,
        "secretHint": secret_hint(hook.secret),
        "createDateTime": format_datetime(hook.created_at), "lastUpdateDateTime": format_datetime(hook.updated_at),
    }


def attempt_entity(row: WebhookAttempt) -> dict[str, Any]:
    return {"attempt": row.attempt, "statusCode": row.status_code, "latencyMs": row.latency_ms, "error": row.error,
            "response": row.response, "dateTime": format_datetime(row.started_at), "timestamp": row.started_at}


def delivery_entity(row: WebhookDelivery, attempts: list[WebhookAttempt], *, next_attempt: int | None = None,
                    with_body: bool = False) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "deliveryId": row.delivery_id, "event": row.event, "state": row.state, "attempts": row.attempts,
        "lastStatusCode": row.last_status_code, "lastLatencyMs": row.last_latency_ms, "lastError": row.last_error,
        "createDateTime": format_datetime(row.created_at), "lastAttemptDateTime": format_datetime(row.last_attempt_at),
        "deliveredDateTime": format_datetime(row.delivered_at), "nextAttemptDateTime": format_datetime(next_attempt),
        "attemptLog": [attempt_entity(a) for a in attempts],
    }
    if with_body:
        entity["body"] = json.loads(row.body)
    return entity


def delivery_entities(session: Session, rows: list[WebhookDelivery], *, with_body: bool = False) -> list[dict]:
    attempts = attempts_of(session, rows)
    due = next_attempt_times(session, rows)
    return [delivery_entity(r, attempts.get(r.pk, []), next_attempt=due.get(r.job_id or 0), with_body=with_body)
            for r in rows]
