"""Rule categories of a robot: GET/POST .../categories, PUT/DELETE .../categories/{categoryId}.

"default" (默认分类) always exists; deleting a category puts its rules back in "default" and its children
at the root.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CATEGORY_KEYS = {"id", "robotId", "name", "parentId", "createTime", "updateTime", "createDateTime"}


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    """One tenant for the module (creating one hashes a password): every test works in robots of its own."""
    with new_tenant(server) as client:
        yield client


def cats(robot_id: str) -> str:
    return f"/knowledge/robots/{robot_id}/categories"


def listing(api: Api, robot_id: str) -> list[dict[str, Any]]:
    return api.ok("GET", cats(robot_id))


def rule_categories(api: Api, robot_id: str, rule_id: str) -> list[str]:
    return api.ok("GET", f"/knowledge/robots/{robot_id}/rules/{rule_id}")["categoryIds"]


def test_a_new_robot_has_only_the_default_category(api: Api) -> None:
    robot_id = api.new_robot()
    assert listing(api, robot_id) == [{"id": "default", "robotId": robot_id, "name": "默认分类", "parentId": None,
                                       "createTime": None, "updateTime": None, "createDateTime": None}]


def test_create_and_list(api: Api) -> None:
    robot_id = api.new_robot()
    first = api.ok("POST", cats(robot_id), json={"name": "  售后  "})
    assert set(first) == CATEGORY_KEYS
    assert UUID.match(first["id"]) and first["name"] == "售后" and first["parentId"] is None
    assert first["robotId"] == robot_id and first["createTime"] > 0
    child = api.ok("POST", cats(robot_id), json={"id": "returns", "name": "退货", "parentId": first["id"]})
    assert child["id"] == "returns" and child["parentId"] == first["id"]
    root_child = api.ok("POST", cats(robot_id), json={"name": "其他", "parentId": "default"})
    assert [c["id"] for c in listing(api, robot_id)] == ["default", first["id"], "returns", root_child["id"]]


@pytest.mark.parametrize(("body", "status", "code"), [
    pytest.param({}, 400, "INVALID_PARAMETER", id="no-name"),
    pytest.param({"name": ""}, 400, "INVALID_PARAMETER", id="empty-name"),
    pytest.param({"name": "   "}, 400, "INVALID_PARAMETER", id="blank-name"),
    pytest.param({"name": "类" * 201}, 400, "INVALID_PARAMETER", id="name-too-long"),
    pytest.param({"name": 7}, 400, "INVALID_PARAMETER", id="name-not-text"),
    pytest.param({"name": "x", "id": "has space"}, 400, "INVALID_PARAMETER", id="bad-id"),
    pytest.param({"name": "x", "id": "i" * 65}, 400, "INVALID_PARAMETER", id="id-too-long"),
    pytest.param({"name": "x", "id": "default"}, 409, "CATEGORY_EXISTS", id="id-default"),
    pytest.param({"name": "x", "parentId": "no-such-parent"}, 400, "INVALID_REFERENCE", id="unknown-parent"),
    pytest.param({"name": "x", "parentId": "p" * 65}, 400, "INVALID_PARAMETER", id="parent-id-too-long"),
])
def test_bad_create_is_4xx_and_creates_nothing(api: Api, body: dict[str, Any], status: int, code: str) -> None:
    robot_id = api.new_robot()
    expect_error(api.post(cats(robot_id), json=body), status, code)
    assert [c["id"] for c in listing(api, robot_id)] == ["default"]


def test_a_taken_id_is_409(api: Api) -> None:
    robot_id = api.new_robot()
    api.ok("POST", cats(robot_id), json={"id": "faq", "name": "常见问题"})
    expect_error(api.post(cats(robot_id), json={"id": "faq", "name": "又一个"}), 409, "CATEGORY_EXISTS")
    assert [c["name"] for c in listing(api, robot_id)] == ["默认分类", "常见问题"]
    # Category ids are per robot.
    assert api.ok("POST", cats(api.new_robot()), json={"id": "faq", "name": "常见问题"})["id"] == "faq"


def test_update_name_and_parent(api: Api) -> None:
    robot_id = api.new_robot()
    parent = api.ok("POST", cats(robot_id), json={"id": "parent", "name": "父"})
    child = api.ok("POST", cats(robot_id), json={"id": "child", "name": "子"})
    renamed = api.ok("PUT", f"{cats(robot_id)}/child", json={"name": " 孩子 "})
    assert renamed["name"] == "孩子" and renamed["parentId"] is None
    assert renamed["updateTime"] >= child["updateTime"] and renamed["createTime"] == child["createTime"]
    moved = api.ok("PUT", f"{cats(robot_id)}/child", json={"parentId": parent["id"]})
    assert moved["parentId"] == "parent" and moved["name"] == "孩子"
    assert [c for c in listing(api, robot_id) if c["id"] == "child"] == [moved]


@pytest.mark.parametrize(("body", "status", "code"), [
    pytest.param({"name": ""}, 400, "INVALID_PARAMETER", id="empty-name"),
    pytest.param({"name": "   "}, 400, "INVALID_PARAMETER", id="blank-name"),
    pytest.param({"parentId": "c"}, 400, "INVALID_PARAMETER", id="own-parent"),
    pytest.param({"parentId": "a"}, 400, "INVALID_PARAMETER", id="cycle-through-a-child"),
    pytest.param({"parentId": "b"}, 400, "INVALID_PARAMETER", id="cycle-through-a-grandchild"),
    pytest.param({"parentId": "nowhere"}, 400, "INVALID_REFERENCE", id="unknown-parent"),
])
def test_bad_update_is_4xx_and_changes_nothing(api: Api, body: dict[str, Any], status: int, code: str) -> None:
    robot_id = api.new_robot()
    # c <- a <- b  (a's parent is c, b's parent is a)
    api.ok("POST", cats(robot_id), json={"id": "c", "name": "C"})
    api.ok("POST", cats(robot_id), json={"id": "a", "name": "A", "parentId": "c"})
    api.ok("POST", cats(robot_id), json={"id": "b", "name": "B", "parentId": "a"})
    before = listing(api, robot_id)
    expect_error(api.put(f"{cats(robot_id)}/c", json=body), status, code)
    assert listing(api, robot_id) == before


def test_update_or_delete_unknown_category_is_404(api: Api) -> None:
    robot_id = api.new_robot()
    expect_error(api.put(f"{cats(robot_id)}/nope", json={"name": "x"}), 404, "CATEGORY_NOT_FOUND")
    expect_error(api.delete(f"{cats(robot_id)}/nope"), 404, "CATEGORY_NOT_FOUND")
    other = api.new_robot("另一个")
    api.ok("POST", cats(other), json={"id": "theirs", "name": "别人的"})
    expect_error(api.put(f"{cats(robot_id)}/theirs", json={"name": "x"}), 404, "CATEGORY_NOT_FOUND")
    expect_error(api.delete(f"{cats(robot_id)}/theirs"), 404, "CATEGORY_NOT_FOUND")
    assert [c["id"] for c in listing(api, other)] == ["default", "theirs"]


def test_the_default_category_cannot_be_deleted_or_changed(api: Api) -> None:
    robot_id = api.new_robot()
    before = listing(api, robot_id)
    response = api.delete(f"{cats(robot_id)}/default")
    assert 400 <= response.status_code < 500
    expect_error(response, response.status_code)
    response = api.put(f"{cats(robot_id)}/default", json={"name": "改名"})
    assert 400 <= response.status_code < 500
    assert listing(api, robot_id) == before


def test_delete_moves_rules_to_default_and_children_to_the_root(api: Api) -> None:
    robot_id = api.new_robot()
    api.ok("POST", cats(robot_id), json={"id": "gone", "name": "要删除"})
    api.ok("POST", cats(robot_id), json={"id": "kept", "name": "保留"})
    api.ok("POST", cats(robot_id), json={"id": "child", "name": "子分类", "parentId": "gone"})
    only = api.new_rule(robot_id, ["只在被删分类"], "答", categoryIds=["gone"])["id"]
    both = api.new_rule(robot_id, ["两个分类"], "答", categoryIds=["gone", "kept"])["id"]
    elsewhere = api.new_rule(robot_id, ["别的分类"], "答", categoryIds=["child"])["id"]

    assert api.ok("DELETE", f"{cats(robot_id)}/gone") is True
    assert [c["id"] for c in listing(api, robot_id)] == ["default", "kept", "child"]
    assert [c["parentId"] for c in listing(api, robot_id) if c["id"] == "child"] == [None]
    assert rule_categories(api, robot_id, only) == ["default"]
    assert rule_categories(api, robot_id, both) == ["kept"]
    assert rule_categories(api, robot_id, elsewhere) == ["child"]
    search = f"/knowledge/robots/{robot_id}/rules/search"
    assert {r["id"] for r in api.ok("GET", search, params={"categoryIds": "default"})} == {only}
    assert api.ok("GET", search, params={"categoryIds": "gone"}) == []
    expect_error(api.delete(f"{cats(robot_id)}/gone"), 404, "CATEGORY_NOT_FOUND")
    # The id is free again, and rules can no longer point at it until it exists.
    body = {"questions": ["新"], "answer": "答", "categoryIds": ["gone"]}
    expect_error(api.post(f"/knowledge/robots/{robot_id}/rules", json=body), 400, "INVALID_REFERENCE")


def test_deleting_a_category_of_one_robot_leaves_the_same_id_of_another_alone(api: Api) -> None:
    first, second = api.new_robot("一"), api.new_robot("二")
    for robot_id in (first, second):
        api.ok("POST", cats(robot_id), json={"id": "shared-id", "name": "同名"})
    rule = api.new_rule(second, ["问"], "答", categoryIds=["shared-id"])["id"]
    api.ok("DELETE", f"{cats(first)}/shared-id")
    assert rule_categories(api, second, rule) == ["shared-id"]
    assert [c["id"] for c in listing(api, second)] == ["default", "shared-id"]
