"""Satisfaction per answer (§2.2.2–§2.2.4): solved (type 1) or not solved (type 2, with reason tags).

One rating per answer: a second rating of the same msgId replaces the first. Each rating emits a
`satisfaction` webhook event in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huida.conversation.models import Message
from huida.conversation.stored import seed_content
from huida.db import now_ms
from huida.errors import bad_request
from huida.feedback.defaults import ensure_defaults
from huida.feedback.lookup import question_of, robot_answer, robot_session
from huida.feedback.models import SatisfactionRating, SatisfactionTag
from huida.feedback.names import split_names, unknown_names
from huida.robots.service import get_robot
from huida.timefmt import format_datetime
from huida.webhooks import emit_event

EVENT = "satisfaction"
SOLVED, NOT_SOLVED = 1, 2


@dataclass(frozen=True)
class NewRating:
    session_id: str
    msg_id: str
    type: int
    reason_tag: str | None = None
    comment: str | None = None
    access_id: str | None = None
    appraiser_name: str | None = None
    source: str | None = None


def _check_reasons(session: Session, robot_id: str, rating_type: int, reason_tag: str | None) -> list[str]:
    names = split_names(reason_tag)
    if rating_type == SOLVED:
        if names:
            raise bad_request("reasonTag is only for type 2 (not solved)")
        return []
    known = set(session.scalars(select(SatisfactionTag.name).where(SatisfactionTag.robot_id == robot_id)))
    unknown = unknown_names(names, known)
    if unknown:
        raise bad_request(f"unknown reason tag(s): {', '.join(unknown)}", "UNKNOWN_TAG")
    return names


def rate_answer(session: Session, tenant_id: int, robot_id: str, new: NewRating) -> SatisfactionRating:
    """Validates, stores (or replaces) the answer's rating and emits the event (caller's transaction)."""
    get_robot(session, tenant_id, robot_id)
    if new.type not in (SOLVED, NOT_SOLVED):
        raise bad_request("type must be 1 (solved) or 2 (not solved)")
    chat = robot_session(session, tenant_id, robot_id, new.session_id, lock=True)
    answer = robot_answer(session, tenant_id, robot_id, new.msg_id, session_id=chat.id)
    ensure_defaults(session, tenant_id, robot_id)
    names = _check_reasons(session, robot_id, new.type, new.reason_tag)
    row = session.scalar(select(SatisfactionRating).where(SatisfactionRating.msg_id == answer.id))
    replaced = row is not None
    if row is None:
        row = SatisfactionRating(tenant_id=tenant_id, robot_id=robot_id, session_id=chat.id, msg_id=answer.id)
        session.add(row)
    row.type, row.reasons = new.type, names
    row.reason_tag = ((new.reason_tag or "").strip() or None) if names else None
    row.access_id, row.appraiser_name, row.comment, row.source = (new.access_id, new.appraiser_name, new.comment,
                                                                  new.source)
    row.created_at = now_ms()
    session.flush()
    emit_event(session, tenant_id=tenant_id, robot_id=robot_id, event=EVENT,
               body=event_body(row, answer, question_of(session, answer), replaced), order_key=chat.id)
    return row


def list_ratings(session: Session, tenant_id: int, robot_id: str, session_id: str, *, rating_type: int | None,
                 page: int, size: int) -> tuple[list[tuple[SatisfactionRating, Message]], int]:
    """The session's ratings, newest first, each with the answer it rates."""
    get_robot(session, tenant_id, robot_id)
    chat = robot_session(session, tenant_id, robot_id, session_id)
    where = [SatisfactionRating.session_id == chat.id]
    if rating_type is not None:
        where.append(SatisfactionRating.type == rating_type)
    total = session.scalar(select(func.count()).select_from(SatisfactionRating).where(*where)) or 0
    rows = session.execute(select(SatisfactionRating, Message).join(Message, Message.id == SatisfactionRating.msg_id)
                           .where(*where).order_by(SatisfactionRating.created_at.desc(), SatisfactionRating.id.desc())
                           .offset(page * size).limit(size)).all()
    return [(rating, message) for rating, message in rows], total


def rating_entity(row: SatisfactionRating) -> dict[str, Any]:
    """The seed's §2.2.2 entity."""
    return {
        "id": row.id, "tenantId": row.tenant_id, "robotId": row.robot_id, "sessionId": row.session_id,
        "accessId": row.access_id, "type": row.type, "msgId": row.msg_id, "reasonTag": row.reason_tag,
        "source": row.source, "appraiserName": row.appraiser_name, "createDateTime": format_datetime(row.created_at),
    }


def listed_entity(row: SatisfactionRating, answer: Message) -> dict[str, Any]:
    """The seed's §2.2.4 entity: epoch-ms createDateTime and the rated answer's content as msgBody."""
    return {
        "id": row.id, "tenantId": row.tenant_id, "robotId": row.robot_id, "sessionId": row.session_id,
        "accessId": row.access_id, "msgId": row.msg_id, "reasonTag": row.reason_tag, "source": row.source,
        "type": row.type, "appraiserName": row.appraiser_name, "createDateTime": row.created_at,
        "msgBody": seed_content(answer),
    }


def event_body(row: SatisfactionRating, answer: Message, question: Message | None, replaced: bool) -> dict[str, Any]:
    """The `satisfaction` event: the §2.2.2 entity plus what was rated (question, answer) and when."""
    return {
        "event": EVENT, **rating_entity(row), "comment": row.comment, "reasonTags": list(row.reasons),
        "replaced": replaced, "question": question.text if question else None, "msgBody": seed_content(answer),
        "knowledgeId": answer.rule_id, "timestamp": row.created_at,
    }
