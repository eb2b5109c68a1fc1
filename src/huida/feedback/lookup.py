"""Finding what a rating is about: the robot's session and its answer, only within tenant and robot.

A session or message of another robot or tenant is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.errors import bad_request, not_found

MAX_ID = 64  # longer ids cannot exist; refusing them early keeps the database out of it


def _check_id(what: str, value: str) -> str:
    if not value or len(value) > MAX_ID:
        raise bad_request(f"{what} must be 1-{MAX_ID} characters")
    return value


def robot_session(session: Session, tenant_id: int, robot_id: str, session_id: str, *,
                  lock: bool = False) -> ChatSession:
    """The robot's session. `lock` serialises ratings of one conversation (PostgreSQL; SQLite's write
    lock already does) so that "replace the current one" never leaves two current rows."""
    query = select(ChatSession).where(ChatSession.id == _check_id("sessionId", session_id),
                                      ChatSession.tenant_id == tenant_id, ChatSession.robot_id == robot_id)
    chat = session.scalar(query.with_for_update() if lock else query)
    if chat is None:
        raise not_found("session", session_id)
    return chat


def robot_answer(session: Session, tenant_id: int, robot_id: str, msg_id: str,
                 session_id: str | None = None) -> Message:
    """A robot answer of the robot (in `session_id` when given)."""
    query = select(Message).where(Message.id == _check_id("msgId", msg_id), Message.tenant_id == tenant_id,
                                  Message.robot_id == robot_id, Message.role == "robot")
    if session_id is not None:
        query = query.where(Message.session_id == session_id)
    answer = session.scalar(query)
    if answer is None:
        raise not_found("message", msg_id)
    return answer


def question_of(session: Session, answer: Message) -> Message | None:
    """The visitor message the answer replies to."""
    if answer.reply_to is None:
        return None
    return session.scalar(select(Message).where(Message.id == answer.reply_to))
