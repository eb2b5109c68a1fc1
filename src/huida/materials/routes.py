"""Materials endpoints: image upload and streaming (seed 004 §1.5.1), news articles and their pages (§1.5.2).

Huida addition where the seed only shows the read URLs: uploading, listing and deleting, in the same
envelope and style. Writes need an editor of the tenant; any user of the tenant may read. The bytes of an
image, its thumbnail and an article's page also open without a token through a signed link (links.py), the
URL answers give visitors.
"""

from __future__ import annotations

import time
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from huida.api.deps import Ctx, PageNumber
from huida.api.envelope import ok, page
from huida.api.responses import binary
from huida.auth.deps import Caller, Editor, Principal, authenticate
from huida.context import AppContext
from huida.errors import NotPermitted, forbidden
from huida.materials import service
from huida.materials.deps import Upload, read_upload
from huida.materials.html import PAGE_CSP, article_page
from huida.materials.images import MAX_BYTES, thumbnail_content_type
from huida.materials.links import EXPIRED, link_problem
from huida.materials.schemas import ArticleIn
from huida.timefmt import format_datetime

router = APIRouter(prefix="/v10/tenants/{tenantId}/material", tags=["materials"])

PageSize = Annotated[int, Query(ge=1, le=1000)]

# Media bytes never change under an id, so clients may keep them; a token or a signed link guards them.
IMMUTABLE = "private, max-age=31536000, immutable"
# A stored image is only ever an image: no sniffing it into HTML, no scripts even if it were.
MEDIA_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}

UPLOAD_DOC = {"requestBody": {"required": True, "content": {
    "image/*": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
}}}


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "If-None-Match named the current ETag"}}
# What a visitor's browser opens from an answer: a member's token, or a signed link and no token at all.
SIGNED_OR_TOKEN: dict[str, Any] = {"security": [{"token": []}, {"bearer": []}, {}]}
LINK_ERRORS: dict[int | str, dict[str, Any]] = {
    **NOT_MODIFIED,
    403: {"description": "another tenant's token, or a signed link that is invalid, expired or for another path"}}


def member_or_signed(request: Request, ctx: Ctx, tenantId: Annotated[int, Path()],
                     expires: Annotated[str | None, Query(max_length=20, description="signed link: expiry, "
                                                          "unix seconds (materials/links.py)")] = None,
                     signature: Annotated[str | None, Query(max_length=200, description="signed link: hex "
                                                            "HMAC-SHA256 of the path and expiry")] = None,
                     ) -> Principal | None:
    """A member of the tenant (token), or a signed link to this very path (None: a visitor, no token).

    A request carrying a signature is judged by it alone: a bad or expired one is 403, not a token check."""
    if expires is None and signature is None:
        principal = authenticate(request, ctx)
        if principal.tenant_id != tenantId:
            raise forbidden()
        return principal
    path, root = request.scope["path"], request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    problem = link_problem(path, ctx.secret_key, expires, signature, int(time.time()))
    if problem == EXPIRED:
        raise NotPermitted("LINK_EXPIRED", "this link has expired; ask again for a fresh one")
    if problem:
        raise NotPermitted("LINK_INVALID", "this link is invalid: its signature does not match its path")
    return None


MemberOrSigned = Annotated[Principal | None, Depends(member_or_signed)]


def _not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def _store(ctx: AppContext, tenant_id: int, upload: Upload) -> dict[str, Any]:
    with ctx.db.session() as session:
        return ok(service.media_entity(service.store_media(session, tenant_id, upload.data, upload.filename)))


@router.post("/medias", openapi_extra=UPLOAD_DOC, responses={415: {"description": "not a PNG, JPEG, GIF or WebP"}})
async def upload_media(tenantId: int, request: Request, caller: Editor, ctx: Ctx,
                       filename: Annotated[str | None, Query(max_length=1000)] = None) -> dict[str, Any]:
    """An image as the raw body (name from `filename` or Content-Disposition) or as multipart field `file`."""
    upload = await read_upload(request, MAX_BYTES, filename)
    # Decoding and thumbnailing are CPU work; keep them off the event loop.
    return await run_in_threadpool(_store, ctx, tenantId, upload)


