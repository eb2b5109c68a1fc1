"""Text of Aily-style message content: `plain_text` of a USER message (what is stored, searched and asked),
and the MDX of an ASSISTANT message (the robot's answer as Markdown)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

MAX_PLAIN = 65_536  # characters of plain text kept on the message (the full content stays on the Aily row)
MAX_QUESTION = 2000  # what the robot is asked, as the open API's ask allows

_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.S)
_FENCE = re.compile(r"^\s*(```|~~~).*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_QUOTE = re.compile(r"^\s*>\s?", re.M)
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|~~|`)")
_BLANKS = re.compile(r"\n{3,}")


def mdx_to_text(content: str) -> str:
    """Readable text of MDX: markup, tags and comments removed, link and image texts kept."""
    text = _COMMENT.sub("", content)
    text = _FENCE.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    return _BLANKS.sub("\n\n", text).strip()


def _named_mentions(text: str, mentions: Sequence[dict[str, Any]]) -> str:
    """`@_user_1` placeholders become `@张三`, as a reader would see them."""
    for mention in mentions:
        key, name = mention.get("key"), mention.get("name")
        if key and name:
            text = text.replace(key, f"@{name}")
    return text


def plain_text(content_type: str, content: str, mentions: Sequence[dict[str, Any]] = ()) -> str:
    text = mdx_to_text(content) if content_type == "MDX" else content
    return _named_mentions(text, mentions)[:MAX_PLAIN]


def question_text(content_type: str, content: str, mentions: Sequence[dict[str, Any]] = ()) -> str:
    """What the robot is asked: the plain text without the mentions (they address people, not the question)."""
    text = mdx_to_text(content) if content_type == "MDX" else content
    for mention in mentions:
        if mention.get("key"):
            text = text.replace(str(mention["key"]), " ")
    return " ".join(text.split())[:MAX_QUESTION]
