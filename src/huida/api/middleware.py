"""ASGI middleware: one structured log line per request, and a cap on request body size."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("huida.access")


class RequestLogMiddleware:
    """Logs method, path, status, latency and tenant as one JSON line per HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            state: Any = scope.get("state") or {}
            access_log.info(json.dumps({
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                "tenant": state.get("tenant_id") if isinstance(state, dict) else None,
            }, ensure_ascii=False))


class BodyTooLarge(HTTPException):
    """Raised while the body streams in. An HTTPException, because FastAPI turns any other error raised
    while it reads a body into a 400 "error parsing the body"; the handler renders it as 413 PAYLOAD_TOO_LARGE."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")


class BodyLimitMiddleware:
    """Refuses bodies over `limit` bytes, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            await _reject(scope, receive, send, self.limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counting_receive, send)


async def _reject(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """A 413 in the envelope of the API the path belongs to (the renderers of huida.api.errors)."""
    from starlette.requests import Request

    from huida.api.errors import ApiError, render

    error = ApiError(413, "PAYLOAD_TOO_LARGE", f"request body larger than {limit} bytes")
    await render(Request(scope), error)(scope, receive, send)
