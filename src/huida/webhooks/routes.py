"""Webhook subscriptions of a robot, their delivery log, redelivery and ping (Huida's own endpoints, in the
style of seed 004: Easemob envelope, admin-only writes)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from huida.api.deps import Ctx, PageNumber
from huida.api.envelope import ok, page
from huida.auth.deps import Admin, Caller
from huida.errors import bad_request
from huida.webhooks import service
from huida.webhooks.service import WebhookChanges
from huida.webhooks.views import delivery_entities, delivery_entity, webhook_entity

router = APIRouter(prefix="/v10/tenants/{tenantId}/robots/{robotId}/webhooks", tags=["webhooks"])


class WebhookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=2000)
    secret: str | None = None
    events: list[str] | None = Field(None, max_length=50)
    active: bool | None = None
    maxInFlight: int | None = None  # concurrent deliveries; checked by the service (1-100)
    # Read-only fields a client may send back from a GET; ignored.
    webhookId: str | None = None
    robotId: str | None = None
    tenantId: int | None = None
    secretHint: str | None = None
    createDateTime: str | None = None
    lastUpdateDateTime: str | None = None


class NewWebhook(WebhookBody):
    url: str = Field(max_length=2000)
    secret: str
    events: list[str] = Field(max_length=50)


@router.post("")
def create(tenantId: int, robotId: str, body: NewWebhook, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        hook = service.create_webhook(session, tenantId, robotId, url=body.url, secret=body.secret,
                                      events=body.events, active=body.active is not False,
                                      allow_private=ctx.settings.webhook_allow_private,
                                      max_in_flight=body.maxInFlight)
        return ok(webhook_entity(hook))


@router.get("")
def list_all(tenantId: int, robotId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        hooks = service.list_webhooks(session, tenantId, robotId)
        return page([webhook_entity(h) for h in hooks], number=0, size=max(1, len(hooks)), total=len(hooks))


@router.get("/{webhookId}")
def read(tenantId: int, robotId: str, webhookId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        return ok(webhook_entity(service.get_webhook(session, tenantId, robotId, webhookId)))


@router.put("/{webhookId}")
def update(tenantId: int, robotId: str, webhookId: str, body: WebhookBody, caller: Admin,
           ctx: Ctx) -> dict[str, Any]:
    changes = WebhookChanges(url=body.url, secret=body.secret, events=body.events, active=body.active,
                             max_in_flight=body.maxInFlight)
    with ctx.db.session() as session:
        hook = service.get_webhook(session, tenantId, robotId, webhookId)
        hook = service.update_webhook(session, hook, changes, allow_private=ctx.settings.webhook_allow_private)
        return ok(webhook_entity(hook))


@router.delete("/{webhookId}")
def remove(tenantId: int, robotId: str, webhookId: str, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        session.delete(service.get_webhook(session, tenantId, robotId, webhookId))
        return ok(True)


@router.post("/{webhookId}/ping")
def ping(tenantId: int, robotId: str, webhookId: str, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        hook = service.get_webhook(session, tenantId, robotId, webhookId)
        return ok(delivery_entity(service.ping(session, hook), []))


@router.get("/{webhookId}/deliveries")
def deliveries(tenantId: int, robotId: str, webhookId: str, caller: Caller, ctx: Ctx,
               page_number: PageNumber = 0,
               size: Annotated[int, Query(ge=1, le=100)] = 20,
               state: Annotated[Literal[service.DELIVERY_STATES] | None, Query()] = None,  # type: ignore[valid-type]
               event: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    if state is not None and state not in service.DELIVERY_STATES:
        raise bad_request(f"state must be one of {', '.join(service.DELIVERY_STATES)}")
    with ctx.db.read() as session:
        hook = service.get_webhook(session, tenantId, robotId, webhookId)
        rows, total = service.list_deliveries(session, hook, page=page_number, size=size, state=state, event=event)
        return page(delivery_entities(session, rows), number=page_number, size=size, total=total)


@router.get("/{webhookId}/deliveries/{deliveryId}")
def delivery(tenantId: int, robotId: str, webhookId: str, deliveryId: str, caller: Caller,
             ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        hook = service.get_webhook(session, tenantId, robotId, webhookId)
        row = service.get_delivery(session, hook, deliveryId)
        return ok(delivery_entities(session, [row], with_body=True)[0])


@router.post("/{webhookId}/deliveries/{deliveryId}/redeliver")
def redeliver(tenantId: int, robotId: str, webhookId: str, deliveryId: str, caller: Admin,
              ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        hook = service.get_webhook(session, tenantId, robotId, webhookId)
        row = service.redeliver(session, hook, deliveryId)
        return ok(delivery_entities(session, [row])[0])
