"""Feishu channel endpoints: the apps of a tenant (Huida's own, Easemob envelope, admin-only writes), their
delivery log, and the event callback Feishu posts to (authenticated by Feishu's token and signature)."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.datastructures import Headers

from huida.api.deps import Ctx, PageNumber
from huida.api.envelope import ok, page
from huida.api.errors import ApiError, register_renderer
from huida.auth.deps import Admin, Caller
from huida.channels.feishu import deliveries, inbound, service
from huida.channels.feishu.apps import load_channel
from huida.channels.feishu.service import ChannelChanges, channel_entity
from huida.channels.feishu.verify import Rejection, open_callback
from huida.context import AppContext
from huida.errors import bad_request

log = logging.getLogger("huida.feishu")

AppId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$", min_length=1, max_length=64)]
Secret = Annotated[str, StringConstraints(pattern=r"^\S+$", min_length=1, max_length=256)]
OptionalSecret = Annotated[str, StringConstraints(pattern=r"^\S*$", max_length=256)]


router = APIRouter(prefix="/v10/tenants/{tenantId}/channels/feishu", tags=["feishu"])
events_router = APIRouter(tags=["feishu"])
EVENTS_PREFIX = "/channels/feishu/"


def _callback_error(error: ApiError) -> dict[str, Any]:
    """Errors raised before the callback runs (a control character in the path, a body over the limit, a wrong
    method) answer in the callback's own shape, as its rejections do: `{code: <HTTP status>, msg}`."""
    return {"code": error.status, "msg": error.description}


register_renderer(EVENTS_PREFIX, _callback_error)


class ChannelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    robotId: str | None = Field(None, min_length=1, max_length=36)
    appId: AppId | None = None
    appSecret: Secret | None = None
    encryptKey: OptionalSecret | None = None
    verificationToken: OptionalSecret | None = None
    domain: str | None = Field(None, min_length=1, max_length=300)
    mode: Literal["webhook", "longConnection"] | None = None
    enabled: bool | None = None
    feedbackOnText: bool | None = None
    # Read-only fields a client may send back from a GET; ignored.
    channelId: str | None = None
    tenantId: int | None = None
    appSecretHint: str | None = None
    encryptKeySet: bool | None = None
    verificationTokenSet: bool | None = None
    botOpenId: str | None = None
    botName: str | None = None
    eventUrl: str | None = None
    createDateTime: str | None = None
    lastUpdateDateTime: str | None = None

    def changes(self) -> ChannelChanges:
        return ChannelChanges(
            name=self.name, robot_id=self.robotId, app_id=self.appId, app_secret=self.appSecret,
            encrypt_key=self.encryptKey, verification_token=self.verificationToken, domain=self.domain,
            mode=self.mode, enabled=self.enabled, feedback_on_text=self.feedbackOnText,
        )


class NewChannel(ChannelBody):
    robotId: str = Field(min_length=1, max_length=36)
    appId: AppId
    appSecret: Secret


@router.post("")
def create(tenantId: int, body: NewChannel, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        row = service.create_channel(session, tenantId, body.changes())
        return ok(channel_entity(row, ctx.settings.public_base_url))


@router.get("")
def list_all(tenantId: int, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        rows = service.list_channels(session, tenantId)
        entities = [channel_entity(r, ctx.settings.public_base_url) for r in rows]
        return page(entities, number=0, size=max(1, len(rows)), total=len(rows))


@router.get("/{channelId}")
def read(tenantId: int, channelId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        return ok(channel_entity(service.get_channel(session, tenantId, channelId), ctx.settings.public_base_url))


@router.put("/{channelId}")
def update(tenantId: int, channelId: str, body: ChannelBody, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        row = service.apply_changes(session, service.get_channel(session, tenantId, channelId), body.changes())
        return ok(channel_entity(row, ctx.settings.public_base_url))


@router.delete("/{channelId}")
def remove(tenantId: int, channelId: str, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        session.delete(service.get_channel(session, tenantId, channelId))
        return ok(True)


@router.get("/{channelId}/deliveries")
def delivery_log(tenantId: int, channelId: str, caller: Caller, ctx: Ctx,
                 page_number: PageNumber = 0,
                 size: Annotated[int, Query(ge=1, le=100)] = 20,
                 state: Annotated[Literal[deliveries.STATES] | None, Query()] = None,  # type: ignore[valid-type]
                 ) -> dict[str, Any]:
    if state is not None and state not in deliveries.STATES:
        raise bad_request(f"state must be one of {', '.join(deliveries.STATES)}")
    with ctx.db.session() as session:
        channel = service.get_channel(session, tenantId, channelId)
        rows, total = deliveries.list_deliveries(session, channel.pk, page=page_number, size=size, state=state)
        return page(deliveries.entities(session, rows), number=page_number, size=size, total=total)


# -- the callback ------------------------------------------------------------------------------------

CALLBACK_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "the event was taken (`{}`), or the URL check's `{challenge}`, or a card's toast",
          "content": {"application/json": {"schema": {"type": "object"}}}},
    401: {"description": "missing or wrong signature, timestamp or verification token"},
    403: {"description": "the channel has neither a verification token nor an encrypt key"},
    404: {"description": "unknown channel"},
    413: {"description": "the body is larger than a Feishu event"},
}


def receive_callback(ctx: AppContext, channel_id: str, headers: Headers, body: bytes) -> JSONResponse:
    """Authenticates, dedupes and queues one callback; a refused one gets a 4xx and leaves no trace."""
    channel = load_channel(ctx.db, channel_id)
    try:
        if channel is None:
            raise Rejection(404, "unknown channel")
        payload = open_callback(channel.keys, headers, body)
        return JSONResponse(inbound.handle(ctx.db, channel, payload))
    except Rejection as rejection:
        log.warning("feishu callback rejected: channel=%s status=%d reason=%s", channel_id[:40], rejection.status,
                    rejection.reason)
        return JSONResponse({"code": rejection.status, "msg": rejection.reason}, status_code=rejection.status)


@events_router.post(EVENTS_PREFIX + "{channelId}/events", responses=CALLBACK_DOC)
async def events(channelId: str, request: Request) -> JSONResponse:
    body = await request.body()
    return await run_in_threadpool(receive_callback, request.app.state.ctx, channelId, request.headers, body)


routers = [router, events_router]
