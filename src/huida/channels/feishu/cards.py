"""Feishu message contents: text, and interactive cards (card JSON 2.0). Pure functions.

Buttons that call back carry a small `value` Huida reads in `card.action.trigger`:
- `{"a": "menu", "k": knowledgeId, "t": label, "ct": chat type}`: a menu item, recommendation or transfer
  button, asked as a MENU_CLICK;
- `{"a": "fb", "m": msgId, "s": "thumb-up" | "thumb-down"}`: feedback on an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from huida.channels.feishu import texts
from huida.conversation.reply import Article, Choice

MAX_TEXT = 20_000  # Feishu takes 150 KB of text; a robot answer is far shorter
MAX_CARD_TEXT = 5_000  # a whole card must stay under 30 KB
MAX_BUTTONS = 20
MENU, FEEDBACK = "menu", "fb"
THUMB_UP, THUMB_DOWN = "thumb-up", "thumb-down"


def text(message: str) -> dict[str, Any]:
    return {"text": message[:MAX_TEXT]}


def image(image_key: str) -> dict[str, Any]:
    return {"image_key": image_key}


def plain(content: str) -> dict[str, Any]:
    """Untrusted or literal text: plain_text, so that it is never read as markdown or an @mention."""
    return {"tag": "div", "text": {"tag": "plain_text", "content": content[:MAX_CARD_TEXT]}}


def button(label: str, *, value: dict[str, Any] | None = None, url: str | None = None,
           kind: str = "default") -> dict[str, Any]:
    behaviors: list[dict[str, Any]] = []
    if url:
        behaviors.append({"type": "open_url", "default_url": url})
    if value is not None:
        behaviors.append({"type": "callback", "value": value})
    return {"tag": "button", "text": {"tag": "plain_text", "content": label[:100]}, "type": kind,
            "width": "fill", "behaviors": behaviors}


def row(buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """Buttons side by side (card 2.0 has no `action` container)."""
    columns = [{"tag": "column", "width": "auto", "elements": [b]} for b in buttons]
    return {"tag": "column_set", "flex_mode": "none", "horizontal_spacing": "8px", "columns": columns}


def card(elements: list[dict[str, Any]], title: str | None = None, template: str = "blue") -> dict[str, Any]:
    body: dict[str, Any] = {"schema": "2.0", "config": {"update_multi": True}, "body": {"elements": elements}}
    if title:
        body["header"] = {"title": {"tag": "plain_text", "content": title[:200]}, "template": template}
    return body


def menu_value(knowledge_id: str, label: str, chat_type: str) -> dict[str, Any]:
    return {"a": MENU, "k": knowledge_id, "t": label[:100], "ct": chat_type}


def thumbs(msg_id: str) -> dict[str, Any]:
    return row([button(texts.THUMB_UP, value={"a": FEEDBACK, "m": msg_id, "s": THUMB_UP}),
                button(texts.THUMB_DOWN, value={"a": FEEDBACK, "m": msg_id, "s": THUMB_DOWN})])


def menu_card(title: str, items: Sequence[Choice], chat_type: str) -> dict[str, Any]:
    """One button per item (menu entries, recommended questions, a transfer button)."""
    buttons = [button(item.text, value=menu_value(item.knowledge_id, item.text, chat_type))
               for item in items[:MAX_BUTTONS] if item.knowledge_id]
    return card(buttons, title=title or texts.MENU_TITLE)


def text_card(message: str, *, transfer: tuple[str, str] | None = None, feedback_msg_id: str | None = None,
              chat_type: str = "p2p") -> dict[str, Any]:
    """A text answer that needs buttons: a transfer button (knowledgeId, label) and/or thumbs."""
    elements = [plain(message)]
    if transfer is not None:
        knowledge_id, label = transfer
        elements.append(button(label, value=menu_value(knowledge_id, label, chat_type), kind="primary"))
    if feedback_msg_id:
        elements.append(thumbs(feedback_msg_id))
    return card(elements)


def news_card(articles: Sequence[Article], *, link: Callable[[Article], str | None],
              feedback_msg_id: str | None = None) -> dict[str, Any]:
    """Title, digest and a link per article; `link(article)` gives the absolute URL or None."""
    elements: list[dict[str, Any]] = []
    for index, article in enumerate(articles[:MAX_BUTTONS]):
        if index:
            elements.append({"tag": "hr"})
        if index or len(articles) > 1:
            elements.append(plain(article.title))
        if article.digest:
            elements.append(plain(article.digest))
        url = link(article)
        if url:
            elements.append(button(texts.READ_MORE, url=url, kind="primary"))
    if feedback_msg_id:
        elements.append(thumbs(feedback_msg_id))
    title = (articles[0].title or texts.NEWS_TITLE) if articles else texts.NEWS_TITLE
    return card(elements, title=title)
