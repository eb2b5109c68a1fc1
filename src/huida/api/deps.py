"""Request dependencies shared by every route family: the app context and the page of a listing.

Who the caller is (tokens, roles, the tenant in the path) is the auth package's: huida/auth/deps.py. Its
`authenticate` is marked with `authenticator` below, so that the OpenAPI document can tell which operations
authenticate (huida/api/openapi.py) without this HTTP plumbing importing the auth package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request

from huida.api.envelope import MAX_PAGE
from huida.context import AppContext

F = TypeVar("F", bound=Callable[..., Any])
AUTHENTICATES = "__huida_authenticates__"


async def get_ctx(request: Request) -> AppContext:
    # async: FastAPI runs a plain `def` dependency in the thread pool, a hop this lookup need not pay.
    return request.app.state.ctx


Ctx = Annotated[AppContext, Depends(get_ctx)]


# The 0-based `page` of every paged listing, bounded so that an absurd number is a 400, not a database overflow.
PageNumber = Annotated[int, Query(alias="page", ge=0, le=MAX_PAGE)]


def authenticator(function: F) -> F:
    """Marks the function that establishes the caller of a request (a route whose dependencies call it needs a
    token, and can answer 401 and 403)."""
    setattr(function, AUTHENTICATES, True)
    return function


def is_authenticator(value: object) -> bool:
    return getattr(value, AUTHENTICATES, False) is True
