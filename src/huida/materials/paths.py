"""The URLs of materials (seed 004 §1.5.1 and §1.5.2), relative to the server root."""

from __future__ import annotations


def media_stream_path(tenant_id: int, media_id: str) -> str:
    return f"/v10/tenants/{tenant_id}/material/medias/{media_id}/stream"


def media_thumbnail_path(tenant_id: int, media_id: str) -> str:
    return f"/v10/tenants/{tenant_id}/material/medias/{media_id}/stream/thumbnail"


def article_html_path(tenant_id: int, article_id: str) -> str:
    return f"/v10/tenants/{tenant_id}/material/news/articles/{article_id}/html"
