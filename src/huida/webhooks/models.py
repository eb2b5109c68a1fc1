"""Webhook subscriptions of a robot, the deliveries made to them and every attempt of each delivery."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, new_id, now_ms

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
# Concurrent deliveries to one subscription: 16 let a receiver taking 100 ms per request take up to 160 a
# second (one at a time: 10), while the events of one chat session still arrive in order (service.emit_event).
DEFAULT_MAX_IN_FLIGHT = 16


class Webhook(Base):
    __tablename__ = "webhooks"

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    webhook_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # Kept in clear: signing needs it. It is never returned by the API (only a hint).
    secret: Mapped[str] = mapped_column(String(256))
    events: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # At most this many deliveries in flight at once (also capped by HUIDA_WEBHOOK_MAX_IN_FLIGHT).
    max_in_flight: Mapped[int] = mapped_column(default=DEFAULT_MAX_IN_FLIGHT, server_default=str(DEFAULT_MAX_IN_FLIGHT))
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms, onupdate=now_ms)


class WebhookDelivery(Base):
    """One event for one subscription; `delivery_id` is the X-Huida-Delivery header, the same on every try."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_webhook", "webhook_pk", "pk"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    webhook_pk: Mapped[int] = mapped_column(ForeignKey("webhooks.pk", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON text sent (and signed) on every attempt
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    last_latency_ms: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(1000), default=None)
    # The outbox job currently in charge; an older job of a redelivered delivery stands down.
    job_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)
    last_attempt_at: Mapped[int | None] = mapped_column(default=None)
    delivered_at: Mapped[int | None] = mapped_column(default=None)


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_pk", "attempt"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    delivery_pk: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.pk", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column()
    status_code: Mapped[int | None] = mapped_column(default=None)
    latency_ms: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(1000), default=None)
    response: Mapped[str | None] = mapped_column(String(1000), default=None)  # the start of the reply body
    started_at: Mapped[int] = mapped_column(default=now_ms)
