"""Messages and chats as conversation reading shows them (seed 002), from rows of the message store.

A *chat* is what a reader names with `chat_id`: a channel's own conversation (a Feishu chat, an Aily-style
session; `ChatSession.chat_id`) or, for the open API, one Huida session (`ChatSession.id`).

A *thread* is one question and what answered it: a visitor message with the robot's (and later an agent's)
replies to it (`Message.reply_to`). Its id is `omt_<id of the question>`. A message carries `thread_id` once
its question has a reply, so an agent can fetch the whole exchange with the thread tool.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation import reply as r
from huida.conversation.models import ChatSession, Message
from huida.conversation.stored import content_of
from huida.materials.links import MaterialLinks
from huida.reading.markdown import content_markdown
from huida.reading.resources import Resource, answer_resources, message_resources
from huida.timefmt import DISPLAY_ZONE

THREAD_PREFIX = "omt_"


def thread_id_of(root_id: str) -> str:
    return THREAD_PREFIX + root_id


def iso_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, DISPLAY_ZONE).isoformat(timespec="milliseconds")


def chat_key(chat: ChatSession) -> str:
    return chat.chat_id or chat.id


def sender_type(role: str) -> str:
    """Seed 002's sender types: people (visitors, agents) are `user`, the robot is `bot`."""
    return "bot" if role == "robot" else "user"


def _marker(resource: Resource) -> str:
    if resource.kind == "image":
        return f"![image]({resource.key})"
    if resource.kind in ("audio", "video"):
        return f"<{resource.kind} key={quoteattr(resource.key)}/>"
    return f"<file key={quoteattr(resource.key)} name={quoteattr(resource.name or '')}/>"


def _robot_image(part: r.Image) -> str:
    keys = [res.key for res in answer_resources(part)]
    return f"![image]({keys[0]})" if keys else "[image]"


def message_content(message: Message) -> str:
    """The text a reader sees, with the seed's resource markers (`![image](img_xxx)`, `<file key=.../>`)."""
    if message.role == "robot" and message.body:
        links = MaterialLinks(message.tenant_id)
        return content_markdown(content_of(message), _robot_image, lambda article: links.article(article.id))
    markers = [_marker(res) for res in message_resources(message)]
    return "\n".join([message.text, *markers]) if markers else message.text


_MSG_TYPES = {"image": "image", "articles": "interactive", "menu": "interactive", "recommendations": "interactive",
              "video": "media", "audio": "audio"}


def msg_type(message: Message) -> str:
    if message.role == "robot" and message.body:
        return _MSG_TYPES.get(r.parts(content_of(message))[0].kind, "text")
    resources = message_resources(message)
    if resources and not message.text.strip():
        first = resources[0]
        return {"image": "image", "video": "media", "audio": "audio"}.get(first.kind, "file")
    return "post" if resources or (message.extra or {}).get("markup") == "MDX" else "text"


def answered(session: Session, messages: Iterable[Message]) -> set[str]:
    """Ids of the given visitor messages that have at least one reply (each is a thread root)."""
    ids = [m.id for m in messages if m.role == "visitor"]
    if not ids:
        return set()
    return set(session.scalars(select(Message.reply_to).where(Message.reply_to.in_(ids)).distinct()))


def thread_root(message: Message, roots: set[str]) -> str | None:
    if message.reply_to:
        return message.reply_to
    return message.id if message.id in roots else None


def message_item(message: Message, chat: ChatSession, roots: set[str]) -> dict[str, Any]:
    extra = message.extra or {}
    item: dict[str, Any] = {
        "message_id": message.id,
        "chat_id": chat_key(chat),
        "msg_type": msg_type(message),
        "content": message_content(message),
        "sender": {"id": message.sender_id, "sender_type": sender_type(message.role), "role": message.role},
        "mentions": [{"id": m.get("id"), "key": m.get("key"), "name": m.get("name")}
                     for m in extra.get("mentions") or [] if isinstance(m, dict)],
        "create_time": iso_time(message.created_at),
        "channel": chat.channel,
        "session_id": message.session_id,
    }
    root = thread_root(message, roots)
    if root:
        item["thread_id"] = thread_id_of(root)
    if message.reply_to:
        item["reply_to"] = message.reply_to
    if extra.get("quoteMessageId"):
        item["quote_message_id"] = extra["quoteMessageId"]
    return item


def chat_fields(chat: ChatSession) -> dict[str, Any]:
    """What a search hit adds about its chat; one-to-one chats name the other party (the visitor)."""
    fields: dict[str, Any] = {"chat_id": chat_key(chat), "chat_type": chat.chat_type}
    if chat.chat_type == "p2p":
        partner = {"open_id": chat.user_id, "name": chat.title or chat.user_id}
        fields.update(chat_name=partner["name"], chat_partner=partner)
    else:
        fields["chat_name"] = chat.title or chat_key(chat)
    return fields


def items(session: Session, rows: list[tuple[Message, ChatSession]], *, with_chat: bool = False) -> list[dict]:
    roots = answered(session, (m for m, _ in rows))
    out = []
    for message, chat in rows:
        item = message_item(message, chat, roots)
        if with_chat:
            item.update(chat_fields(chat))
        out.append(item)
    return out
