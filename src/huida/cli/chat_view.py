"""How `huida ask` shows an answer: as a person reads a chat, not as the API's JSON.

Each answer becomes lines of text and numbered choices (menu items, recommendations, the transfer
button); typing a choice's number in the chat clicks it, as a visitor clicks a button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from huida.conversation import reply as r
from huida.conversation.easemob import Links


@dataclass(frozen=True)
class Choice:
    label: str
    knowledge_id: str  # what a click sends (MENU_CLICK knowledgeId)


@dataclass
class ChatView:
    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def _choices(items: Sequence[r.Choice], view: ChatView) -> None:
    view.choices.extend(Choice(item.text or item.knowledge_id, item.knowledge_id) for item in items)


def _text(part: r.Text, view: ChatView) -> None:
    view.lines.append(part.text)
    if part.transfer is not None:  # the "转人工" button under the text
        _choices([part.transfer], view)


def _menu(part: r.Menu | r.Recommendations, view: ChatView) -> None:
    if part.title:
        view.lines.append(part.title)
    _choices(part.items + ((part.transfer,) if isinstance(part, r.Menu) and part.transfer else ()), view)


def _image(part: r.Image, view: ChatView, links: Links) -> None:
    where = links.media(part.media_id) if part.found else ""
    view.lines.append(f"[图片 image] {part.filename or ''} {where}".rstrip())


def _articles(part: r.Articles, view: ChatView, links: Links) -> None:
    for article in part.articles:
        view.lines.append(f"[文章 article] {article.title} {links.article(article.id)}".rstrip())
        if article.digest:
            view.lines.append(f"    {article.digest}")


def _handover(part: r.Handover, view: ChatView) -> None:
    if part.show_prompt and part.prompt:
        view.lines.append(part.prompt)
    view.lines.append("— 正在为您转接人工客服 (handed over to a person) —")


def _media(part: r.Media, view: ChatView, links: Links) -> None:
    label = {"video": "视频 video", "audio": "音频 audio"}[part.kind]
    url = links.media(part.media_id) if part.media_id else part.url
    view.lines.append(f"[{label}] {url or ''}".rstrip())


def _show(part: r.Part, view: ChatView, links: Links) -> None:
    if isinstance(part, r.Text):
        _text(part, view)
    elif isinstance(part, r.Menu | r.Recommendations):
        _menu(part, view)
    elif isinstance(part, r.Image):
        _image(part, view, links)
    elif isinstance(part, r.Articles):
        _articles(part, view, links)
    elif isinstance(part, r.Handover):
        _handover(part, view)
    else:
        _media(part, view, links)


def chat_view(content: r.Content, links: Links) -> ChatView:
    """The lines and choices of one answer's content."""
    view = ChatView()
    for part in r.parts(content):
        _show(part, view, links)
    return view


def pick(choices: list[Choice], typed: str) -> Choice | None:
    """The choice a typed number names ("2" clicks the second), or None if it names none."""
    typed = typed.strip()
    if not typed.isdigit():
        return None
    number = int(typed)
    return choices[number - 1] if 1 <= number <= len(choices) else None
