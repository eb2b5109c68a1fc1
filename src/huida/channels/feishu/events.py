"""Reading Feishu's schema 2.0 events: a received message (im.message.receive_v1) and a card click
(card.action.trigger). Pure functions over the plaintext payload; a payload missing what Huida needs is a
MalformedEvent (answered 400)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from huida.safetext import REFUSED, strip_refused

MESSAGE_RECEIVED = "im.message.receive_v1"
CARD_ACTION = "card.action.trigger"
TEXT_TYPES = ("text", "post")
# Kinds that carry no text: answered with a polite "text only".
MEDIA_TYPES = ("image", "file", "audio", "media", "sticker")
MAX_QUESTION = 2000


class MalformedEvent(ValueError):
    pass


@dataclass(frozen=True)
class Mention:
    key: str  # "@_user_1" in the text
    open_id: str
    name: str


@dataclass(frozen=True)
class ReceivedMessage:
    event_id: str
    message_id: str
    chat_id: str
    chat_type: str  # p2p | group
    message_type: str
    content: dict[str, Any]
    mentions: tuple[Mention, ...]
    open_id: str  # the sender
    sender_type: str
    app_id: str | None


@dataclass(frozen=True)
class CardClick:
    event_id: str
    open_id: str
    value: dict[str, Any]
    message_id: str  # the card's message
    chat_id: str
    app_id: str | None


def _text(value: Any, what: str, required: bool = True) -> str:
    # An id with a character Huida never stores (huida/safetext.py) cannot be one Feishu issued.
    if isinstance(value, str) and value and not REFUSED.search(value):
        return value
    if required:
        raise MalformedEvent(f"missing {what}")
    return ""


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedEvent(f"missing {what}")
    return value


def header_of(payload: dict[str, Any]) -> tuple[str, str]:
    """(event_type, event_id) of a schema 2.0 payload."""
    header = _dict(payload.get("header"), "header")
    return _text(header.get("event_type"), "header.event_type"), _text(header.get("event_id"), "header.event_id")


def _mentions(raw: Any) -> tuple[Mention, ...]:
    found = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            ids = item["id"] if isinstance(item.get("id"), dict) else {}
            name = strip_refused(str(item.get("name") or ""))
            found.append(Mention(strip_refused(item["key"]), strip_refused(str(ids.get("open_id") or "")), name))
    return tuple(found)


def parse_message(payload: dict[str, Any]) -> ReceivedMessage:
    _, event_id = header_of(payload)
    event = _dict(payload.get("event"), "event")
    message = _dict(event.get("message"), "event.message")
    sender = _dict(event.get("sender"), "event.sender")
    sender_id = sender["sender_id"] if isinstance(sender.get("sender_id"), dict) else {}
    try:
        content = json.loads(_text(message.get("content"), "event.message.content"))
    except ValueError as exc:
        raise MalformedEvent("event.message.content is not JSON") from exc
    chat_type = _text(message.get("chat_type"), "event.message.chat_type")
    return ReceivedMessage(
        event_id=event_id,
        message_id=_text(message.get("message_id"), "event.message.message_id"),
        chat_id=_text(message.get("chat_id"), "event.message.chat_id"),
        chat_type="group" if chat_type != "p2p" else "p2p",
        message_type=_text(message.get("message_type"), "event.message.message_type"),
        content=content if isinstance(content, dict) else {},
        mentions=_mentions(message.get("mentions")),
        open_id=_text(sender_id.get("open_id"), "event.sender.sender_id.open_id"),
        sender_type=str(sender.get("sender_type") or "user"),
        app_id=(payload.get("header") or {}).get("app_id"),
    )


def parse_click(payload: dict[str, Any]) -> CardClick:
    _, event_id = header_of(payload)
    event = _dict(payload.get("event"), "event")
    operator = _dict(event.get("operator"), "event.operator")
    action = _dict(event.get("action"), "event.action")
    context = _dict(event.get("context"), "event.context")
    value = action.get("value")
    if isinstance(value, str):  # a button may carry a JSON string instead of an object
        try:
            value = json.loads(value)
        except ValueError:
            value = {}
    return CardClick(
        event_id=event_id,
        open_id=_text(operator.get("open_id"), "event.operator.open_id"),
        value=value if isinstance(value, dict) else {},
        message_id=_text(context.get("open_message_id"), "event.context.open_message_id"),
        chat_id=_text(context.get("open_chat_id"), "event.context.open_chat_id"),
        app_id=(payload.get("header") or {}).get("app_id"),
    )


# -- the text of a message ---------------------------------------------------------------------------

def _post_body(content: dict[str, Any]) -> dict[str, Any]:
    """A post is `{title, content}` or the same wrapped in a locale key (zh_cn, en_us, ...)."""
    if "content" in content:
        return content
    for value in content.values():
        if isinstance(value, dict) and "content" in value:
            return value
    return {}


def _post_text(content: dict[str, Any]) -> str:
    body = _post_body(content)
    lines = [str(body.get("title") or "")]
    for paragraph in body.get("content") or []:
        parts = []
        for element in paragraph if isinstance(paragraph, list) else []:
            if not isinstance(element, dict):
                continue
            tag = element.get("tag")
            if tag in ("text", "a", "code_block", "md"):
                parts.append(str(element.get("text") or ""))
            elif tag == "at":  # the mention key ("@_user_1"), resolved like a text message's
                parts.append(" " + str(element.get("user_id") or element.get("key") or "") + " ")
        lines.append("".join(parts))
    return "\n".join(line for line in lines if line.strip())


def raw_text(message: ReceivedMessage) -> str:
    if message.message_type == "text":
        text = str(message.content.get("text") or "")
    elif message.message_type == "post":
        text = _post_text(message.content)
    else:
        return ""
    # Huida's rule for text it stores (huida/safetext.py), applied by dropping rather than refusing: the
    # visitor cannot be told about a 400, and refusing would lose the message while Feishu retried it.
    return strip_refused(text)


def mentions_bot(mentions: Sequence[Mention], bot_open_id: str) -> bool:
    return any(m.open_id == bot_open_id for m in mentions)


def question_text(text: str, mentions: Sequence[Mention], bot_open_id: str | None) -> str:
    """The text with the bot's mention keys removed and other users' keys shown as @name."""
    # Longest keys first: "@_user_1" must not eat the start of "@_user_10".
    for mention in sorted(mentions, key=lambda m: len(m.key), reverse=True):
        is_bot = bot_open_id is not None and mention.open_id == bot_open_id
        text = text.replace(mention.key, " " if is_bot else f"@{mention.name or 'user'}")
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION]
