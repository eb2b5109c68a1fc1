"""The Feishu view of a typed reply: the one Feishu message that answers with it.

Text -> text (a card when it needs buttons: a transfer button, or thumbs on a rule answer when the channel
asks for them); image -> image (uploaded once, see `image_key`); articles -> card with title, digest and
link; menu and recommendations -> card with a button per item; handover -> the transfer prompt as text;
a group -> its first part that Feishu can show in one message (one reply per visitor message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huida.channels.feishu import cards, texts
from huida.conversation import reply as r
from huida.conversation.easemob import Links


@dataclass(frozen=True)
class OutMessage:
    msg_type: str  # Feishu's: text | image | interactive
    content: dict[str, Any]
    uuid: str  # Huida's msgId: a retried reply is the same message to Feishu
    shows: str  # the answer's kind (text, image, articles, ...), for the delivery log


@dataclass(frozen=True)
class Style:
    chat_type: str
    feedback_on_text: bool = False
    links: Links | None = None  # absolute signed links (None: the server has no public URL, so no link buttons)


ImageKeys = Callable[[str], str | None]  # Huida media id -> Feishu image_key, None if the media is gone
Body = tuple[str, dict[str, Any]]


def _text(part: r.Text, reply: r.Reply, style: Style) -> Body:
    if part.transfer is not None:
        transfer = (part.transfer.knowledge_id, part.transfer.text or "转人工")
        return "interactive", cards.text_card(part.text, transfer=transfer, chat_type=style.chat_type)
    if reply.from_rule and style.feedback_on_text:
        return "interactive", cards.text_card(part.text, feedback_msg_id=reply.msg_id)
    return "text", cards.text(part.text)


def _image(part: r.Image, image_key: ImageKeys) -> Body:
    key = image_key(part.media_id) if part.found else None
    if key is None:
        return "text", cards.text(f"[图片 image] {part.filename or ''}".strip())
    return "image", cards.image(key)


def _articles(part: r.Articles, reply: r.Reply, style: Style) -> Body:
    links = style.links
    link = (lambda a: links.article(a.id)) if links else (lambda a: None)
    return "interactive", cards.news_card(part.articles, link=link,
                                          feedback_msg_id=reply.msg_id if reply.from_rule else None)


def _choices(part: r.Menu | r.Recommendations, style: Style) -> Body:
    items = part.items + ((part.transfer,) if isinstance(part, r.Menu) and part.transfer else ())
    return "interactive", cards.menu_card(part.title, items, style.chat_type)


def _handover(part: r.Handover) -> Body:
    return "text", cards.text(part.prompt if part.show_prompt and part.prompt else texts.HANDOVER)


def _media(part: r.Media, reply: r.Reply, style: Style) -> Body:
    url = (style.links.media(part.media_id) if part.media_id and style.links else part.url) or ""
    return "text", cards.text(f"[{part.kind}] {url}".strip())


def _body(part: r.Part, reply: r.Reply, style: Style, image_key: ImageKeys) -> Body:
    if isinstance(part, r.Text):
        return _text(part, reply, style)
    if isinstance(part, r.Image):
        return _image(part, image_key)
    if isinstance(part, r.Articles):
        return _articles(part, reply, style)
    if isinstance(part, r.Menu | r.Recommendations):
        return _choices(part, style)
    if isinstance(part, r.Handover):
        return _handover(part)
    return _media(part, reply, style)


def render(reply: r.Reply, style: Style, image_key: ImageKeys) -> OutMessage:
    part = r.parts(reply.content)[0] if r.parts(reply.content) else r.Text(text="")
    msg_type, body = _body(part, reply, style, image_key)
    return OutMessage(msg_type, body, reply.msg_id, part.kind)


def canned(text: str, uuid: str) -> OutMessage:
    """A reply of the channel's own (text only, welcome, option gone)."""
    return OutMessage("text", cards.text(text), uuid, "text")
