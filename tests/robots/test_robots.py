"""Seed 004 §1.2: GET /v10/tenants/{tenantId}/robots?page=&size=, and the robot CRUD with settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

SEED_ROBOT_KEYS = {
    "id", "robotId", "tenantId", "nicename", "type", "status", "avatar", "name", "father", "mother", "school",
    "description", "sex", "cityCode", "height", "weight", "blood", "createDateTime", "lastUpdateDateTime",
}
PAGE_KEYS = ("first", "last", "size", "number", "numberOfElements", "totalPages", "totalElements")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    """One tenant for most of the module (creating one hashes a password)."""
    with new_tenant(server) as client:
        yield client


@pytest.fixture
def fresh(server: LiveServer) -> Iterator[Api]:
    """A tenant of its own, for tests that count every robot of the tenant."""
    with new_tenant(server) as client:
        yield client


def robots_page(api: Api, **params: Any) -> dict[str, Any]:
    response = api.get("/robots", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and body["errorCode"] is None and body["errorDescription"] is None
    return body


def paging(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in PAGE_KEYS}


# --- GET /robots exactly as the seed ------------------------------------------------------------------


def test_the_seed_example_one_page_of_three_with_size_4(fresh: Api) -> None:
    api = fresh
    names = ["默认机器人", "潘多拉", "小答"]
    ids = [api.new_robot(name) for name in names]
    body = robots_page(api, page=0, size=4)
    assert paging(body) == {"first": True, "last": True, "size": 4, "number": 0, "numberOfElements": 3,
                            "totalPages": 1, "totalElements": 3}
    assert [r["robotId"] for r in body["entity"]] == ids
    for robot, name in zip(body["entity"], names, strict=True):
        assert set(robot) == SEED_ROBOT_KEYS
        assert robot["name"] == name and robot["tenantId"] == api.tenant_id
        assert robot["type"] == "RobotApi" and robot["status"] == "Enable"
        assert isinstance(robot["id"], int) and UUID.match(robot["robotId"])
        assert DATETIME.match(robot["createDateTime"]) and DATETIME.match(robot["lastUpdateDateTime"])


def test_several_pages_are_0_based_with_the_full_envelope(fresh: Api) -> None:
    api = fresh
    ids = [api.new_robot(f"机器人{i}") for i in range(5)]
    pages = [robots_page(api, page=n, size=2) for n in range(4)]
    assert [paging(p) for p in pages] == [
        {"first": True, "last": False, "size": 2, "number": 0, "numberOfElements": 2, "totalPages": 3,
         "totalElements": 5},
        {"first": False, "last": False, "size": 2, "number": 1, "numberOfElements": 2, "totalPages": 3,
         "totalElements": 5},
        {"first": False, "last": True, "size": 2, "number": 2, "numberOfElements": 1, "totalPages": 3,
         "totalElements": 5},
        {"first": False, "last": True, "size": 2, "number": 3, "numberOfElements": 0, "totalPages": 3,
         "totalElements": 5},
    ]
    assert [r["robotId"] for p in pages for r in p["entity"]] == ids  # in creation order, none twice


def test_page_and_size_may_be_omitted(fresh: Api) -> None:
    api = fresh
    ids = [api.new_robot(f"机器人{i}") for i in range(3)]
    body = robots_page(api)
    assert body["number"] == 0 and body["first"] is True and body["last"] is True
    assert body["totalElements"] == 3 and body["numberOfElements"] == 3 and body["size"] >= 3
    assert [r["robotId"] for r in body["entity"]] == ids
    assert robots_page(api, size=1)["number"] == 0
    assert robots_page(api, page=1, size=2)["entity"][0]["robotId"] == ids[2]


def test_a_tenant_without_robots_gets_an_empty_page(fresh: Api) -> None:
    api = fresh
    assert paging(robots_page(api, page=0, size=4)) == {
        "first": True, "last": True, "size": 4, "number": 0, "numberOfElements": 0, "totalPages": 0,
        "totalElements": 0}


@pytest.mark.parametrize("params", [
    {"page": -1}, {"size": 0}, {"size": -3}, {"page": "first"}, {"size": "ten"}, {"size": 100000},
    {"page": 10**12, "size": 1000}, {"page": 10**30},
])
def test_bad_paging_is_400(api: Api, params: dict[str, Any]) -> None:
    expect_error(api.get("/robots", params=params), 400, "INVALID_PARAMETER")


def test_a_very_large_but_valid_page_is_empty(api: Api) -> None:
    api.new_robot()
    total = robots_page(api)["totalElements"]
    body = robots_page(api, page=1_000_000, size=1000)
    assert body["entity"] == [] and body["totalElements"] == total and body["last"] is True


# --- create, read, update, delete ----------------------------------------------------------------------


def test_create_answers_the_robot_with_its_settings(api: Api) -> None:
    entity = api.ok("POST", "/robots", json={"name": "  售后小助手 ", "description": "处理退换货", "sex": "female"})
    assert set(entity) >= SEED_ROBOT_KEYS
    assert entity["name"] == "售后小助手" and entity["description"] == "处理退换货" and entity["sex"] == "female"
    assert entity["tenantId"] == api.tenant_id and UUID.match(entity["robotId"])
    assert entity["status"] == "Enable" and entity["knowledgeVersion"] == 1
    assert api.ok("GET", f"/robots/{entity['robotId']}") == entity


def test_default_settings_are_visible(api: Api) -> None:
    settings = api.ok("GET", f"/robots/{api.new_robot()}")["settings"]
    assert settings["welcomeText"] and settings["defaultReply"]  # Chinese defaults, never empty
    assert settings["transferToHumanLabel"] == "转人工"
    assert settings["evaluateSwitch"] is True and settings["satisfactionInvitation"] is True
    assert settings["answerThreshold"] is None and settings["recommendThreshold"] is None
    assert settings["recommendMax"] == 5 and settings["repeatLimit"] == 3
    assert settings["timezone"] == "Asia/Shanghai"
    assert "转人工" in settings["humanKeywords"]


def test_create_with_settings_and_a_status(api: Api) -> None:
    entity = api.ok("POST", "/robots", json={"name": "夜班", "status": "Disable",
                                             "settings": {"welcomeText": "夜间值班中", "answerThreshold": 0.7}})
    assert entity["status"] == "Disable"
    assert entity["settings"]["welcomeText"] == "夜间值班中" and entity["settings"]["answerThreshold"] == 0.7
    assert entity["settings"]["defaultReply"]  # the rest keeps its defaults


@pytest.mark.parametrize("body", [
    {},
    {"name": ""},
    {"name": "   "},
    {"name": "长" * 201},
    {"name": 42},
    {"name": None},
    {"name": "x", "status": "Paused"},
    {"name": "x", "colour": "red"},
    {"name": "x", "description": "d" * 2001},
    {"name": "x", "settings": {"welcomeText": "hi", "typo": True}},
    {"name": "x", "settings": "loud"},
    [{"name": "x"}],
])
def test_bad_create_is_400_and_creates_nothing(api: Api, body: Any) -> None:
    before = robots_page(api)["totalElements"]
    expect_error(api.post("/robots", json=body), 400, "INVALID_PARAMETER")
    assert robots_page(api)["totalElements"] == before


def test_update_changes_what_is_given_and_keeps_the_rest(api: Api) -> None:
    robot_id = api.new_robot("旧名字", description="描述", sex="male")
    entity = api.ok("PUT", f"/robots/{robot_id}", json={"name": "新名字", "cityCode": "110000", "height": 170})
    assert entity["name"] == "新名字" and entity["cityCode"] == "110000" and entity["height"] == 170
    assert entity["description"] == "描述" and entity["sex"] == "male"
    entity = api.ok("PUT", f"/robots/{robot_id}", json={"status": "Disable"})
    assert entity["status"] == "Disable" and entity["name"] == "新名字"
    assert api.ok("GET", f"/robots/{robot_id}") == entity
    listed = robots_page(api, size=1000)["entity"]
    assert [r["name"] for r in listed if r["robotId"] == robot_id] == ["新名字"]


def test_the_read_shape_can_be_sent_back_unchanged(api: Api) -> None:
    robot_id = api.new_robot("往返", settings={"welcomeText": "你好呀"})
    entity = api.ok("GET", f"/robots/{robot_id}")
    again = api.ok("PUT", f"/robots/{robot_id}", json=entity)
    for key in ("name", "settings", "createDateTime", "robotId", "id", "status"):
        assert again[key] == entity[key]


@pytest.mark.parametrize("body", [
    {"name": ""}, {"name": "   "}, {"status": "enabled"}, {"unknown": 1}, {"height": [1]}, {"name": ["a"]},
])
def test_bad_update_is_400_and_changes_nothing(api: Api, body: dict[str, Any]) -> None:
    robot_id = api.new_robot("不变")
    before = api.ok("GET", f"/robots/{robot_id}")
    expect_error(api.put(f"/robots/{robot_id}", json=body), 400, "INVALID_PARAMETER")
    assert api.ok("GET", f"/robots/{robot_id}") == before


def test_delete_removes_the_robot_and_its_knowledge(fresh: Api) -> None:
    api = fresh
    keep, gone = api.new_robot("留下"), api.new_robot("删除")
    api.new_rule(gone, ["问题"], "答案", category="分类")
    api.new_rule(keep, ["问题"], "答案")
    assert api.ok("DELETE", f"/robots/{gone}") is True
    expect_error(api.get(f"/robots/{gone}"), 404, "ROBOT_NOT_FOUND")
    expect_error(api.put(f"/robots/{gone}", json={"name": "复活"}), 404, "ROBOT_NOT_FOUND")
    expect_error(api.delete(f"/robots/{gone}"), 404, "ROBOT_NOT_FOUND")
    expect_error(api.get(f"/knowledge/robots/{gone}/rules/search"), 404, "ROBOT_NOT_FOUND")
    assert [r["robotId"] for r in robots_page(api)["entity"]] == [keep]
    assert len(api.ok("GET", f"/knowledge/robots/{keep}/rules/search")) == 1


@pytest.mark.parametrize("robot_id", ["no-such-robot", "00000000-0000-0000-0000-000000000000", "x" * 300, "中文"])
def test_unknown_robot_is_404(api: Api, robot_id: str) -> None:
    for method in ("GET", "PUT", "DELETE"):
        expect_error(api.request(method, f"/robots/{robot_id}", json={"name": "n"} if method == "PUT" else None),
                     404, "ROBOT_NOT_FOUND")


# --- settings --------------------------------------------------------------------------------------------


def test_settings_update_merges_and_bumps_the_knowledge_version(api: Api) -> None:
    robot_id = api.new_robot()
    before = api.ok("GET", f"/robots/{robot_id}")
    entity = api.ok("PUT", f"/robots/{robot_id}", json={"settings": {"welcomeText": "欢迎光临", "recommendMax": 3}})
    assert entity["settings"]["welcomeText"] == "欢迎光临" and entity["settings"]["recommendMax"] == 3
    assert entity["knowledgeVersion"] == before["knowledgeVersion"] + 1
    entity = api.ok("PUT", f"/robots/{robot_id}", json={"settings": {"evaluateSwitch": False}})
    assert entity["settings"]["welcomeText"] == "欢迎光临" and entity["settings"]["evaluateSwitch"] is False
    assert entity["knowledgeVersion"] == before["knowledgeVersion"] + 2
    # Every other setting kept its default.
    unchanged = {k: v for k, v in before["settings"].items() if k not in ("welcomeText", "recommendMax",
                                                                           "evaluateSwitch")}
    assert {k: entity["settings"][k] for k in unchanged} == unchanged
    # Setting a threshold back to null means "calibrated automatically" again.
    api.ok("PUT", f"/robots/{robot_id}", json={"settings": {"answerThreshold": 0.9}})
    assert api.ok("PUT", f"/robots/{robot_id}", json={"settings": {"answerThreshold": None}})["settings"][
        "answerThreshold"] is None


def test_full_settings_objects_are_accepted(api: Api) -> None:
    robot_id = api.new_robot()
    settings = {
        "welcomeVariants": [{"text": "VIP 您好", "strategies": [{"type": "BUSINESS", "labels": ["VIP"]}]}],
        "smallTalk": [{"patterns": ["早上好"], "reply": "早上好！"}],
        "sensitiveWords": ["傻瓜"],
        "humanKeywords": ["人工"],
        "transferProperties": {"skillGroup": "售后"},
        "timezone": "Europe/Berlin",
        "answerThreshold": 0.8, "recommendThreshold": 0.4,
    }
    entity = api.ok("PUT", f"/robots/{robot_id}", json={"settings": settings})
    for key, value in settings.items():
        assert entity["settings"][key] == value


@pytest.mark.parametrize("settings", [
    pytest.param({"welcomeTxt": "typo"}, id="unknown-key"),
    pytest.param({"evaluateSwitch": "maybe"}, id="bool-wrong-type"),
    pytest.param({"recommendMax": "many"}, id="int-wrong-type"),
    pytest.param({"recommendMax": 2.5}, id="int-fractional"),
    pytest.param({"welcomeText": 123}, id="text-wrong-type"),
    pytest.param({"welcomeText": None}, id="text-null"),
    pytest.param({"welcomeText": "长" * 2001}, id="text-too-long"),
    pytest.param({"humanKeywords": "人工"}, id="list-wrong-type"),
    pytest.param({"answerThreshold": 1.5}, id="threshold-above-1"),
    pytest.param({"recommendThreshold": -0.1}, id="threshold-below-0"),
    pytest.param({"recommendMax": 0}, id="recommendMax-0"),
    pytest.param({"recommendMax": 11}, id="recommendMax-11"),
    pytest.param({"repeatLimit": 1}, id="repeatLimit-1"),
    pytest.param({"sessionTimeoutMinutes": 0}, id="timeout-0"),
    pytest.param({"targetPrecision": 0}, id="precision-0"),
    pytest.param({"transferToHumanLabel": ""}, id="empty-button-label"),
    pytest.param({"timezone": "Mars/Olympus_Mons"}, id="unknown-time-zone"),
    pytest.param({"smallTalk": [{"patterns": [], "reply": "x"}]}, id="small-talk-without-patterns"),
    pytest.param({"smallTalk": [{"patterns": ["hi"], "reply": "x", "extra": 1}]}, id="small-talk-extra-key"),
    pytest.param({"welcomeVariants": [{"text": ""}]}, id="empty-welcome-variant"),
    pytest.param({"welcomeVariants": [{"text": "hi", "strategies": [{"type": "WEATHER"}]}]},
                 id="welcome-variant-unknown-strategy"),
    pytest.param({"welcomeVariants": [{"text": "hi", "strategies": [{"type": "TIME", "start": "25:00"}]}]},
                 id="welcome-variant-bad-time"),
    pytest.param({"humanKeywords": ["人工", "  "]}, id="blank-human-keyword"),
    pytest.param({"sensitiveWords": [""]}, id="blank-sensitive-word"),
    pytest.param({"transferProperties": {"k": 1}}, id="transfer-property-not-text"),
])
def test_bad_settings_are_400_and_change_nothing(api: Api, settings: dict[str, Any]) -> None:
    robot_id = api.new_robot("设置校验")
    before = api.ok("GET", f"/robots/{robot_id}")
    count = robots_page(api)["totalElements"]
    body = expect_error(api.put(f"/robots/{robot_id}", json={"name": "不该改名", "settings": settings}), 400,
                        "INVALID_PARAMETER")
    assert "settings" in body["errorDescription"]
    assert api.ok("GET", f"/robots/{robot_id}") == before
    # The same settings refuse a new robot too.
    expect_error(api.post("/robots", json={"name": "新的", "settings": settings}), 400, "INVALID_PARAMETER")
    assert robots_page(api)["totalElements"] == count


def test_renaming_does_not_bump_the_knowledge_version_but_rule_writes_do(api: Api) -> None:
    robot_id = api.new_robot()
    version = api.ok("GET", f"/robots/{robot_id}")["knowledgeVersion"]
    api.ok("PUT", f"/robots/{robot_id}", json={"name": "只改名字"})
    assert api.ok("GET", f"/robots/{robot_id}")["knowledgeVersion"] == version
    rule = api.new_rule(robot_id, ["问"], "答")
    assert api.ok("GET", f"/robots/{robot_id}")["knowledgeVersion"] == version + 1
    api.ok("DELETE", f"/knowledge/robots/{robot_id}/rules/{rule['id']}")
    assert api.ok("GET", f"/robots/{robot_id}")["knowledgeVersion"] == version + 2


def test_robots_of_two_tenants_do_not_mix(fresh: Api, other_api: Api) -> None:
    api = fresh
    mine = api.new_robot("我的")
    theirs = other_api.new_robot("他们的")
    assert [r["robotId"] for r in robots_page(api)["entity"]] == [mine]
    assert [r["robotId"] for r in other_api.ok("GET", "/robots")] == [theirs]
