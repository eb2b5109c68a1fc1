"""The seed 003 feedback callback body (点赞踩回调), mapped from Huida's session and messages.

    botId           the robot id
    sessionId       the session id
    execId          the question message id: one id per exchange (question -> answer)
    triggerEvent    {triggerType "receive-text-message", sessionId, receiveTextMessage {text, role "user"},
                     history [{content [{type "text", text}], role "user"|"assistant"}]}: the session's
                     messages before the rated answer (the question included), oldest first, at most the
                     last HISTORY_MAX
    outputActions   [{type "send-text-message", status "send", payload {text: the answer as plain text},
                      nodeId: the knowledge rule that answered, or null}]
    feedbackStatus  none | thumb-up | thumb-down
    feedback        the thumb-down text, or null
    messageId       the rated answer's msgId
    receiverId      the robot id (who received the question)
    contactId       the visitor (the session's user id) in one-to-one chats, else null
    roomId          the group chat id in group chats, else null
Absent values are JSON null (the seed's JavaScript example shows them as `undefined`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message

HISTORY_MAX = 50  # bounds the body of a long conversation; receivers want the recent context
ROLES = {"visitor": "user", "robot": "assistant", "agent": "assistant"}


def history(session: Session, answer: Message) -> list[dict[str, Any]]:
    # Two columns, not whole messages: this runs inside the rating's transaction.
    rows = session.execute(select(Message.role, Message.text)
                           .where(Message.session_id == answer.session_id, Message.seq < answer.seq)
                           .order_by(Message.seq.desc()).limit(HISTORY_MAX)).all()
    return [{"content": [{"type": "text", "text": text}], "role": ROLES.get(role, "assistant")}
            for role, text in reversed(rows)]


def callback_body(session: Session, chat: ChatSession, answer: Message, question: Message | None, status: str,
                  text: str | None) -> dict[str, Any]:
    group = chat.chat_type == "group"
    return {
        "botId": chat.robot_id,
        "sessionId": chat.id,
        "execId": question.id if question else answer.id,
        "triggerEvent": {
            "triggerType": "receive-text-message",
            "sessionId": chat.id,
            "receiveTextMessage": {"text": question.text if question else "", "role": "user"},
            "history": history(session, answer),
        },
        "outputActions": [{"type": "send-text-message", "status": "send", "payload": {"text": answer.text},
                           "nodeId": answer.rule_id}],
        "feedbackStatus": status,
        "feedback": text,
        "messageId": answer.id,
        "receiverId": chat.robot_id,
        "contactId": None if group else chat.user_id,
        "roomId": chat.chat_id if group else None,
    }
