"""Feishu/Lark channel tables: the bound apps, the events already seen, uploaded images, the delivery log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, new_id, now_ms

WEBHOOK, LONG_CONNECTION = "webhook", "longConnection"
PENDING, SENT, SKIPPED, FAILED = "pending", "sent", "skipped", "failed"


class FeishuChannel(Base):
    """A Feishu (or Lark) app bound to a robot. Secrets are kept in clear (signing and decrypting need them)
    and never returned by the API."""

    __tablename__ = "feishu_channels"

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # One app, one channel: events and the long connection of an app cannot be shared by two robots.
    app_id: Mapped[str] = mapped_column(String(64), unique=True)
    app_secret: Mapped[str] = mapped_column(String(256))
    encrypt_key: Mapped[str] = mapped_column(String(256), default="")
    verification_token: Mapped[str] = mapped_column(String(256), default="")
    domain: Mapped[str] = mapped_column(String(300), default="feishu")  # feishu | lark | a base URL
    mode: Mapped[str] = mapped_column(String(20), default=WEBHOOK)  # how events arrive
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Learned from GET /open-apis/bot/v3/info on first need; reset when the app changes.
    bot_open_id: Mapped[str | None] = mapped_column(String(100), default=None)
    bot_name: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)


class FeishuSeen(Base):
    """An event id or message id already taken in (dedupe across Feishu's retries, kept >= 8 h)."""

    __tablename__ = "feishu_seen"
    __table_args__ = (
        UniqueConstraint("channel_pk", "key", name="uq_feishu_seen_key"),
        Index("ix_feishu_seen_created", "created_at"),
    )

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("feishu_channels.pk", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))  # "event:<event_id>" or "message:<message_id>"
    created_at: Mapped[int] = mapped_column(default=now_ms)


class FeishuImage(Base):
    """A Huida media uploaded to Feishu once per app: its image_key."""

    __tablename__ = "feishu_images"
    __table_args__ = (UniqueConstraint("channel_pk", "media_id", name="uq_feishu_images_media"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("feishu_channels.pk", ondelete="CASCADE"))
    media_id: Mapped[str] = mapped_column(String(36))
    image_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(default=now_ms)


class FeishuDelivery(Base):
    """One reply owed to Feishu (to a message or a card click): what came in, what went out, every attempt."""

    __tablename__ = "feishu_deliveries"
    __table_args__ = (Index("ix_feishu_deliveries_channel", "channel_pk", "pk"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    channel_pk: Mapped[int] = mapped_column(ForeignKey("feishu_channels.pk", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # message | click
    event_id: Mapped[str] = mapped_column(String(100))
    source_message_id: Mapped[str] = mapped_column(String(100))  # the message replied to
    chat_id: Mapped[str] = mapped_column(String(100))
    chat_type: Mapped[str] = mapped_column(String(10))
    open_id: Mapped[str] = mapped_column(String(100))
    request: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the job needs to answer
    question: Mapped[str] = mapped_column(Text, default="")
    msg_id: Mapped[str | None] = mapped_column(String(36), default=None)  # Huida's answer (the reply's uuid)
    msg_type: Mapped[str | None] = mapped_column(String(20), default=None)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_code: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(1000), default=None)
    attempt_log: Mapped[list[Any]] = mapped_column(default=list)
    reply_message_id: Mapped[str | None] = mapped_column(String(100), default=None)
    handover_emitted: Mapped[bool] = mapped_column(Boolean, default=False)
    job_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)
    sent_at: Mapped[int | None] = mapped_column(default=None)
