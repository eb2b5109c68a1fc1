"""Errors as values: every failure becomes a 4xx in the envelope of the API it came through.

Routes raise `ApiError` (or one of its shortcuts); the handlers installed by `install_error_handlers`
render it as the Easemob envelope for /v10 paths and as `{code, msg, data}` for the Feishu-style
/open-apis paths. Validation errors name the offending field. Nothing ever leaks a stack trace.
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

log = logging.getLogger("huida.errors")


class ApiError(Exception):
    """A client-visible failure. `code` is stable; `description` is for humans."""

    def __init__(self, status: int, code: str, description: str, *, feishu_code: int | None = None,
                 entity: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.feishu_code = feishu_code
        self.entity = entity  # details a client can act on (e.g. every bad row of an import)
        self.headers = headers  # e.g. Retry-After on a 429, Allow on a 405


def bad_request(description: str, code: str = "INVALID_PARAMETER") -> ApiError:
    return ApiError(400, code, description)


def not_found(what: str, ident: object, code: str | None = None) -> ApiError:
    return ApiError(404, code or f"{what.upper().replace(' ', '_')}_NOT_FOUND", f"{what} not found: {ident}")


def conflict(description: str, code: str = "CONFLICT") -> ApiError:
    return ApiError(409, code, description)


def unauthorized(description: str = "missing, invalid or expired token") -> ApiError:
    return ApiError(401, "UNAUTHORIZED", description)


def forbidden(description: str = "this token does not grant access to that tenant") -> ApiError:
    return ApiError(403, "FORBIDDEN", description)


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
