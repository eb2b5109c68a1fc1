"""Session comments (§2.1.3, §2.1.4): a star score, tags of that score's level, and a text.

A later comment for the same session becomes the current one; the earlier stays (not current) for
statistics. Each comment emits a `comment` webhook event in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huida.db import now_ms
from huida.errors import NotPermitted, bad_request
from huida.feedback.defaults import ensure_defaults
from huida.feedback.lookup import robot_session
from huida.feedback.models import CommentTag, SessionComment
from huida.feedback.names import split_names, unknown_names
from huida.feedback.options import evaluation_enabled
from huida.feedback.tags import ENABLE, SCORES, level_for_score
from huida.robots.service import get_robot
from huida.timefmt import format_datetime
from huida.webhooks import emit_event

EVENT = "comment"


@dataclass(frozen=True)
class NewComment:
    session_id: str
    score: int
    tag: str | None = None
    comment: str | None = None
    access_id: str | None = None
    appraiser_name: str | None = None
    source: str | None = None


def _check_tags(session: Session, robot_id: str, score: int, tag: str | None) -> list[str]:
    names = split_names(tag)
    if not names:
        return []
    level = level_for_score(session, robot_id, score)
    known: set[str] = set()
    if level is not None and level.status == ENABLE:
        known = set(session.scalars(select(CommentTag.name).where(CommentTag.level_id == level.id)))
    unknown = unknown_names(names, known)
    if unknown:
        raise bad_request(f"unknown tag(s) for score {score}: {', '.join(unknown)}", "UNKNOWN_TAG")
    return names


def add_comment(session: Session, tenant_id: int, robot_id: str, new: NewComment) -> SessionComment:
    """Validates, stores the comment as the session's current one and emits the event (caller's transaction)."""
    robot = get_robot(session, tenant_id, robot_id)
    if not evaluation_enabled(robot):
        raise NotPermitted("EVALUATION_DISABLED",
                       "session comments are switched off for this robot (option evaluateSwitch is false)")
    if new.score not in SCORES:
        raise bad_request("score must be 1-5")
    chat = robot_session(session, tenant_id, robot_id, new.session_id, lock=True)
    ensure_defaults(session, tenant_id, robot_id)
    names = _check_tags(session, robot_id, new.score, new.tag)
    earlier = session.scalar(select(SessionComment.id).where(SessionComment.session_id == chat.id,
                                                             SessionComment.is_current.is_(True)))
    if earlier is not None:
        session.execute(update(SessionComment).where(SessionComment.id == earlier).values(is_current=False))
    row = SessionComment(tenant_id=tenant_id, robot_id=robot_id, session_id=chat.id, access_id=new.access_id,
                         appraiser_name=new.appraiser_name, comment=new.comment, score=new.score,
                         source=new.source, tag=(new.tag or "").strip() or None, tags=names, is_current=True,
                         created_at=now_ms())
    session.add(row)
    session.flush()
    emit_event(session, tenant_id=tenant_id, robot_id=robot_id, event=EVENT, body=event_body(row, earlier),
               order_key=chat.id)
    return row


def current_comment(session: Session, tenant_id: int, robot_id: str, session_id: str) -> SessionComment | None:
    chat = robot_session(session, tenant_id, robot_id, session_id)
    return session.scalar(select(SessionComment).where(SessionComment.session_id == chat.id,
                                                       SessionComment.is_current.is_(True)))


def comment_entity(row: SessionComment) -> dict[str, Any]:
    """The seed's §2.1.3 entity."""
    return {
        "id": row.id, "tenantId": row.tenant_id, "robotId": row.robot_id, "sessionId": row.session_id,
        "accessId": row.access_id, "appraiserName": row.appraiser_name, "comment": row.comment, "score": row.score,
        "source": row.source, "tag": row.tag, "createDateTime": format_datetime(row.created_at),
    }


def event_body(row: SessionComment, replaced_id: int | None) -> dict[str, Any]:
    """The `comment` event: the §2.1.3 entity plus the tag names, what it replaced, and when."""
    return {"event": EVENT, **comment_entity(row), "tags": list(row.tags), "replacedCommentId": replaced_id,
            "timestamp": row.created_at}
