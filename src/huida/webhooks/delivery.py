"""The `webhook.deliver` job: one attempt per run, logged; retried for more than 24 hours, then failed.

Retry schedule (before jitter, which only lengthens it): 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min,
2 h, 6 h, 8 h, 8 h between the 10 attempts — about 25 hours.

Per attempt: one read (what to send, to whom), the HTTP request outside any transaction, then the attempt
log written in the transaction that records the job's outcome. The hot path uses prebuilt statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from huida.db import now_ms, rowcount
from huida.jobs import JobContext, RetryableError, RetryPolicy, handler, wake_lane
from huida.webhooks import sender
from huida.webhooks.models import DELIVERED, FAILED, PENDING, Webhook, WebhookAttempt, WebhookDelivery
from huida.webhooks.service import DELIVER, lane_of_id

WEBHOOK_RETRY = RetryPolicy(max_attempts=10, base_delay=30.0, factor=3.0, max_delay=8 * 3600.0, jitter=0.25)
MAX_ERROR = 1000

_D, _W = WebhookDelivery, Webhook
_LOAD = (select(_D.pk, _D.event, _D.body, _D.state, _D.job_id, _D.attempts, _W.url, _W.secret, _W.active,
                _W.webhook_id)
         .join(_W, _W.pk == _D.webhook_pk).where(_D.delivery_id == bindparam("delivery_id")))
# Only the job in charge of a still-pending delivery may write to it.
_IN_CHARGE = (_D.pk == bindparam("b_pk"), _D.state == PENDING, _D.job_id == bindparam("b_job"))
_ATTEMPTED = update(_D).where(*_IN_CHARGE).values(
    attempts=bindparam("attempt"), last_status_code=bindparam("status_code"), last_latency_ms=bindparam("latency"),
    last_error=bindparam("error"), last_attempt_at=bindparam("now"), updated_at=bindparam("now"),
    state=bindparam("b_state"))
_DELIVERED = _ATTEMPTED.values(delivered_at=bindparam("now"))
_LOG = insert(WebhookAttempt)


@dataclass(frozen=True)
class Pending:
    delivery_pk: int
    webhook_id: str
    attempt: int
    laned: bool
    request: sender.Request


def _load(job: JobContext) -> Pending | None:
    """What to send, or None when there is nothing to do: the delivery was deleted, already delivered (a
    rerun after a crash) or handed to a newer job (a redelivery)."""
    delivery_id = job.payload.get("deliveryId")
    if not isinstance(delivery_id, str):
        return None
    with job.db.read() as session:  # no write lock while reading
        row = session.execute(_LOAD, {"delivery_id": delivery_id}).one_or_none()
    if row is None or row.state != PENDING or row.job_id != job.id:
        return None
    if not row.active:
        with job.db.session() as session:
            session.execute(update(_D).where(*_IN_CHARGE).values(
                state=FAILED, last_error="the subscription is inactive", updated_at=now_ms()),
                {"b_pk": row.pk, "b_job": job.id})
        return None
    request = sender.Request(row.url, row.secret, row.event, delivery_id, row.body.encode("utf-8"))
    return Pending(row.pk, row.webhook_id, row.attempts + 1, job.lane is not None, request)


def _record(session: Session, job: JobContext, pending: Pending, outcome: sender.Outcome, started: int) -> None:
    """Logs the attempt; runs in the transaction that records the job's outcome."""
    now = now_ms()
    error = outcome.error[:MAX_ERROR] if outcome.error else None
    values = {"b_pk": pending.delivery_pk, "b_job": job.id, "attempt": pending.attempt, "now": now, "error": error,
              "status_code": outcome.status_code, "latency": outcome.latency_ms,
              "b_state": DELIVERED if outcome.ok else PENDING}
    result = session.execute(_DELIVERED if outcome.ok else _ATTEMPTED, values)
    if rowcount(result) != 1:
        return  # deleted meanwhile, or a newer job took over
    session.execute(_LOG, {"delivery_pk": pending.delivery_pk, "attempt": pending.attempt, "error": error,
                           "status_code": outcome.status_code, "latency_ms": outcome.latency_ms,
                           "response": outcome.response, "started_at": started})
    if outcome.ok and not pending.laned:
        # A ping or redelivery got through: the receiver is back, so its backlog need not wait.
        wake_lane(session, lane_of_id(pending.webhook_id), sublanes=True)


def _give_up(session: Session, job: JobContext, error: str) -> None:
    """Retries exhausted (or the job died too often): the delivery is failed, and can be redelivered."""
    delivery = session.scalar(select(_D).where(_D.delivery_id == job.payload.get("deliveryId")))
    if delivery is not None and delivery.state == PENDING and delivery.job_id == job.id:
        delivery.state, delivery.updated_at = FAILED, now_ms()
        delivery.last_error = delivery.last_error or error[:MAX_ERROR]


@handler(DELIVER, retry=WEBHOOK_RETRY, on_failure=_give_up)
def deliver(job: JobContext) -> None:
    pending = _load(job)
    if pending is None:
        return
    started = now_ms()
    outcome = sender.send(pending.request, timeout=job.settings.webhook_timeout_seconds,
                          allow_private=job.settings.webhook_allow_private)
    job.finish_with(lambda session: _record(session, job, pending, outcome, started))
    if not outcome.ok:
        raise RetryableError(outcome.error or "delivery failed")
