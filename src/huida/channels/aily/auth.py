"""Who calls the Aily-style API: `Authorization: Bearer <token>` with a tenant user's token (any robot of
the tenant, named by `robot_id`) or a robot's API key (that robot only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from huida.api.deps import Ctx, authenticate, token_from_request
from huida.api.errors import unauthorized
from huida.channels.aily.errors import invalid
from huida.channels.aily.keys import looks_like_key, resolve_key
from huida.safetext import text_problem

BIZ_USER_HEADER = "x-aily-bizuserid"
MAX_BIZ_USER = 255


@dataclass(frozen=True)
class AilyCaller:
    tenant_id: int
    principal: str  # who created things: a user id, or "api_key:<id>"
    robot_id: str | None  # set for an API key: the only robot it may use
    biz_user_id: str | None  # the end user the client speaks for (X-Aily-BizUserID)

    def may_use(self, robot_id: str) -> bool:
        return self.robot_id is None or self.robot_id == robot_id


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
