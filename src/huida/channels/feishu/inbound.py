"""Taking an authenticated Feishu event in, for both the HTTP callback and the long connection.

Nothing here calls Feishu or asks the robot: an event is deduped (by event id, and by message id for
messages) and turned into a delivery row plus an outbox job in one transaction, so the callback answers at
once and the reply survives any crash. Card clicks answer with a toast; the new message follows from the job.
"""

from __future__ import annotations

import logging
from typing import Any

from huida.channels.feishu import cards, deliveries, feedback, texts
from huida.channels.feishu import jobs as _jobs  # noqa: F401  (registers the reply job type)
from huida.channels.feishu.apps import ChannelInfo
from huida.channels.feishu.deliveries import Inbound
from huida.channels.feishu.events import (
    CARD_ACTION,
    MESSAGE_RECEIVED,
    CardClick,
    MalformedEvent,
    ReceivedMessage,
    header_of,
    mentions_bot,
    parse_click,
    parse_message,
    question_text,
    raw_text,
)
from huida.channels.feishu.seen import first_time, maybe_prune
from huida.channels.feishu.verify import URL_VERIFICATION, Rejection
from huida.db import Database
from huida.safetext import REFUSED, strip_refused

log = logging.getLogger("huida.feishu")

ACK: dict[str, Any] = {"msg": "success"}


def handle(db: Database, channel: ChannelInfo, payload: dict[str, Any]) -> dict[str, Any]:
    """The answer to an authenticated payload (a challenge, an ack, or a card toast); Rejection if malformed."""
    if payload.get("type") == URL_VERIFICATION:
        challenge = payload.get("challenge")
        if not isinstance(challenge, str):
            raise Rejection(400, "malformed url_verification: no challenge")
        return {"challenge": challenge}
    if payload.get("schema") != "2.0":
        log.info("feishu channel %s: ignored a schema 1.0 event", channel.channel_id)
        return ACK
    try:
        return _dispatch(db, channel, payload)
    except MalformedEvent as exc:
        raise Rejection(400, f"malformed event: {exc}") from exc


def _dispatch(db: Database, channel: ChannelInfo, payload: dict[str, Any]) -> dict[str, Any]:
    event_type, _event_id = header_of(payload)
    app_id = payload["header"].get("app_id")
    if app_id and app_id != channel.app_id:
        raise Rejection(400, "event of another app")
    if not channel.enabled:
        return ACK if event_type != CARD_ACTION else {}
    if event_type == MESSAGE_RECEIVED:
        return receive_message(db, channel, parse_message(payload))
    if event_type == CARD_ACTION:
        return receive_click(db, channel, parse_click(payload))
    log.debug("feishu channel %s: acknowledged unhandled event %s", channel.channel_id, event_type)
    return ACK


def _addressed(channel: ChannelInfo, message: ReceivedMessage) -> bool:
    """False when the message is surely not for the robot. A group message counts only if it @-mentions
    the bot; while the bot's open_id is not known yet, the job decides (it may call Feishu, this may not)."""
    if message.sender_type != "user":
        return False
    if message.chat_type == "p2p":
        return True
    if not message.mentions:
        return False
    return channel.bot_open_id is None or mentions_bot(message.mentions, channel.bot_open_id)


def receive_message(db: Database, channel: ChannelInfo, message: ReceivedMessage) -> dict[str, Any]:
    if not _addressed(channel, message):
        return ACK
    text = raw_text(message)
    inbound = Inbound(
        kind="message", event_id=message.event_id, source_message_id=message.message_id, chat_id=message.chat_id,
        chat_type=message.chat_type, open_id=message.open_id,
        question=question_text(text, message.mentions, channel.bot_open_id),
        request={"messageType": message.message_type, "text": text,
                 "mentions": [[m.key, m.open_id, m.name] for m in message.mentions]},
    )
    with db.session() as session:
        # Both keys in the transaction of the job: recorded if and only if the reply is owed.
        if not first_time(session, channel.pk, f"event:{message.event_id}"):
            return ACK
        if not first_time(session, channel.pk, f"message:{message.message_id}"):
            return ACK
        deliveries.create(session, channel, inbound)
    maybe_prune(db)
    return ACK


def receive_click(db: Database, channel: ChannelInfo, click: CardClick) -> dict[str, Any]:
    action = click.value.get("a")
    if action == cards.MENU:
        return _menu_click(db, channel, click)
    if action == cards.FEEDBACK:
        with db.session() as session:
            if not first_time(session, channel.pk, f"event:{click.event_id}"):
                return {}
        return feedback.record_thumb(db, channel, click.open_id, click.value)
    return {}


def _menu_click(db: Database, channel: ChannelInfo, click: CardClick) -> dict[str, Any]:
    knowledge_id, label = click.value.get("k"), strip_refused(str(click.value.get("t") or ""))[:100]
    if not isinstance(knowledge_id, str) or not knowledge_id or len(knowledge_id) > 200 or REFUSED.search(knowledge_id):
        return texts.toast("error", texts.INVALID_ACTION)
    chat_type = click.value["ct"] if click.value.get("ct") in ("p2p", "group") else "group"
    inbound = Inbound(kind="click", event_id=click.event_id, source_message_id=click.message_id,
                      chat_id=click.chat_id, chat_type=chat_type, open_id=click.open_id, question=label,
                      request={"knowledgeId": knowledge_id, "label": label})
    with db.session() as session:
        if not first_time(session, channel.pk, f"event:{click.event_id}"):
            return {}
        deliveries.create(session, channel, inbound)
    return texts.toast("success", texts.chosen(label))
