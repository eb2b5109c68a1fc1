"""How `huida ask` shows an answer: as a person reads a chat, not as the API's JSON.

Each answer becomes lines of text and numbered choices (menu items, recommendations, the transfer
button); typing a choice's number in the chat clicks it, as a visitor clicks a button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Choice:
    label: str
    knowledge_id: str  # what a click sends (MENU_CLICK knowledgeId)


@dataclass
class ChatView:
    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def _text(content: dict[str, Any], view: ChatView) -> None:
    view.lines.append(str(content.get("msg", "")))


def _choices(content: dict[str, Any], view: ChatView) -> None:
    title = content.get("title") or content.get("titile")
    if title:
        view.lines.append(str(title))
    view.choices.extend(Choice(str(item.get("text") or item["knowledgeId"]), str(item["knowledgeId"]))
                        for item in content.get("texts", []))


def _image(content: dict[str, Any], view: ChatView) -> None:
    view.lines.append(f"[图片 image] {content.get('filename') or ''} {content.get('url') or ''}".rstrip())


def _news(content: dict[str, Any], view: ChatView) -> None:
    for article in content.get("articles", []):
        link = article.get("url") or article.get("htmlUrl") or ""
        view.lines.append(f"[文章 article] {article.get('title', '')} {link}".rstrip())
        if article.get("digest"):
            view.lines.append(f"    {article['digest']}")


def _human(content: dict[str, Any], view: ChatView) -> None:
    if content.get("enableTransferPrompt", True) and content.get("transferPrompt"):
        view.lines.append(str(content["transferPrompt"]))
    view.lines.append("— 正在为您转接人工客服 (handed over to a person) —")


def _link(label: str) -> Callable[[dict[str, Any], ChatView], None]:
    def show(content: dict[str, Any], view: ChatView) -> None:
        view.lines.append(f"[{label}] {content.get('url') or ''}".rstrip())

    return show


_BY_TYPE: dict[str, Callable[[dict[str, Any], ChatView], None]] = {
    "txt": _text,
    "menu": _choices,
    "recommend": _choices,
    "img": _image,
    "news": _news,
    "human": _human,
    "video": _link("视频 video"),
    "audio": _link("音频 audio"),
}


def chat_view(content: dict[str, Any]) -> ChatView:
    """The lines and choices of one answer's content (seed 004 §1.5 shapes)."""
    view = ChatView()
    show = _BY_TYPE.get(str(content.get("type")))
    if show is None:
        view.lines.append(f"[{content.get('type')}]")
    else:
        show(content, view)
    if content.get("transferToHumanId"):  # the default reply's "转人工" button
        label = content.get("suggestionTransferToHumanLabel") or "转人工"
        view.choices.append(Choice(str(label), str(content["transferToHumanId"])))
    return view


def pick(choices: list[Choice], typed: str) -> Choice | None:
    """The choice a typed number names ("2" clicks the second), or None if it names none."""
    typed = typed.strip()
    if not typed.isdigit():
        return None
    number = int(typed)
    return choices[number - 1] if 1 <= number <= len(choices) else None
