"""Who calls: the request dependencies that turn a token into a `Principal` of a tenant, with a least role.

Each route family names the least role it needs (`Caller` is any member of the tenant in the path; `Agent`,
`Editor`, `Admin` as in huida/auth/roles.py). The role comes from the database, not the token.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from huida.api.deps import Ctx, authenticator
from huida.auth.models import Tenant, User
from huida.auth.roles import allows
from huida.auth.security import TokenClaims, read_token
from huida.auth.sso import ConsoleSession, console_session, origin_of
from huida.context import AppContext
from huida.errors import NotPermitted, forbidden, unauthorized

SESSION_COOKIE = "huida_session"
# The header the console sends with the requests that use the session cookie. A cross-site form cannot set a
# header, and a cross-site script can only with a CORS preflight, which this server never grants outside
# /widget/v1: together with the Origin check below, a request that carries it comes from this server's pages.
CONSOLE_HEADER = "X-Huida-Console"


@dataclass(frozen=True)
class Principal:
    tenant_id: int
    user_id: str
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return allows(self.role, "admin")


def token_from_request(request: Request) -> str | None:
    token = request.headers.get("token")
    if token:
        return token.strip()
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    # The SSO session cookie authenticates reads only, so a forged cross-site form cannot change data.
    if request.method in ("GET", "HEAD"):
        return request.cookies.get(SESSION_COOKIE)
    return None


class _ActiveUsers:
    """Remembers for a few seconds that a user is still enabled, and with which role, sparing a query per
    request. The role comes from the database, not the token: a demoted user loses rights within seconds."""

    ttl = 5.0

    def __init__(self) -> None:
        # Keyed by user and tenant: the check below vouches for that pair, not for the user alone.
        self._seen: dict[tuple[str, int], tuple[float, str]] = {}

    def role_of(self, ctx: AppContext, claims: TokenClaims) -> str | None:
        """The user's current role, or None when the user or the tenant is gone or disabled."""
        now = time.monotonic()
        key = (claims.user_id, claims.tenant_id)
        role: str | None
        until, role = self._seen.get(key, (0.0, ""))
        if until > now:
            return role
        with ctx.db.read() as session:
            user = session.get(User, claims.user_id)
            tenant = session.get(Tenant, claims.tenant_id)
            active = (user is not None and user.status == "Enable" and user.tenant_id == claims.tenant_id
                      and tenant is not None and tenant.status == "Enable")
            role = user.role if active and user is not None else None
        if role is not None:
            if len(self._seen) >= 10_000:  # forget the expired entries rather than grow with every user ever seen
                self._seen = {k: v for k, v in self._seen.items() if v[0] > now}
            self._seen[key] = (now + self.ttl, role)
        return role


_active_users = _ActiveUsers()


@authenticator
def authenticate(request: Request, ctx: AppContext) -> Principal:
    token = token_from_request(request)
    claims = read_token(ctx.secret_key, token) if token else None
    role = _active_users.role_of(ctx, claims) if claims is not None else None
    if claims is None or role is None:
        raise unauthorized()
    request.state.tenant_id = claims.tenant_id
    return Principal(claims.tenant_id, claims.user_id, claims.username, role)


async def tenant_principal(request: Request, ctx: Ctx, tenantId: Annotated[int, Path()]) -> Principal:
    """The caller, who must hold a valid token of the tenant named in the path. async: no thread-pool hop per
    request; the check is CPU-only but for the role read once per user every few seconds (_ActiveUsers)."""
    principal = authenticate(request, ctx)
    if principal.tenant_id != tenantId:
        raise forbidden()
    return principal


Caller = Annotated[Principal, Depends(tenant_principal)]


def _requiring(role: str, code: str) -> Callable[[Principal], Awaitable[Principal]]:
    async def dependency(principal: Caller) -> Principal:
        if not allows(principal.role, role):
            raise NotPermitted(code, f"this operation needs the role {role} (or higher) in the tenant")
        return principal
    dependency.__name__ = f"require_{role}"
    return dependency


# Each route family names the least role it needs (auth/roles.py has the table); `Caller` is any member.
Agent = Annotated[Principal, Depends(_requiring("agent", "AGENT_REQUIRED"))]
Editor = Annotated[Principal, Depends(_requiring("editor", "EDITOR_REQUIRED"))]
Admin = Annotated[Principal, Depends(_requiring("admin", "ADMIN_REQUIRED"))]


# -- the SSO session cookie, for the console ------------------------------------------------------------------


def own_origins(request: Request, ctx: AppContext) -> set[str]:
    """This server's origins: its public base URL's when configured, and the one the request was sent to. Both
    http and https for the request's host: behind a TLS-terminating proxy the server may see http while the
    browser says https. Accepting the other scheme opens nothing: a page there is another origin, whose request
    with the console header needs a CORS preflight this server refuses."""
    origins = {o for o in [origin_of(ctx.settings.public_base_url)] if o}
    host = request.headers.get("host", "").strip().lower()
    if host:
        origins |= {f"http://{host}", f"https://{host}"}
    return origins


def console_request(request: Request, ctx: Ctx) -> None:
    """Refuses what a page of another site could send: no console header, or an Origin not this server's."""
    if request.headers.get(CONSOLE_HEADER) != "1":
        raise NotPermitted("CONSOLE_HEADER_REQUIRED", f"this request must carry the header {CONSOLE_HEADER}: 1")
    origin = request.headers.get("origin")
    # Browsers send Origin with every cross-origin POST (and "null" from sandboxes): absent means not a page of
    # another site; present, it must be ours.
    if origin is not None and origin.strip().lower().rstrip("/") not in own_origins(request, ctx):
        raise NotPermitted("ORIGIN_REFUSED", "this request comes from a page of another site")


@authenticator
def session_cookie(request: Request, ctx: AppContext) -> ConsoleSession:
    """The signed-in user of the request's SSO session cookie (401 without a valid one)."""
    with ctx.db.read() as session:
        found = console_session(session, ctx.secret_key, request.cookies.get(SESSION_COOKIE))
        session.expunge(found.user)  # read after the session closes (the token's claims)
    return found


def console_cookie_session(request: Request, ctx: Ctx) -> ConsoleSession:
    """A console request (CSRF checks first: a forged request learns nothing of the cookie) and its session."""
    console_request(request, ctx)
    return session_cookie(request, ctx)


ConsoleCaller = Annotated[ConsoleSession, Depends(console_cookie_session)]
ConsolePage = Annotated[None, Depends(console_request)]
