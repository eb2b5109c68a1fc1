"""Aily-style sessions, the Aily view of their messages, runs, uploaded files, and per-robot API keys.

The messages themselves live in Huida's one message store (`huida.conversation.models.Message`): an Aily
USER message is a visitor message, an ASSISTANT message is the robot's answer. `aily_messages` only keeps
what the Aily API says about a USER message beyond its plain text (the raw MDX, files, mentions, quote) and
makes `idempotent_id` unique per session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from huida.db import Base, new_id, now_ms


class AilySession(Base):
    __tablename__ = "aily_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))  # a tenant user id, or "api_key:<id>"
    user_id: Mapped[str] = mapped_column(String(255))  # the end user (X-Aily-BizUserID), else created_by
    channel_context: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[str] = mapped_column("metadata", Text, default="")
    created_at: Mapped[int] = mapped_column(default=now_ms)
    modified_at: Mapped[int] = mapped_column(default=now_ms)


class AilyMessage(Base):
    """The Aily side of a USER message; `idempotent_id` is cleared once its 72 hours are over."""

    __tablename__ = "aily_messages"
    __table_args__ = (UniqueConstraint("session_id", "idempotent_id", name="uq_aily_messages_idempotent"),)

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("aily_sessions.id", ondelete="CASCADE"))
    idempotent_id: Mapped[str | None] = mapped_column(String(64), default=None)
    content_type: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    file_ids: Mapped[list[Any]] = mapped_column(default=list)
    mentions: Mapped[list[Any]] = mapped_column(default=list)
    quote_message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)


class AilyRun(Base):
    """The robot working on the latest USER message of a session (QUEUED -> IN_PROGRESS -> ...)."""

    __tablename__ = "aily_runs"
    __table_args__ = (Index("ix_aily_runs_session", "session_id", "pk"), Index("ix_aily_runs_message", "message_id"),
                      {"sqlite_autoincrement": True})

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(ForeignKey("aily_sessions.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(String(36))
    message_id: Mapped[str] = mapped_column(String(36))  # the USER message it answers
    reply_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)  # the ASSISTANT message
    status: Mapped[str] = mapped_column(String(20))
    meta: Mapped[str] = mapped_column("metadata", Text, default="")
    error_code: Mapped[str | None] = mapped_column(String(40), default=None)
    error_message: Mapped[str | None] = mapped_column(String(1000), default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    started_at: Mapped[int | None] = mapped_column(default=None)
    ended_at: Mapped[int | None] = mapped_column(default=None)


class AilyFile(Base):
    """An uploaded file, kept in the database so that every process can serve it."""

    __tablename__ = "aily_files"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # image | file | audio | video
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[int] = mapped_column(default=now_ms)


class RobotApiKey(Base):
    """A per-robot API key. Only its SHA-256 is stored; the key is shown once, when it is created."""

    __tablename__ = "robot_api_keys"
    __table_args__ = (Index("ix_robot_api_keys_robot", "tenant_id", "robot_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to recognise a key in a list
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[int] = mapped_column(default=now_ms)
    revoked_at: Mapped[int | None] = mapped_column(default=None)
    last_used_at: Mapped[int | None] = mapped_column(default=None)
