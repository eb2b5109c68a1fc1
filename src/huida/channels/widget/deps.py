"""The widget API's HTTP plumbing: who calls (a widget key from an allowed origin, and a visitor token), the
rate limits, and CORS headers on every answer of the widget routes, errors included."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute

from huida.api.deps import Ctx
from huida.channels.widget.keys import WidgetOwner, resolve_key
from huida.channels.widget.limits import WidgetLimits
from huida.channels.widget.origins import MAX_ORIGIN, normalise_origin
from huida.channels.widget.visitors import Visitor, read_token
from huida.errors import NotPermitted, Unauthenticated

PREFIX = "/widget/v1"
KEY_HEADER = "x-huida-widget-key"
TOKEN_HEADER = "x-huida-visitor-token"
ROBOT_HEADER = "x-huida-robot"
ALLOWED_HEADERS = f"content-type, {KEY_HEADER}, {TOKEN_HEADER}, {ROBOT_HEADER}"


def _limits(request: Request) -> WidgetLimits:
    state = request.app.state
    if not hasattr(state, "widget_limits"):  # one per app: its counters are this process's
        settings = request.app.state.ctx.settings
        state.widget_limits = WidgetLimits(settings.widget_visitor_per_minute, settings.widget_key_per_minute)
    limits: WidgetLimits = state.widget_limits
    return limits


def widget_key(request: Request, ctx: Ctx) -> WidgetOwner:
    """The key's owner; 401 for a missing, unknown or revoked key, 403 for an origin the key does not list.

    A request without Origin is no browser's cross-origin request (a server, curl): the key, public anyway,
    grants it no more than the widget may do."""
    owner = resolve_key(ctx.db, request.headers.get(KEY_HEADER) or "")
    if owner is None:
        raise Unauthenticated("WIDGET_KEY_INVALID", f"missing, unknown or revoked widget key ({KEY_HEADER})")
    origin = request.headers.get("origin")
    if origin is not None:
        if normalise_origin(origin) not in owner.origins:
            raise NotPermitted("ORIGIN_NOT_ALLOWED",
                               f"origin {origin[:MAX_ORIGIN]!r} is not allowed for this widget key")
        request.state.widget_origin = origin
    request.state.tenant_id = owner.tenant_id
    robot = request.headers.get(ROBOT_HEADER)
    if robot and robot != owner.robot_id:
        raise NotPermitted("KEY_ROBOT_MISMATCH", "this widget key belongs to another robot (data-robot)")
    return owner


Key = Annotated[WidgetOwner, Depends(widget_key)]


def key_only(request: Request, owner: Key) -> WidgetOwner:
    """A key's request without a visitor yet (the visitor's token is being made): counted against the key."""
    _limits(request).check(owner.key_id, None)
    return owner


@dataclass(frozen=True)
class WidgetCaller:
    owner: WidgetOwner
    visitor: Visitor


def widget_caller(request: Request, ctx: Ctx, owner: Key) -> WidgetCaller:
    visitor = read_token(ctx.secret_key, owner.tenant_id, owner.robot_id, request.headers.get(TOKEN_HEADER))
    _limits(request).check(owner.key_id, visitor.visitor_id)
    return WidgetCaller(owner, visitor)


KeyOnly = Annotated[WidgetOwner, Depends(key_only)]
Caller = Annotated[WidgetCaller, Depends(widget_caller)]


def cors_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin", "Access-Control-Expose-Headers": "Retry-After"}


class CorsRoute(APIRoute):
    """A widget route: its answers, errors included, carry CORS headers for the key's allowed origin (set by
    `widget_key`), so the widget can read a 429's Retry-After; an origin the key does not list gets none."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:
                response = await _rendered(request, exc)
            origin = getattr(request.state, "widget_origin", None)
            if origin:
                response.headers.update(cors_headers(origin))
            return response

        return route


async def _rendered(request: Request, exc: Exception) -> Response:
    """The app's own error handler's answer (huida/api/errors.py), so the envelope is the same as elsewhere."""
    for kind in type(exc).__mro__:
        handler = request.app.exception_handlers.get(kind)
        if handler is not None:
            response: Response = await handler(request, exc)
            return response
    raise exc
