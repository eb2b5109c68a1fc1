"""The robot's reply, typed: what it says and why, before any API gives it a shape.

`ConversationService.ask` returns a `Reply`; each edge renders it in its own form: the Easemob entity of seed
004 (`conversation/easemob.py`), Feishu messages and cards (`channels/feishu/outbound.py`), Aily-style MDX
(`reading/markdown.py`), the `huida ask` chat (`cli/chat_view.py`). A new kind of answer is a new variant
here and a case in each view; no channel reads another API's dictionary.

Content holds ids and what a view needs to show them (an image's file name and size, an article's title),
never URLs: where a picture is served and how its link is signed belongs to the edge that shows it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Value):
    """A button the visitor can press: a menu item, a recommended question, a transfer button."""

    knowledge_id: str
    text: str


class Property(_Value):
    """A transfer-to-human parameter the robot hands to the agent system (e.g. skill group)."""

    name: str
    value: str


class Text(_Value):
    kind: Literal["text"] = "text"
    text: str
    transfer: Choice | None = None  # the "transfer to a human" button offered under the text


class Image(_Value):
    kind: Literal["image"] = "image"
    media_id: str
    filename: str | None = None
    width: int | None = None
    height: int | None = None
    found: bool = True  # False when the material was deleted after the rule was written


class Article(_Value):
    id: str
    title: str
    digest: str = ""
    thumb_media_id: str | None = None
    pic_media_id: str | None = None
    created_at: int = 0


class Articles(_Value):
    kind: Literal["articles"] = "articles"
    articles: tuple[Article, ...]
    show_directly: bool | None = None
    card_view_option: str | None = None


class Menu(_Value):
    kind: Literal["menu"] = "menu"
    title: str
    items: tuple[Choice, ...]
    transfer: Choice | None = None  # shown as the menu's last item


class Recommendations(_Value):
    kind: Literal["recommendations"] = "recommendations"
    title: str
    items: tuple[Choice, ...]


class Handover(_Value):
    kind: Literal["handover"] = "handover"
    prompt: str
    show_prompt: bool = True
    properties: tuple[Property, ...] = ()


class Media(_Value):
    """A video or audio answer: a material of this server, or a link elsewhere."""

    kind: Literal["video", "audio"]
    media_id: str | None = None
    url: str | None = None


Part = Annotated[Text | Image | Articles | Menu | Recommendations | Handover | Media, Field(discriminator="kind")]


class Group(_Value):
    """Several answers sent together (seed 004's `group`)."""

    kind: Literal["group"] = "group"
    parts: tuple[Part, ...]


Content = Annotated[Part | Group, Field(discriminator="kind")]


class Dialogue(_Value):
    """Where a multi-turn dialogue stands (flows); empty while none runs."""

    id: str = ""
    started: bool = False
    finished: bool = False


class Reply(_Value):
    """One answer of the robot to one visitor turn."""

    msg_id: str
    session_id: str
    question_id: str
    tenant_id: int
    robot_id: str
    user_id: str
    question: str  # the visitor's words, or the label of what they clicked
    answer_type: str  # seed 004 answerType
    answer_source: str  # seed 004 answerSource
    sub_type: str  # seed 004 subType
    content: Content
    rule_id: str | None = None  # the rule that answered (resourceId), when a rule's answer was given
    rule_question: str | None = None  # its standard question (resourceName)
    answer_id: str | None = None
    satisfaction_invitation: bool = False
    sentiment_labels: tuple[str, ...] = ()
    dialogue: Dialogue = Dialogue()
    handover: bool = False  # the visitor is being handed to a person
    replayed: bool = Field(default=False, exclude=True)  # an earlier answer given again (same message twice)

    @property
    def from_rule(self) -> bool:
        return self.rule_id is not None


class Welcome(_Value):
    """The greeting before the first question (seed 004 §1.3)."""

    tenant_id: int
    content: Text


WAITING_KINDS = frozenset({"menu", "recommendations"})  # the robot offers choices and waits for a pick


def parts(content: Content) -> tuple[Part, ...]:
    """The answers a content is made of: itself, or a group's parts."""
    return content.parts if isinstance(content, Group) else (content,)


def plain_text(content: Content) -> str:
    """A readable one-line rendering of any content, for search, logs and reading APIs."""
    return " ".join(filter(None, (_plain(part) for part in parts(content))))


def _plain(part: Part) -> str:
    if isinstance(part, Text):
        return part.text
    if isinstance(part, Menu | Recommendations):
        return f"{part.title} {' / '.join(item.text for item in part.items)}".strip()
    if isinstance(part, Articles):
        return " ".join(f"{a.title} {a.digest}" for a in part.articles).strip()
    if isinstance(part, Handover):
        return part.prompt
    if isinstance(part, Image):
        return f"[image] {part.filename or ''}".strip()
    return f"[{part.kind}]"
