"""Token (seed 004 §1.1), single sign-on (§7.1) and the tenant's SSO configuration."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from huida.api.deps import Ctx
from huida.api.envelope import ok
from huida.auth.deps import SESSION_COOKIE, Admin, ConsoleCaller, ConsolePage, own_origins
from huida.auth.models import Tenant, User
from huida.auth.security import issue_token
from huida.auth.service import LoginAttempt, login
from huida.auth.sso import origin_of, sso_login
from huida.auth.throttle import LoginKeys, ThrottleRule
from huida.config import Settings
from huida.errors import TooManyRequests, bad_request, not_found

router = APIRouter(tags=["auth"])
# Public routes that still refuse callers (their body's credentials, not a token): documented here.
LOGIN_ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "wrong username or password"},
                                                 429: {"description": "too many failed logins; see Retry-After"}}
SSO_ERRORS: dict[int | str, dict[str, Any]] = {
    302: {"description": "signed in: a session cookie, and on to returnTo (or the console)"},
    401: {"description": "the SSO token is invalid, expired or replayed"},
    403: {"description": "the account or the tenant is disabled"}}

MAX_DB_INT = 2**63 - 1  # a larger id cannot be bound as a database integer (SQLite and PostgreSQL)


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    # Not in seed 004: needed only when the same login exists in several tenants (usernames are per tenant).
    tenantId: int | None = Field(None, ge=1, le=MAX_DB_INT)


def login_attempt(body: TokenRequest, request: Request, settings: Settings) -> LoginAttempt:
    # The client address as uvicorn reports it (behind a proxy: X-Forwarded-For from --forwarded-allow-ips).
    address = request.client.host if request.client else None
    first_lock = settings.login_lock_seconds
    keys = LoginKeys.of(body.username, address, ThrottleRule(settings.login_account_attempts, first_lock),
                        ThrottleRule(settings.login_address_attempts, first_lock))
    return LoginAttempt(body.username, body.password, body.tenantId, keys)


def token_entity(ctx: Any, user: User, ttl_seconds: int | None = None) -> tuple[dict[str, Any], str]:
    """The token API's answer for `user` (and the token), valid `ttl_seconds` (the configured token TTL)."""
    ttl = ctx.settings.token_ttl_seconds if ttl_seconds is None else ttl_seconds
    token, expires = issue_token(ctx.secret_key, tenant_id=user.tenant_id, user_id=user.id,
                                 username=user.username, role=user.role, ttl_seconds=ttl)
    entity = {"expires": expires, "role": user.role, "roleId": user.role_id, "tenantId": user.tenant_id,
              "userId": user.id, "status": "OK", "token": token, "username": user.username}
    return entity, token


# A refused login (locked account or address) is answered this late at most (never later than Retry-After):
# a guessing client that waits for each answer slows to about one guess a second per connection, instead of
# hundreds of cheap refusals a second that would take the CPU from the robot's visitors. The wait is an
# asyncio sleep: it holds no worker thread, however many connections wait.
REFUSAL_DELAY_SECONDS = 1.0


@router.post("/v10/commons/integration/token", responses=LOGIN_ERRORS)
async def get_token(body: TokenRequest, request: Request, ctx: Ctx) -> dict[str, Any]:
    attempt = login_attempt(body, request, ctx.settings)
    try:
        user = await run_in_threadpool(login, ctx.db, attempt)  # database and Argon2: off the event loop
    except TooManyRequests as refused:
        await asyncio.sleep(min(REFUSAL_DELAY_SECONDS, refused.retry_after or 0))
        raise
    entity, _ = token_entity(ctx, user)
    return ok(entity)


def _secure_cookie(ctx: Any) -> bool:
    return (ctx.settings.public_base_url or "").startswith("https://")


@router.get("/v10/commons/access", response_class=RedirectResponse, status_code=302, responses=SSO_ERRORS)
def single_sign_on(request: Request, ctx: Ctx, jwt: Annotated[str, Query(min_length=1, max_length=8000)],
                   tenantId: Annotated[int, Query(ge=1, le=MAX_DB_INT)], returnTo: str | None = None,
                   ) -> RedirectResponse:
    with ctx.db.session() as session:
        result = sso_login(session, tenantId, jwt, returnTo, own_origins(request, ctx))
    _, token = token_entity(ctx, result.user)
    response = RedirectResponse(result.redirect_to, status_code=302)
    # httponly: no script reads it (the console trades it for a token below); SameSite=Lax: a cross-site
    # POST never carries it, and a cross-site GET only reads (auth/deps.py token_from_request).
    response.set_cookie(SESSION_COOKIE, token, max_age=ctx.settings.token_ttl_seconds, httponly=True,
                        samesite="lax", secure=_secure_cookie(ctx))
    return response


# The console's use of the cookie: a token for the signed-in SSO user, and signing out. Both need the console
# header and an Origin of this server (auth/deps.py console_request): a page of another site gets a 403.
CONSOLE_SECURITY: dict[str, Any] = {"security": [{"sessionCookie": [], "consoleHeader": []}]}
CONSOLE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not the console: no X-Huida-Console header, or an Origin of another site"}}


@router.post("/v10/commons/session/token", openapi_extra=CONSOLE_SECURITY)
def session_token(caller: ConsoleCaller, ctx: Ctx) -> dict[str, Any]:
    """The token API's answer for the user of the SSO session cookie, expiring with the session."""
    entity, _ = token_entity(ctx, caller.user, caller.ttl_seconds)
    return ok(entity)


@router.post("/v10/commons/session/logout", responses=CONSOLE_ERRORS,
             openapi_extra={"security": [{"consoleHeader": []}]})
def session_logout(_: ConsolePage, ctx: Ctx, response: Response) -> dict[str, Any]:
    """Expires the SSO session cookie (whether or not there was one: signing out twice is no error)."""
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure_cookie(ctx))
    return ok({"status": "OK"})


# What sso.origin_of accepts: an http(s) URL with a host (it keeps only scheme://host[:port]).
Origin = Annotated[str, StringConstraints(pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]+")]


class SsoSettings(BaseModel):
    secret: str | None = Field(None, min_length=16, max_length=500)
    allowedOrigins: list[Origin] = Field(default_factory=list, max_length=50)
    # Whether the token's `role` claim sets the user's role; else new SSO users get defaultRole.
    trustRoleClaim: bool | None = None
    defaultRole: Literal["viewer", "agent", "editor", "admin"] | None = None


def _sso_entity(tenant: Tenant) -> dict[str, Any]:
    return {"tenantId": tenant.id, "enabled": bool(tenant.sso_secret),
            "allowedOrigins": list(tenant.sso_allowed_origins or []),
            "trustRoleClaim": tenant.sso_trust_role_claim, "defaultRole": tenant.sso_default_role}


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
        if body.trustRoleClaim is not None:
            tenant.sso_trust_role_claim = body.trustRoleClaim
        if body.defaultRole is not None:
            tenant.sso_default_role = body.defaultRole
        tenant.sso_allowed_origins = origins
        return ok(_sso_entity(tenant))
