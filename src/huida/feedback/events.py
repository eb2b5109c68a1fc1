"""Webhook events of the conversation itself: a transfer to a human, its receipt, an idle session closed.

Called by huida.conversation (service, receipts, sessions) in the transaction of the change. Event bodies
are documented in docs/events.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.db import now_ms
from huida.webhooks import emit_event

TRANSFER_HUMAN, TRANSFER_CONFIRMATION, SESSION_CLOSED = "transfer-human", "transfer-confirmation", "session-closed"
# Channels that emit transfer-human themselves once the handover prompt really reached the visitor, with
# their own ids (huida.channels.feishu.handover); the conversation service leaves those to them.
CHANNELS_WITH_OWN_HANDOVER_EVENT = frozenset({"feishu"})


def emit_transfer_human(session: Session, chat: ChatSession, question: Message, answer: Message) -> list[str]:
    """A transfer-to-human answer was given (the handover starts)."""
    if chat.channel in CHANNELS_WITH_OWN_HANDOVER_EVENT:
        return []
    body = {
        "event": TRANSFER_HUMAN, "tenantId": chat.tenant_id, "robotId": chat.robot_id, "sessionId": chat.id,
        "msgId": answer.id, "questionId": question.id, "userId": question.sender_id, "question": question.text,
        "answerSource": answer.answer_source, "subType": answer.sub_type, "content": answer.body,
        "knowledgeId": answer.rule_id, "channel": chat.channel, "originType": chat.origin_type,
        "chatId": chat.chat_id, "chatType": chat.chat_type, "timestamp": answer.created_at,
    }
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
