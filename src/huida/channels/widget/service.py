"""What a widget visitor may do, each through the service the open API uses: welcome, ask, rate, history.

Everything is scoped to the visitor (visitors.Visitor: one robot, one visitor id, the widget channel): an answer
of another visitor (or another robot, another tenant) is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.channels.widget.visitors import CHANNEL, Visitor
from huida.context import AppContext
from huida.conversation import easemob
from huida.conversation import reply as r
from huida.conversation.history import playback
from huida.conversation.models import ChatSession, Message
from huida.conversation.service import AskRequest, conversation_service
from huida.conversation.welcome import greeting_for
from huida.errors import not_found
from huida.feedback.models import AnswerFeedback
from huida.feedback.satisfaction import NewRating, rate_answer, rating_entity
from huida.feedback.thumbs import set_feedback

HISTORY_SESSIONS = 5  # the visitor's latest conversations replayed after a reload
ORIGIN_TYPE = "widget"


def welcome(ctx: AppContext, visitor: Visitor, welcome_menu: str | None) -> dict[str, Any]:
    """The robot's welcome and, when the key names one, the menu rule shown under it (nothing is stored)."""
    service = conversation_service(ctx)
    links = easemob.links(ctx, visitor.tenant_id)
    entity = easemob.welcome_entity(greeting_for(service, visitor.tenant_id, visitor.robot_id, None, ORIGIN_TYPE),
                                    links)
    entity["menu"] = _menu(ctx, visitor, welcome_menu, links) if welcome_menu else None
    return entity


def _menu(ctx: AppContext, visitor: Visitor, rule_id: str, links: easemob.Links) -> dict[str, Any] | None:
    service = conversation_service(ctx)
    view = service.robot_view(visitor.tenant_id, visitor.robot_id)
    rule = view.knowledge.rule(rule_id)
    answer = next((a for a in rule.answers if a.type == "MENU"), None) if rule else None
    if answer is None:  # the rule was deleted or changed since the key was made: the welcome alone
        return None
    with ctx.db.read() as session:
        menu = service.composer(session, view).answer(answer)
    return easemob.content(menu, links) if isinstance(menu, r.Menu) else None


def ask(ctx: AppContext, visitor: Visitor, question: str, kind: str, knowledge_id: str | None) -> dict[str, Any]:
    request = AskRequest(tenant_id=visitor.tenant_id, robot_id=visitor.robot_id, user_id=visitor.visitor_id,
                         question=question, type=kind, knowledge_id=knowledge_id, origin_type=ORIGIN_TYPE,
                         channel=CHANNEL, visitor_key=visitor.session_key)
    reply = conversation_service(ctx).ask(request)
    return easemob.entity(reply, easemob.links(ctx, visitor.tenant_id))


def _sessions(session: Session, visitor: Visitor, limit: int) -> list[str]:
    return list(session.scalars(select(ChatSession.id).where(
        ChatSession.tenant_id == visitor.tenant_id, ChatSession.robot_id == visitor.robot_id,
        ChatSession.channel == CHANNEL, ChatSession.user_id == visitor.visitor_id)
        .order_by(ChatSession.last_active_at.desc(), ChatSession.id).limit(limit)))


def history(ctx: AppContext, visitor: Visitor, size: int) -> list[dict[str, Any]]:
    """The visitor's latest `size` exchanges with the robot (its latest conversations), oldest first."""
    links = easemob.links(ctx, visitor.tenant_id)
    docs: list[dict[str, Any]] = []
    with ctx.db.read() as session:
        for session_id in _sessions(session, visitor, HISTORY_SESSIONS):
            found, _ = playback(session, visitor.tenant_id, visitor.robot_id, session_id, 0, size - len(docs), links)
            docs.extend(found)
            if len(docs) >= size:
                break
        rows = session.execute(select(AnswerFeedback.msg_id, AnswerFeedback.status).where(
            AnswerFeedback.msg_id.in_([d["msgId"] for d in docs]), AnswerFeedback.is_current.is_(True)))
        thumbs = {row.msg_id: row.status for row in rows}
    for doc in docs:  # the widget shows the thumb the visitor pressed before the reload
        doc["feedbackStatus"] = thumbs.get(doc["msgId"], "none")
    return sorted(docs, key=lambda d: (d["timestamp"], d["msgId"]))


def _own_answer(session: Session, visitor: Visitor, msg_id: str) -> Message:
    """A robot answer in one of this visitor's widget conversations, else 404."""
    answer = session.scalar(select(Message).join(ChatSession, ChatSession.id == Message.session_id).where(
        Message.id == msg_id[:64], Message.role == "robot", Message.tenant_id == visitor.tenant_id,
        Message.robot_id == visitor.robot_id, ChatSession.channel == CHANNEL,
        ChatSession.user_id == visitor.visitor_id))
    if answer is None:
        raise not_found("message", msg_id[:64])
    return answer


def thumbs(ctx: AppContext, visitor: Visitor, msg_id: str, status: str, reason: str | None) -> dict[str, Any]:
    with ctx.db.session() as session:
        answer = _own_answer(session, visitor, msg_id)
        change = set_feedback(session, tenant_id=visitor.tenant_id, robot_id=visitor.robot_id, msg_id=answer.id,
                              status=status, text=reason, user_id=visitor.visitor_id)
        current = change.current
        return {"msgId": answer.id, "feedbackStatus": current.status if current else status,
                "feedback": current.feedback if current else None, "changed": change.changed}


def rate(ctx: AppContext, visitor: Visitor, msg_id: str, solved: int, reason_tag: str | None,
         comment: str | None) -> dict[str, Any]:
    """The satisfaction rating of an answer that invited one (seed 004 §2.2.2), by its own visitor."""
    with ctx.db.session() as session:
        answer = _own_answer(session, visitor, msg_id)
        new = NewRating(session_id=answer.session_id, msg_id=answer.id, type=solved, reason_tag=reason_tag,
                        comment=comment, appraiser_name=visitor.visitor_id, source=CHANNEL)
        return rating_entity(rate_answer(session, visitor.tenant_id, visitor.robot_id, new))
