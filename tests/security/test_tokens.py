"""Forged, stale and misplaced credentials are refused on every route family, in that family's envelope.

Extends tests/auth/test_token.py (which keeps its tests): each case is tried on a sample of the app's routes,
the first read and the first write (not a delete) of every endpoint module, taken from the app's own route
table, so a family added later is sampled too. Paths name the caller's tenant and robot (other ids are
unknown ones: a token that got through would give a 404 or a 400, never the 401 expected).

    no token, garbage, a tampered signature, a tampered payload (extended expiry), another secret, alg none,
    HS512 with the server's own secret, expired, no exp claim, another issuer, a deleted user, a disabled
    user, a disabled tenant, the tenantId claim changed to B's and re-signed with a wrong secret, the tenantId
    claim changed to B's and signed with the real secret (A's user is no user of B)
        → 401 UNAUTHORIZED (Easemob envelope; the Aily-style API: 401 in {code, msg, data})
    a valid token of tenant A on tenant B's paths            → 403 FORBIDDEN (reading: PERMISSION_DENIED)
    a viewer's token whose role claim says admin (real secret) → 403 ADMIN_REQUIRED: roles come from the database
    a made-up or revoked robot API key                        → 401 on the Aily-style API
    the SSO session cookie                                    → opens reads, never writes (401)

The control: A's valid token (as `token` and as `Authorization: Bearer`) gets past authentication on every
sampled route (neither 401 nor 403), so each refusal above is the credential's doing.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest

from huida.auth.models import Tenant, User
from huida.auth.security import ISSUER, issue_token
from huida.auth.service import create_user
from tests.security.world import PUBLIC, Route, route_table
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer

WRONG_SECRET = "another-secret-that-is-long-enough-for-hs256"
# HS512 with the server's (32-byte) secret is the point of one forgery, not a mistake.
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is .* below the minimum recommended length")


def samples() -> list[Route]:
    """The first read and the first non-delete write of every endpoint module with token-authenticated routes."""
    chosen: dict[tuple[str, bool], Route] = {}
    for route in route_table():
        if route.key in PUBLIC or route.family not in ("tenant", "aily") or route.method == "DELETE":
            continue
        if route.path.endswith("/content"):  # downloads also open with a signed link: no token needed there
            continue
        chosen.setdefault((route.module, route.method == "GET"), route)
    return list(chosen.values())


SAMPLES = samples()


@dataclass
class Subject:
    server: LiveServer
    a: Api
    b: Api
    robot: str  # A's
    b_robot: str
    user_id: str  # A's admin
    http: httpx.Client  # with no credentials of its own

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        return {"sub": self.a.username, "iss": ISSUER, "tenantId": self.a.tenant_id, "userId": self.user_id,
                "username": self.a.username, "role": "admin", "iat": now, "exp": now + 3600,
                "jti": str(uuid.uuid4()), **changes}

    def signed(self, secret: str | None = None, algorithm: str = "HS256", **changes: Any) -> str:
        return jwt.encode(self.claims(**changes), secret or self.server.ctx.secret_key, algorithm=algorithm)

    def user_token(self, tenant_id: int, role: str = "admin", **user: Any) -> tuple[str, str]:
        """A new user of the tenant (never seen by the server yet) and its valid token."""
        username = f"user-{uuid.uuid4().hex[:10]}@example.com"
        with self.server.ctx.db.session() as session:
            user_id = create_user(session, tenant_id, username, "a password 123", role=role, **user).id
        token, _ = issue_token(self.server.ctx.secret_key, tenant_id=tenant_id, user_id=user_id, username=username,
                               role=role, ttl_seconds=3600)
        return user_id, token


@pytest.fixture(scope="module")
def subject(server: LiveServer) -> Iterator[Subject]:
    with new_tenant(server) as a, new_tenant(server) as b, \
            httpx.Client(base_url=server.base_url, timeout=30) as http:
        claims = jwt.decode(a.token, options={"verify_signature": False})
        yield Subject(server, a, b, a.new_robot("令牌"), b.new_robot("令牌"), claims["userId"], http)


def url(route: Route, tenant_id: int, robot: str) -> str:
    values = {"tenantId": tenant_id, "robotId": robot}
    return "".join(str(values.get(part, f"probe-{part}")) if i % 2 else part
                   for i, part in enumerate(route.path.replace("{", "}").split("}")))


def call(subject: Subject, route: Route, headers: dict[str, str], *, tenant: Api | None = None) -> httpx.Response:
    """The route on A's paths (A's tenant and robot), or on another tenant's (B's robot, or A's if not B)."""
    tenant_id = (tenant or subject.a).tenant_id
    path = url(route, tenant_id, subject.b_robot if tenant is subject.b else subject.robot)
    body = {} if route.method != "GET" else None
    return subject.http.request(route.method, path, headers=headers, json=body)


