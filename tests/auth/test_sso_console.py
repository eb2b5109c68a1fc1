"""Single sign-on (seed 004 §7.1) lands in the console: its session cookie, traded for a token.

    GET  /v10/commons/access?jwt=...&tenantId=...[&returnTo=...]  → 302 to returnTo, else /console; cookie set
    POST /v10/commons/session/token   (cookie + X-Huida-Console: 1) → the token API's answer
    POST /v10/commons/session/logout  (X-Huida-Console: 1)          → the cookie expired

The cookie (`huida_session`, HttpOnly, SameSite=Lax) authenticates reads only; the console trades it for a
token it can write with. A page of another site must not be able to do that trade (or sign the user out): the
console header is required (a cross-site form cannot send one), and an Origin, when present, must be this
server's. Without a valid cookie (none, expired, forged, a disabled user's) the answer is 401 in the envelope.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from huida.auth.models import User
from huida.auth.security import issue_token
from tests.auth.test_sso import CRM, SECRET, access, sso_token
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

TOKEN = "/v10/commons/session/token"
LOGOUT = "/v10/commons/session/logout"
CONSOLE = {"X-Huida-Console": "1"}


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    """A tenant whose SSO users are admins (so a traded token can create a robot)."""
    with new_tenant(server) as client:
        client.ok("PUT", "/sso", json={"secret": SECRET, "allowedOrigins": [CRM], "trustRoleClaim": False,
                                       "defaultRole": "admin"})
        yield client


def own_origin(api: Api) -> str:
    return api.server.base_url.rstrip("/")


def signed_in(api: Api, **claims: Any) -> str:
    """The session cookie's value after a §7.1 sign-in as a new user (or the one `claims` names)."""
    response = access(api, sso_token(**{"externalId": f"console-{uuid.uuid4().hex[:8]}", **claims}), return_to=None)
    assert response.status_code == 302, response.text
    return response.cookies["huida_session"]


def post(api: Api, path: str, cookie: str | None, headers: dict[str, str] | None = None,
         **options: Any) -> httpx.Response:
    sent = dict(CONSOLE if headers is None else headers)
    if cookie is not None:
        sent["cookie"] = f"huida_session={cookie}"
    return httpx.post(f"{api.server.base_url}{path}", headers=sent, timeout=30, **options)


def user_of(api: Api, username: str) -> User:
    with api.server.ctx.db.session() as session:
        user = session.scalar(select(User).where(User.tenant_id == api.tenant_id, User.username == username))
        assert user is not None
        session.expunge(user)
        return user


# --- landing in the console ----------------------------------------------------------------------------


@pytest.mark.parametrize(("return_to", "location"), [
    (None, "/console"),  # the seed names a default target: here it is the console
    ("/console", "/console"),
    ("/console/robots?tab=1#top", "/console/robots?tab=1#top"),
    ("{own}/console/robots/r-1/knowledge", "/console/robots/r-1/knowledge"),  # this server, absolute
    ("{own}/healthz", "/console"),  # this server, but not a console page
    ("http://127.0.0.2:1/console", "/console"),  # another host's console
])
def test_sso_lands_in_the_console(api: Api, return_to: str | None, location: str) -> None:
    target = return_to.format(own=own_origin(api)) if return_to else None
    response = access(api, sso_token(externalId=f"lands-{uuid.uuid4().hex[:8]}"), return_to=target)
    assert response.status_code == 302, response.text
    assert response.headers["location"] == location


def test_the_session_cookie_is_httponly_and_samesite_lax(api: Api) -> None:
    response = access(api, sso_token(), return_to=None)
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("huida_session=")
    assert {"httponly", "samesite=lax", "path=/"} <= {part.strip() for part in cookie.split(";")}


# --- trading the cookie for a token ----------------------------------------------------------------------


def test_the_cookie_and_the_console_header_give_a_token_that_writes(api: Api) -> None:
    cookie = signed_in(api, externalId="console-writer")
    before = time.time()
    response = post(api, TOKEN, cookie, {**CONSOLE, "origin": own_origin(api)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and "set-cookie" not in response.headers
    entity = body["entity"]
    # The token API's answer, field for field, so the console stores it the same way.
    login = httpx.post(f"{api.server.base_url}/v10/commons/integration/token",
                       json={"username": api.username, "password": api.password, "tenantId": api.tenant_id})
    assert set(entity) == set(login.json()["entity"])
    user = user_of(api, "console-writer")
    assert (entity["tenantId"], entity["userId"], entity["username"], entity["role"], entity["status"]) == (
        api.tenant_id, user.id, "console-writer", "admin", "OK")
    assert entity["token"] != cookie  # a token of its own: the httponly cookie's value never reaches a script
    # It expires with the session, never later.
    assert before * 1000 < entity["expires"] <= (time.time() + api.server.ctx.settings.token_ttl_seconds) * 1000

    created = httpx.post(f"{api.server.base_url}/v10/tenants/{api.tenant_id}/robots",
                         headers={"token": entity["token"]}, json={"name": "单点登录建的机器人"})
    assert created.status_code == 200, created.text
    robot_id = created.json()["entity"]["robotId"]
    assert robot_id in [r["robotId"] for r in api.ok("GET", "/robots")]


def test_without_an_origin_header_the_trade_works(api: Api) -> None:
    """Browsers send Origin with every cross-origin POST; a request without one comes from no other site."""
    assert post(api, TOKEN, signed_in(api)).status_code == 200


def test_a_short_session_gives_a_token_no_longer_than_itself(api: Api) -> None:
    user = user_of(api, api.username)
    cookie, cookie_expires = issue_token(api.server.ctx.secret_key, tenant_id=api.tenant_id, user_id=user.id,
                                         username=user.username, role=user.role, ttl_seconds=60)
    entity = post(api, TOKEN, cookie).json()["entity"]
    assert entity["expires"] <= cookie_expires


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-console-header"),
    pytest.param({"X-Huida-Console": "0"}, id="console-header-not-1"),
    pytest.param({"content-type": "application/x-www-form-urlencoded"}, id="a-cross-site-form"),
])
def test_without_the_console_header_the_trade_is_refused(api: Api, headers: dict[str, str]) -> None:
    response = post(api, TOKEN, signed_in(api), headers, content=b"x=1")
    assert expect_error(response, 403, "CONSOLE_HEADER_REQUIRED")["entity"] is None


