"""Webhook subscriptions through the real API: create, read, update, delete, validation and isolation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from huida.auth.security import issue_token
from huida.auth.service import create_user
from huida.webhooks.models import Webhook
from tests.support.client import Api, expect_error
from tests.support.server import LiveServer, start_server

EVENTS = ["feedback", "satisfaction", "comment", "transfer-human", "transfer-confirmation", "session-closed"]
SECRET = "s3cret-0123456789"


def hooks(robot_id: str) -> str:
    return f"/robots/{robot_id}/webhooks"


def new_hook(api: Api, robot_id: str, url: str = "http://127.0.0.1:9/hook", **fields: object) -> dict:
    body = {"url": url, "secret": SECRET, "events": ["feedback", "comment"], **fields}
    return api.ok("POST", hooks(robot_id), json=body)


def stored_webhooks(api: Api) -> int:
    with api.server.ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(Webhook).where(Webhook.tenant_id == api.tenant_id))


def test_create_read_list_update_delete(hapi: Api) -> None:
    robot = hapi.new_robot()
    created = new_hook(hapi, robot, events=["comment", "feedback", "comment"])
    assert set(created) == {"webhookId", "robotId", "tenantId", "url", "events", "active", "maxInFlight",
                            "secretHint", "createDateTime", "lastUpdateDateTime"}
    assert created["robotId"] == robot and created["tenantId"] == hapi.tenant_id
    assert created["events"] == ["feedback", "comment"]  # canonical order, no duplicates
    assert created["active"] is True and created["maxInFlight"] == 16
    assert created["secretHint"] == "****" + SECRET[-4:]
    hook_id = created["webhookId"]

    assert hapi.ok("GET", f"{hooks(robot)}/{hook_id}") == created
    listing = hapi.get(hooks(robot)).json()
    assert listing["totalElements"] == 1 and listing["entity"] == [created]

    changed = hapi.ok("PUT", f"{hooks(robot)}/{hook_id}",
                      json={"events": EVENTS, "active": False, "url": "https://example.com/in?x=1"})
    assert changed["events"] == EVENTS and changed["active"] is False
    assert changed["url"] == "https://example.com/in?x=1"
    assert changed["secretHint"] == created["secretHint"]
    rotated = hapi.ok("PUT", f"{hooks(robot)}/{hook_id}", json={"secret": "another-secret-abcd"})
    assert rotated["secretHint"] == "****abcd"
    assert hapi.ok("PUT", f"{hooks(robot)}/{hook_id}", json={"maxInFlight": 3})["maxInFlight"] == 3
    assert new_hook(hapi, hapi.new_robot(), maxInFlight=1)["maxInFlight"] == 1
    # A client may send back what it read.
    hapi.ok("PUT", f"{hooks(robot)}/{hook_id}", json=rotated)

    assert hapi.ok("DELETE", f"{hooks(robot)}/{hook_id}") is True
    expect_error(hapi.get(f"{hooks(robot)}/{hook_id}"), 404, "WEBHOOK_NOT_FOUND")
    assert hapi.get(hooks(robot)).json()["entity"] == []


def test_secret_is_never_returned(hapi: Api) -> None:
    robot = hapi.new_robot()
    created = new_hook(hapi, robot)
    for response in (hapi.get(hooks(robot)), hapi.get(f"{hooks(robot)}/{created['webhookId']}")):
        assert SECRET not in response.text
    short = new_hook(hapi, robot, secret="short-ok")  # under 12 characters: no hint at all
    assert short["secretHint"] == "****"


@pytest.mark.parametrize("url", [
    "ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)", "example.com/hook", "http://",
    "http://user:pw@example.com/hook", "http://example.com:99999/", "https://example.com/a#frag", "",
])
def test_only_http_urls_are_accepted(hapi: Api, url: str) -> None:
    robot = hapi.new_robot()
    body = expect_error(hapi.post(hooks(robot), json={"url": url, "secret": SECRET, "events": ["feedback"]}), 400)
    assert body["errorCode"] == "INVALID_WEBHOOK_URL"
    assert stored_webhooks(hapi) == 0


@pytest.mark.parametrize("body, code", [
    ({"events": ["feedback", "rating"]}, "INVALID_WEBHOOK_EVENT"),
    ({"events": []}, "INVALID_PARAMETER"),
    ({"events": "feedback"}, "INVALID_PARAMETER"),
    ({"events": [1]}, "INVALID_PARAMETER"),
    ({"secret": None}, "INVALID_PARAMETER"),
    ({"secret": "short"}, "INVALID_PARAMETER"),
    ({"secret": "x" * 257}, "INVALID_PARAMETER"),
    ({"url": None}, "INVALID_PARAMETER"),
    ({"active": "maybe"}, "INVALID_PARAMETER"),
    ({"colour": "blue"}, "INVALID_PARAMETER"),
    ({"maxInFlight": 0}, "INVALID_PARAMETER"),
    ({"maxInFlight": 101}, "INVALID_PARAMETER"),
    ({"maxInFlight": "many"}, "INVALID_PARAMETER"),
])
def test_bad_input_is_a_4xx_and_stores_nothing(hapi: Api, body: dict, code: str) -> None:
    robot = hapi.new_robot()
    full = {"url": "http://127.0.0.1:9/hook", "secret": SECRET, "events": ["feedback"], **body}
    expect_error(hapi.post(hooks(robot), json={k: v for k, v in full.items() if v is not None}), 400, code)
    assert stored_webhooks(hapi) == 0


def test_missing_fields_and_malformed_json(hapi: Api) -> None:
    robot = hapi.new_robot()
    for missing in ("url", "secret", "events"):
        full = {"url": "http://127.0.0.1:9/hook", "secret": SECRET, "events": ["feedback"]}
        del full[missing]
        body = expect_error(hapi.post(hooks(robot), json=full), 400, "INVALID_PARAMETER")
        assert missing in body["errorDescription"]
    expect_error(hapi.post(hooks(robot), content=b"{nope", headers={"content-type": "application/json"}), 400)
    assert stored_webhooks(hapi) == 0


def test_bad_update_changes_nothing(hapi: Api) -> None:
    robot = hapi.new_robot()
    created = new_hook(hapi, robot)
    path = f"{hooks(robot)}/{created['webhookId']}"
    expect_error(hapi.put(path, json={"url": "gopher://example.com", "events": EVENTS}), 400, "INVALID_WEBHOOK_URL")
    expect_error(hapi.put(path, json={"events": ["nope"], "url": "https://example.com/x"}), 400)
    expect_error(hapi.put(path, json={"secret": "tiny"}), 400)
    expect_error(hapi.put(path, json={"maxInFlight": -1}), 400, "INVALID_PARAMETER")
    assert hapi.ok("GET", path) == created


def test_a_robot_has_at_most_twenty_webhooks(hapi: Api) -> None:
    robot = hapi.new_robot()
    for _ in range(20):
        new_hook(hapi, robot)
    expect_error(hapi.post(hooks(robot), json={"url": "http://127.0.0.1:9/x", "secret": SECRET,
                                               "events": ["feedback"]}), 409, "TOO_MANY_WEBHOOKS")


def test_unknown_robot_and_webhook_are_404(hapi: Api) -> None:
    robot = hapi.new_robot()
    expect_error(hapi.get(hooks(str(uuid.uuid4()))), 404, "ROBOT_NOT_FOUND")
    expect_error(hapi.post(hooks(str(uuid.uuid4())), json={"url": "http://127.0.0.1:9/x", "secret": SECRET,
                                                          "events": ["feedback"]}), 404, "ROBOT_NOT_FOUND")
    missing = f"{hooks(robot)}/{uuid.uuid4()}"
    for method in ("GET", "PUT", "DELETE"):
        expect_error(hapi.request(method, missing, json={}), 404, "WEBHOOK_NOT_FOUND")
    expect_error(hapi.post(f"{missing}/ping"), 404, "WEBHOOK_NOT_FOUND")
    expect_error(hapi.get(f"{missing}/deliveries"), 404, "WEBHOOK_NOT_FOUND")


def test_tenant_isolation(hapi: Api, other_hapi: Api) -> None:
    robot = hapi.new_robot()
    hook_id = new_hook(hapi, robot)["webhookId"]
    other_robot = other_hapi.new_robot()
    # Another tenant's robot, through my own tenant path: not found.
    expect_error(hapi.get(hooks(other_robot)), 404, "ROBOT_NOT_FOUND")
    # My webhook id under the other tenant's robot: not found either.
    expect_error(other_hapi.get(f"{hooks(other_robot)}/{hook_id}"), 404, "WEBHOOK_NOT_FOUND")
    expect_error(other_hapi.delete(f"{hooks(other_robot)}/{hook_id}"), 404)
    # My webhook under a robot of mine it does not belong to.
    expect_error(hapi.get(f"{hooks(hapi.new_robot())}/{hook_id}"), 404, "WEBHOOK_NOT_FOUND")
    # The other tenant's path with my token: forbidden, whatever the method.
    base = f"/v10/tenants/{other_hapi.tenant_id}/robots/{other_robot}/webhooks"
    expect_error(hapi.http.get(base), 403, "FORBIDDEN")
    expect_error(hapi.http.post(base, json={"url": "http://127.0.0.1:9/x", "secret": SECRET,
                                            "events": ["feedback"]}), 403, "FORBIDDEN")
    expect_error(hapi.http.post(f"{base}/{hook_id}/ping"), 403, "FORBIDDEN")
    assert hapi.ok("GET", f"{hooks(robot)}/{hook_id}")["webhookId"] == hook_id


def test_agents_read_but_only_admins_write(hapi: Api) -> None:
    robot = hapi.new_robot()
    hook_id = new_hook(hapi, robot)["webhookId"]
    ctx = hapi.server.ctx
    with ctx.db.session() as session:
        agent = create_user(session, hapi.tenant_id, f"agent-{uuid.uuid4().hex[:8]}", "agent password 1",
                            role="agent")
        agent_id, username = agent.id, agent.username
    token, _ = issue_token(ctx.secret_key, tenant_id=hapi.tenant_id, user_id=agent_id, username=username,
                           role="agent", ttl_seconds=600)
    agent_http = httpx.Client(base_url=f"{hapi.server.base_url}/v10/tenants/{hapi.tenant_id}",
                              headers={"token": token})
    with agent_http:
        assert agent_http.get(hooks(robot)).status_code == 200
        assert agent_http.get(f"{hooks(robot)}/{hook_id}/deliveries").status_code == 200
        denied = [
            agent_http.post(hooks(robot), json={"url": "http://127.0.0.1:9/x", "secret": SECRET,
                                                "events": ["feedback"]}),
            agent_http.put(f"{hooks(robot)}/{hook_id}", json={"active": False}),
            agent_http.delete(f"{hooks(robot)}/{hook_id}"),
            agent_http.post(f"{hooks(robot)}/{hook_id}/ping"),
        ]
    for response in denied:
        expect_error(response, 403, "ADMIN_REQUIRED")
    assert hapi.ok("GET", f"{hooks(robot)}/{hook_id}")["active"] is True


def test_unauthenticated_calls_are_401(hapi: Api) -> None:
    robot = hapi.new_robot()
    url = f"{hapi.server.base_url}/v10/tenants/{hapi.tenant_id}{hooks(robot)}"
    expect_error(httpx.get(url), 401, "UNAUTHORIZED")
    expect_error(httpx.post(url, json={}), 401, "UNAUTHORIZED")


# -- private addresses -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def strict_server(hook_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The same database, served by a process that keeps the default: private targets refused."""
    with start_server(hook_server.ctx.settings.database_url, tmp_path_factory.mktemp("strict"),
                      webhook_allow_private=False, run_worker=False) as live:
        yield live


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/hook", "http://192.168.0.10/",
    "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/hook", "http://0.0.0.0/",
    "http://224.0.0.1/", "http://100.64.0.1/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/",
    "http://240.0.0.1/",
])
def test_private_targets_are_refused_unless_allowed(strict_server: LiveServer, url: str) -> None:
    from tests.support.client import new_tenant

    with new_tenant(strict_server) as api:
        robot = api.new_robot()
        body = expect_error(api.post(hooks(robot), json={"url": url, "secret": SECRET, "events": ["feedback"]}),
                            400, "INVALID_WEBHOOK_URL")
        assert "HUIDA_WEBHOOK_ALLOW_PRIVATE" in body["errorDescription"]
        created = api.ok("POST", hooks(robot), json={"url": "https://93.184.215.14/hook", "secret": SECRET,
                                                     "events": ["feedback"]})
        expect_error(api.put(f"{hooks(robot)}/{created['webhookId']}", json={"url": url}), 400,
                     "INVALID_WEBHOOK_URL")
        assert stored_webhooks(api) == 1


def test_deleting_the_robot_deletes_its_webhooks(hapi: Api) -> None:
    robot = hapi.new_robot()
    new_hook(hapi, robot)
    keep = hapi.new_robot()
    new_hook(hapi, keep)
    hapi.ok("DELETE", f"/robots/{robot}")
    expect_error(hapi.get(hooks(robot)), 404, "ROBOT_NOT_FOUND")
    assert stored_webhooks(hapi) == 1
