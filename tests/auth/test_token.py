"""Seed 004 §1.1: POST /v10/commons/integration/token, and what a token does and does not open."""

from __future__ import annotations

import time

import httpx
import jwt

from huida.auth.security import issue_token
from tests.support.client import Api, expect_error


def test_token_entity_matches_the_seed(api: Api) -> None:
    response = httpx.post(f"{api.server.base_url}/v10/commons/integration/token",
                          json={"username": api.username, "password": api.password})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "OK" and body["errorCode"] is None and body["errorDescription"] is None
    for key in ("first", "last", "size", "number", "numberOfElements", "totalPages", "totalElements"):
        assert body[key] is None
    entity = body["entity"]
    assert set(entity) == {"expires", "role", "roleId", "tenantId", "userId", "status", "token", "username"}
    assert entity["tenantId"] == api.tenant_id and entity["username"] == api.username
    assert entity["role"] == "admin" and entity["status"] == "OK"
    week_ms = 7 * 24 * 3600 * 1000
    assert abs(entity["expires"] - (time.time() * 1000 + week_ms)) < 60_000
    header = jwt.get_unverified_header(entity["token"])
    assert header["alg"] == "HS256"
    # The new token opens the tenant's robots.
    robots = httpx.get(f"{api.server.base_url}/v10/tenants/{api.tenant_id}/robots",
                       headers={"token": entity["token"]})
    assert robots.status_code == 200


def test_wrong_password_is_401_in_the_envelope(api: Api) -> None:
    response = httpx.post(f"{api.server.base_url}/v10/commons/integration/token",
                          json={"username": api.username, "password": "nope"})
    expect_error(response, 401, "BAD_CREDENTIALS")
    response = httpx.post(f"{api.server.base_url}/v10/commons/integration/token",
                          json={"username": "nobody@example.com", "password": "nope"})
    expect_error(response, 401, "BAD_CREDENTIALS")


def test_token_request_bad_input(api: Api) -> None:
    base = f"{api.server.base_url}/v10/commons/integration/token"
    expect_error(httpx.post(base, json={"username": api.username}), 400, "INVALID_PARAMETER")
    expect_error(httpx.post(base, content=b"{not json", headers={"content-type": "application/json"}), 400)
    expect_error(httpx.post(base, json={"username": 5, "password": ["x"]}), 400)


def test_bearer_header_is_accepted(api: Api) -> None:
    response = httpx.get(f"{api.server.base_url}/v10/tenants/{api.tenant_id}/robots",
                         headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 200


def test_missing_tampered_and_expired_tokens_are_401(api: Api) -> None:
    url = f"{api.server.base_url}/v10/tenants/{api.tenant_id}/robots"
    expect_error(httpx.get(url), 401, "UNAUTHORIZED")
    expect_error(httpx.get(url, headers={"token": "garbage"}), 401, "UNAUTHORIZED")
    head, payload, signature = api.token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    expect_error(httpx.get(url, headers={"token": f"{head}.{payload}.{flipped}"}), 401)
    forged, _ = issue_token("another-secret-that-is-long-enough-for-hs256", tenant_id=api.tenant_id, user_id="x",
                            username="x", role="admin", ttl_seconds=3600)
    expect_error(httpx.get(url, headers={"token": forged}), 401)
    claims = jwt.decode(api.token, options={"verify_signature": False})
    expired, _ = issue_token(api.server.ctx.secret_key, tenant_id=api.tenant_id, user_id=claims["userId"],
                             username=api.username, role="admin", ttl_seconds=-10)
    expect_error(httpx.get(url, headers={"token": expired}), 401)


def test_another_tenants_path_is_403(api: Api, other_api: Api) -> None:
    response = api.http.get(f"/v10/tenants/{other_api.tenant_id}/robots")
    expect_error(response, 403, "FORBIDDEN")
