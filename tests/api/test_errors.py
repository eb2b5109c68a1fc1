"""Bad input anywhere is a 4xx in the seed's envelope (status FAIL, a stable errorCode, a readable
errorDescription), changes nothing, and is never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    """One tenant for the module (creating one hashes a password)."""
    with new_tenant(server) as client:
        yield client


@dataclass
class Target:
    robot: str
    rule: str
    category: str


@pytest.fixture(scope="module")
def target(api: Api) -> Target:
    robot = api.new_robot("靶子")
    category = api.ok("POST", f"/knowledge/robots/{robot}/categories", json={"name": "分类"})["id"]
    rule = api.new_rule(robot, ["问题"], "答案", categoryIds=[category])["id"]
    return Target(robot, rule, category)


def state(api: Api, t: Target) -> dict[str, Any]:
    return {
        "robots": api.ok("GET", "/robots"),
        "rules": api.ok("GET", f"/knowledge/robots/{t.robot}/rules/search"),
        "categories": api.ok("GET", f"/knowledge/robots/{t.robot}/categories"),
        "sso": api.ok("GET", "/sso"),
    }


# --- JSON bodies ------------------------------------------------------------------------------------------


def test_malformed_json_is_400_and_says_so(api: Api) -> None:
    response = api.post("/robots", content='{"name": "半个'.encode(), headers={"content-type": "application/json"})
    body = expect_error(response, 400, "INVALID_PARAMETER")
    assert "JSON" in body["errorDescription"]


def test_wrong_types_name_the_field(api: Api, target: Target) -> None:
    body = expect_error(api.post("/robots", json={"name": ["列表"]}), 400, "INVALID_PARAMETER")
    assert "name" in body["errorDescription"]
    body = expect_error(api.post(f"/knowledge/robots/{target.robot}/rules", json={"questions": ["q"], "answer": "a",
                                                                                  "enableTime": "明天"}), 400)
    assert "enableTime" in body["errorDescription"]
    body = expect_error(api.post(f"/knowledge/robots/{target.robot}/rules",
                                 json={"questions": ["q"], "answers": [{"type": "TEXT", "answer": 5}]}), 400)
    assert "answers" in body["errorDescription"]


WRITES = [
    ("POST", "/robots"),
    ("PUT", "/robots/{robot}"),
    ("POST", "/knowledge/robots/{robot}/rules"),
    ("PUT", "/knowledge/robots/{robot}/rules/{rule}"),
    ("POST", "/knowledge/robots/{robot}/categories"),
    ("PUT", "/knowledge/robots/{robot}/categories/{category}"),
    ("PUT", "/sso"),
]

GARBAGE: list[tuple[str, bytes, str]] = [
    ("empty", b"", "application/json"),
    ("truncated", b"{", "application/json"),
    ("null", b"null", "application/json"),
    ("array", b"[]", "application/json"),
    ("string", b'"text"', "application/json"),
    ("number", b"123", "application/json"),
    ("nested-object-for-text", b'{"name": {"$gt": ""}, "questions": [{"$gt": ""}], "secret": {}}',
     "application/json"),
    ("null-items", b'{"name": null, "questions": [null], "answers": [null], "allowedOrigins": [null], '
                   b'"parentId": [null]}', "application/json"),
    ("invalid-utf8", b'{"name": "\xff\xfe"}', "application/json"),
    ("infinite-number", b'{"name": 1e999, "questions": [1e999], "allowedOrigins": 1e999}', "application/json"),
    ("deep-nesting", b"[" * 50_000 + b"]" * 50_000, "application/json"),
    ("form-encoded", b"name=x&questions=y", "application/x-www-form-urlencoded"),
    ("plain-text", b'{"name": "x"}', "text/plain"),
    ("xml", b"<robot><name>x</name></robot>", "application/xml"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), GARBAGE, ids=[g[0] for g in GARBAGE])
@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_garbage_bodies_are_400_on_every_write(api: Api, target: Target, method: str, path: str, name: str,
                                               content: bytes, content_type: str) -> None:
    before = state(api, target)
    url = path.format(robot=target.robot, rule=target.rule, category=target.category)
    response = api.request(method, url, content=content, headers={"content-type": content_type})
    expect_error(response, 400)
    assert state(api, target) == before


@pytest.mark.parametrize(("path", "body"), [
    ("/robots", b'{"name": "x", "settings": {"answerThreshold": NaN}}'),
    ("/robots", b'{"name": "x", "settings": {"recommendThreshold": Infinity}}'),
    ("/knowledge/robots/{robot}/rules", b'{"questions": ["q"], "answer": "a", "extInfo": {"score": NaN}}'),
    ("/knowledge/robots/{robot}/rules", b'{"questions": [{"question": "q", "attributes": {"w": -Infinity}}], '
                                        b'"answer": "a"}'),
])
def test_non_finite_numbers_are_refused_rather_than_stored(api: Api, target: Target, path: str, body: bytes) -> None:
    """NaN and Infinity are not JSON: stored, they would make every later read of the robot fail."""
    before = state(api, target)
    response = api.post(path.format(robot=target.robot), content=body, headers={"content-type": "application/json"})
    expect_error(response, 400)
    assert state(api, target) == before


def test_token_endpoint_bad_bodies(api: Api) -> None:
    url = f"{api.server.base_url}/v10/commons/integration/token"
    for content, _, content_type in [(g[1], g[0], g[2]) for g in GARBAGE]:
        expect_error(httpx.post(url, content=content, headers={"content-type": content_type}), 400)


# --- text the database might not take ------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/robots", {"name": "空\x00字符"}),
    ("POST", "/knowledge/robots/{robot}/rules", {"questions": ["含\x00空字符"], "answer": "答"}),
    ("POST", "/knowledge/robots/{robot}/rules", {"questions": ["问"], "answer": "答\x00"}),
    ("POST", "/knowledge/robots/{robot}/categories", {"name": "分\x00类"}),
])
def test_a_nul_character_is_refused_on_every_backend(api: Api, target: Target, method: str, path: str,
                                                     body: dict[str, Any]) -> None:
    """PostgreSQL text cannot hold it, so neither backend stores it (huida/safetext.py): a 400, never a 500."""
    response = api.request(method, path.format(robot=target.robot), json=body)
    assert "U+0000" in expect_error(response, 400, "INVALID_PARAMETER")["errorDescription"]


# --- routes -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/v10/nowhere", "/v10/tenants/1/nowhere", "/nothing/here", "/v11/tenants/1/robots", "/v10/commons/nothing",
])
def test_unknown_route_is_404_in_the_envelope(api: Api, path: str) -> None:
    expect_error(httpx.get(f"{api.server.base_url}{path}"), 404, "NOT_FOUND")
    expect_error(httpx.post(f"{api.server.base_url}{path}", json={}), 404, "NOT_FOUND")


def test_unknown_robot_scoped_route_is_404(api: Api, target: Target) -> None:
    expect_error(api.get(f"/knowledge/robots/{target.robot}/nothing"), 404, "NOT_FOUND")


def test_wrong_method_is_405_in_the_envelope(api: Api, target: Target) -> None:
    expect_error(api.request("PATCH", "/robots"), 405, "METHOD_NOT_ALLOWED")
    expect_error(api.delete("/robots"), 405, "METHOD_NOT_ALLOWED")
    expect_error(api.post(f"/knowledge/robots/{target.robot}/rules/search", json={}), 405, "METHOD_NOT_ALLOWED")
    expect_error(httpx.get(f"{api.server.base_url}/v10/commons/integration/token"), 405, "METHOD_NOT_ALLOWED")


@pytest.mark.parametrize("tenant", ["abc", "1.5", "-", "99999999999999999999999999"])
def test_a_tenant_id_that_is_not_a_number_is_4xx(api: Api, tenant: str) -> None:
    response = api.http.get(f"/v10/tenants/{tenant}/robots")
    assert response.status_code in (400, 403), response.text
    expect_error(response, response.status_code)


@pytest.mark.parametrize("params", [
    {"q": "%FF%FE"}, {"categoryIds": ","}, {"categoryIds": "x" * 5000}, {"q": "'; DROP TABLE rules; --"},
    {"q": "\\"}, {"q": "\\%"}, {"sortProperty": "createTime; DROP TABLE rules"},
])
def test_odd_query_strings_never_break_search(api: Api, target: Target, params: dict[str, str]) -> None:
    before = state(api, target)
    response = api.get(f"/knowledge/robots/{target.robot}/rules/search", params=params)
    assert response.status_code in (200, 400), response.text
    assert response.json()["status"] in ("OK", "FAIL")
    assert state(api, target) == before


def test_ids_in_paths_that_look_hostile_are_just_not_found(api: Api, target: Target) -> None:
    for rule_id in ("..", "%2e%2e", "x" * 1000, "'", "%00", "中文"):
        response = api.get(f"/knowledge/robots/{target.robot}/rules/{rule_id}")
        assert response.status_code in (400, 404), (rule_id, response.text)
        expect_error(response, response.status_code)
