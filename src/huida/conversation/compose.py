"""The policy's decision as typed content (conversation/reply.py): which words, buttons and materials.

The configured replies (default, repeat, sensitive, negative sentiment) come from the robot's settings; a
rule's answer is built from what the operator wrote, with images and articles looked up so that every view
can show them (file name, size, titles) without reading the database again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation import reply as r
from huida.engine.dialogue import types as t
from huida.materials.models import Media, NewsArticle
from huida.materials.service import image_ids
from huida.robots.settings import RobotSettings

ImageLookup = Callable[[str], r.Image]
ArticleLookup = Callable[[Sequence[str]], tuple[r.Article, ...]]


@dataclass(frozen=True)
class Composer:
    """Everything composing needs besides the decision: settings, the rules, and material lookups."""

    settings: RobotSettings
    rule_text: Callable[[str], str | None]  # a rule's standard question, for menu items without a label
    image: ImageLookup
    articles: ArticleLookup
    new_id: Callable[[], str]

    def transfer_button(self, prefix: str) -> r.Choice | None:
        if not self.settings.defaultReplyTransferButton:
            return None
        return r.Choice(knowledge_id=prefix + self.new_id(), text=self.settings.transferToHumanLabel)

    def handover(self, content: dict[str, Any] | None = None) -> r.Handover:
        content = content or {}
        s = self.settings
        properties = content.get("properties") or s.transferProperties or {}
        return r.Handover(prompt=content.get("transferPrompt") or s.transferPrompt,
                          show_prompt=content.get("enableTransferPrompt", s.enableTransferPrompt),
                          properties=tuple(r.Property(name=k, value=v) for k, v in properties.items()))

    def menu(self, content: dict[str, Any]) -> r.Menu:
        items = tuple(r.Choice(knowledge_id=item["knowledgeId"],
                               text=item.get("text") or self.rule_text(item["knowledgeId"]) or "")
                      for item in content.get("items", []))
        transfer = None
        if self.settings.menuTransferButton or content.get("transferToHuman"):
            transfer = r.Choice(knowledge_id=t.MENU_TRANSFER_PREFIX + self.new_id(),
                                text=self.settings.transferToHumanLabel)
        return r.Menu(title=content.get("title", ""), items=items, transfer=transfer)

    def news(self, content: dict[str, Any]) -> r.Articles:
        return r.Articles(articles=self.articles(content.get("articleIds", [])),
                          show_directly=content.get("showDirectly"), card_view_option=content.get("cardViewOption"))

    def answer(self, answer: t.AnswerView) -> r.Part:
        content = answer.content or {}
        by_type: dict[str, Callable[[], r.Part]] = {
            "TEXT": lambda: r.Text(text=answer.answer),
            "PIC": lambda: self.image(content.get("mediaId", answer.answer)),
            "NEWS": lambda: self.news(content),
            "MENU": lambda: self.menu(content),
            "HUMAN": lambda: self.handover(content),
            "VIDEO": lambda: r.Media(kind="video", media_id=content.get("mediaId"), url=content.get("url")),
            "AUDIO": lambda: r.Media(kind="audio", media_id=content.get("mediaId"), url=content.get("url")),
        }
        return by_type[answer.type]()

    def recommend(self, items: Sequence[t.Candidate]) -> r.Recommendations:
        return r.Recommendations(title=self.settings.recommendTitle,
                                 items=tuple(r.Choice(knowledge_id=c.rule_id, text=c.question) for c in items))

    def content(self, decision: t.Decision) -> r.Content:
        s = self.settings
        # (text, transfer button prefix or None): the default reply's button is HUMAN_DEFAULT_CLICK when
        # pressed, the button under a repeat or negative-sentiment reply HUMAN_CLICK (seed 004 subType).
        replies: dict[str, tuple[str, str | None]] = {
            "sensitive": (s.sensitiveReply, None),
            "repeat": (s.repeatReply, t.CLICK_TRANSFER_PREFIX),
            "negative": (s.negativeSentimentReply, t.CLICK_TRANSFER_PREFIX),
            "default": (s.defaultReply, t.DEFAULT_TRANSFER_PREFIX),
        }
        if decision.reply_kind:
            text, prefix = replies[decision.reply_kind]
            return r.Text(text=text, transfer=self.transfer_button(prefix) if prefix else None)
        if decision.answer is not None and decision.more_answers:
            return r.Group(parts=tuple(self.answer(a) for a in (decision.answer, *decision.more_answers)))
        if decision.answer is not None:
            return self.answer(decision.answer)
        if decision.answer_type == t.RECOMMEND:
            return self.recommend(decision.recommendations)
        if decision.transfer:
            return self.handover()
        return r.Text(text=decision.text or s.defaultReply)


def image_lookup(session: Session, tenant_id: int) -> ImageLookup:
    """An image answer's material: its file name and size; `found=False` if it was deleted."""

    def image(media_id: str) -> r.Image:
        media = session.scalar(select(Media).where(Media.id == media_id, Media.tenant_id == tenant_id))
        if media is None:
            return r.Image(media_id=media_id, found=False)
        return r.Image(media_id=media.id, filename=media.filename, width=media.width, height=media.height)

    return image


def article_lookup(session: Session, tenant_id: int) -> ArticleLookup:
    """A news answer's articles in the order written; articles deleted since are left out."""

    def articles(article_ids: Sequence[str]) -> tuple[r.Article, ...]:
        if not article_ids:
            return ()
        rows = session.scalars(select(NewsArticle).where(NewsArticle.tenant_id == tenant_id,
                                                         NewsArticle.id.in_(list(article_ids))))
        by_id = {article.id: article for article in rows}
        return tuple(_article(by_id[i]) for i in dict.fromkeys(article_ids) if i in by_id)

    return articles


def _article(article: NewsArticle) -> r.Article:
    thumb, pic = image_ids(article)
    return r.Article(id=article.id, title=article.title, digest=article.digest or "", thumb_media_id=thumb,
                     pic_media_id=pic, created_at=article.created_at)
