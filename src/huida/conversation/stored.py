"""Replies as stored with the answer message, and read back for replays and readers.

An answer's `body` holds its typed content (conversation/reply.py) and `extra["reply"]` the rest of the reply.
Answers stored before replies were typed hold the seed 004 content in `body` and the whole Easemob entity in
`extra["entity"]`; both read back into the same types here, so no reader needs to know which it was.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from huida.conversation import easemob
from huida.conversation import reply as r
from huida.conversation.easemob import parse_content
from huida.conversation.models import Message
from huida.materials.links import MaterialLinks

_CONTENT: TypeAdapter[r.Content] = TypeAdapter(r.Content)


def content_body(content: r.Content) -> dict[str, Any]:
    """What `Message.body` stores for an answer."""
    return content.model_dump(mode="json")


def reply_extra(reply: r.Reply) -> dict[str, Any]:
    """What `Message.extra["reply"]` stores: the reply without its content (that is the body)."""
    return reply.model_dump(mode="json", exclude={"content"})


def content_of(message: Message) -> r.Content:
    """The typed content of a stored robot answer."""
    body = message.body or {}
    if "kind" in body:
        return _CONTENT.validate_python(body)
    return parse_content(body)


def seed_content(message: Message, links: easemob.Links | None = None) -> dict[str, Any]:
    """A stored answer's seed 004 content, for the bodies that publish it (history, events, ratings); links
    are plain server paths unless the caller signs them."""
    return easemob.content(content_of(message), links or MaterialLinks(message.tenant_id))


def reply_of(message: Message, *, replayed: bool = True) -> r.Reply:
    """The reply a stored answer gave, for a replay of the same question."""
    extra = message.extra or {}
    if "reply" in extra:
        return r.Reply(**extra["reply"], content=content_of(message), replayed=replayed)
    return _legacy(extra.get("entity") or {}, message, replayed)


def _legacy(entity: dict[str, Any], message: Message, replayed: bool) -> r.Reply:
    return r.Reply(
        msg_id=message.id, session_id=message.session_id, question_id=message.reply_to or "",
        tenant_id=message.tenant_id, robot_id=message.robot_id, user_id=str(entity.get("userId") or ""),
        question=str(entity.get("question") or ""), answer_type=message.answer_type or "",
        answer_source=message.answer_source or "", sub_type=message.sub_type or "DEFAULT",
        content=content_of(message), rule_id=entity.get("resourceId"), rule_question=entity.get("resourceName"),
        answer_id=entity.get("answerId"), satisfaction_invitation=bool(entity.get("satisfactionCommentInvitation")),
        sentiment_labels=tuple(entity.get("sentimentLabels") or ()), replayed=replayed,
        handover=(message.body or {}).get("type") == "human",
    )