def as_header(route: Route, token: str) -> dict[str, str]:
    """Where a client puts the token: `token` for the Easemob API, `Authorization: Bearer` for the Aily one."""
    return {"Authorization": f"Bearer {token}"} if route.family == "aily" else {"token": token}


def refused(route: Route, response: httpx.Response, status: int, codes: tuple[str, ...]) -> str | None:
    """Why the answer is not the expected refusal in the route's envelope (None when it is)."""
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} not JSON: {response.text[:200]}"
    if response.status_code != status:
        return f"{response.status_code} {response.text[:300]}"
    if route.family == "aily":
        ok = set(body) == {"code", "msg", "data"} and body["code"] != 0 and body["msg"]
    else:
        ok = body.get("status") == "FAIL" and body.get("entity") is None and body.get("errorCode") in codes \
            and body.get("errorDescription")
    return None if ok else f"not the envelope: {body}"


def expect_all(subject: Subject, headers_for: Callable[[Route], dict[str, str]], status: int,
               codes: tuple[str, ...], routes: list[Route] | None = None, **kwargs: Any) -> None:
    problems = []
    for route in routes if routes is not None else SAMPLES:
        why = refused(route, call(subject, route, headers_for(route), **kwargs), status, codes)
        if why:
            problems.append(f"{route.key}: {why}")
    assert not problems, "\n".join(problems)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# -- forgeries of a token of A's tenant, each tried on A's own paths --------------------------------------

def _tampered_signature(s: Subject) -> str:
    head, payload, signature = s.a.token.split(".")
    return f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"


def _tampered_payload(s: Subject) -> str:
    head, _, signature = s.a.token.split(".")
    claims = jwt.decode(s.a.token, options={"verify_signature": False})
    return f"{head}.{b64({**claims, 'exp': claims['exp'] + 365 * 86400})}.{signature}"


def _alg_none(s: Subject) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(s.claims())}."


def _no_exp(s: Subject) -> str:
    claims = s.claims()
    del claims["exp"]
    return jwt.encode(claims, s.server.ctx.secret_key, algorithm="HS256")


def _deleted_user(s: Subject) -> str:
    user_id, token = s.user_token(s.a.tenant_id)
    with s.server.ctx.db.session() as session:
        session.delete(session.get(User, user_id))
    return token


def _disabled_user(s: Subject) -> str:
    user_id, token = s.user_token(s.a.tenant_id)
    with s.server.ctx.db.session() as session:
        session.get(User, user_id).status = "Disable"
    return token




FORGED: dict[str, Callable[[Subject], str]] = {
    "garbage": lambda s: "garbage",
    "tampered-signature": _tampered_signature,
    "tampered-payload": _tampered_payload,
    "other-secret": lambda s: s.signed(WRONG_SECRET),
    "alg-none": _alg_none,
    "hs512-real-secret": lambda s: s.signed(algorithm="HS512"),
    "expired": lambda s: s.signed(iat=int(time.time()) - 7200, exp=int(time.time()) - 10),
    "no-exp": _no_exp,
    "other-issuer": lambda s: s.signed(iss="not-huida"),
    "deleted-user": _deleted_user,
    "disabled-user": _disabled_user,
}


def test_no_token_is_401(subject: Subject) -> None:
    expect_all(subject, lambda route: {}, 401, ("UNAUTHORIZED",))


