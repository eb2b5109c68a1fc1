"""Materials of a tenant: images (with thumbnails) and news articles. Create, read, list, delete.

Every lookup is scoped by tenant, so another tenant's id is simply not found.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from huida.db import now_ms
from huida.errors import Conflict, InvalidInput, conflict, not_found
from huida.materials.html import sanitize_html
from huida.materials.images import check_image
from huida.materials.models import Media, NewsArticle
from huida.materials.paths import article_html_path, media_stream_path, media_thumbnail_path
from huida.materials.schemas import ArticleIn
from huida.materials.upload import clean_filename
from huida.materials.usage import article_users, media_users
from huida.timefmt import format_datetime


def _in_use(what: str, ident: str, users: list[str]) -> Conflict:
    shown = ", ".join(users[:10]) + (" ..." if len(users) > 10 else "")
    return conflict(f"{what} {ident} is still used by {shown}", f"{what.upper()}_IN_USE")


def _paged(session: Session, model: type[Media] | type[NewsArticle], tenant_id: int, page: int,
           size: int) -> tuple[list[Any], int]:
    where = model.tenant_id == tenant_id
    total = session.scalar(select(func.count()).select_from(model).where(where)) or 0
    rows = session.scalars(select(model).where(where).order_by(model.created_at.desc(), model.id)
                           .offset(page * size).limit(size)).all()
    return list(rows), total


# --- media ---------------------------------------------------------------------------------------

def store_media(session: Session, tenant_id: int, data: bytes, filename: str | None = None) -> Media:
    """Checks the image by its content, makes the thumbnail and stores both."""
    image = check_image(data)
    media = Media(tenant_id=tenant_id, filename=clean_filename(filename, image.extension),
                  content_type=image.content_type, size=len(data), width=image.width, height=image.height,
                  data=data, thumbnail=image.thumbnail)
    session.add(media)
    session.flush()
    return media


def get_media(session: Session, tenant_id: int, media_id: str, *, load: str | None = None) -> Media:
    """The media of the tenant; `load` = "data" or "thumbnail" also fetches those bytes."""
    query = select(Media).where(Media.id == media_id, Media.tenant_id == tenant_id)
    if load:
        query = query.options(undefer(getattr(Media, load)))
    media = session.scalar(query)
    if media is None:
        raise not_found("media", media_id)
    return media


def list_medias(session: Session, tenant_id: int, page: int, size: int) -> tuple[list[Media], int]:
    return _paged(session, Media, tenant_id, page, size)


def delete_media(session: Session, tenant_id: int, media_id: str) -> None:
    media = get_media(session, tenant_id, media_id)
    users = media_users(session, tenant_id, media_id)
    if users:
        raise _in_use("media", media_id, users)
    session.delete(media)


def media_entity(media: Media) -> dict[str, Any]:
    return {
        "id": media.id, "tenantId": media.tenant_id, "filename": media.filename,
        "contentType": media.content_type, "size": media.size, "width": media.width, "height": media.height,
        "url": media_stream_path(media.tenant_id, media.id),
        "thumbnailUrl": media_thumbnail_path(media.tenant_id, media.id),
        "createdTime": media.created_at, "createDateTime": format_datetime(media.created_at),
    }


# --- news articles -------------------------------------------------------------------------------

def _check_media_ids(session: Session, tenant_id: int, body: ArticleIn) -> None:
    wanted = {m for m in (body.thumbMediaId, body.picMediaId) if m}
    if not wanted:
        return
    found = set(session.scalars(select(Media.id).where(Media.tenant_id == tenant_id, Media.id.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise InvalidInput("INVALID_REFERENCE", "unknown media id: " + ", ".join(missing))


def _apply(article: NewsArticle, body: ArticleIn) -> None:
    article.title = body.title
    article.digest = (body.digest or "").strip()
    article.html = sanitize_html(body.body_html)
    article.url = body.url
    article.thumb_media_id = body.thumbMediaId
    article.pic_media_id = body.picMediaId


def create_article(session: Session, tenant_id: int, body: ArticleIn) -> NewsArticle:
    _check_media_ids(session, tenant_id, body)
    stamp = now_ms()
    article = NewsArticle(tenant_id=tenant_id, created_at=stamp, updated_at=stamp)
    _apply(article, body)
    session.add(article)
    session.flush()
    return article


def get_article(session: Session, tenant_id: int, article_id: str) -> NewsArticle:
    article = session.scalar(select(NewsArticle).where(NewsArticle.id == article_id,
                                                       NewsArticle.tenant_id == tenant_id))
    if article is None:
        raise not_found("article", article_id)
    return article


def replace_article(session: Session, tenant_id: int, article_id: str, body: ArticleIn) -> NewsArticle:
    article = get_article(session, tenant_id, article_id)
    _check_media_ids(session, tenant_id, body)
    _apply(article, body)
    article.updated_at = max(now_ms(), article.updated_at + 1)  # the html page's ETag must change
    session.flush()
    return article


def list_articles(session: Session, tenant_id: int, page: int, size: int) -> tuple[list[NewsArticle], int]:
    return _paged(session, NewsArticle, tenant_id, page, size)


def delete_article(session: Session, tenant_id: int, article_id: str) -> None:
    article = get_article(session, tenant_id, article_id)
    users = article_users(session, tenant_id, article_id)
    if users:
        raise _in_use("article", article_id, users)
    session.delete(article)


def image_ids(article: NewsArticle) -> tuple[str | None, str | None]:
    """The media shown as the thumbnail and as the picture; either stands in for the other."""
    return (article.thumb_media_id or article.pic_media_id, article.pic_media_id or article.thumb_media_id)


def article_entity(article: NewsArticle) -> dict[str, Any]:
    tenant_id = article.tenant_id
    thumb, pic = image_ids(article)
    return {
        "id": article.id, "tenantId": tenant_id, "title": article.title, "digest": article.digest,
        "html": article.html, "url": article.url, "thumbMediaId": article.thumb_media_id,
        "picMediaId": article.pic_media_id,
        "htmlUrl": article_html_path(tenant_id, article.id),
        "thumbUrl": media_thumbnail_path(tenant_id, thumb) if thumb else None,
        "picUrl": media_stream_path(tenant_id, pic) if pic else None,
        "createdTime": article.created_at, "updatedTime": article.updated_at,
        "createDateTime": format_datetime(article.created_at),
        "lastUpdateDateTime": format_datetime(article.updated_at),
    }
