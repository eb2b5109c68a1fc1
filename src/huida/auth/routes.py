"""Token (seed 004 §1.1), single sign-on (§7.1) and the tenant's SSO configuration."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from huida.api.deps import Admin, Ctx
from huida.api.envelope import ok
from huida.api.errors import bad_request, not_found
from huida.auth.models import Tenant, User
from huida.auth.security import issue_token
from huida.auth.service import login
from huida.auth.sso import origin_of, sso_login

router = APIRouter(tags=["auth"])

MAX_DB_INT = 2**63 - 1  # a larger id cannot be bound as a database integer (SQLite and PostgreSQL)


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


def token_entity(ctx: Any, user: User) -> tuple[dict[str, Any], str]:
    token, expires = issue_token(ctx.secret_key, tenant_id=user.tenant_id, user_id=user.id,
                                 username=user.username, role=user.role, ttl_seconds=ctx.settings.token_ttl_seconds)
    entity = {"expires": expires, "role": user.role, "roleId": user.role_id, "tenantId": user.tenant_id,
              "userId": user.id, "status": "OK", "token": token, "username": user.username}
    return entity, token


@router.post("/v10/commons/integration/token")
def get_token(body: TokenRequest, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        user = login(session, body.username, body.password)
    entity, _ = token_entity(ctx, user)
    return ok(entity)


@router.get("/v10/commons/access", response_class=RedirectResponse, status_code=302)
def single_sign_on(ctx: Ctx, jwt: Annotated[str, Query(min_length=1, max_length=8000)],
                   tenantId: Annotated[int, Query(ge=1, le=MAX_DB_INT)], returnTo: str | None = None,
                   ) -> RedirectResponse:
    with ctx.db.session() as session:
        result = sso_login(session, tenantId, jwt, returnTo)
    _, token = token_entity(ctx, result.user)
    response = RedirectResponse(result.redirect_to, status_code=302)
    response.set_cookie("huida_session", token, max_age=ctx.settings.token_ttl_seconds, httponly=True,
                        samesite="lax", secure=(ctx.settings.public_base_url or "").startswith("https://"))
    return response


class SsoSettings(BaseModel):
    secret: str | None = Field(None, min_length=16, max_length=500)
    allowedOrigins: list[str] = Field(default_factory=list, max_length=50)


def _sso_entity(tenant: Tenant) -> dict[str, Any]:
    return {"tenantId": tenant.id, "enabled": bool(tenant.sso_secret),
            "allowedOrigins": list(tenant.sso_allowed_origins or [])}


@router.get("/v10/tenants/{tenantId}/sso")
def read_sso(tenantId: int, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        tenant = session.get(Tenant, tenantId)
        if tenant is None:
            raise not_found("tenant", tenantId)
        return ok(_sso_entity(tenant))


@router.put("/v10/tenants/{tenantId}/sso")
def update_sso(tenantId: int, body: SsoSettings, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    origins = []
    for value in body.allowedOrigins:
        origin = origin_of(value)
        if origin is None:
            raise bad_request(f"allowedOrigins: not an http(s) origin: {value}")
        origins.append(origin)
    with ctx.db.session() as session:
        tenant = session.get(Tenant, tenantId)
        if tenant is None:
            raise not_found("tenant", tenantId)
        if body.secret is not None:
            tenant.sso_secret = body.secret
        tenant.sso_allowed_origins = origins
        return ok(_sso_entity(tenant))
