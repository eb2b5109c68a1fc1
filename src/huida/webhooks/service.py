"""Webhook subscriptions and deliveries: create/read/update/delete, emitting events, redelivery.

Emitting an event writes, for every active subscription of the robot that wants it, a delivery row and
its outbox job — in the caller's transaction, so the event exists if and only if the change it reports
was committed. Workers send it later (huida.webhooks.delivery).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from huida.db import new_id, now_ms
from huida.errors import InvalidInput, bad_request, conflict, not_found
from huida.jobs import Group, enqueue, set_group_limit, wake_lane
from huida.jobs.models import PENDING as JOB_PENDING
from huida.jobs.models import Job
from huida.jobs.outbox import enqueue_many
from huida.robots.service import get_robot
from huida.webhooks.addresses import UnsafeTarget, check_subscription_url
from huida.webhooks.events import EVENTS, PING
from huida.webhooks.models import (
    DEFAULT_MAX_IN_FLIGHT,
    DELIVERED,
    FAILED,
    PENDING,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)

DELIVER = "webhook.deliver"
MAX_WEBHOOKS_PER_ROBOT = 20
SECRET_MIN, SECRET_MAX = 8, 256
DELIVERY_STATES = (PENDING, DELIVERED, FAILED)
MAX_IN_FLIGHT_RANGE = (1, 100)  # what a subscription may ask for; HUIDA_WEBHOOK_MAX_IN_FLIGHT caps it further


@dataclass(frozen=True)
class WebhookChanges:
    url: str | None = None
    secret: str | None = None
    events: list[str] | None = None
    active: bool | None = None
    max_in_flight: int | None = None


# -- validation ------------------------------------------------------------------------------------

def clean_url(url: str, allow_private: bool) -> str:
    try:
        return check_subscription_url(url, allow_private)
    except UnsafeTarget as exc:
        raise InvalidInput("INVALID_WEBHOOK_URL", str(exc)) from exc


def clean_secret(secret: str) -> str:
    if not SECRET_MIN <= len(secret) <= SECRET_MAX:
        raise bad_request(f"secret must be {SECRET_MIN}-{SECRET_MAX} characters")
    return secret


def clean_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise InvalidInput("INVALID_WEBHOOK_EVENT",
                       f"unknown event(s): {', '.join(map(str, unknown))}; known: {', '.join(EVENTS)}")
    if not events:
        raise bad_request("events must name at least one event")
    return [e for e in EVENTS if e in events]  # canonical order, no duplicates


def clean_max_in_flight(value: int) -> int:
    low, high = MAX_IN_FLIGHT_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"maxInFlight must be an integer from {low} to {high}")
    return value


# -- subscriptions ---------------------------------------------------------------------------------

def get_webhook(session: Session, tenant_id: int, robot_id: str, webhook_id: str) -> Webhook:
    """The subscription, only if it belongs to that robot of that tenant."""
    get_robot(session, tenant_id, robot_id)
    hook = session.scalar(select(Webhook).where(Webhook.webhook_id == webhook_id, Webhook.robot_id == robot_id,
                                                Webhook.tenant_id == tenant_id))
    if hook is None:
        raise not_found("webhook", webhook_id)
    return hook


def list_webhooks(session: Session, tenant_id: int, robot_id: str) -> list[Webhook]:
    get_robot(session, tenant_id, robot_id)
    return list(session.scalars(select(Webhook).where(Webhook.robot_id == robot_id).order_by(Webhook.pk)))


def create_webhook(session: Session, tenant_id: int, robot_id: str, *, url: str, secret: str, events: list[str],
                   active: bool, allow_private: bool, max_in_flight: int | None = None) -> Webhook:
    get_robot(session, tenant_id, robot_id)
    count = session.scalar(select(func.count()).select_from(Webhook).where(Webhook.robot_id == robot_id)) or 0
    if count >= MAX_WEBHOOKS_PER_ROBOT:
        raise conflict(f"a robot has at most {MAX_WEBHOOKS_PER_ROBOT} webhooks", "TOO_MANY_WEBHOOKS")
    hook = Webhook(tenant_id=tenant_id, robot_id=robot_id, url=clean_url(url, allow_private),
                   secret=clean_secret(secret), events=clean_events(events), active=active,
                   max_in_flight=DEFAULT_MAX_IN_FLIGHT if max_in_flight is None else clean_max_in_flight(max_in_flight))
    session.add(hook)
    session.flush()
    return hook


def update_webhook(session: Session, hook: Webhook, changes: WebhookChanges, *, allow_private: bool) -> Webhook:
    if changes.url is not None:
        hook.url = clean_url(changes.url, allow_private)
    if changes.secret is not None:
        hook.secret = clean_secret(changes.secret)
    if changes.events is not None:
        hook.events = clean_events(changes.events)
    if changes.active is not None:
        hook.active = changes.active
    if changes.max_in_flight is not None and changes.max_in_flight != hook.max_in_flight:
        hook.max_in_flight = clean_max_in_flight(changes.max_in_flight)
        set_group_limit(session, group_of(hook))  # the backlog already queued follows the new bound
    hook.updated_at = now_ms()
    session.flush()
    # A fixed URL or a re-enabled subscription should not wait hours for the next scheduled retry.
    wake_lane(session, lane_of(hook), sublanes=True)
    return hook


def secret_hint(secret: str) -> str:
    return "****" + secret[-4:] if len(secret) >= 12 else "****"


# -- emitting --------------------------------------------------------------------------------------

def lane_of_id(webhook_id: str, order_key: str | None = None) -> str:
    return f"webhook:{webhook_id}" + (f":{order_key}" if order_key else "")


def lane_of(hook: Webhook, order_key: str | None = None) -> str:
    return lane_of_id(hook.webhook_id, order_key)


def group_of(hook: Webhook) -> Group:
    """Every delivery to a subscription, whatever its lane, counts against the subscription's bound."""
    return Group(lane_of_id(hook.webhook_id), hook.max_in_flight)


