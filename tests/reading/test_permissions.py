"""Who may read: any user of the tenant (admins and agents); another tenant's token gets the seed's "no
permission", no token a 401; another tenant's chats, threads and messages are simply not found."""

from __future__ import annotations

import httpx
import pytest

from tests.channels.aily.helpers import agent_token
from tests.reading.conftest import GROUP, World
from tests.support.client import expect_error

ROUTES = [
    ("/messages", {"chat_id": GROUP}),
    ("/threads/omt_x/messages", {}),
    ("/search", {"query": "退款"}),
    ("/messages/m/resources/file_x", {"type": "file"}),
]


@pytest.mark.parametrize(("path", "params"), ROUTES, ids=[p for p, _ in ROUTES])
def test_another_tenants_token_has_no_permission(world: World, path: str, params: dict) -> None:
    url = f"/v10/tenants/{world.api.tenant_id}/conversations{path}"
    body = expect_error(world.other.http.get(url, params=params), 403, "PERMISSION_DENIED")
    assert body["errorDescription"].startswith("permission denied") and "权限不足" in body["errorDescription"]
    anonymous = httpx.get(world.api.server.base_url + url, params=params, timeout=30)
    expect_error(anonymous, 401, "UNAUTHORIZED")


def test_agents_read(world: World) -> None:
    agent = {"token": agent_token(world.api)}
    response = world.api.get("/conversations/messages", params={"chat_id": GROUP}, headers=agent)
    assert response.status_code == 200 and len(response.json()["entity"]["items"]) == 4


def test_another_tenant_sees_none_of_it(world: World) -> None:
    other = world.other
    expect_error(other.get("/conversations/messages", params={"chat_id": GROUP}), 404, "CHAT_NOT_FOUND")
    expect_error(other.get("/conversations/messages", params={"chat_id": world.aily_session}), 404)
    expect_error(other.get("/conversations/messages", params={"open_id": "alice"}), 404)
    expect_error(other.get("/conversations/search", params={"query": "退款", "chat_id": GROUP}), 404)
    for params in ({"query": "退款"}, {"query": "项目进度"}, {"sender_ids": "alice"}, {"mention_ids": "ou_bot"},
                   {"relative_time": "today", "sender_type": "all"}):
        assert other.ok("GET", "/conversations/search", params=params)["items"] == []
