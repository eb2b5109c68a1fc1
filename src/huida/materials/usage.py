"""Who still points at a media or an article: refusing to delete those keeps answers renderable.

Articles that show a media are known here; other users (the rules whose answers show a material) are asked
through the `huida.material_users` entry points (pyproject.toml), so materials names no package above it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from huida.materials.models import NewsArticle

GROUP = "huida.material_users"
MaterialUsers = Callable[[Session, int, str, str], list[str]]  # (session, tenant, "media"|"article", id)


@cache
def _registered() -> tuple[MaterialUsers, ...]:
    return tuple(point.load() for point in sorted(entry_points(group=GROUP), key=lambda p: p.name))


def _others(session: Session, tenant_id: int, kind: str, ident: str) -> list[str]:
    return [user for users in _registered() for user in users(session, tenant_id, kind, ident)]


def media_users(session: Session, tenant_id: int, media_id: str) -> list[str]:
    """Rules and articles of the tenant that use the media, as short descriptions."""
    articles = session.scalars(select(NewsArticle.id).where(
        NewsArticle.tenant_id == tenant_id,
        or_(NewsArticle.thumb_media_id == media_id, NewsArticle.pic_media_id == media_id),
    )).all()
    return _others(session, tenant_id, "media", media_id) + [f"article {a}" for a in articles]


def article_users(session: Session, tenant_id: int, article_id: str) -> list[str]:
    return _others(session, tenant_id, "article", article_id)
