"""Thumbs up / down on a robot answer (seed 003): every change is recorded and emits a `feedback` event.

`set_feedback` is the one way in, for the open API and for channels (the Feishu card buttons).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.db import now_ms
from huida.errors import bad_request
from huida.feedback.callback import callback_body
from huida.feedback.lookup import question_of, robot_answer
from huida.feedback.models import AnswerFeedback
from huida.robots.service import get_robot
from huida.timefmt import format_datetime
from huida.webhooks import emit_event

EVENT = "feedback"
NONE, THUMB_UP, THUMB_DOWN = "none", "thumb-up", "thumb-down"
STATUSES = (NONE, THUMB_UP, THUMB_DOWN)
MAX_TEXT = 1000
MAX_HISTORY_PAGE = 100  # changes listed at a time (GET .../feedback, `size`)


@dataclass(frozen=True)
class FeedbackChange:
    """The answer's feedback after the call (`current` is None when it never had any), whether the call
    changed it (a repeated click changes nothing, records nothing and emits nothing) and the deliveries."""

    current: AnswerFeedback | None
    changed: bool
    delivery_ids: list[str] = field(default_factory=list)


def clean_input(status: str, text: str | None) -> str | None:
    if status not in STATUSES:
        raise bad_request(f"feedbackStatus must be one of {', '.join(STATUSES)}")
    text = (text or "").strip() or None
    if text is not None and status != THUMB_DOWN:
        raise bad_request("feedback text is only accepted with thumb-down")
    if text is not None and len(text) > MAX_TEXT:
        raise bad_request(f"feedback must be at most {MAX_TEXT} characters")
    return text


def current_feedback(session: Session, msg_id: str) -> AnswerFeedback | None:
    return session.scalar(select(AnswerFeedback).where(AnswerFeedback.msg_id == msg_id,
                                                       AnswerFeedback.is_current.is_(True)))


def set_feedback(session: Session, *, tenant_id: int, robot_id: str, msg_id: str, status: str,
                 text: str | None = None, user_id: str | None = None) -> FeedbackChange:
    """Sets the feedback on robot answer `msg_id`, in the caller's transaction (with its event).

    Raises DomainError: 400 for a bad status or text, 404 for a robot, or an answer of that robot, not found.
    `user_id` is who clicked (defaults to the session's visitor).
    """
    text = clean_input(status, text)
    get_robot(session, tenant_id, robot_id)
    answer = robot_answer(session, tenant_id, robot_id, msg_id)
    # One change at a time per conversation, so two clicks never leave two current rows.
    chat = session.scalar(select(ChatSession).where(ChatSession.id == answer.session_id).with_for_update())
    assert chat is not None
    current = current_feedback(session, answer.id)
    before = (current.status, current.feedback) if current else (NONE, None)
    if before == (status, text):
        return FeedbackChange(current, False)
    if current is not None:
        session.execute(update(AnswerFeedback).where(AnswerFeedback.id == current.id).values(is_current=False))
    question = question_of(session, answer)
    row = _record(session, chat, answer, question, status, text, user_id)
    body = callback_body(session, chat, answer, question, status, text)
    ids = emit_event(session, tenant_id=tenant_id, robot_id=robot_id, event=EVENT, body=body, order_key=chat.id)
    return FeedbackChange(row, True, ids)


def _record(session: Session, chat: ChatSession, answer: Message, question: Message | None, status: str,
            text: str | None, user_id: str | None) -> AnswerFeedback:
    row = AnswerFeedback(tenant_id=chat.tenant_id, robot_id=chat.robot_id, session_id=chat.id, msg_id=answer.id,
                         question_id=question.id if question else None,
                         question_text=question.text if question else None,
                         rule_id=answer.rule_id, status=status, feedback=text, user_id=user_id or chat.user_id,
                         is_current=True, created_at=now_ms())
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class History:
    current: AnswerFeedback | None
    rows: list[AnswerFeedback]  # one page of the changes, oldest first
    total: int  # changes in all


def feedback_history(session: Session, tenant_id: int, robot_id: str, msg_id: str, page: int = 0,
                     size: int = MAX_HISTORY_PAGE) -> History:
    """The answer's current feedback and page `page` of its changes: a visitor may click as often as they
    like, and every click is a row, so the changes are listed a bounded page at a time."""
    get_robot(session, tenant_id, robot_id)
    answer = robot_answer(session, tenant_id, robot_id, msg_id)
    changes = select(AnswerFeedback).where(AnswerFeedback.msg_id == answer.id)
    total = session.scalar(select(func.count()).select_from(changes.subquery())) or 0
    rows = session.scalars(changes.order_by(AnswerFeedback.id).offset(page * size).limit(size))
    return History(current_feedback(session, answer.id), list(rows), total)


def feedback_entity(row: AnswerFeedback) -> dict[str, Any]:
    return {
        "id": row.id, "tenantId": row.tenant_id, "robotId": row.robot_id, "sessionId": row.session_id,
        "msgId": row.msg_id, "feedbackStatus": row.status, "feedback": row.feedback, "userId": row.user_id,
        "current": row.is_current, "createDateTime": format_datetime(row.created_at),
    }
