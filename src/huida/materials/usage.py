"""Who still points at a media or an article: refusing to delete those keeps answers renderable."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from huida.knowledge.models import Answer, Rule
from huida.materials.models import NewsArticle
from huida.robots.models import Robot

MEDIA_ANSWER_TYPES = ("PIC", "VIDEO", "AUDIO")


def _answers(session: Session, tenant_id: int, types: tuple[str, ...]) -> list[tuple[str, dict | None]]:
    rows = session.execute(
        select(Rule.rule_id, Answer.content)
        .join(Rule, Answer.rule_pk == Rule.pk)
        .join(Robot, Robot.robot_id == Rule.robot_id)
        .where(Robot.tenant_id == tenant_id, Answer.type.in_(types))
    ).all()
    return [(rule_id, content) for rule_id, content in rows]


def media_users(session: Session, tenant_id: int, media_id: str) -> list[str]:
    """Rules and articles of the tenant that use the media, as short descriptions."""
    users = [f"rule {rule_id}" for rule_id, content in _answers(session, tenant_id, MEDIA_ANSWER_TYPES)
             if (content or {}).get("mediaId") == media_id]
    articles = session.scalars(select(NewsArticle.id).where(
        NewsArticle.tenant_id == tenant_id,
        or_(NewsArticle.thumb_media_id == media_id, NewsArticle.pic_media_id == media_id),
    )).all()
    return users + [f"article {a}" for a in articles]


def article_users(session: Session, tenant_id: int, article_id: str) -> list[str]:
    return [f"rule {rule_id}" for rule_id, content in _answers(session, tenant_id, ("NEWS",))
            if article_id in (content or {}).get("articleIds", [])]
