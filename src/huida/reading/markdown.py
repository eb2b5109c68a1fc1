"""A robot answer (seed 004 §1.5 content) as Markdown: how an ASSISTANT message of the Aily-style API reads
(MDX) and how conversation reading shows it to people and agents.

Menus and recommendations become lists whose items carry their knowledge ids, so a reader knows what the
visitor was offered and a program can answer with one of them (typing an item's text picks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huida.conversation.render import plain_text

ImageMarkdown = Callable[[dict[str, Any]], str]  # an `img` content -> its Markdown image


def choice_list(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"- {item.get('text') or ''} (knowledgeId: {item.get('knowledgeId')})" for item in items)


def _menu(content: dict[str, Any]) -> str:
    title = str(content.get("title") or "")
    items = choice_list(content.get("texts") or [])
    return f"{title}\n\n{items}".strip()


def _text(content: dict[str, Any]) -> str:
    text = str(content.get("msg") or "")
    button = content.get("transferToHumanId")
    if button:  # the default reply's "transfer to a human" button, offered like a menu item
        label = content.get("suggestionTransferToHumanLabel") or ""
        text += "\n\n" + choice_list([{"text": label, "knowledgeId": button}])
    return text


def _news(content: dict[str, Any]) -> str:
    parts = []
    for article in content.get("articles") or []:
        title, url, digest = article.get("title") or "", article.get("url"), article.get("digest") or ""
        head = f"**[{title}]({url})**" if url else f"**{title}**"
        parts.append(f"{head}\n\n{digest}".strip())
    return "\n\n".join(parts)


def _link(content: dict[str, Any]) -> str:
    kind = str(content.get("type"))
    return f"[{kind}]({content.get('url')})" if content.get("url") else f"[{kind}]"


def content_markdown(content: dict[str, Any] | None, image: ImageMarkdown) -> str:
    if not content:
        return ""
    renderers: dict[str, Callable[[dict[str, Any]], str]] = {
        "txt": _text, "menu": _menu, "recommend": _menu, "news": _news, "img": image,
        "human": lambda c: str(c.get("transferPrompt") or ""), "video": _link, "audio": _link,
    }
    render = renderers.get(str(content.get("type")))
    return render(content) if render else plain_text(content)
