"""The Aily-style API (seed 001, feishu.md §6) under /open-apis/aily/v1, in Feishu's `{code, msg, data}` envelope.

Sessions answer `data: {session}`, messages `data: {message}`, runs `data: {run}`, files `data: {file}`;
lists answer `data: {items, has_more, page_token}` (plus Feishu's own key, `messages` or `runs`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from huida.api.deps import Ctx
from huida.api.responses import binary
from huida.channels.aily import errors, files, history, messages, runs, sessions
from huida.channels.aily import run_job as _run_job  # noqa: F401  (registers the run job type)
from huida.channels.aily.deps import Caller, aily_caller
from huida.channels.aily.key_routes import router as key_router
from huida.channels.aily.views import Links
from huida.context import AppContext
from huida.db import now_ms
from huida.errors import DomainError, NotPermitted, TooLarge
from huida.materials.deps import read_upload
from huida.materials.models import Media
from huida.reading import pagetoken
from huida.reading.routes import DOWNLOAD_HEADERS
from huida.reading.timefilter import Window

router = APIRouter(prefix="/open-apis/aily/v1", tags=["aily"])

MAX_TEXT_FIELD = 65_536
# A visitor's message, not the seed's 16,777,216: the robot is asked the first 2,000 characters of its plain
# text (mdx.MAX_QUESTION); MDX markup, links and pasted lists need room beyond that, and 10,000 keeps a page
# of 100 messages to a few MB (a 10-million-character message made its session's listing 60 MB).
MAX_CONTENT = 10_000
Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
PageSize = Annotated[int, Query(ge=1, le=100)]


def success(data: dict[str, Any]) -> dict[str, Any]:
    return {"code": 0, "msg": "success", "data": data}


def links(ctx: AppContext) -> Links:
    return Links(ctx.secret_key, ctx.settings.public_base_url)


# -- sessions --------------------------------------------------------------------------------------

class SessionBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    channel_context: str | None = Field(None, max_length=MAX_TEXT_FIELD)
    metadata: str | None = Field(None, max_length=MAX_TEXT_FIELD)


class NewSession(SessionBody):
    robot_id: str | None = Field(None, max_length=36)


@router.post("/sessions")
def create_session(body: NewSession, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        row = sessions.create_session(session, caller, body.robot_id, body.channel_context, body.metadata)
        return success({"session": sessions.session_view(row)})


@router.get("/sessions/{aily_session_id}")
def read_session(aily_session_id: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        return success({"session": sessions.session_view(sessions.get_session(session, caller, aily_session_id))})


@router.put("/sessions/{aily_session_id}")
def update_session(aily_session_id: str, body: SessionBody, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        row = sessions.update_session(session, caller, aily_session_id, body.channel_context, body.metadata)
        return success({"session": sessions.session_view(row)})


@router.delete("/sessions/{aily_session_id}")
def delete_session(aily_session_id: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        sessions.delete_session(session, caller, aily_session_id)
    return success({})


# -- messages --------------------------------------------------------------------------------------

class Mention(BaseModel):
    model_config = ConfigDict(extra="ignore")

    entity_id: str = Field(min_length=1, max_length=128)
    identity_provider: str | None = Field(None, max_length=32)
    key: str | None = Field(None, max_length=64)
    name: str | None = Field(None, max_length=200)
    aily_id: str | None = Field(None, max_length=128)


class MessageBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    idempotent_id: str = Field(min_length=1, max_length=64)
    content_type: Literal["TEXT", "MDX"]
    content: str = Field(max_length=MAX_CONTENT, description=f"at most {MAX_CONTENT:,} characters")
    file_ids: list[Id] = Field(default_factory=list, max_length=32)
    # Huida's message ids are 36-character UUIDs, so the seed's 32-character cap is relaxed to 64.
    quote_message_id: str | None = Field(None, max_length=64)
    mentions: list[Mention] = Field(default_factory=list, max_length=32)

    def new_message(self) -> messages.NewMessage:
        return messages.NewMessage(self.idempotent_id, self.content_type, self.content, self.file_ids,
                                   self.quote_message_id or None, [m.model_dump() for m in self.mentions])


@router.post("/sessions/{aily_session_id}/messages")
def post_message(aily_session_id: str, body: MessageBody, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    message_id = messages.post_message(ctx.db, caller, aily_session_id, body.new_message())
    with ctx.db.read() as session:
        view = history.get_message(session, links(ctx), caller, aily_session_id, message_id)
    return success({"message": view})


@router.get("/sessions/{aily_session_id}/messages")
def list_messages(aily_session_id: str, caller: Caller, ctx: Ctx, page_size: PageSize = 20,
                  page_token: Annotated[str | None, Query(max_length=500)] = None,
                  run_id: Annotated[str | None, Query(max_length=64)] = None,
                  with_partial_message: bool = False) -> dict[str, Any]:
    # Answers are written whole, never streamed: there are no partial messages to include.
    with ctx.db.read() as session:
        return success(history.list_messages(session, links(ctx), caller, aily_session_id, page_size,
                                             page_token, run_id))


@router.get("/sessions/{aily_session_id}/messages/{message_id}")
def read_message(aily_session_id: str, message_id: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        return success({"message": history.get_message(session, links(ctx), caller, aily_session_id, message_id)})


# -- runs ------------------------------------------------------------------------------------------

class RunBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    app_id: str | None = Field(None, max_length=64)  # the session's robot id, if given
    # The seed's fields, but Huida robots have no skills: only an empty value passes (create_run says why).
    skill_id: str | None = Field(None, max_length=64, json_schema_extra={"maxLength": 0})
    skill_input: str | None = Field(None, max_length=MAX_TEXT_FIELD, json_schema_extra={"maxLength": 0})
    metadata: str | None = Field(None, max_length=MAX_TEXT_FIELD)


@router.post("/sessions/{aily_session_id}/runs")
def create_run(aily_session_id: str, caller: Caller, ctx: Ctx, body: RunBody | None = None) -> dict[str, Any]:
    body = body or RunBody()
    if body.skill_id or body.skill_input:
        field = "skill_id" if body.skill_id else "skill_input"
        raise errors.invalid(field, "Huida robots have no skills; a run answers the latest user message")
    run_id = runs.create_run(ctx.db, caller, aily_session_id, body.app_id, body.metadata)
    return read_run(aily_session_id, run_id, caller, ctx)


@router.get("/sessions/{aily_session_id}/runs/{run_id}")
def read_run(aily_session_id: str, run_id: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        aily = sessions.get_session(session, caller, aily_session_id)
        return success({"run": runs.run_view(runs.get_run(session, aily, run_id), now_ms())})


@router.get("/sessions/{aily_session_id}/runs")
def list_runs(aily_session_id: str, caller: Caller, ctx: Ctx, page_size: PageSize = 20,
              page_token: Annotated[str | None, Query(max_length=500)] = None) -> dict[str, Any]:
    scope = pagetoken.scope_hash("aily-runs", aily_session_id)
    try:
        after = pagetoken.decode(page_token, scope, False).after_seq if page_token else None
    except pagetoken.PageTokenError:
        raise errors.invalid("page_token", "invalid, or from another listing; start again without it") from None
    with ctx.db.read() as session:
        aily = sessions.get_session(session, caller, aily_session_id)
        rows, has_more = runs.list_runs(session, aily, after, page_size)
        token = pagetoken.encode(pagetoken.Cursor(rows[-1].pk, Window()), scope, False) if has_more else ""
        views = [runs.run_view(r, now_ms()) for r in rows]
        return success({"items": views, "runs": views, "has_more": has_more, "page_token": token})


@router.post("/sessions/{aily_session_id}/runs/{run_id}/cancel")
def cancel_run(aily_session_id: str, run_id: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    run = runs.cancel_run(ctx.db, caller, aily_session_id, run_id)
    return success({"run": runs.run_view(run, now_ms())})


# -- files -----------------------------------------------------------------------------------------

_BYTES = {"type": "string", "format": "binary", "minLength": 1}  # an empty file is refused
UPLOAD_DOC = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": _BYTES},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": _BYTES}}},
}}}
# Signed links need no token; without one, file content takes the caller's token like the rest of the API.
SIGNED_OR_TOKEN: dict[str, Any] = {"security": [{"token": []}, {"bearer": []}, {}]}
DOWNLOAD_ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "no valid signature, and no valid token"},
                                                    403: {"description": "the link is invalid or has expired"}}


def _store(ctx: AppContext, tenant_id: int, principal: str, data: bytes, name: str | None) -> dict[str, Any]:
    with ctx.db.session() as session:
        row = files.store_file(session, tenant_id, data, name, principal)
        return success({"file": files.file_view(row, links(ctx).file(row.id))})


@router.post("/files", openapi_extra=UPLOAD_DOC)
async def upload_file(request: Request, caller: Caller, ctx: Ctx,
                      file_name: Annotated[str | None, Query(max_length=1000)] = None) -> dict[str, Any]:
    """The file as multipart field `file`, or as the raw body (name from `file_name` or Content-Disposition)."""
    try:
        upload = await read_upload(request, files.MAX_FILE_BYTES, file_name)
    except DomainError as exc:  # the image library's wording; say it about files
        too_big = isinstance(exc, TooLarge)
        problem = f"larger than {files.MAX_FILE_BYTES // (1024 * 1024)} MB" if too_big else exc.description
        raise errors.invalid("file", problem) from None
    return await run_in_threadpool(_store, ctx, caller.tenant_id, caller.principal, upload.data, upload.filename)


@router.get("/files/{file_id}")
def read_file(file_id: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        row = files.get_file(session, caller.tenant_id, file_id)
        return success({"file": files.file_view(row, links(ctx).file(row.id))})


def _signed(request: Request, ctx: AppContext) -> bool:
    query = request.query_params
    return files.signature_valid(ctx.secret_key, request.url.path, query.get("expires"), query.get("signature"))


def _download(data: bytes, mime_type: str, name: str) -> Response:
    headers = {**DOWNLOAD_HEADERS, "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"}
    return Response(content=data, media_type=mime_type, headers=headers)


@router.get("/files/{file_id}/content", response_class=Response, openapi_extra=SIGNED_OR_TOKEN,
            responses=binary("*/*", also=DOWNLOAD_ERRORS))
def file_content(file_id: str, request: Request, ctx: Ctx) -> Response:
    """By the signed preview URL, or with a Bearer token of the file's tenant."""
    signed = _signed(request, ctx)
    tenant_id = 0 if signed else aily_caller(request, ctx).tenant_id
    with ctx.db.read() as session:
        row = files.get_any_file(session, file_id) if signed else files.get_file(session, tenant_id, file_id)
        return _download(row.data, row.mime_type, row.file_name)


@router.get("/media/{media_id}/content", response_class=Response, responses=binary("image/*", also=DOWNLOAD_ERRORS))
def media_content(media_id: str, request: Request, ctx: Ctx) -> Response:
    """An image the robot answered with (signed URLs in ASSISTANT messages only)."""
    if not _signed(request, ctx):
        raise NotPermitted("FORBIDDEN", "this link is invalid or has expired", numeric_code=errors.FORBIDDEN)
    with ctx.db.read() as session:
        media = session.get(Media, media_id)
        if media is None:
            raise errors.missing("file", media_id, errors.FILE_NOT_FOUND)
        return _download(media.data, media.content_type, media.filename)


routers = [router, key_router]  # the API, and its keys under /v10