@router.get("/medias")
def medias_page(tenantId: int, caller: Caller, ctx: Ctx, page_number: PageNumber = 0,
                size: PageSize = 20) -> dict[str, Any]:
    with ctx.db.session() as session:
        medias, total = service.list_medias(session, tenantId, page_number, size)
        return page([service.media_entity(m) for m in medias], number=page_number, size=size, total=total)


@router.get("/medias/{mediaId}")
def read_media(tenantId: int, mediaId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        return ok(service.media_entity(service.get_media(session, tenantId, mediaId)))


def _media_bytes(request: Request, ctx: AppContext, tenant_id: int, media_id: str, thumbnail: bool) -> Response:
    etag = f'"{media_id}-thumbnail"' if thumbnail else f'"{media_id}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE, **MEDIA_HEADERS}
    with ctx.db.session() as session:
        if _not_modified(request, etag):
            service.get_media(session, tenant_id, media_id)  # an unknown id is still a 404
            return Response(status_code=304, headers=headers)
        media = service.get_media(session, tenant_id, media_id, load="thumbnail" if thumbnail else "data")
        body = media.thumbnail if thumbnail else media.data
        content_type = thumbnail_content_type(media.content_type) if thumbnail else media.content_type
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(media.filename)}"
    return Response(content=body, media_type=content_type, headers=headers)


@router.get("/medias/{mediaId}/stream", response_class=Response, openapi_extra=SIGNED_OR_TOKEN,
            responses=binary("image/*", also=LINK_ERRORS))
def media_stream(tenantId: int, mediaId: str, request: Request, caller: MemberOrSigned, ctx: Ctx) -> Response:
    return _media_bytes(request, ctx, tenantId, mediaId, thumbnail=False)


@router.get("/medias/{mediaId}/stream/thumbnail", response_class=Response, openapi_extra=SIGNED_OR_TOKEN,
            responses=binary("image/*", also=LINK_ERRORS))
def media_thumbnail(tenantId: int, mediaId: str, request: Request, caller: MemberOrSigned, ctx: Ctx) -> Response:
    return _media_bytes(request, ctx, tenantId, mediaId, thumbnail=True)


@router.delete("/medias/{mediaId}")
def remove_media(tenantId: int, mediaId: str, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        service.delete_media(session, tenantId, mediaId)
        return ok(True)


@router.post("/news/articles")
def new_article(tenantId: int, body: ArticleIn, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        return ok(service.article_entity(service.create_article(session, tenantId, body)))


@router.get("/news/articles")
def articles_page(tenantId: int, caller: Caller, ctx: Ctx, page_number: PageNumber = 0,
                  size: PageSize = 20) -> dict[str, Any]:
    with ctx.db.session() as session:
        articles, total = service.list_articles(session, tenantId, page_number, size)
        return page([service.article_entity(a) for a in articles], number=page_number, size=size, total=total)


@router.get("/news/articles/{articleId}")
def read_article(tenantId: int, articleId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        return ok(service.article_entity(service.get_article(session, tenantId, articleId)))


@router.get("/news/articles/{articleId}/html", response_class=Response,
            openapi_extra=SIGNED_OR_TOKEN, responses=binary("text/html", also=LINK_ERRORS))
def article_html(tenantId: int, articleId: str, request: Request, caller: MemberOrSigned, ctx: Ctx) -> Response:
    with ctx.db.session() as session:
        article = service.get_article(session, tenantId, articleId)
        etag = f'"{article.id}-{article.updated_at}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Content-Security-Policy": PAGE_CSP,
                   "X-Content-Type-Options": "nosniff"}
        if _not_modified(request, etag):
            return Response(status_code=304, headers=headers)
        html = article_page(article.title, article.html, format_datetime(article.created_at), article.url)
    return Response(content=html, media_type="text/html; charset=utf-8", headers=headers)


@router.put("/news/articles/{articleId}")
def update_article(tenantId: int, articleId: str, body: ArticleIn, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        return ok(service.article_entity(service.replace_article(session, tenantId, articleId, body)))


@router.delete("/news/articles/{articleId}")
def remove_article(tenantId: int, articleId: str, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        service.delete_article(session, tenantId, articleId)
        return ok(True)
