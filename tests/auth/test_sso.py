"""Seed 004 §7.1: single sign-on with a JWT signed by the partner system.

    GET /v10/commons/access?jwt=...&returnTo=...&tenantId=...

The tenant configures its shared secret and the origins it may be sent back to with
`PUT /v10/tenants/{tenantId}/sso {secret, allowedOrigins}`. A good token logs the user in (created on
first sight, username = externalId else email), sets a session cookie and redirects to `returnTo` when
its origin is allowed or it is a console page of this server, to the console (/console) otherwise. Every
rejection is a 4xx in the envelope and creates nobody. The console's use of the cookie: test_sso_console.py.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import func, select

from huida.auth.models import Tenant, User
from huida.auth.security import issue_token
from huida.auth.service import create_user
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

SECRET = "约定好的密钥-shared-between-the-partner-system-and-huida-for-hmac"  # > 64 bytes, fine for HS512 too
CRM = "https://crm.example.com"
RETURN_TO = f"{CRM}/mo/robot?tab=rules#top"


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    """One tenant for most of the module (creating one hashes a password); each test configures SSO first."""
    with new_tenant(server) as client:
        yield client


@pytest.fixture
def fresh(server: LiveServer) -> Iterator[Api]:
    """A tenant of its own, SSO never configured (or about to be disabled)."""
    with new_tenant(server) as client:
        yield client


def sso_token(secret: str = SECRET, *, drop: tuple[str, ...] = (), algorithm: str = "HS256", **claims: Any) -> str:
    """The partner's side of §7.1: iat, jti, email, name, state (and externalId when given), HMAC256-signed."""
    body: dict[str, Any] = {"iat": int(time.time()), "jti": str(uuid.uuid4()),
                            "email": f"{uuid.uuid4().hex[:8]}@example.com", "name": "昵称", "state": "Enable"}
    body.update(claims)
    for key in drop:
        body.pop(key, None)
    return jwt.encode(body, secret, algorithm=algorithm)


def configure(api: Api, secret: str | None = SECRET, origins: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"allowedOrigins": [CRM] if origins is None else origins,
                            "trustRoleClaim": False, "defaultRole": "viewer"}  # the module's tenant is shared
    if secret is not None:
        body["secret"] = secret
    return api.ok("PUT", "/sso", json=body)


def access(api: Api, token: str, return_to: str | None = RETURN_TO, tenant_id: int | None = None) -> httpx.Response:
    params: dict[str, Any] = {"jwt": token, "tenantId": api.tenant_id if tenant_id is None else tenant_id}
    if return_to is not None:
        params["returnTo"] = return_to
    return httpx.get(f"{api.server.base_url}/v10/commons/access", params=params, follow_redirects=False)


def users_of(api: Api, tenant_id: int | None = None) -> list[User]:
    with api.server.ctx.db.session() as session:
        return list(session.scalars(select(User).where(User.tenant_id == (tenant_id or api.tenant_id))
                                    .order_by(User.created_at)).all())


def user_named(api: Api, username: str, tenant_id: int | None = None) -> User | None:
    """The user of that login in the api's tenant (or `tenant_id`'s): usernames are unique per tenant only."""
    with api.server.ctx.db.session() as session:
        return session.scalar(select(User).where(User.username == username,
                                                 User.tenant_id == (tenant_id or api.tenant_id)))


