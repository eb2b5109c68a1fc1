"""Conversations: sessions between a visitor and a robot, and every message in them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, new_id, now_ms


class ChatSession(Base):
    """One conversation. At most one is open per (robot, visitor key): `open_key` is unique while open."""

    __tablename__ = "chat_sessions"
    __table_args__ = (Index("ix_chat_sessions_robot_user", "robot_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(200))
    visitor_key: Mapped[str] = mapped_column(String(400))
    open_key: Mapped[str | None] = mapped_column(String(450), unique=True, default=None)
    channel: Mapped[str] = mapped_column(String(40), default="api")
    origin_type: Mapped[str | None] = mapped_column(String(64), default=None)
    chat_id: Mapped[str | None] = mapped_column(String(200), default=None)
    chat_type: Mapped[str] = mapped_column(String(10), default="p2p")
    title: Mapped[str | None] = mapped_column(String(200), default=None)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    handover: Mapped[str] = mapped_column(String(10), default="bot")  # bot -> pending -> human -> closed
    question_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    last_active_at: Mapped[int] = mapped_column(default=now_ms)
    closed_at: Mapped[int | None] = mapped_column(default=None)


class Message(Base):
    """A visitor question or a robot/agent reply. `seq` orders messages across the whole store."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_session_seq", "session_id", "seq"),
        Index("ix_messages_tenant_seq", "tenant_id", "seq"),
        UniqueConstraint("robot_id", "dedupe_key", name="uq_messages_robot_dedupe"),
    )

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(10))  # visitor | robot | agent
    sender_id: Mapped[str] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(36), default=None)  # the question a reply answers
    question_type: Mapped[str | None] = mapped_column(String(20), default=None)  # TEXT | MENU_CLICK
    knowledge_id: Mapped[str | None] = mapped_column(String(200), default=None)
    text: Mapped[str] = mapped_column(Text, default="")  # plain text, for reading and search
    body: Mapped[dict[str, Any] | None] = mapped_column(default=None)  # the robot's content (seed §1.5)
    media_type: Mapped[str | None] = mapped_column(String(20), default=None)  # txt, img, news, menu, ...
    answer_type: Mapped[str | None] = mapped_column(String(40), default=None)
    answer_source: Mapped[str | None] = mapped_column(String(40), default=None)
    sub_type: Mapped[str | None] = mapped_column(String(40), default=None)
    rule_id: Mapped[str | None] = mapped_column(String(64), default=None)
    answer_id: Mapped[str | None] = mapped_column(String(36), default=None)
    score: Mapped[float | None] = mapped_column(default=None)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A channel's own id for a visitor message (a Feishu message_id, an Aily idempotent_id): asking twice
    # with the same key returns the first answer instead of answering again.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