@pytest.mark.parametrize("origin", [
    "https://evil.example.net",
    "null",  # a sandboxed frame or a file: page
    "http://127.0.0.1:1",  # this host, another port: another origin
    "{own}.evil.example.net",
    CRM,  # the partner may send people here, but may not trade their sessions for tokens
])
def test_an_origin_of_another_site_is_refused(api: Api, origin: str) -> None:
    response = post(api, TOKEN, signed_in(api), {**CONSOLE, "origin": origin.format(own=own_origin(api))})
    expect_error(response, 403, "ORIGIN_REFUSED")


def test_the_cookie_never_authorises_a_write_by_itself(api: Api) -> None:
    """The cookie plus the console header is a trade for a token, not a pass for the rest of the API."""
    response = post(api, f"/v10/tenants/{api.tenant_id}/robots", signed_in(api), json={"name": "x"})
    expect_error(response, 401, "UNAUTHORIZED")


def forged(api: Api) -> str:
    user = user_of(api, api.username)
    token, _ = issue_token("another-server's-secret-key-of-32-bytes-or-more", tenant_id=api.tenant_id, user_id=user.id,
                           username=user.username, role="admin", ttl_seconds=600)
    return token


def expired(api: Api) -> str:
    user = user_of(api, api.username)
    token, _ = issue_token(api.server.ctx.secret_key, tenant_id=api.tenant_id, user_id=user.id,
                           username=user.username, role="admin", ttl_seconds=-10)
    return token


@pytest.mark.parametrize("make", [
    pytest.param(lambda api: None, id="no-cookie"),
    pytest.param(lambda api: "", id="empty-cookie"),
    pytest.param(expired, id="expired-cookie"),
    pytest.param(forged, id="forged-cookie"),
    pytest.param(lambda api: signed_in(api)[:-3] + "abc", id="tampered-cookie"),
    pytest.param(lambda api: sso_token(externalId="partner-jwt"), id="the-partner-jwt-is-no-session"),
])
def test_without_a_valid_cookie_it_is_401(api: Api, make: Any) -> None:
    response = post(api, TOKEN, make(api), {**CONSOLE, "origin": own_origin(api)})
    expect_error(response, 401, "UNAUTHORIZED")


def test_a_user_disabled_since_the_sign_in_gets_no_token(api: Api) -> None:
    cookie = signed_in(api, externalId="disabled-later")
    with api.server.ctx.db.session() as session:
        user = session.scalar(select(User).where(User.tenant_id == api.tenant_id, User.username == "disabled-later"))
        assert user is not None
        user.status = "Disable"
    expect_error(post(api, TOKEN, cookie), 401, "UNAUTHORIZED")


def test_a_session_reaches_its_own_tenant_only(api: Api, other_api: Api) -> None:
    """The traded token is the cookie's tenant's: another tenant's path is 403."""
    entity = post(api, TOKEN, signed_in(api)).json()["entity"]
    response = httpx.get(f"{api.server.base_url}/v10/tenants/{other_api.tenant_id}/robots",
                         headers={"token": entity["token"]})
    expect_error(response, 403, "FORBIDDEN")


# --- signing out -------------------------------------------------------------------------------------------


def test_logout_expires_the_cookie(api: Api) -> None:
    with httpx.Client(base_url=api.server.base_url, headers=CONSOLE) as browser:
        params = {"jwt": sso_token(externalId="signs-out"), "tenantId": api.tenant_id}
        assert browser.get("/v10/commons/access", params=params).status_code == 302
        assert browser.post(TOKEN).status_code == 200
        response = browser.post(LOGOUT, headers={"origin": own_origin(api)})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "OK"
        expiry = response.headers["set-cookie"].lower()
        assert expiry.startswith('huida_session=""') or expiry.startswith("huida_session=;")
        assert "max-age=0" in expiry and "httponly" in expiry and "samesite=lax" in expiry and "path=/" in expiry
        assert "huida_session" not in browser.cookies  # the client dropped it, as a browser does
        expect_error(browser.post(TOKEN), 401, "UNAUTHORIZED")
        # Signing out again (or without a session) is no error.
        assert browser.post(LOGOUT).status_code == 200


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-console-header"),
    pytest.param({**CONSOLE, "origin": "https://evil.example.net"}, id="origin-of-another-site"),
])
def test_a_page_of_another_site_cannot_sign_the_user_out(api: Api, headers: dict[str, str]) -> None:
    cookie = signed_in(api)
    response = post(api, LOGOUT, cookie, headers)
    assert response.status_code == 403 and "set-cookie" not in response.headers
    expect_error(response, 403)
    assert post(api, TOKEN, cookie).status_code == 200  # the session is still there
