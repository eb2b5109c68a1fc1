"""Errors at the HTTP edge: every failure becomes a 4xx in the envelope of the API it came through.

Services raise domain errors (`huida.errors`): a kind (`InvalidInput`, `NotFound`, ...) with a stable code and
no notion of HTTP. This module is where they meet HTTP: `STATUS` maps each kind to its status, and the handlers
installed by `install_error_handlers` render every error through the renderer registered for the request's path
(the Easemob envelope by default; the Feishu callback and Aily `{code, msg, data}` renderers are registered by
their channels' route modules). Validation errors name the offending field. Nothing ever leaks a stack trace.

`ApiError` stays, for the edge only: it is the rendered form of every error (a status, headers and the numbered
code of Feishu-style APIs), and what HTTP-only failures are raised as (a validation error, a 405 with its Allow
header, a body over the size limit, an unexpected 500). Services never raise it: they cannot know the status.
Routes raise domain errors too (the shortcuts `bad_request`, `not_found`, ... are in `huida.errors`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from huida.api.envelope import fail
from huida.api.methods import allowed_methods
from huida.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    NotPermitted,
    TooLarge,
    TooManyRequests,
    Unauthenticated,
    UnsupportedType,
)

log = logging.getLogger("huida.errors")


class ApiError(Exception):
    """A client-visible failure as HTTP answers it. `code` is stable; `description` is for humans.

    Raised by the edge for HTTP-only failures, and made from every `DomainError` by `from_domain` just before
    rendering."""

    def __init__(self, status: int, code: str, description: str, *, feishu_code: int | None = None,
                 entity: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.feishu_code = feishu_code
        self.entity = entity  # details a client can act on (e.g. every bad row of an import)
        self.headers = headers  # e.g. Retry-After on a 429, Allow on a 405


# The status of each kind of domain error. A subclass not listed takes the status of its nearest listed base.
STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400, Unauthenticated: 401, NotPermitted: 403, NotFound: 404, Conflict: 409, TooLarge: 413,
    UnsupportedType: 415, TooManyRequests: 429,
    DomainError: 400,  # a failure of no particular kind is still the caller's, never a 500
}


def status_of(error: DomainError) -> int:
    return next(STATUS[kind] for kind in type(error).__mro__ if kind in STATUS)


def from_domain(error: DomainError) -> ApiError:
    """The HTTP form of a domain error: its kind's status, and Retry-After when it says when to come back."""
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return ApiError(status_of(error), error.code, error.description, feishu_code=error.numeric_code,
                    entity=error.entity, headers=headers)


# Renderers per API family, chosen by path prefix; the default is the Easemob envelope.
Renderer = Callable[[ApiError], dict[str, Any]]
_RENDERERS: list[tuple[str, Renderer]] = []


def register_renderer(path_prefix: str, renderer: Renderer) -> None:
    _RENDERERS.append((path_prefix, renderer))


def _easemob(error: ApiError) -> dict[str, Any]:
    body = fail(error.code, error.description)
    body["entity"] = error.entity
    return body


def render(request: Request, error: ApiError) -> JSONResponse:
    path = request.url.path
    renderer = next((r for prefix, r in _RENDERERS if path.startswith(prefix)), _easemob)
    return JSONResponse(renderer(error), status_code=error.status, headers=error.headers)


_STATUS_CODES = {
    400: "INVALID_PARAMETER", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE",
    422: "INVALID_PARAMETER", 429: "TOO_MANY_REQUESTS",
}


def describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "body"
        if err.get("type") == "json_invalid":
            return "malformed JSON body"
        parts.append(f"{field}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return render(request, exc)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return render(request, from_domain(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return render(request, ApiError(400, "INVALID_PARAMETER", describe_validation(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "ERROR")
        detail = exc.detail if isinstance(exc.detail, str) else code.lower()
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method the path takes (RFC 9110), not only the first route's
            headers["Allow"] = allowed_methods(request.app, request.url.path)
        return render(request, ApiError(exc.status_code, code, detail, headers=headers or None))

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the validation let through (a NUL character in a PostgreSQL text,
        # a number out of range): the client's input, not a server fault.
        log.info("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
        return render(request, ApiError(400, "INVALID_PARAMETER", "a value is out of range or contains "
                                        "characters that cannot be stored (such as NUL)"))

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # A unique or foreign key constraint lost a race the service's own checks could not see (two
        # requests creating the same id at once on PostgreSQL): the same answer the check gives, a 409.
        log.warning("constraint refused a write on %s %s: %s", request.method, request.url.path, exc.orig)
        return render(request, ApiError(409, "CONFLICT", "the change conflicts with data written at the same "
                                        "time (an id already taken, or something it needs just removed); retry"))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render(request, ApiError(500, "INTERNAL_ERROR", "internal error"))
