"""Webhook events of the conversation itself: a transfer to a human, its receipt, an idle session closed.

Called in the transaction of the change: by the conversation service, receipts and sessions, and by a channel
that tells the visitor about the handover itself (it asks with `AskRequest.handover_event="channel"` and emits
transfer-human once its message really went out, adding its own ids under its name). Each body is built
here, once. Event bodies are documented in docs/events.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.conversation.stored import seed_content
from huida.db import now_ms
from huida.webhooks import emit_event

TRANSFER_HUMAN, TRANSFER_CONFIRMATION, SESSION_CLOSED = "transfer-human", "transfer-confirmation", "session-closed"


def transfer_human_body(chat: ChatSession, question: Message | None, answer: Message) -> dict[str, Any]:
    return {
        "event": TRANSFER_HUMAN, "tenantId": chat.tenant_id, "robotId": chat.robot_id, "sessionId": chat.id,
        "msgId": answer.id, "questionId": question.id if question else None,
        "userId": question.sender_id if question else chat.user_id, "question": question.text if question else None,
        "answerSource": answer.answer_source, "subType": answer.sub_type, "content": seed_content(answer),
        "knowledgeId": answer.rule_id, "channel": chat.channel, "originType": chat.origin_type,
        "chatId": chat.chat_id, "chatType": chat.chat_type, "timestamp": answer.created_at,
    }


def emit_transfer_human(session: Session, chat: ChatSession, question: Message | None, answer: Message,
                        channel_ids: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """A transfer-to-human answer was given (the handover starts); `channel_ids`: {channel: its ids}."""
    body = {**transfer_human_body(chat, question, answer), **(channel_ids or {})}
    return emit_event(session, tenant_id=chat.tenant_id, robot_id=chat.robot_id, event=TRANSFER_HUMAN, body=body,
                      order_key=chat.id)


def emit_transfer_confirmation(session: Session, chat: ChatSession, answer: Message, result: str,
                               access_id: str | None) -> list[str]:
    """The integrator reported how the handover went (seed 004 §1.6)."""
    body = {
        "event": TRANSFER_CONFIRMATION, "tenantId": chat.tenant_id, "robotId": chat.robot_id, "sessionId": chat.id,
        "msgId": answer.id, "accessId": access_id, "result": result, "handover": chat.handover,
        "timestamp": now_ms(),
    }
    return emit_event(session, tenant_id=chat.tenant_id, robot_id=chat.robot_id, event=TRANSFER_CONFIRMATION,
                      body=body, order_key=chat.id)


def session_closed_body(chat: ChatSession, reason: str) -> dict[str, Any]:
    return {
        "event": SESSION_CLOSED, "tenantId": chat.tenant_id, "robotId": chat.robot_id, "sessionId": chat.id,
        "userId": chat.user_id, "channel": chat.channel, "originType": chat.origin_type, "chatId": chat.chat_id,
        "chatType": chat.chat_type, "reason": reason, "questionCount": chat.question_count,
        "handover": chat.handover, "startTime": chat.created_at, "lastActiveTime": chat.last_active_at,
        "closeTime": chat.closed_at, "timestamp": chat.closed_at,
    }


def emit_session_closed(session: Session, chat: ChatSession, reason: str = "idle") -> list[str]:
    """A session was closed (today: idle longer than the robot's sessionTimeoutMinutes, noticed when the
    visitor speaks again)."""
    return emit_event(session, tenant_id=chat.tenant_id, robot_id=chat.robot_id, event=SESSION_CLOSED,
                      body=session_closed_body(chat, reason), order_key=chat.id)
