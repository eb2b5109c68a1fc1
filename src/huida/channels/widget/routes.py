"""The widget's API (`/widget/v1/...`, authenticated by a widget key and a visitor token), `GET /widget.js`, and
the admins' widget keys (`/v10/tenants/{tenantId}/robots/{robotId}/widget-keys`, at the bottom).

| path | what |
|---|---|
| `POST /widget/v1/visitors` `{visitorId}` | a token for a new visitor id the browser made up |
| `POST /widget/v1/welcome` | the welcome, with the key's welcome menu |
| `POST /widget/v1/ask` `{question, type, knowledgeId}` | ask, or click a menu item / recommendation |
| `POST /widget/v1/messages/{msgId}/feedback` `{feedbackStatus, feedback}` | thumbs up/down on an answer |
| `POST /widget/v1/satisfaction` `{msgId, type, reasonTag, comment}` | rate an answer that invited it |
| `GET /widget/v1/history?size=` | the visitor's latest exchanges, oldest first |

Answers come in the Easemob envelope of the open API (`status`, `errorCode`, `errorDescription`, `entity`).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from huida.api.deps import Ctx
from huida.api.envelope import fail, ok, page
from huida.auth.deps import Admin
from huida.auth.deps import Caller as Member
from huida.channels.widget import keys, service
from huida.channels.widget.deps import (
    ALLOWED_HEADERS,
    PREFIX,
    Caller,
    CorsRoute,
    KeyOnly,
    cors_headers,
)
from huida.channels.widget.keys import origin_allowed_anywhere
from huida.channels.widget.origins import MAX_ORIGIN, MAX_ORIGINS, check_origins, normalise_origin
from huida.channels.widget.visitors import issue_token
from huida.errors import bad_request
from huida.feedback.thumbs import STATUSES
from huida.robots.service import get_robot

# Every widget route may refuse the key or the visitor (401), the origin (403), name nothing it finds (404), or
# count one request too many (429 with Retry-After); the OpenAPI document says so (huida/api/openapi.py).
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing, unknown or revoked widget key (X-Huida-Widget-Key), or a visitor token "
                         "(X-Huida-Visitor-Token) missing or not for this key's robot"},
    403: {"description": "the request's Origin is not one of the key's allowed origins, or X-Huida-Robot names "
                         "another robot"},
    404: {"description": "the answer named is none of this visitor's"},
    429: {"description": "too many requests from this visitor or through this key; retry after Retry-After"},
}
router = APIRouter(prefix=PREFIX, tags=["widget"], route_class=CorsRoute, responses=REFUSALS)
# The security the OpenAPI document states (schemes in huida/api/openapi.py): the key, and the visitor's token.
KEY_ONLY: dict[str, Any] = {"security": [{"widgetKey": []}]}
VISITOR: dict[str, Any] = {"security": [{"widgetKey": [], "visitorToken": []}]}
script_router = APIRouter(tags=["widget"])
MAX_QUESTION = 2000


class WidgetVisitorBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    visitorId: str = Field(max_length=64)


@router.post("/visitors", openapi_extra=KEY_ONLY)
def new_visitor(body: WidgetVisitorBody, owner: KeyOnly, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        token = issue_token(session, ctx.secret_key, owner.tenant_id, owner.robot_id, body.visitorId)
    return ok({"visitorId": body.visitorId, "token": token, "robotId": owner.robot_id})


@router.post("/welcome", openapi_extra=VISITOR)
def welcome(caller: Caller, ctx: Ctx) -> dict[str, Any]:
    return ok(service.welcome(ctx, caller.visitor, caller.owner.welcome_menu))


class WidgetAskBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: str | None = Field(None, max_length=MAX_QUESTION)
    type: Literal["TEXT", "MENU_CLICK"] = "TEXT"
    knowledgeId: str | None = Field(None, max_length=200)


@router.post("/ask", openapi_extra=VISITOR)
def ask(body: WidgetAskBody, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    if body.type == "TEXT" and not (body.question or "").strip():
        raise bad_request("question is required for TEXT")
    if body.type == "MENU_CLICK" and not body.knowledgeId:
        raise bad_request("knowledgeId is required for MENU_CLICK")
    return ok(service.ask(ctx, caller.visitor, body.question or "", body.type, body.knowledgeId))


class WidgetFeedbackBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    feedbackStatus: Literal[STATUSES]  # type: ignore[valid-type]
    feedback: str | None = Field(None, max_length=10_000)


@router.post("/messages/{msgId}/feedback", openapi_extra=VISITOR)
def feedback(msgId: str, body: WidgetFeedbackBody, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    return ok(service.thumbs(ctx, caller.visitor, msgId, body.feedbackStatus, body.feedback))


class WidgetRatingBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    msgId: str = Field(min_length=1, max_length=64)
    type: int = Field(strict=True, ge=1, le=2, description="1 solved, 2 not solved")
    reasonTag: str | None = Field(None, max_length=1000)
    comment: str | None = Field(None, max_length=2000)


@router.post("/satisfaction", openapi_extra=VISITOR)
def satisfaction(body: WidgetRatingBody, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    return ok(service.rate(ctx, caller.visitor, body.msgId, body.type, body.reasonTag, body.comment))


@router.get("/history", openapi_extra=VISITOR)
def history(caller: Caller, ctx: Ctx, size: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    return ok(service.history(ctx, caller.visitor, size))


@script_router.options(PREFIX + "/{rest:path}", include_in_schema=False)
def preflight(rest: str, request: Request, ctx: Ctx) -> Response:
    """A CORS preflight carries no key: it is allowed for an origin that some live widget key lists (the
    request itself is then checked against its own key's list)."""
    origin = normalise_origin(request.headers.get("origin") or "")
    if origin is None or not origin_allowed_anywhere(ctx.db, origin):
        return JSONResponse(fail("ORIGIN_NOT_ALLOWED", "this origin is allowed by no widget key"), status_code=403)
    headers = {**cors_headers(request.headers["origin"]), "Access-Control-Allow-Methods": "GET, POST",
               "Access-Control-Allow-Headers": ALLOWED_HEADERS, "Access-Control-Max-Age": "600"}
    return Response(status_code=204, headers=headers)


@functools.cache
def _script() -> tuple[bytes, bytes, str]:
    """The file, gzipped once (what a visitor downloads), and its ETag."""
    data = resources.files("huida.channels.widget").joinpath("static/widget.js").read_bytes()
    return data, gzip.compress(data, 9, mtime=0), '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


@script_router.get("/widget.js", include_in_schema=False)
def widget_js(request: Request) -> Response:
    """The widget, one dependency-free file; gzipped when the browser takes it, cached 10 minutes, then
    revalidated by its ETag."""
    data, packed, etag = _script()
    headers = {"Cache-Control": "public, max-age=600", "ETag": etag, "Vary": "Accept-Encoding",
               "Cross-Origin-Resource-Policy": "cross-origin", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        data = packed
    return Response(data, media_type="text/javascript; charset=utf-8", headers=headers)


# -- widget keys (admin API): `/v10/tenants/{tenantId}/robots/{robotId}/widget-keys` --------------------------
# Huida's own endpoints, in the Easemob envelope. Admins create and revoke keys; any member may list them (a
# widget key is public: it sits in the page that embeds the widget).
key_router = APIRouter(prefix="/v10/tenants/{tenantId}/robots/{robotId}/widget-keys", tags=["widget"])


class NewWidgetKey(BaseModel):
    model_config = ConfigDict(extra="ignore")
    allowedOrigins: list[str] = Field(max_length=MAX_ORIGINS * 5)
    welcomeMenu: str | None = Field(None, min_length=1, max_length=200,
                                    description="a rule with a MENU answer, shown under the welcome")


@key_router.post("")
def create_key(tenantId: int, robotId: str, body: NewWidgetKey, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    origins = check_origins([o[:MAX_ORIGIN + 1] for o in body.allowedOrigins])
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        return ok(keys.key_entity(keys.create_key(session, tenantId, robotId, origins, body.welcomeMenu,
                                                  caller.user_id)))


@key_router.get("")
def list_keys(tenantId: int, robotId: str, caller: Member, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
        rows = [keys.key_entity(row) for row in keys.list_keys(session, tenantId, robotId)]
        return page(rows, number=0, size=max(1, len(rows)), total=len(rows))


@key_router.delete("/{keyId}")
def revoke_key(tenantId: int, robotId: str, keyId: str, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    """Revokes the key: the widget stops at once (every request reads the key); the record stays, marked."""
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        return ok(keys.key_entity(keys.revoke_key(session, tenantId, robotId, keyId[:64])))


routers = [key_router, router, script_router]
