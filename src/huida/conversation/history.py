"""Session history playback (seed 004 §5.1): question/answer pairs of a session, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from huida.conversation.easemob import Links
from huida.conversation.models import ChatSession, Message
from huida.conversation.stored import seed_content
from huida.errors import not_found


def _doc(answer: Message, question: Message | None, chat: ChatSession, links: Links) -> dict[str, Any]:
    return {
        "docId": question.id if question else answer.id, "msgId": answer.id, "tenantId": chat.tenant_id,
        "userId": chat.user_id, "robotId": chat.robot_id, "knowledgeId": answer.knowledge_id,
        "questionType": answer.question_type or "TEXT", "question": question.text if question else "",
        "sessionId": chat.id, "answerMediaType": answer.media_type, "answerSourceType": answer.answer_source,
        "robotResponseBody": seed_content(answer, links), "answerMatchType": answer.answer_type,
        "createDateTime": answer.created_at, "timestamp": answer.created_at,
    }


def playback(db: Session, tenant_id: int, robot_id: str, session_id: str, page: int,
             size: int, links: Links) -> tuple[list[dict[str, Any]], int]:
    chat = db.scalar(select(ChatSession).where(ChatSession.id == session_id, ChatSession.tenant_id == tenant_id,
                                               ChatSession.robot_id == robot_id))
    if chat is None:
        raise not_found("session", session_id)
    answers = select(Message).where(Message.session_id == chat.id, Message.role == "robot")
    total = db.scalar(select(func.count()).select_from(answers.subquery())) or 0
    question = aliased(Message)
    rows = db.execute(
        select(Message, question).outerjoin(question, question.id == Message.reply_to)
        .where(Message.session_id == chat.id, Message.role == "robot")
        .order_by(Message.seq.desc()).offset(page * size).limit(size)
    ).all()
    return [_doc(answer, q, chat, links) for answer, q in rows], total
