"""Channel apps: create, read, list, update, delete; secrets never read back; tenants see only their own."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.channels.feishu.helpers import channels_path
from tests.support.client import Api, expect_error
from tests.support.hostile import HOSTILE, PATH_IDS, raw_body

SECRETS = ("appSecret", "encryptKey", "verificationToken")


def new_body(robot: str, **fields: Any) -> dict[str, Any]:
    return {"robotId": robot, "appId": f"cli_{uuid.uuid4().hex[:16]}", "appSecret": "s3cret-app-secret-value",
            "encryptKey": "encrypt-key-value", "verificationToken": "verification-token-value",
            "domain": "feishu", **fields}


def assert_no_secret(entity: dict[str, Any], body: dict[str, Any]) -> None:
    text = str(entity)
    for key in SECRETS:
        assert key not in entity
        if body.get(key):
            assert body[key] not in text


def test_create_read_list_update_delete(fapi: Api) -> None:
    robot = fapi.new_robot()
    body = new_body(robot, name="售后群机器人")
    created = fapi.ok("POST", channels_path(fapi), json=body)
    assert_no_secret(created, body)
    channel_id = created["channelId"]
    assert created["robotId"] == robot and created["appId"] == body["appId"] and created["name"] == "售后群机器人"
    assert (created["domain"], created["mode"], created["enabled"]) == ("feishu", "webhook", True)
    assert created["encryptKeySet"] is True and created["verificationTokenSet"] is True
    assert created["appSecretHint"] == "****" + body["appSecret"][-4:]
    assert created["eventUrl"] == f"https://huida.example.com/channels/feishu/{channel_id}/events"
    assert fapi.ok("GET", f"{channels_path(fapi)}/{channel_id}") == created
    assert [c["channelId"] for c in fapi.ok("GET", channels_path(fapi))] == [channel_id]

    updated = fapi.ok("PUT", f"{channels_path(fapi)}/{channel_id}", json={
        "encryptKey": "", "domain": "lark", "mode": "longConnection", "feedbackOnText": True})
    assert updated["encryptKeySet"] is False and updated["verificationTokenSet"] is True
    assert (updated["domain"], updated["mode"], updated["feedbackOnText"]) == ("lark", "longConnection", True)
    # A client may send back what it read.
    renamed = fapi.ok("PUT", f"{channels_path(fapi)}/{channel_id}", json={**updated, "name": "改名"})
    assert renamed["name"] == "改名"

    assert fapi.ok("DELETE", f"{channels_path(fapi)}/{channel_id}") is True
    expect_error(fapi.get(f"{channels_path(fapi)}/{channel_id}"), 404, "CHANNEL_NOT_FOUND")
    assert fapi.ok("GET", channels_path(fapi)) == []


def test_custom_domains(fapi: Api) -> None:
    robot = fapi.new_robot()
    for domain in ("https://open.example.com", "http://127.0.0.1:9999", "http://localhost:8080/"):
        created = fapi.ok("POST", channels_path(fapi), json=new_body(robot, domain=domain))
        assert created["domain"] == domain.rstrip("/")
    for domain in ("http://10.0.0.5:8080", "ftp://open.feishu.cn", "https://open.feishu.cn/path", "feishuu",
                   "https://user:pw@open.feishu.cn"):
        expect_error(fapi.post(channels_path(fapi), json=new_body(robot, domain=domain)), 400, "INVALID_DOMAIN")


@pytest.mark.parametrize("change", [
    {"appId": ""}, {"appId": "has space"}, {"appSecret": ""}, {"appSecret": "with space"}, {"mode": "polling"},
    {"robotId": ""}, {"unknownField": 1}, {"enabled": "maybe"}, {"appId": "x" * 65}, {"encryptKey": "a b"},
])
def test_bad_input_is_refused(fapi: Api, change: dict[str, Any]) -> None:
    robot = fapi.new_robot()
    expect_error(fapi.post(channels_path(fapi), json={**new_body(robot), **change}), 400)
    assert fapi.ok("GET", channels_path(fapi)) == []


def test_missing_fields_and_bad_json(fapi: Api) -> None:
    robot = fapi.new_robot()
    for missing in ("robotId", "appId", "appSecret"):
        body = new_body(robot)
        del body[missing]
        expect_error(fapi.post(channels_path(fapi), json=body), 400)
    bad_json = fapi.post(channels_path(fapi), content=b"{not json", headers={"content-type": "application/json"})
    expect_error(bad_json, 400)
    expect_error(fapi.post(channels_path(fapi), json=new_body("no-such-robot")), 404, "ROBOT_NOT_FOUND")


def test_an_app_binds_one_channel(fapi: Api, other_fapi: Api) -> None:
    body = new_body(fapi.new_robot())
    fapi.ok("POST", channels_path(fapi), json=body)
    expect_error(fapi.post(channels_path(fapi), json=body), 409, "APP_ALREADY_BOUND")
    expect_error(other_fapi.post(channels_path(other_fapi), json={**body, "robotId": other_fapi.new_robot()}),
                 409, "APP_ALREADY_BOUND")


def test_tenant_isolation(fapi: Api, other_fapi: Api) -> None:
    mine = fapi.ok("POST", channels_path(fapi), json=new_body(fapi.new_robot()))["channelId"]
    theirs_robot = other_fapi.new_robot()
    # Another tenant's channel does not exist for me, whatever I do with it.
    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("GET", "/deliveries")):
        response = other_fapi.request(method, f"{channels_path(other_fapi)}/{mine}{suffix}", json={"name": "x"})
        expect_error(response, 404)
    assert other_fapi.ok("GET", channels_path(other_fapi)) == []
    # Nor can I bind another tenant's robot.
    expect_error(fapi.post(channels_path(fapi), json=new_body(theirs_robot)), 404, "ROBOT_NOT_FOUND")
    expect_error(fapi.put(f"{channels_path(fapi)}/{mine}", json={"robotId": theirs_robot}), 404, "ROBOT_NOT_FOUND")
    # A token of one tenant on the other's path is refused.
    expect_error(fapi.get(f"/v10/tenants/{other_fapi.tenant_id}/channels/feishu"), 403)
    assert fapi.ok("GET", f"{channels_path(fapi)}/{mine}")["robotId"] != theirs_robot


def test_writes_need_an_admin_and_a_token(fapi: Api) -> None:
    import httpx

    anonymous = httpx.get(f"{fapi.server.base_url}/v10/tenants/{fapi.tenant_id}/channels/feishu")
    assert anonymous.status_code == 401


def test_hostile_values_are_a_4xx_never_a_500(fapi: Api) -> None:
    robot = fapi.new_robot()
    channel_id = fapi.ok("POST", channels_path(fapi), json=new_body(robot))["channelId"]
    fields = {**new_body(robot), "name": "飞书客服", "mode": "webhook", "enabled": True, "feedbackOnText": False}
    for method, path in (("POST", channels_path(fapi)), ("PUT", f"{channels_path(fapi)}/{channel_id}")):
        for field in fields:
            for fragment in HOSTILE:
                body = raw_body({**fields, "appId": f"cli_{uuid.uuid4().hex[:16]}"}, field, fragment)
                response = fapi.request(method, path, content=body, headers={"content-type": "application/json"})
                assert response.status_code < 500, (method, field, fragment, response.text[:300])
    for bad in PATH_IDS:
        for method in ("GET", "PUT", "DELETE"):
            response = fapi.request(method, f"{channels_path(fapi)}/{bad}", json={"name": "x"})
            assert 400 <= response.status_code < 500, (method, bad, response.text[:300])
        assert 400 <= fapi.get(f"{channels_path(fapi)}/{channel_id}/deliveries?page={bad}").status_code < 500
