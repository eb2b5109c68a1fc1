"""The shapes of what the API answers, for the OpenAPI document (the routes still build plain dicts).

`Reply` is the Easemob envelope of seed 004 around a free-form entity (typed entities come with the typed
views of issue 15); `Failure`, `AilyFailure` and `CallbackFailure` are the error bodies of each API family;
`binary` declares a file download. See huida.api.openapi.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

# Free-form JSON: an entity whose keys depend on the data (a report, an answer variant, import details).
AnyJson = dict[str, Any] | list[Any] | str | int | float | bool | None


class _Doc(BaseModel):
    # Documents what is guaranteed; an answer may carry more keys than a model names.
    model_config = ConfigDict(extra="allow")


class Reply(_Doc):
    """A /v10 success whose entity this document leaves free-form."""

    status: Literal["OK"]
    errorCode: None
    errorDescription: None
    entity: AnyJson
    first: bool | None
    last: bool | None
    size: int | None
    number: int | None
    numberOfElements: int | None
    totalPages: int | None
    totalElements: int | None


class Failure(_Doc):
    """A /v10 error: `status: FAIL`, a stable `errorCode`, a human `errorDescription`; `entity` is null or
    details a client can act on (every bad row of an import)."""

    status: Literal["FAIL"]
    errorCode: str
    errorDescription: str
    entity: AnyJson
    first: None
    last: None
    size: None
    number: None
    numberOfElements: None
    totalPages: None
    totalElements: None


class AilyFailure(_Doc):
    """An /open-apis error: a non-zero Feishu-style code (2700001 for a bad parameter) and a message."""

    code: int
    msg: str
    data: dict[str, Any]


class CallbackFailure(_Doc):
    """A refused Feishu callback: the HTTP status again as `code`, and the reason."""

    code: int
    msg: str


class Health(_Doc):
    """GET /healthz: the process answers (no database involved)."""

    status: Literal["OK"]
    version: str


class Readiness(_Doc):
    """GET /readyz: whether the database answers (503 with `status: FAIL` when it does not)."""

    status: Literal["OK", "FAIL"]
    database: Literal["reachable", "unreachable"]
    error: str | None = None


def binary(*media_types: str, also: dict[int | str, dict[str, Any]] | None = None) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a route answering file bytes of the given media types (wildcards allowed), plus `also`."""
    content = {media: {"schema": {"type": "string", "format": "binary"}} for media in media_types}
    return {200: {"description": "the file", "content": content}, **(also or {})}