def encode_body(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _add_delivery(session: Session, hook: Webhook, event: str, body: str, lane: str | None) -> WebhookDelivery:
    # Two INSERTs and nothing else: this runs inside the caller's (e.g. a rating's) transaction.
    delivery_id = new_id()
    job_id = enqueue(session, DELIVER, {"deliveryId": delivery_id}, lane=lane, group=group_of(hook))
    delivery = WebhookDelivery(delivery_id=delivery_id, webhook_pk=hook.pk, event=event, body=body, state=PENDING,
                               job_id=job_id)
    session.add(delivery)
    return delivery


def emit_event(session: Session, *, tenant_id: int, robot_id: str, event: str, body: dict[str, Any],
               order_key: str | None = None) -> list[str]:
    """Queues `body` for every active subscription of the robot to `event`, in the caller's transaction.

    Returns the delivery ids (the X-Huida-Delivery of each). Events sharing an `order_key` (the chat
    session id: a rating arrives after the answer it rates, a session-closed after its transfer) are
    delivered one at a time in emit order, and one being retried holds back only its own key; events of
    different keys go out side by side, up to the subscription's maxInFlight. Without an order key an
    event is ordered against every other keyless event of the subscription (one lane).
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event: {event}")
    hooks = session.scalars(select(Webhook).where(Webhook.robot_id == robot_id, Webhook.tenant_id == tenant_id,
                                                  Webhook.active.is_(True)).order_by(Webhook.pk)).all()
    wanted = [h for h in hooks if event in (h.events or [])]
    if not wanted:
        return []
    text = encode_body(body)
    if len(wanted) == 1:
        return [_add_delivery(session, wanted[0], event, text, lane_of(wanted[0], order_key)).delivery_id]
    # Fan-out: one statement for the jobs and one for the deliveries, whatever the number of subscribers.
    delivery_ids = [new_id() for _ in wanted]
    job_ids = enqueue_many(session, DELIVER, [({"deliveryId": d}, lane_of(h, order_key), group_of(h))
                                              for d, h in zip(delivery_ids, wanted, strict=True)])
    now = now_ms()
    session.execute(insert(WebhookDelivery), [
        {"delivery_id": d, "webhook_pk": h.pk, "event": event, "body": text, "state": PENDING, "attempts": 0,
         "job_id": j, "created_at": now, "updated_at": now}
        for d, h, j in zip(delivery_ids, wanted, job_ids, strict=True)])
    return delivery_ids


def ping(session: Session, hook: Webhook) -> WebhookDelivery:
    """A test delivery. Not queued behind the subscription's backlog, so it answers even when that is stuck."""
    body = {"event": PING, "webhookId": hook.webhook_id, "robotId": hook.robot_id, "tenantId": hook.tenant_id,
            "url": hook.url, "events": hook.events, "timestamp": now_ms()}
    delivery = _add_delivery(session, hook, PING, encode_body(body), None)
    session.flush()
    return delivery


def redeliver(session: Session, hook: Webhook, delivery_id: str) -> WebhookDelivery:
    """Sends a finished delivery again: same X-Huida-Delivery id and body, fresh retry schedule."""
    delivery = get_delivery(session, hook, delivery_id)
    if delivery.state == PENDING:
        raise conflict("this delivery is still being attempted", "DELIVERY_PENDING")
    delivery.state = PENDING
    delivery.updated_at = now_ms()
    delivery.job_id = enqueue(session, DELIVER, {"deliveryId": delivery.delivery_id}, group=group_of(hook))
    return delivery


# -- the delivery log ------------------------------------------------------------------------------

def get_delivery(session: Session, hook: Webhook, delivery_id: str) -> WebhookDelivery:
    delivery = session.scalar(select(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery_id,
                                                            WebhookDelivery.webhook_pk == hook.pk))
    if delivery is None:
        raise not_found("delivery", delivery_id)
    return delivery


def list_deliveries(session: Session, hook: Webhook, *, page: int, size: int, state: str | None = None,
                    event: str | None = None) -> tuple[list[WebhookDelivery], int]:
    """Newest first."""
    where = [WebhookDelivery.webhook_pk == hook.pk]
    if state:
        where.append(WebhookDelivery.state == state)
    if event:
        where.append(WebhookDelivery.event == event)
    total = session.scalar(select(func.count()).select_from(WebhookDelivery).where(*where)) or 0
    rows = session.scalars(select(WebhookDelivery).where(*where).order_by(WebhookDelivery.pk.desc())
                           .offset(page * size).limit(size)).all()
    return list(rows), total


def attempts_of(session: Session, deliveries: list[WebhookDelivery]) -> dict[int, list[WebhookAttempt]]:
    if not deliveries:
        return {}
    rows = session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_pk.in_([d.pk for d in deliveries]))
                           .order_by(WebhookAttempt.delivery_pk, WebhookAttempt.attempt)).all()
    grouped: dict[int, list[WebhookAttempt]] = {d.pk: [] for d in deliveries}
    for row in rows:
        grouped[row.delivery_pk].append(row)
    return grouped


def next_attempt_times(session: Session, deliveries: list[WebhookDelivery]) -> dict[int, int]:
    """When each pending delivery's job is next due (job id -> epoch ms)."""
    job_ids = [d.job_id for d in deliveries if d.state == PENDING and d.job_id is not None]
    if not job_ids:
        return {}
    rows = session.execute(select(Job.id, Job.run_at).where(Job.id.in_(job_ids), Job.status == JOB_PENDING))
    return {job_id: run_at for job_id, run_at in rows}

