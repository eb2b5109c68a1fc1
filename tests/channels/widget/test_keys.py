"""Widget keys: admins create (with allowed origins), list and revoke them; bad origins are a clear 400."""

from __future__ import annotations

import pytest

from tests.channels.aily.helpers import agent_token
from tests.channels.widget.conftest import Shop
from tests.channels.widget.helpers import ORIGIN, new_key
from tests.support.client import Api, expect_error


def test_create_list_and_revoke(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    created = new_key(api, robot, ["https://Shop.Example:443/", "http://127.0.0.1:8080", "https://shop.example"])
    assert created["key"].startswith("hwk_") and created["robotId"] == robot and created["status"] == "ACTIVE"
    assert created["allowedOrigins"] == [ORIGIN, "http://127.0.0.1:8080"]  # normalised, once each
    assert created["id"] and created["createdAt"] and created["welcomeMenu"] is None
    listed = api.ok("GET", f"/robots/{robot}/widget-keys")
    assert [k["id"] for k in listed] == [shop.key["id"], created["id"]]
    assert listed[1]["key"] == created["key"]  # public: listed as is
    revoked = api.ok("DELETE", f"/robots/{robot}/widget-keys/{created['id']}")
    assert revoked["status"] == "REVOKED" and revoked["revokedAt"]
    assert api.ok("GET", f"/robots/{robot}/widget-keys")[1]["status"] == "REVOKED"


@pytest.mark.parametrize("origins", [
    [], ["shop.example"], ["https://shop.example/path"], ["ftp://shop.example"], ["https://shop.example?a=1"],
    ["null"], ["https://user@shop.example"], ["https://shop.example:99999"], ["https://bad host"], ["x" * 300],
    [f"https://s{i}.example" for i in range(21)],
])
def test_bad_origins_are_a_clear_400(shop: Shop, origins: list[str]) -> None:
    body = expect_error(shop.api.post(f"/robots/{shop.robot}/widget-keys", json={"allowedOrigins": origins}), 400)
    assert body["errorCode"] in ("INVALID_ORIGIN", "INVALID_PARAMETER") and "allowedOrigins" in body["errorDescription"]


def test_bodies_and_unknown_things(shop: Shop, other_api: Api) -> None:
    api, robot = shop.api, shop.robot
    expect_error(api.post(f"/robots/{robot}/widget-keys", json={}), 400)
    expect_error(api.post(f"/robots/{robot}/widget-keys", json={"allowedOrigins": "https://shop.example"}), 400)
    expect_error(api.post(f"/robots/{robot}/widget-keys", json={"allowedOrigins": [ORIGIN],
                                                              "welcomeMenu": "no-such-rule"}), 404)
    expect_error(api.post("/robots/no-such-robot/widget-keys", json={"allowedOrigins": [ORIGIN]}), 404,
                 "ROBOT_NOT_FOUND")
    expect_error(api.get("/robots/no-such-robot/widget-keys"), 404, "ROBOT_NOT_FOUND")
    expect_error(api.delete(f"/robots/{robot}/widget-keys/no-such-key"), 404)
    # Another tenant: not its path, and not its robot.
    expect_error(other_api.http.post(f"/v10/tenants/{api.tenant_id}/robots/{robot}/widget-keys",
                                     json={"allowedOrigins": [ORIGIN]}), 403)
    expect_error(other_api.post(f"/robots/{robot}/widget-keys", json={"allowedOrigins": [ORIGIN]}), 404)
    expect_error(other_api.delete(f"/robots/{robot}/widget-keys/{shop.key['id']}"), 404)


def test_only_admins_create_or_revoke(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    agent = {"token": agent_token(api)}
    expect_error(api.post(f"/robots/{robot}/widget-keys", json={"allowedOrigins": [ORIGIN]}, headers=agent), 403,
                 "ADMIN_REQUIRED")
    expect_error(api.delete(f"/robots/{robot}/widget-keys/{shop.key['id']}", headers=agent), 403, "ADMIN_REQUIRED")
    assert api.get(f"/robots/{robot}/widget-keys", headers=agent).status_code == 200  # members may look
    expect_error(api.get(f"/robots/{robot}/widget-keys", headers={"token": "nope"}), 401)
