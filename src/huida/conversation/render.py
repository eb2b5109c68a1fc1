"""Turn the policy's decision into the seed's answer content (004 §1.5)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from huida.engine.dialogue import types as t
from huida.robots.settings import RobotSettings

MediaLookup = Callable[[str], dict[str, Any] | None]
ArticleLookup = Callable[[Sequence[str]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Renderer:
    """Everything rendering needs besides the decision: settings, the rules, and material lookups."""

    settings: RobotSettings
    tenant_id: int
    rule_text: Callable[[str], str | None]  # a rule's standard question, for menu items without a label
    media: MediaLookup
    articles: ArticleLookup
    new_id: Callable[[], str]

    def transfer_button(self) -> dict[str, Any]:
        if not self.settings.defaultReplyTransferButton:
            return {}
        return {"transferToHumanId": t.DEFAULT_TRANSFER_PREFIX + self.new_id(),
                "suggestionTransferToHumanLabel": self.settings.transferToHumanLabel}

    def text(self, message: str, *, with_transfer: bool = False) -> dict[str, Any]:
        return {**(self.transfer_button() if with_transfer else {}), "msg": message, "type": "txt"}

    def human(self, content: dict[str, Any] | None = None) -> dict[str, Any]:
        content = content or {}
        properties = content.get("properties") or self.settings.transferProperties or {}
        return {"transferPrompt": content.get("transferPrompt") or self.settings.transferPrompt,
                "enableTransferPrompt": content.get("enableTransferPrompt", self.settings.enableTransferPrompt),
                "properties": properties, "type": "human"}

    def menu(self, content: dict[str, Any]) -> dict[str, Any]:
        texts = [{"knowledgeId": item["knowledgeId"], "text": item.get("text") or self.rule_text(item["knowledgeId"])}
                 for item in content.get("items", [])]
        if self.settings.menuTransferButton or content.get("transferToHuman"):
            texts.append({"knowledgeId": t.MENU_TRANSFER_PREFIX + self.new_id(),
                          "text": self.settings.transferToHumanLabel})
        title = content.get("title", "")
        return {"texts": texts, "title": title, "titile": title, "type": "menu"}

    def image(self, media_id: str) -> dict[str, Any]:
        view = self.media(media_id) or {"url": media_id, "filename": None, "size": None}
        return {"size": view.get("size"), "url": view.get("url"), "filename": view.get("filename"), "type": "img"}

    def news(self, content: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"articles": self.articles(content.get("articleIds", [])), "type": "news"}
        body.update({k: content[k] for k in ("showDirectly", "cardViewOption") if k in content})
        return body

    def link(self, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        media = self.media(content["mediaId"]) if content.get("mediaId") else None
        return {"url": (media or {}).get("url") or content.get("url"), "type": kind.lower()}

    def answer(self, answer: t.AnswerView) -> dict[str, Any]:
        content = answer.content or {}
        by_type: dict[str, Callable[[], dict[str, Any]]] = {
            "TEXT": lambda: self.text(answer.answer),
            "PIC": lambda: self.image(content.get("mediaId", answer.answer)),
            "NEWS": lambda: self.news(content),
            "MENU": lambda: self.menu(content),
            "HUMAN": lambda: self.human(content),
            "VIDEO": lambda: self.link("VIDEO", content),
            "AUDIO": lambda: self.link("AUDIO", content),
        }
        return by_type[answer.type]()

    def recommend(self, items: Sequence[t.Candidate]) -> dict[str, Any]:
        return {"texts": [{"knowledgeId": c.rule_id, "text": c.question} for c in items],
                "title": self.settings.recommendTitle, "type": "recommend"}

    def content(self, decision: t.Decision) -> dict[str, Any]:
        s = self.settings
        replies = {
            "sensitive": lambda: self.text(s.sensitiveReply),
            "repeat": lambda: self.text(s.repeatReply, with_transfer=True),
            "negative": lambda: self.text(s.negativeSentimentReply, with_transfer=True),
            "default": lambda: self.text(s.defaultReply, with_transfer=True),
        }
        if decision.reply_kind:
            return replies[decision.reply_kind]()
        if decision.answer is not None:
            return self.answer(decision.answer)
        if decision.answer_type == t.RECOMMEND:
            return self.recommend(decision.recommendations)
        if decision.transfer:
            return self.human()
        return self.text(decision.text or s.defaultReply)


def media_type(content: dict[str, Any]) -> str:
    return str(content.get("type", "txt"))


def plain_text(content: dict[str, Any]) -> str:
    """A readable one-line rendering of any content, for search and reading APIs."""
    kind = content.get("type")
    if kind == "txt":
        return str(content.get("msg", ""))
    if kind in ("menu", "recommend"):
        items = " / ".join(str(i.get("text", "")) for i in content.get("texts", []))
        return f"{content.get('title', '')} {items}".strip()
    if kind == "news":
        return " ".join(f"{a.get('title', '')} {a.get('digest', '')}" for a in content.get("articles", [])).strip()
    if kind == "human":
        return str(content.get("transferPrompt", ""))
    if kind == "img":
        return f"[image] {content.get('filename') or ''}".strip()
    return f"[{kind}]"
