"""Request dependencies shared by every route family: the app context and the caller's tenant."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from huida.api.envelope import MAX_PAGE
from huida.api.errors import ApiError, forbidden, unauthorized
from huida.auth.models import Tenant, User
from huida.auth.security import TokenClaims, read_token
from huida.context import AppContext


def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx


Ctx = Annotated[AppContext, Depends(get_ctx)]


# The 0-based `page` of every paged listing, bounded so that an absurd number is a 400, not a database overflow.
PageNumber = Annotated[int, Query(alias="page", ge=0, le=MAX_PAGE)]


@dataclass(frozen=True)
class Principal:
    tenant_id: int
    user_id: str
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def token_from_request(request: Request) -> str | None:
    token = request.headers.get("token")
    if token:
        return token.strip()
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    # The SSO session cookie authenticates reads only, so a forged cross-site form cannot change data.
    if request.method in ("GET", "HEAD"):
        return request.cookies.get("huida_session")
    return None


class _ActiveUsers:
    """Remembers for a few seconds that a user is still enabled, sparing a query per request."""

    ttl = 5.0

    def __init__(self) -> None:
        # Keyed by user and tenant: the check below vouches for that pair, not for the user alone.
        self._seen: dict[tuple[str, int], float] = {}

    def check(self, ctx: AppContext, claims: TokenClaims) -> bool:
        now = time.monotonic()
        key = (claims.user_id, claims.tenant_id)
        if self._seen.get(key, 0.0) > now:
            return True
        with ctx.db.session() as session:
            user = session.get(User, claims.user_id)
            tenant = session.get(Tenant, claims.tenant_id)
            active = (user is not None and user.status == "Enable" and user.tenant_id == claims.tenant_id
                      and tenant is not None and tenant.status == "Enable")
        if active:
            self._seen[key] = now + self.ttl
        return active


_active_users = _ActiveUsers()


def authenticate(request: Request, ctx: AppContext) -> Principal:
    token = token_from_request(request)
    claims = read_token(ctx.secret_key, token) if token else None
    if claims is None or not _active_users.check(ctx, claims):
        raise unauthorized()
    request.state.tenant_id = claims.tenant_id
    return Principal(claims.tenant_id, claims.user_id, claims.username, claims.role)


def tenant_principal(request: Request, ctx: Ctx, tenantId: Annotated[int, Path()]) -> Principal:
    """The caller, who must hold a valid token of the tenant named in the path."""
    principal = authenticate(request, ctx)
    if principal.tenant_id != tenantId:
        raise forbidden()
    return principal


Caller = Annotated[Principal, Depends(tenant_principal)]


def require_admin(principal: Caller) -> Principal:
    if not principal.is_admin:
        raise ApiError(403, "ADMIN_REQUIRED", "this operation needs an admin of the tenant")
    return principal


Admin = Annotated[Principal, Depends(require_admin)]