@pytest.mark.parametrize("forgery", list(FORGED), ids=list(FORGED))
def test_forged_tokens_are_401(subject: Subject, forgery: str) -> None:
    token = FORGED[forgery](subject)
    expect_all(subject, lambda route: as_header(route, token), 401, ("UNAUTHORIZED",))


def test_a_disabled_tenants_token_is_401(subject: Subject) -> None:
    """A tenant of its own (disabling A would end the other cases): its admin's token on its own paths."""
    with new_tenant(subject.server) as other:
        with subject.server.ctx.db.session() as session:
            session.get(Tenant, other.tenant_id).status = "Disable"
        expect_all(subject, lambda route: as_header(route, other.token), 401, ("UNAUTHORIZED",), tenant=other)


@pytest.mark.parametrize("secret", ["wrong", "real"])
def test_a_tenant_claim_changed_to_b_is_401(subject: Subject, secret: str) -> None:
    """A's token saying tenant B: re-signed with a wrong secret, or (as if the secret leaked) with the real one,
    whereupon the user, A's, is no user of B. Tried on B's paths."""
    token = subject.signed(WRONG_SECRET if secret == "wrong" else None, tenantId=subject.b.tenant_id)
    expect_all(subject, lambda route: as_header(route, token), 401, ("UNAUTHORIZED",), tenant=subject.b)


def test_a_valid_token_of_a_on_bs_paths_is_403(subject: Subject) -> None:
    tenant_routes = [r for r in SAMPLES if r.family == "tenant"]
    expect_all(subject, lambda route: as_header(route, subject.a.token), 403, ("FORBIDDEN", "PERMISSION_DENIED"),
               tenant_routes, tenant=subject.b)


def test_a_role_claim_is_not_believed(subject: Subject) -> None:
    """A viewer's token re-signed (with the real secret) to say admin: the role comes from the database."""
    user_id, _ = subject.user_token(subject.a.tenant_id, role="viewer")
    token = subject.signed(userId=user_id, role="admin")
    admin_writes = [r for r in SAMPLES if r.family == "tenant" and r.method != "GET"
                    and r.module.endswith(("webhooks.routes", "key_routes", "feishu.routes"))]
    assert admin_writes
    expect_all(subject, lambda route: as_header(route, token), 403, ("ADMIN_REQUIRED",), admin_writes)


def test_made_up_and_revoked_api_keys_are_401(subject: Subject) -> None:
    aily = [r for r in SAMPLES if r.family == "aily"]
    assert aily
    made_up = "hdk_" + uuid.uuid4().hex + uuid.uuid4().hex
    expect_all(subject, lambda route: as_header(route, made_up), 401, ("UNAUTHORIZED",))
    key = subject.a.ok("POST", f"/robots/{subject.robot}/api-keys", json={"name": "revoked"})
    subject.a.ok("DELETE", f"/robots/{subject.robot}/api-keys/{key['id']}")
    expect_all(subject, lambda route: as_header(route, key["key"]), 401, ("UNAUTHORIZED",), aily)


def test_the_session_cookie_opens_reads_only(subject: Subject) -> None:
    cookie = {"Cookie": f"huida_session={subject.a.token}"}
    writes = [r for r in SAMPLES if r.method != "GET"]
    expect_all(subject, lambda route: cookie, 401, ("UNAUTHORIZED",), writes)
    for route in (r for r in SAMPLES if r.method == "GET" and r.family == "tenant"):
        response = call(subject, route, cookie)
        assert response.status_code not in (401, 403), (route.key, response.text[:300])


@pytest.mark.parametrize("header", ["token", "bearer"])
def test_control_a_valid_token_gets_through(subject: Subject, header: str) -> None:
    """The same calls with A's valid token pass authentication (a 2xx, or a 400/404 for the probe ids)."""
    for route in SAMPLES:
        headers = {"Authorization": f"Bearer {subject.a.token}"} if header == "bearer" else as_header(
            route, subject.a.token)
        response = call(subject, route, headers)
        assert response.status_code not in (401, 403) and response.status_code < 500, \
            (route.key, response.status_code, response.text[:300])
