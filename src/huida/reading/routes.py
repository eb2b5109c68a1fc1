"""Conversation reading and search (seed 002) over every Huida conversation, in the Easemob envelope.

Any user of the tenant (admin or agent) may read; a token of another tenant gets the seed's "no permission".
List answers are `entity: {items, has_more, page_token}`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from huida.api.deps import Ctx
from huida.api.envelope import ok
from huida.api.responses import binary
from huida.auth.deps import Principal, authenticate
from huida.errors import NotPermitted
from huida.reading import service, texts
from huida.reading.service import MAX_PAGE_SIZE, MessagesQuery, SearchQuery, Times

router = APIRouter(prefix="/v10/tenants/{tenantId}/conversations", tags=["conversation reading"])

# Stored files are shown as what they are, never sniffed into HTML or run.
DOWNLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}


def reader(request: Request, ctx: Ctx, tenantId: Annotated[int, Path()]) -> Principal:
    principal = authenticate(request, ctx)
    if principal.tenant_id != tenantId:
        raise NotPermitted(texts.PERMISSION_DENIED, texts.NO_PERMISSION.format(tenant_id=tenantId))
    return principal


Reader = Annotated[Principal, Depends(reader)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]  # service._page_size refuses the rest
Text = Annotated[str | None, Query(max_length=1000)]
# A thread is named after its first message (views.THREAD_PREFIX); the service words the error.
ThreadId = Annotated[str, Path(json_schema_extra={"pattern": "^omt_"})]
SortRule = Literal["create_time_asc", "create_time_desc"]
Ids = Annotated[list[str] | None, Query(description="repeat the parameter, or separate ids with commas")]


def _times(relative_time: str | None, start_time: str | None, end_time: str | None) -> Times:
    return Times(relative_time, start_time, end_time)


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(part for value in values or [] for part in value.split(","))


@router.get("/messages")
def messages(tenantId: int, caller: Reader, ctx: Ctx, chat_id: Text = None, open_id: Text = None,
                   relative_time: Text = None, start_time: Text = None, end_time: Text = None,
                   page_size: PageSize = MAX_PAGE_SIZE, page_token: Text = None,
                   sort_rule: SortRule = "create_time_desc") -> dict[str, Any]:
    query = MessagesQuery(chat_id, open_id, _times(relative_time, start_time, end_time), page_size, page_token,
                          sort_rule)
    return ok(service.get_messages(ctx.db, tenantId, query))


@router.get("/threads/{thread_id}/messages")
def thread_messages(tenantId: int, thread_id: ThreadId, caller: Reader, ctx: Ctx,
                          page_size: PageSize = MAX_PAGE_SIZE, page_token: Text = None,
                          sort_rule: SortRule = "create_time_desc") -> dict[str, Any]:
    return ok(service.get_thread_messages(ctx.db, tenantId, thread_id, page_size=page_size, page_token=page_token,
                                          sort_rule=sort_rule))


@router.get("/search")
def search(tenantId: int, caller: Reader, ctx: Ctx, query: Text = None, sender_ids: Ids = None,
                 chat_id: Text = None, mention_ids: Ids = None, message_type: Text = None,
                 sender_type: str = "user", chat_type: Text = None, relative_time: Text = None,
                 start_time: Text = None, end_time: Text = None, page_size: PageSize = MAX_PAGE_SIZE,
                 page_token: Text = None) -> dict[str, Any]:
    search_query = SearchQuery(query, _split(sender_ids), chat_id, _split(mention_ids), message_type, sender_type,
                               chat_type, _times(relative_time, start_time, end_time), page_size, page_token)
    return ok(service.search_messages(ctx.db, tenantId, search_query))


@router.get("/messages/{message_id}/resources/{file_key}", response_class=Response, responses=binary("*/*"))
def resource(tenantId: int, message_id: str, file_key: str, caller: Reader, ctx: Ctx,
                   type: Annotated[Literal["image", "file"], Query()]) -> Response:
    download = service.get_resource(ctx.db, tenantId, message_id, file_key, type)
    headers = {**DOWNLOAD_HEADERS, "Content-Disposition": f"attachment; filename*=UTF-8''{quote(download.file_name)}"}
    return Response(content=download.data, media_type=download.mime_type, headers=headers)
