"""Every Aily-style route keeps tenants (and API keys' robots) apart: another's session, message, run or file is
simply not found, and nothing of it changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.channels.aily.helpers import Aily, expect_aily_error, new_key, tenant_client
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer

# (method, path, body); {session}, {message}, {run} come from the owner's conversation.
ROUTES = [
    ("GET", "/sessions/{session}", None),
    ("PUT", "/sessions/{session}", {"metadata": "越权"}),
    ("DELETE", "/sessions/{session}", None),
    ("POST", "/sessions/{session}/messages", {"idempotent_id": "x", "content_type": "TEXT", "content": "越权"}),
    ("GET", "/sessions/{session}/messages", None),
    ("GET", "/sessions/{session}/messages/{message}", None),
    ("POST", "/sessions/{session}/runs", {}),
    ("GET", "/sessions/{session}/runs", None),
    ("GET", "/sessions/{session}/runs/{run}", None),
    ("POST", "/sessions/{session}/runs/{run}/cancel", None),
]


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    with new_tenant(server) as client:
        yield client


@pytest.fixture(scope="module")
def other_api(server: LiveServer) -> Iterator[Api]:
    with new_tenant(server) as client:
        yield client


@pytest.fixture(scope="module")
def owner(api: Api) -> Aily:
    return tenant_client(api, api.new_robot("甲"))


@pytest.fixture(scope="module")
def owned(owner: Aily) -> dict[str, str]:
    """A finished conversation (the robot has no knowledge: its default reply will do)."""
    session = owner.new_session()["id"]
    run, reply = owner.ask(session, "怎么申请退款")
    return {"session": session, "message": reply["id"], "run": run["id"]}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_another_tenant_finds_nothing(owner: Aily, other_api: Api, owned: dict[str, str], method: str, path: str,
                                      body: dict | None) -> None:
    before = owner.messages(owned["session"])
    stranger = Aily(other_api, other_api.token)
    response = stranger.call(method, path.format(**owned), json=body)
    expect_aily_error(response, 404, 2700002, owned["session"])
    # Nor does another tenant's robot key get anywhere.
    their_key = Aily(other_api, new_key(other_api, other_api.new_robot("乙"))["key"])
    expect_aily_error(their_key.call(method, path.format(**owned), json=body), 404, 2700002)
    assert owner.messages(owned["session"]) == before
    assert owner.run(owned["session"], owned["run"])["status"] == "COMPLETED"
