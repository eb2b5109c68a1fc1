"""The Easemob-style envelope every /v10 endpoint answers in (seed 004)."""

from __future__ import annotations

import math
from typing import Any

# The highest page number a listing accepts: page * size must stay a database integer.
MAX_PAGE = 1_000_000
PAGE_KEYS = ("first", "last", "size", "number", "numberOfElements", "totalPages", "totalElements")


def ok(entity: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "OK", "errorCode": None, "errorDescription": None, "entity": entity}
    body.update(dict.fromkeys(PAGE_KEYS))
    return body


def page(items: list[Any], *, number: int, size: int, total: int) -> dict[str, Any]:
    """A page of `items` (page `number`, 0-based unless the endpoint says otherwise)."""
    total_pages = math.ceil(total / size) if size else 0
    body = ok(items)
    body.update(
        first=number == 0,
        last=number >= total_pages - 1,
        size=size,
        number=number,
        numberOfElements=len(items),
        totalPages=total_pages,
        totalElements=total,
    )
    return body


def fail(error_code: str, description: str) -> dict[str, Any]:
    body = ok(None)
    body.update(status="FAIL", errorCode=error_code, errorDescription=description)
    return body
