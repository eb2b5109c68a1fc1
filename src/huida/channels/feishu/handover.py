"""The `transfer-human` webhook event of a Feishu visitor handed over to a human agent.

The Feishu channel asks with `handover_event="channel"`: it emits the event itself from the reply job, once
per delivery and only once the handover prompt really reached the visitor, with the conversation's body
(huida.conversation.events) plus a `feishu` object of Feishu ids.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.channels.feishu.apps import ChannelInfo
from huida.channels.feishu.models import FeishuDelivery
from huida.conversation.events import emit_transfer_human
from huida.conversation.models import ChatSession, Message
from huida.conversation.reply import Reply


def emit_once(session: Session, delivery: FeishuDelivery, channel: ChannelInfo, reply: Reply) -> None:
    """Emits the event for a handover answer, once per delivery (the flag commits with the event)."""
    if not reply.handover or delivery.handover_emitted:
        return
    answer = session.scalar(select(Message).where(Message.id == reply.msg_id))
    chat = session.get(ChatSession, answer.session_id) if answer is not None else None
    if answer is None or chat is None:
        return
    question = session.scalar(select(Message).where(Message.id == answer.reply_to)) if answer.reply_to else None
    ids = {"channelId": channel.channel_id, "appId": channel.app_id, "chatId": delivery.chat_id,
           "chatType": delivery.chat_type, "openId": delivery.open_id, "messageId": delivery.source_message_id,
           "eventId": delivery.event_id}
    emit_transfer_human(session, chat, question, answer, {"feishu": ids})
    delivery.handover_emitted = True
