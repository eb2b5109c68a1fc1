"""JWT single sign-on (seed 004 §7.1): a partner system signs the user's identity with a shared secret."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.auth.models import SsoTokenUse, Tenant, User
from huida.auth.roles import ROLES
from huida.auth.security import TokenClaims, read_token
from huida.auth.service import create_user, find_user
from huida.errors import InvalidInput, NotPermitted, Unauthenticated

MAX_AGE_SECONDS = 5 * 60
# Where a signed-in SSO user lands when the partner names no (acceptable) returnTo: the web console, which
# turns the session cookie into a token (`console_session` below).
CONSOLE_ROOT = "/console"
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class SsoLogin:
    user: User
    redirect_to: str


def _reject(description: str, code: str = "SSO_REJECTED") -> Unauthenticated:
    return Unauthenticated(code, description)


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _console_path(return_to: str, own_origins: set[str]) -> str | None:
    """The console page `return_to` names on this server (a relative `/console…` path, or an absolute URL of
    one of `own_origins`), as a path of this server; None for anything else. Only paths under /console: the
    seed's default target is the robot server's own console page, and a path that starts with `//` or holds a
    backslash would be read by browsers as another host."""
    parts = urlsplit(return_to)
    if parts.scheme or parts.netloc:
        if origin_of(return_to) not in own_origins:
            return None
    elif not return_to.startswith("/"):
        return None
    path = parts.path
    if "\\" in return_to or not (path == CONSOLE_ROOT or path.startswith(CONSOLE_ROOT + "/")):
        return None
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def safe_redirect(return_to: str | None, allowed_origins: list[str], own_origins: set[str] | None = None) -> str:
    """`return_to` when its origin is on the tenant's list, or when it is a console page of this server
    (`own_origins`: this server's origins, lower case); the console root otherwise (no target, or a refused one)."""
    if return_to:
        origin = origin_of(return_to)
        allowed = {o.rstrip("/").lower() for o in allowed_origins}
        if origin and origin in allowed:
            return return_to
        return _console_path(return_to, own_origins or set()) or CONSOLE_ROOT
    return CONSOLE_ROOT


def _verify(token: str, secret: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["iat", "jti"]},
                            leeway=CLOCK_SKEW_SECONDS)
    except jwt.ImmatureSignatureError as exc:
        raise _reject("sso token issued in the future") from exc
    except jwt.PyJWTError as exc:
        raise _reject(f"sso token invalid: {exc}") from exc
    now = time.time()
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or issued > now + CLOCK_SKEW_SECONDS:
        raise _reject("sso token has no valid iat")
    if now - issued > MAX_AGE_SECONDS:
        raise _reject("sso token older than 5 minutes", "SSO_EXPIRED")
    return claims


def _mark_used(session: Session, tenant_id: int, jti: str) -> None:
    if session.scalar(select(SsoTokenUse).where(SsoTokenUse.tenant_id == tenant_id, SsoTokenUse.jti == jti)):
        raise _reject("sso token already used", "SSO_REPLAYED")
    try:
        with session.begin_nested():
            session.add(SsoTokenUse(tenant_id=tenant_id, jti=jti))
    except IntegrityError as exc:  # a concurrent request with the same jti won the race
        raise _reject("sso token already used", "SSO_REPLAYED") from exc


def _claim_text(claims: dict[str, Any], key: str, max_length: int) -> str:
    """A claim as stripped text ("" when absent); numbers are accepted as text, anything else is refused."""
    value = claims.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInput("INVALID_PARAMETER", f"sso token claim {key} must be text")
    text = str(value).strip()
    if len(text) > max_length:
        raise InvalidInput("INVALID_PARAMETER", f"sso token claim {key} is longer than {max_length} characters")
    return text


def _role_for(tenant: Tenant, claims: dict[str, Any]) -> str | None:
    """The role the token asks for when the tenant takes roles from tokens (None: it does not, or no claim)."""
    if not tenant.sso_trust_role_claim:
        return None
    role = _claim_text(claims, "role", 20)
    if role and role not in ROLES:
        raise InvalidInput("INVALID_PARAMETER", f"sso token claim role must be one of {', '.join(ROLES)}")
    return role or None


def _user_for(session: Session, tenant: Tenant, claims: dict[str, Any]) -> User:
    """The tenant's user the token names, created on first sight; SSO never sees another tenant's users."""
    external_id = _claim_text(claims, "externalId", 200)
    email = _claim_text(claims, "email", 320)
    name = _claim_text(claims, "name", 200)
    username = external_id or email
    if not username:
        raise InvalidInput("INVALID_PARAMETER", "sso token needs externalId or email")
    if len(username) > 200:
        raise InvalidInput("INVALID_PARAMETER", "sso token username (email) is longer than 200 characters")
    # The partner says which state the user logs in with; anything but Enable is a refusal.
    if (_claim_text(claims, "state", 20) or "Enable") != "Enable":
        raise NotPermitted("ACCOUNT_DISABLED", "this account is disabled")
    role = _role_for(tenant, claims)
    user = find_user(session, tenant.id, username)
    if user is None:
        user = create_user(session, tenant.id, username, None, role=role or tenant.sso_default_role,
                           email=email or None, name=name or None, external_id=external_id or None)
    elif role is not None:
        user.role = role  # the partner system is where the tenant manages its SSO users' roles
    if user.status != "Enable":
        raise NotPermitted("ACCOUNT_DISABLED", "this account is disabled")
    return user


def sso_login(session: Session, tenant_id: int, token: str, return_to: str | None,
              own_origins: set[str] | None = None) -> SsoLogin:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None or not tenant.sso_secret:
        raise InvalidInput("SSO_NOT_CONFIGURED", f"single sign-on is not configured for tenant {tenant_id}")
    claims = _verify(token, tenant.sso_secret)
    if tenant.status != "Enable":
        raise NotPermitted("ACCOUNT_DISABLED", "this tenant is disabled")
    jti = _claim_text(claims, "jti", 200)
    if not jti:
        raise _reject("sso token has no jti")
    _mark_used(session, tenant.id, jti)
    user = _user_for(session, tenant, claims)
    return SsoLogin(user, safe_redirect(return_to, list(tenant.sso_allowed_origins or []), own_origins))


# -- the console's session: the cookie §7.1 sets, turned into a token ----------------------------------------


@dataclass(frozen=True)
class ConsoleSession:
    user: User
    ttl_seconds: int  # what is left of the cookie's session: a token made from it never outlives it


def console_session(session: Session, secret: str, cookie: str | None) -> ConsoleSession:
    """The still enabled user of a valid session cookie, and how long the session has left.

    The cookie is a token this server signed (auth/security.py); the user and the tenant are read again, so
    a user disabled since the sign-in gets no token. Every refusal is the same 401: a forged, expired or
    absent cookie tells nothing apart."""
    claims = read_token(secret, cookie) if cookie else None
    user = _session_user(session, claims) if claims is not None else None
    left = int(claims.expires_ms / 1000 - time.time()) if claims is not None else 0
    if claims is None or user is None or left <= 0:
        raise Unauthenticated("UNAUTHORIZED", "no valid single sign-on session: sign in again")
    return ConsoleSession(user, left)


def _session_user(session: Session, claims: TokenClaims) -> User | None:
    user = session.get(User, claims.user_id)
    tenant = session.get(Tenant, claims.tenant_id)
    if user is None or tenant is None or user.tenant_id != tenant.id:
        return None
    return user if user.status == "Enable" and tenant.status == "Enable" else None