def user_count(api: Api) -> int:
    with api.server.ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def expect_rejected(api: Api, response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert "set-cookie" not in response.headers, response.headers
    return expect_error(response, status, code)


# --- configuration ---------------------------------------------------------------------------------


def test_sso_settings_are_configured_per_tenant_and_never_echo_the_secret(fresh: Api) -> None:
    api = fresh
    assert api.ok("GET", "/sso") == {"tenantId": api.tenant_id, "enabled": False, "allowedOrigins": [],
                                     "trustRoleClaim": False, "defaultRole": "viewer"}
    entity = configure(api, origins=["https://CRM.example.com/some/page", "http://localhost:3000"])
    assert entity == {"tenantId": api.tenant_id, "enabled": True,
                      "allowedOrigins": ["https://crm.example.com", "http://localhost:3000"],
                      "trustRoleClaim": False, "defaultRole": "viewer"}
    assert api.ok("GET", "/sso") == entity
    assert SECRET not in api.get("/sso").text
    # Changing only the origins keeps the secret.
    assert configure(api, secret=None, origins=[CRM])["enabled"] is True
    assert access(api, sso_token()).status_code == 302


@pytest.mark.parametrize("body", [
    {"secret": "too-short", "allowedOrigins": []},
    {"secret": SECRET, "allowedOrigins": ["ftp://files.example.com"]},
    {"secret": SECRET, "allowedOrigins": ["not a url"]},
    {"secret": SECRET, "allowedOrigins": "https://crm.example.com"},
    {"secret": 12345678901234567890, "allowedOrigins": []},
    {"secret": SECRET, "allowedOrigins": [], "defaultRole": "owner"},
    {"secret": SECRET, "allowedOrigins": [], "trustRoleClaim": "maybe"},
])
def test_bad_sso_settings_are_400_and_change_nothing(api: Api, body: dict[str, Any]) -> None:
    configure(api)
    before = api.ok("GET", "/sso")
    expect_error(api.put("/sso", json=body), 400, "INVALID_PARAMETER")
    assert api.ok("GET", "/sso") == before


# --- the happy path ----------------------------------------------------------------------------------


def test_first_sight_creates_the_user_redirects_and_sets_a_session_cookie(api: Api) -> None:
    configure(api)
    token = sso_token(externalId="crm-10086", email="zhang.san@example.com", name="张三")
    response = access(api, token)

    assert response.status_code == 302
    assert response.headers["location"] == RETURN_TO
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("huida_session=") and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()

    user = user_named(api, "crm-10086")
    assert user is not None
    assert (user.tenant_id, user.email, user.name, user.external_id, user.status) == (
        api.tenant_id, "zhang.san@example.com", "张三", "crm-10086", "Enable")
    assert user.password_hash is None  # nobody can log in with a password they never set

    # The cookie opens GET requests of this tenant, like a token would.
    session = httpx.Client(base_url=api.server.base_url, cookies=response.cookies)
    robot_id = api.new_robot("单点登录后可见")
    listing = session.get(f"/v10/tenants/{api.tenant_id}/robots")
    assert listing.status_code == 200, listing.text
    assert [r["robotId"] for r in listing.json()["entity"]] == [robot_id]
    assert session.get(f"/v10/tenants/{api.tenant_id}/robots/{robot_id}").status_code == 200
    # ...but never writes: a cross-site form must not be able to change data with it.
    expect_error(session.post(f"/v10/tenants/{api.tenant_id}/robots", json={"name": "x"}), 401, "UNAUTHORIZED")
    expect_error(session.delete(f"/v10/tenants/{api.tenant_id}/robots/{robot_id}"), 401, "UNAUTHORIZED")
    session.close()


def test_the_same_person_is_found_again_the_second_time(api: Api) -> None:
    configure(api)
    first = access(api, sso_token(externalId="crm-7", name="李四"))
    second = access(api, sso_token(externalId="crm-7", name="李四", email="other@example.com"))
    assert first.status_code == second.status_code == 302
    users = [u for u in users_of(api) if u.username == "crm-7"]
    assert len(users) == 1


def test_username_is_the_email_when_there_is_no_external_id(api: Api) -> None:
    configure(api)
    email = f"wang.wu.{uuid.uuid4().hex[:6]}@example.com"
    assert access(api, sso_token(email=email)).status_code == 302
    user = user_named(api, email)
    assert user is not None and user.tenant_id == api.tenant_id and user.external_id is None
    # A numeric externalId (common in partner systems) is a username too.
    assert access(api, sso_token(externalId=900001)).status_code == 302
    assert user_named(api, "900001") is not None


@pytest.mark.parametrize("return_to", [
    None,
    "https://evil.example.net/phish",
    "https://crm.example.com.evil.example.net/",
    "https://crm.example.com@evil.example.net/",
    "//evil.example.net/",
    "/relative/path",
    "javascript:alert(1)",
    "http://crm.example.com/",  # same host, other scheme
    "https://crm.example.com:8443/",  # same host, other port
    "/consoles/elsewhere",  # not a console page, however alike
    "//evil.example.net/console",
    "/\\evil.example.net/console",  # a browser reads the backslash as a slash: another host
    "/console\\..\\..\\evil",
])
def test_returnTo_outside_the_allowed_origins_goes_to_the_console_root(api: Api, return_to: str | None) -> None:
    configure(api)
    response = access(api, sso_token(), return_to=return_to)
    assert response.status_code == 302
    assert response.headers["location"] == "/console"
    assert "huida_session=" in response.headers["set-cookie"]


def test_origin_comparison_ignores_case(api: Api) -> None:
    configure(api)
    response = access(api, sso_token(), return_to="HTTPS://CRM.Example.com/console")
    assert response.headers["location"] == "HTTPS://CRM.Example.com/console"


def test_a_small_clock_skew_is_tolerated(api: Api) -> None:
    configure(api)
    response = access(api, sso_token(iat=int(time.time()) + 20))
    assert response.status_code == 302, response.text


# --- rejections --------------------------------------------------------------------------------------


def test_a_reused_jti_is_refused(api: Api) -> None:
    configure(api)
    jti = str(uuid.uuid4())
    assert access(api, sso_token(jti=jti, externalId="first-use")).status_code == 302
    count = user_count(api)
    expect_rejected(api, access(api, sso_token(jti=jti, externalId="first-use")), 401, "SSO_REPLAYED")
    # The same jti with a different identity is still a replay, and creates nobody.
    expect_rejected(api, access(api, sso_token(jti=jti, externalId="second-use")), 401, "SSO_REPLAYED")
    assert user_count(api) == count and user_named(api, "second-use") is None


@pytest.mark.parametrize(("claims", "status", "code"), [
    pytest.param({"iat": int(time.time()) - 301}, 401, "SSO_EXPIRED", id="older-than-5-minutes"),
    pytest.param({"iat": int(time.time()) + 3600}, 401, None, id="iat-in-the-future"),
    pytest.param({"iat": "yesterday"}, 401, None, id="iat-not-a-number"),
    pytest.param({"exp": int(time.time()) - 120}, 401, None, id="expired-exp-claim"),
    pytest.param({"drop": ("jti",)}, 401, None, id="missing-jti"),
    pytest.param({"drop": ("iat",)}, 401, None, id="missing-iat"),
    pytest.param({"jti": 42}, 401, None, id="jti-not-a-string"),
    pytest.param({"secret": "another-secret-of-another-system"}, 401, None, id="wrong-secret"),
    pytest.param({"algorithm": "HS512"}, 401, None, id="not-hmac-sha256"),
    pytest.param({"drop": ("email", "externalId")}, 400, "INVALID_PARAMETER", id="no-externalId-and-no-email"),
    pytest.param({"email": "", "externalId": "  "}, 400, "INVALID_PARAMETER", id="blank-externalId-and-email"),
    pytest.param({"state": "Disable"}, 403, "ACCOUNT_DISABLED", id="state-not-enable"),
    pytest.param({"jti": "j" * 300}, 400, None, id="jti-too-long"),
    pytest.param({"name": "名" * 300}, 400, None, id="name-too-long"),
    pytest.param({"email": "e" * 400 + "@example.com", "externalId": "long-email"}, 400, None, id="email-too-long"),
    pytest.param({"externalId": "x" * 201}, 400, None, id="externalId-too-long"),
    pytest.param({"name": {"first": "张"}}, 400, None, id="name-not-text"),
    pytest.param({"externalId": ["a", "b"]}, 400, None, id="externalId-not-text"),
])
def test_each_bad_token_is_a_4xx_and_creates_nobody(api: Api, claims: dict[str, Any], status: int,
                                                    code: str | None) -> None:
    configure(api)
    claims = dict(claims)
    secret = claims.pop("secret", SECRET)
    drop = claims.pop("drop", ())
    algorithm = claims.pop("algorithm", "HS256")
    count = user_count(api)
    token = sso_token(secret, drop=drop, algorithm=algorithm, **{"externalId": f"bad-{uuid.uuid4().hex[:8]}", **claims})
    expect_rejected(api, access(api, token), status, code)
    assert user_count(api) == count


def test_an_unsigned_token_is_refused(api: Api) -> None:
    configure(api)
    token = jwt.encode({"iat": int(time.time()), "jti": str(uuid.uuid4()), "externalId": "alg-none"}, None,
                       algorithm="none")
    expect_rejected(api, access(api, token), 401)
    expect_rejected(api, access(api, "not.a.jwt"), 401)
    assert user_named(api, "alg-none") is None


def test_a_disabled_existing_user_is_refused(api: Api) -> None:
    configure(api)
    assert access(api, sso_token(externalId="will-be-disabled")).status_code == 302
    with api.server.ctx.db.session() as session:
        session.scalar(select(User).where(User.username == "will-be-disabled")).status = "Disable"
    expect_rejected(api, access(api, sso_token(externalId="will-be-disabled")), 403, "ACCOUNT_DISABLED")


def test_state_other_than_enable_refuses_an_existing_user_too(api: Api) -> None:
    configure(api)
    assert access(api, sso_token(externalId="known-user")).status_code == 302
    expect_rejected(api, access(api, sso_token(externalId="known-user", state="Disable")), 403, "ACCOUNT_DISABLED")


def test_sso_not_configured_is_refused(fresh: Api) -> None:
    api = fresh
    count = user_count(api)
    expect_rejected(api, access(api, sso_token(externalId="nobody-configured")), 400, "SSO_NOT_CONFIGURED")
    # An unknown tenant answers the same, without telling which tenants exist.
    expect_rejected(api, access(api, sso_token(), tenant_id=987654321), 400, "SSO_NOT_CONFIGURED")
    assert user_count(api) == count


def test_a_disabled_tenant_cannot_sign_in(fresh: Api) -> None:
    api = fresh
    configure(api)
    with api.server.ctx.db.session() as session:
        session.get(Tenant, api.tenant_id).status = "Disable"
    expect_rejected(api, access(api, sso_token(externalId="tenant-off")), 403, "ACCOUNT_DISABLED")
    assert user_named(api, "tenant-off") is None


@pytest.mark.parametrize("params", [
    {},
    {"tenantId": "1"},
    {"jwt": "x"},
    {"jwt": "x", "tenantId": "first"},
    {"jwt": "x", "tenantId": "99999999999999999999999"},
    {"jwt": "", "tenantId": "1"},
])
def test_missing_or_malformed_parameters_are_400(api: Api, params: dict[str, str]) -> None:
    response = httpx.get(f"{api.server.base_url}/v10/commons/access", params=params, follow_redirects=False)
    assert 400 <= response.status_code < 500, response.text
    expect_error(response, response.status_code)


# --- tenancy -------------------------------------------------------------------------------------------


def test_the_same_username_in_two_tenants_is_two_users_and_no_oracle(api: Api, other_api: Api) -> None:
    """SSO only ever sees its own tenant: a name taken in another tenant is a new user here, answered exactly
    as a name nobody has (no 403 that would tell the other tenant's users apart), and takes over nothing."""
    configure(api)
    configure(other_api, secret=SECRET + "-other")
    assert access(other_api, sso_token(SECRET + "-other", externalId="shared-name")).status_code == 302
    theirs = user_named(other_api, "shared-name")
    taken = access(api, sso_token(externalId="shared-name"))
    unknown = access(api, sso_token(externalId=f"nobody-{uuid.uuid4().hex[:6]}"))
    assert taken.status_code == unknown.status_code == 302
    assert taken.headers["location"] == unknown.headers["location"]
    ours = user_named(api, "shared-name")
    assert theirs is not None and ours is not None and ours.id != theirs.id
    assert user_named(other_api, "shared-name").id == theirs.id  # type: ignore[union-attr]
    # The other tenant's password admin is not taken over: this makes a viewer of our own tenant.
    assert access(api, sso_token(externalId=other_api.username)).status_code == 302
    ours_too = user_named(api, other_api.username)
    admin = user_named(other_api, other_api.username)
    assert ours_too is not None and admin is not None and ours_too.id != admin.id
    assert (ours_too.tenant_id, ours_too.role) == (api.tenant_id, "viewer") and admin.role == "admin"


def test_a_name_sso_created_can_still_be_created_in_another_tenant(api: Api, other_api: Api) -> None:
    configure(api)
    name = f"claimed-{uuid.uuid4().hex[:6]}"
    assert access(api, sso_token(externalId=name)).status_code == 302
    with api.server.ctx.db.session() as session:
        create_user(session, other_api.tenant_id, name, "another-password-42", role="agent")
    assert user_named(other_api, name) is not None and user_named(api, name) is not None


# --- roles -------------------------------------------------------------------------------------------


def token_of(api: Api, user: User) -> str:
    token, _ = issue_token(api.server.ctx.secret_key, tenant_id=user.tenant_id, user_id=user.id,
                           username=user.username, role=user.role, ttl_seconds=600)
    return token


def test_an_sso_user_is_a_viewer_unless_the_tenant_says_otherwise(api: Api) -> None:
    configure(api)
    assert access(api, sso_token(externalId="plain-viewer", role="admin")).status_code == 302
    viewer = user_named(api, "plain-viewer")
    assert viewer is not None and viewer.role == "viewer"  # the claim is ignored: the tenant does not trust it
    robot_id = api.new_robot("只读")
    headers = {"token": token_of(api, viewer)}
    assert api.http.get(api.url("/robots"), headers=headers).status_code == 200
    expect_error(api.http.post(api.url(f"/knowledge/robots/{robot_id}/rules"), headers=headers,
                               json={"questions": ["能改吗"], "answer": "不能"}), 403, "EDITOR_REQUIRED")
    # The tenant's chosen default applies to the next new user.
    api.ok("PUT", "/sso", json={"allowedOrigins": [CRM], "defaultRole": "agent"})
    assert access(api, sso_token(externalId="default-agent")).status_code == 302
    assert user_named(api, "default-agent").role == "agent"  # type: ignore[union-attr]


def test_a_trusted_role_claim_sets_and_updates_the_role(api: Api) -> None:
    configure(api)
    api.ok("PUT", "/sso", json={"allowedOrigins": [CRM], "trustRoleClaim": True})
    assert access(api, sso_token(externalId="crm-editor", role="editor")).status_code == 302
    editor = user_named(api, "crm-editor")
    assert editor is not None and editor.role == "editor"
    robot_id = api.new_robot("可编辑")
    response = api.http.post(api.url(f"/knowledge/robots/{robot_id}/rules"), headers={"token": token_of(api, editor)},
                             json={"questions": ["能改吗"], "answer": "能"})
    assert response.status_code == 200, response.text
    expect_error(api.http.post(api.url("/robots"), headers={"token": token_of(api, editor)}, json={"name": "x"}),
                 403, "ADMIN_REQUIRED")
    # The partner demotes the user: the next sign-in says so, and the role follows.
    assert access(api, sso_token(externalId="crm-editor", role="viewer")).status_code == 302
    assert user_named(api, "crm-editor").role == "viewer"  # type: ignore[union-attr]
    # A role Huida does not know is refused and creates nobody.
    before = user_count(api)
    expect_rejected(api, access(api, sso_token(externalId="crm-owner", role="owner")), 400, "INVALID_PARAMETER")
    assert user_count(api) == before


def test_a_token_signed_for_one_tenant_never_opens_another(api: Api, other_api: Api) -> None:
    configure(api)
    configure(other_api, secret=SECRET + "-other")
    token = sso_token(externalId="crossing-over")
    expect_rejected(api, access(api, token, tenant_id=other_api.tenant_id), 401)
    assert user_named(api, "crossing-over") is None
    # The same token is still good (unused) for its own tenant.
    response = access(api, token)
    assert response.status_code == 302
    # Its session cookie reaches its own tenant only.
    session = httpx.Client(base_url=api.server.base_url, cookies=response.cookies)
    assert session.get(f"/v10/tenants/{api.tenant_id}/robots").status_code == 200
    expect_error(session.get(f"/v10/tenants/{other_api.tenant_id}/robots"), 403, "FORBIDDEN")
    session.close()


def test_the_partner_jwt_is_not_an_api_token(api: Api) -> None:
    configure(api)
    token = sso_token(externalId="not-a-token")
    expect_error(httpx.get(f"{api.server.base_url}/v10/tenants/{api.tenant_id}/robots", headers={"token": token}),
                 401, "UNAUTHORIZED")
