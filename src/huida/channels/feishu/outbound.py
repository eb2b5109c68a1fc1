"""Turning a Huida answer (the seed 004 entity) into the one Feishu message that replies with it.

txt -> text (a card when it needs buttons: the transfer button of a default reply, or thumbs on a rule answer
when the channel asks for them); img -> image (uploaded once, see `image_key`); news -> card with title,
digest and link; menu and recommend -> card with a button per item; human -> the transfer prompt as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huida.channels.feishu import cards, texts
from huida.conversation.render import plain_text

_MEDIA_PATH = re.compile(r"/material/medias/([^/]+)/stream$")


@dataclass(frozen=True)
class OutMessage:
    msg_type: str  # Feishu's: text | image | interactive
    content: dict[str, Any]
    uuid: str  # Huida's msgId: a retried reply is the same message to Feishu
    shows: str  # the answer's content type (txt, img, news, ...), for the delivery log


@dataclass(frozen=True)
class Style:
    chat_type: str
    feedback_on_text: bool = False
    public_base_url: str = ""


ImageKeys = Callable[[str], str | None]  # Huida media id -> Feishu image_key, None if the media is gone


def media_id_of(url: str | None) -> str | None:
    """The media id of an image answer's url (a stream path, or the bare id of the seed's literal shape)."""
    if not url:
        return None
    found = _MEDIA_PATH.search(url)
    return found.group(1) if found else (url if "/" not in url else None)


def absolute(url: str | None, base: str) -> str | None:
    if not url:
        return None
    if url.startswith(("https://", "http://")):
        return url
    return f"{base.rstrip('/')}{url}" if base and url.startswith("/") else None


def _text_answer(entity: dict[str, Any], content: dict[str, Any], style: Style) -> tuple[str, dict[str, Any]]:
    message = str(content.get("msg") or "")
    transfer_id = content.get("transferToHumanId")
    from_rule = entity.get("resourceType") == "RULE"
    if transfer_id:
        label = str(content.get("suggestionTransferToHumanLabel") or "转人工")
        return "interactive", cards.text_card(message, transfer=(str(transfer_id), label), chat_type=style.chat_type)
    if from_rule and style.feedback_on_text:
        return "interactive", cards.text_card(message, feedback_msg_id=entity["msgId"])
    return "text", cards.text(message)


def _image_answer(content: dict[str, Any], image_key: ImageKeys) -> tuple[str, dict[str, Any]]:
    media_id = media_id_of(content.get("url"))
    key = image_key(media_id) if media_id else None
    if key is None:
        return "text", cards.text(f"[图片 image] {content.get('filename') or ''}".strip())
    return "image", cards.image(key)


def _human_answer(content: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    prompt = str(content.get("transferPrompt") or "")
    show = content.get("enableTransferPrompt", True) is not False and prompt
    return "text", cards.text(prompt if show else texts.HANDOVER)


def render(entity: dict[str, Any], style: Style, image_key: ImageKeys) -> OutMessage:
    content = entity.get("content") or {}
    kind = str(content.get("type") or "txt")
    from_rule = entity.get("resourceType") == "RULE"
    if kind == "txt":
        msg_type, body = _text_answer(entity, content, style)
    elif kind == "img":
        msg_type, body = _image_answer(content, image_key)
    elif kind == "news":
        msg_type, body = "interactive", cards.news_card(
            list(content.get("articles") or []), link=lambda a: absolute(a.get("url"), style.public_base_url),
            feedback_msg_id=entity["msgId"] if from_rule else None)
    elif kind in ("menu", "recommend"):
        msg_type, body = "interactive", cards.menu_card(str(content.get("title") or ""),
                                                        list(content.get("texts") or []), style.chat_type)
    elif kind == "human":
        msg_type, body = _human_answer(content)
    elif kind in ("video", "audio"):
        url = absolute(content.get("url"), style.public_base_url) or content.get("url") or ""
        msg_type, body = "text", cards.text(f"[{kind}] {url}".strip())
    else:
        msg_type, body = "text", cards.text(plain_text(content))
    return OutMessage(msg_type, body, str(entity["msgId"]), kind)


def canned(text: str, uuid: str) -> OutMessage:
    """A reply of the channel's own (text only, welcome, option gone)."""
    return OutMessage("text", cards.text(text), uuid, "txt")
