"""Opening, continuing and closing sessions: one open session per (robot, visitor key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.conversation.events import emit_session_closed  # issue 5: webhook events
from huida.conversation.models import ChatSession

RECENT_KEPT = 20  # normalised questions remembered for repeat detection


@dataclass(frozen=True)
class Visitor:
    """Who is talking, through which channel; `key` decides which session they share."""

    tenant_id: int
    robot_id: str
    user_id: str
    key: str
    channel: str = "api"
    origin_type: str | None = None
    chat_id: str | None = None
    chat_type: str = "p2p"
    title: str | None = None


def _open_key(robot_id: str, key: str) -> str:
    return f"{robot_id}|{key}"


def close_session(session: ChatSession, now: int) -> None:
    session.open_key = None
    session.closed_at = now
    if session.handover != "human":
        session.handover = "closed"


@dataclass(frozen=True)
class SeenSession:
    """A visitor's session as read without a lock: what the policy needs, and the token to check it by."""

    token: tuple[str, int] | None = None  # None: the write will open a new session
    question_count: int = 0
    state: dict[str, Any] = field(default_factory=dict)


def session_token(chat: ChatSession) -> tuple[str, int] | None:
    """Changes whenever an answer is stored in the session (its state and count move together); None for a
    session this transaction opened."""
    return (chat.id, chat.question_count) if chat.question_count else None


def peek_session(db: Session, visitor: Visitor, now: int, idle_timeout_ms: int) -> SeenSession:
    """The session `open_session` would continue, read without locking or writing anything."""
    row = db.execute(select(ChatSession.id, ChatSession.question_count, ChatSession.state, ChatSession.last_active_at)
                     .where(ChatSession.open_key == _open_key(visitor.robot_id, visitor.key))).first()
    if row is None or now - row.last_active_at > idle_timeout_ms or not row.question_count:
        return SeenSession()
    return SeenSession((row.id, row.question_count), row.question_count, row.state or {})


def _current(db: Session, key: str) -> ChatSession | None:
    return db.scalar(select(ChatSession).where(ChatSession.open_key == key).with_for_update())


def open_session(db: Session, visitor: Visitor, now: int,
                 idle_timeout_ms: int) -> tuple[ChatSession, ChatSession | None]:
    """The visitor's open session (a new one after `idle_timeout_ms` of silence) and the one it closed."""
    key = _open_key(visitor.robot_id, visitor.key)
    current = _current(db, key)
    closed = None
    if current is not None and now - current.last_active_at > idle_timeout_ms:
        close_session(current, now)
        db.flush()
        emit_session_closed(db, current)  # issue 5: the session-closed webhook event, in this transaction
        closed, current = current, None
    if current is not None:
        return current, closed
    fresh = ChatSession(
        tenant_id=visitor.tenant_id, robot_id=visitor.robot_id, user_id=visitor.user_id, visitor_key=visitor.key,
        open_key=key, channel=visitor.channel, origin_type=visitor.origin_type, chat_id=visitor.chat_id,
        chat_type=visitor.chat_type, title=visitor.title, created_at=now, last_active_at=now, state={},
    )
    try:
        with db.begin_nested():
            db.add(fresh)
    except IntegrityError:  # another request opened it first (PostgreSQL); use theirs
        winner = _current(db, key)
        if winner is None:
            raise
        return winner, closed
    return fresh, closed
