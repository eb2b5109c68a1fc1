"""Materials as the conversation engine puts them in answers (seed 004 §1.5.1 image, §1.5.2 news).

By default the URLs are paths on this server (stream, thumbnail, article page), which a web client can
load directly. `as_ids=True` gives the seed's literal shape instead, where `url`, `thumbUrl` and
`picurl` carry bare ids that an existing Easemob client turns into those same paths itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.api.timefmt import format_datetime
from huida.materials.models import Media, NewsArticle
from huida.materials.paths import article_html_path, media_stream_path, media_thumbnail_path
from huida.materials.service import image_ids


def media_view(session: Session, tenant_id: int, media_id: str, *, as_ids: bool = False) -> dict[str, Any] | None:
    """`{url, filename, size: {width, height}}` of an image answer, or None if the media is gone."""
    media = session.scalar(select(Media).where(Media.id == media_id, Media.tenant_id == tenant_id))
    if media is None:
        return None
    return {
        "url": media.id if as_ids else media_stream_path(tenant_id, media.id),
        "filename": media.filename,
        "size": {"width": media.width, "height": media.height},
    }


def _article_view(article: NewsArticle, as_ids: bool) -> dict[str, Any]:
    tenant_id = article.tenant_id
    thumb, pic = image_ids(article)
    if as_ids:
        url, thumb_url, pic_url = article.id, thumb, pic
    else:
        url = article_html_path(tenant_id, article.id)
        thumb_url = media_thumbnail_path(tenant_id, thumb) if thumb else None
        pic_url = media_stream_path(tenant_id, pic) if pic else None
    return {
        "title": article.title, "digest": article.digest, "description": article.digest,
        "url": url, "thumbUrl": thumb_url, "picurl": pic_url,
        "createdTime": article.created_at, "date": format_datetime(article.created_at),
    }


def article_views(session: Session, tenant_id: int, article_ids: Sequence[str], *,
                  as_ids: bool = False) -> list[dict[str, Any]]:
    """The `articles` of a news answer, in the order asked; articles that no longer exist are left out."""
    if not article_ids:
        return []
    rows = session.scalars(select(NewsArticle).where(NewsArticle.tenant_id == tenant_id,
                                                     NewsArticle.id.in_(list(article_ids))))
    by_id = {article.id: article for article in rows}
    return [_article_view(by_id[i], as_ids) for i in dict.fromkeys(article_ids) if i in by_id]
