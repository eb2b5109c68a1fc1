"""The Aily-style API's HTTP plumbing: the `Caller` dependency (who calls: a user's token or a robot's API key,
see huida/channels/aily/auth.py) and the renderer of its errors in Feishu's `{code, msg, data}` envelope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from huida.api.deps import Ctx
from huida.api.errors import ApiError, register_renderer
from huida.auth.deps import authenticate, token_from_request
from huida.channels.aily.auth import AilyCaller
from huida.channels.aily.errors import (
    FORBIDDEN,
    INTERNAL,
    INVALID_TOKEN,
    NOT_FOUND,
    PARAM_INVALID,
    RUN_CONFLICT,
    invalid,
)
from huida.channels.aily.keys import looks_like_key, resolve_key
from huida.errors import unauthorized
from huida.safetext import text_problem

PREFIX = "/open-apis/aily/"

BIZ_USER_HEADER = "x-aily-bizuserid"
MAX_BIZ_USER = 255


# The Feishu-style number of an error that carries none of its own, by HTTP status.
_BY_STATUS = {400: PARAM_INVALID, 401: INVALID_TOKEN, 403: FORBIDDEN, 404: NOT_FOUND, 405: PARAM_INVALID,
              409: RUN_CONFLICT, 413: PARAM_INVALID, 415: PARAM_INVALID, 422: PARAM_INVALID}


def render(error: ApiError) -> dict[str, Any]:
    code = error.feishu_code or _BY_STATUS.get(error.status, INTERNAL)
    message = f"param is invalid: {error.description}" if code == PARAM_INVALID else error.description
    return {"code": code, "msg": message, "data": {}}


register_renderer(PREFIX, render)


def _biz_user(request: Request) -> str | None:
    value = request.headers.get(BIZ_USER_HEADER)
    if value is None or not value.strip():
        return None
    if len(value) > MAX_BIZ_USER:
        raise invalid("X-Aily-BizUserID", f"at most {MAX_BIZ_USER} characters")
    problem = text_problem(value)  # stored as the sender of the session's messages: the rule of huida/safetext.py
    if problem is not None:
        raise invalid("X-Aily-BizUserID", problem)
    return value.strip()


def aily_caller(request: Request, ctx: Ctx) -> AilyCaller:
    token = token_from_request(request)
    if token and looks_like_key(token):
        owner = resolve_key(ctx.db, token)
        if owner is None:
            raise unauthorized("invalid or revoked API key")
        request.state.tenant_id = owner.tenant_id
        return AilyCaller(owner.tenant_id, f"api_key:{owner.key_id}", owner.robot_id, _biz_user(request))
    principal = authenticate(request, ctx)
    return AilyCaller(principal.tenant_id, principal.user_id, None, _biz_user(request))


Caller = Annotated[AilyCaller, Depends(aily_caller)]
