"""Seed 004 §1.3: POST .../visitor-welcome (under /v10 and the seed's /v11), with a variant per strategy."""

from __future__ import annotations

from tests.conversation.conftest import Shop
from tests.conversation.helpers import robot_path, settings, stored
from tests.support.client import Api, expect_error

DEFAULT_WELCOME = "您好，我是智能客服小答，请问有什么可以帮您？"


def welcome(api: Api, robot: str, version: str = "v10", **kwargs: object) -> dict:
    response = api.post(f"/{version}/tenants/{api.tenant_id}/knowledge/robots/{robot}/visitor-welcome", **kwargs)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and body["errorCode"] is None and body["errorDescription"] is None
    assert all(body[k] is None for k in ("first", "last", "size", "number", "numberOfElements", "totalPages",
                                         "totalElements"))
    return body["entity"]


def test_welcome_matches_the_seed(shop: Shop) -> None:
    api = shop.api
    before = stored(api)
    for kwargs in ({}, {"json": {}}, {"json": {"strategyTransData": {"labels": [], "originTypes": [], "regions": []}}}):
        for version in ("v10", "v11"):
            assert welcome(api, shop.robot, version, **kwargs) == {
                "tenantId": api.tenant_id, "answerType": "WELCOME", "answerSource": "WELCOME",
                "content": {"msg": DEFAULT_WELCOME, "type": "txt"}}
    assert stored(api) == before  # a welcome opens no session and stores nothing


def test_welcome_text_and_variants_per_strategy(api: Api) -> None:
    robot = api.new_robot()
    settings(api, robot, welcomeText="欢迎光临！", welcomeVariants=[
        {"text": "尊敬的 VIP，欢迎回来！", "strategies": [{"type": "BUSINESS", "labels": ["VIP"]}]},
        {"text": "微信用户您好！", "strategies": [{"type": "CHANNEL", "originTypes": ["weixin"]}]},
    ])
    assert welcome(api, robot)["content"]["msg"] == "欢迎光临！"
    assert welcome(api, robot, json={"strategyTransData": {"labels": ["VIP"]}})["content"]["msg"] == \
        "尊敬的 VIP，欢迎回来！"
    assert welcome(api, robot, "v11", json={"originType": "weixin"})["content"]["msg"] == "微信用户您好！"
    assert welcome(api, robot, json={"strategyTransData": {"labels": ["普通会员"]}})["content"]["msg"] == "欢迎光临！"


def test_welcome_variant_strategies_are_checked_when_saved(api: Api) -> None:
    robot = api.new_robot()
    for strategies in ([{"type": "business", "labels": ["VIP"]}], [{"type": "TIME", "start": "25:00"}],
                       [{"type": "WEATHER"}], [{"type": "CHANNEL"}]):
        response = api.put(f"/robots/{robot}", json={"settings": {"welcomeVariants": [
            {"text": "VIP 您好", "strategies": strategies}]}})
        if strategies[0]["type"] == "business":
            # A lower-case type is understood (and stored in canonical form), never a 500 later.
            assert response.status_code == 200, response.text
            stored_variant = response.json()["entity"]["settings"]["welcomeVariants"][0]
            assert stored_variant["strategies"] == [{"type": "BUSINESS", "labels": ["VIP"]}]
            assert welcome(api, robot, json={"strategyTransData": {"labels": ["VIP"]}})["content"]["msg"] == "VIP 您好"
        else:
            expect_error(response, 400, "INVALID_PARAMETER")
    assert welcome(api, robot)["content"]["msg"] == DEFAULT_WELCOME


def test_welcome_bad_input(shop: Shop) -> None:
    api, path = shop.api, f"{robot_path(shop.robot)}/visitor-welcome"
    expect_error(api.post(path, json={"strategyTransData": {"labels": "VIP"}}), 400, "INVALID_PARAMETER")
    expect_error(api.post(path, json={"strategyTransData": ["VIP"]}), 400, "INVALID_PARAMETER")
    expect_error(api.post(f"{robot_path('no-such-robot')}/visitor-welcome", json={}), 404, "ROBOT_NOT_FOUND")
