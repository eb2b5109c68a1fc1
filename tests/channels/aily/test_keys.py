"""Per-robot API keys: admins create and revoke them; a key works as the Bearer token for its robot only; the
database keeps only a hash."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from huida.channels.aily.models import RobotApiKey
from tests.channels.aily.conftest import Desk
from tests.channels.aily.helpers import Aily, agent_token, expect_aily_error, new_key
from tests.support.client import Api, expect_error


def test_create_use_list_and_revoke(desk: Desk) -> None:
    api, robot = desk.api, desk.robot
    created = new_key(api, robot, "官网客服")
    key = created["key"]
    assert key.startswith("hdk_") and created["prefix"] == key[:12] and created["name"] == "官网客服"
    assert created["robotId"] == robot and created["revoked"] is False
    # Only the hash is stored.
    with api.server.ctx.db.read() as session:
        row = session.scalar(select(RobotApiKey).where(RobotApiKey.id == created["id"]))
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(v) for v in row.__dict__.values()}
    # The key talks to its robot.
    keyed = Aily(api, key)
    session = keyed.new_session()["id"]
    run, reply = keyed.ask(session, "发票怎么开")
    assert run["status"] == "COMPLETED" and reply["content"] == "确认收货后在订单页申请电子发票。"
    listed = api.ok("GET", f"/robots/{robot}/api-keys")
    assert created["id"] in {k["id"] for k in listed} and all("key" not in k for k in listed)
    assert api.ok("GET", f"/robots/{robot}/api-keys/{created['id']}")["lastUsedDateTime"] is not None
    # Revoked: it stops working at once.
    revoked = api.ok("DELETE", f"/robots/{robot}/api-keys/{created['id']}")
    assert revoked["revoked"] is True and revoked["revokeDateTime"]
    expect_aily_error(keyed.call("GET", f"/sessions/{session}"), 401, 99991663, "revoked")
    # The session itself lives on for the tenant.
    assert desk.aily.ok("GET", f"/sessions/{session}")["session"]["id"] == session


def test_a_key_sees_only_its_robots_sessions(desk: Desk) -> None:
    other_robot = desk.api.new_robot("另一个机器人")
    theirs = desk.aily.new_session(robot_id=other_robot)["id"]
    keyed = desk.keyed()
    expect_aily_error(keyed.call("GET", f"/sessions/{theirs}"), 404, 2700002)
    expect_aily_error(keyed.call("POST", f"/sessions/{theirs}/runs", json={}), 404, 2700002)
    mine = keyed.new_session()["id"]
    assert desk.aily.ok("GET", f"/sessions/{mine}")["session"]["created_by"].startswith("api_key:")


def test_only_admins_create_or_revoke(desk: Desk, other_api: Api) -> None:
    api, robot = desk.api, desk.robot
    agent = {"token": agent_token(api)}
    expect_error(api.post(f"/robots/{robot}/api-keys", json={}, headers=agent), 403, "ADMIN_REQUIRED")
    key_id = new_key(api, robot)["id"]
    expect_error(api.delete(f"/robots/{robot}/api-keys/{key_id}", headers=agent), 403, "ADMIN_REQUIRED")
    assert api.get(f"/robots/{robot}/api-keys", headers=agent).status_code == 200  # agents may look
    # Another tenant: not its path, not its robot.
    expect_error(other_api.http.post(f"/v10/tenants/{api.tenant_id}/robots/{robot}/api-keys", json={}), 403)
    expect_error(other_api.post(f"/robots/{robot}/api-keys", json={}), 404, "ROBOT_NOT_FOUND")
    expect_error(api.get(f"/robots/{robot}/api-keys/nope"), 404)
