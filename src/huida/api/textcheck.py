"""The storage rule of huida.safetext, applied to every request before its route runs.

Installed once, as a dependency of the whole app (app.create_app), so every route family, including one added
later, refuses control characters in its path and query parameters and in the body FastAPI parses for it (JSON
or a form): a 400 in that API's envelope naming the field, before anything is stored or looked up.
Routes that read a raw body themselves apply the rule where they parse it: imports report a bad row
(knowledge/importexport/rows.py), Feishu events drop the characters (channels/feishu/events.py).
"""

from __future__ import annotations

import email.message

from fastapi import Request, params

from huida.errors import bad_request
from huida.safetext import text_problem, value_problem


def _is_json(content_type: str | None) -> bool:
    """Whether FastAPI parsed the body as JSON (its own test: application/json or application/*+json)."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def _parameters(request: Request) -> list[tuple[str, str]]:
    """(name, value) of every path and query parameter, query names included (as a value of their own)."""
    found = list(request.path_params.items())
    for name, value in request.query_params.multi_items():
        found += [(f"{name} (a query parameter name)", name), (name, value)]
    return [(name, value) for name, value in found if isinstance(value, str)]


async def _body_problem(request: Request) -> tuple[str, str] | None:
    """(field, reason) of the body FastAPI parsed for the route, a JSON value or a form; None if it is clean."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    if body_field is None:  # no body model: a raw body is its route's to read
        return None
    if isinstance(body_field.field_info, params.Form):  # read already: Starlette hands back the same form
        form = await request.form()
        fields = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
        return next(((name, p) for name, value in fields if (p := text_problem(value)) is not None), None)
    if not _is_json(request.headers.get("content-type")) or not await request.body():
        return None  # FastAPI parsed no JSON either
    return value_problem(await request.json())  # parsed already: the cached value


async def refuse_control_characters(request: Request) -> None:
    """400 INVALID_PARAMETER when a parameter or a body field holds a character Huida never stores."""
    for name, value in _parameters(request):
        problem = text_problem(value)
        if problem is not None:
            raise bad_request(f"{name}: {problem}")
    found = await _body_problem(request)
    if found is not None:
        raise bad_request(f"{found[0]}: {found[1]}")
