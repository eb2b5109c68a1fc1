"""Every conversation route keeps tenants apart: another tenant's path is 403, another tenant's robot 404."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conversation.conftest import Shop
from tests.conversation.helpers import ask, chat_session, new_user, stored
from tests.support.client import Api, expect_error

Call = Callable[[Api, int, str, dict], httpx.Response]


def calls(session: dict) -> dict[str, Call]:
    """Each route, called as `api` on tenant `t`'s robot `r`."""
    def path(t: int, r: str, tail: str, version: str = "v10") -> str:
        return f"/{version}/tenants/{t}/knowledge/robots/{r}/{tail}"

    return {
        "ask": lambda api, t, r, s: api.post(path(t, r, "ask"), json={"userId": "intruder",
                                                                      "question": "怎么申请退款"}),
        "click": lambda api, t, r, s: api.post(path(t, r, "ask"), json={"userId": "intruder", "type": "MENU_CLICK",
                                                                        "knowledgeId": "refund"}),
        "welcome": lambda api, t, r, s: api.post(path(t, r, "visitor-welcome"), json={}),
        "welcome v11": lambda api, t, r, s: api.post(path(t, r, "visitor-welcome", "v11"), json={}),
        "receipt": lambda api, t, r, s: api.post(path(t, r, "transfer-human-confirmation"), json={
            "accessId": "x", "msgId": s["msgId"], "sessionId": s["sessionId"], "result": "Success"}),
        "hit test": lambda api, t, r, s: api.post(path(t, r, "hit-test"), json={"question": "怎么申请退款"}),
        "health": lambda api, t, r, s: api.get(path(t, r, "health")),
        "history": lambda api, t, r, s: api.get(f"/v10/tenants/{t}/session-history/robots/{r}/playback/from/sessionId",
                                                params={"sessionId": s["sessionId"]}),
    }


def test_another_tenants_path_is_403(shop: Shop, other_api: Api) -> None:
    owner = shop.api
    transfer = ask(owner, shop.robot, "转人工", user=new_user())
    before = stored(owner)
    for name, call in calls(transfer).items():
        response = call(other_api, owner.tenant_id, shop.robot, transfer)
        assert response.status_code == 403, name
        expect_error(response, 403, "FORBIDDEN")
    assert stored(owner) == before
    assert chat_session(owner, transfer["sessionId"]).handover == "pending"


def test_another_tenants_robot_is_404(shop: Shop, other_api: Api) -> None:
    owner = shop.api
    transfer = ask(owner, shop.robot, "转人工", user=new_user())
    before = stored(owner), stored(other_api)
    for name, call in calls(transfer).items():
        response = call(other_api, other_api.tenant_id, shop.robot, transfer)
        assert response.status_code == 404, name
        expect_error(response, 404, "ROBOT_NOT_FOUND")
    assert (stored(owner), stored(other_api)) == before


def test_another_tenants_session_is_not_found_through_ones_own_robot(shop: Shop, other_api: Api) -> None:
    owner = shop.api
    transfer = ask(owner, shop.robot, "转人工", user=new_user())
    robot = other_api.new_robot()
    response = calls(transfer)["history"](other_api, other_api.tenant_id, robot, transfer)
    expect_error(response, 404, "SESSION_NOT_FOUND")
    # A receipt for it is the seed's `false` (§1.6), and changes nothing.
    before = stored(owner), stored(other_api)
    response = calls(transfer)["receipt"](other_api, other_api.tenant_id, robot, transfer)
    assert response.status_code == 200 and response.json()["entity"] is False, response.text
    assert (stored(owner), stored(other_api)) == before
    assert chat_session(owner, transfer["sessionId"]).handover == "pending"
    # A rule id of another tenant's robot is unknown here.
    response = calls(transfer)["click"](other_api, other_api.tenant_id, robot, transfer)
    expect_error(response, 404, "KNOWLEDGE_NOT_FOUND")


def test_no_token_is_401(shop: Shop) -> None:
    transfer = ask(shop.api, shop.robot, "转人工", user=new_user())
    with httpx.Client(base_url=shop.api.server.base_url, timeout=30) as anonymous:
        for name, call in calls(transfer).items():
            response = call(anonymous, shop.api.tenant_id, shop.robot, transfer)  # type: ignore[arg-type]
            assert response.status_code == 401, name
            expect_error(response, 401, "UNAUTHORIZED")
