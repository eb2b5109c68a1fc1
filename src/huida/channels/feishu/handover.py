"""The `transfer-human` webhook event of a Feishu visitor handed over to a human agent.

The conversation service leaves this event to the Feishu channel (huida.feedback.events
CHANNELS_WITH_OWN_HANDOVER_EVENT): the channel emits it from the reply job, once per delivery, with the same
body as the service's (see huida.feedback.events.emit_transfer_human) plus a `feishu` object of Feishu ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.channels.feishu.apps import ChannelInfo
from huida.channels.feishu.models import FeishuDelivery
from huida.conversation.models import ChatSession, Message
from huida.webhooks import emit_event

EVENT = "transfer-human"


def _body(chat: ChatSession, question: Message | None, answer: Message, delivery: FeishuDelivery,
          channel: ChannelInfo) -> dict[str, Any]:
    return {
        "event": EVENT, "tenantId": chat.tenant_id, "robotId": chat.robot_id, "sessionId": chat.id,
        "msgId": answer.id, "questionId": question.id if question else None,
        "userId": question.sender_id if question else chat.user_id, "question": question.text if question else None,
        "answerSource": answer.answer_source, "subType": answer.sub_type, "content": answer.body,
        "knowledgeId": answer.rule_id, "channel": chat.channel, "originType": chat.origin_type,
        "chatId": chat.chat_id, "chatType": chat.chat_type, "timestamp": answer.created_at,
        "feishu": {"channelId": channel.channel_id, "appId": channel.app_id, "chatId": delivery.chat_id,
                   "chatType": delivery.chat_type, "openId": delivery.open_id,
                   "messageId": delivery.source_message_id, "eventId": delivery.event_id},
    }


def emit_once(session: Session, delivery: FeishuDelivery, channel: ChannelInfo, entity: dict[str, Any]) -> None:
    """Emits the event for a human answer, once per delivery (the flag commits with the event)."""
    if (entity.get("content") or {}).get("type") != "human" or delivery.handover_emitted:
        return
    answer = session.scalar(select(Message).where(Message.id == entity.get("msgId")))
    chat = answer and session.get(ChatSession, answer.session_id)
    if answer is None or chat is None:
        return
    question = session.scalar(select(Message).where(Message.id == answer.reply_to)) if answer.reply_to else None
    emit_event(session, tenant_id=channel.tenant_id, robot_id=channel.robot_id, event=EVENT,
               body=_body(chat, question, answer, delivery, channel), order_key=chat.id)
    delivery.handover_emitted = True
