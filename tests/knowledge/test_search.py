"""Seed 004 §3.1: GET .../knowledge/robots/{robotId}/rules/search

    ?page=1&per_page=10&q=规则&sortOrder=DESC&sortProperty=createTime&categoryIds=...&type=TEXT

`q` matches questions and answers; `page` counts from 1 as the seed's example does (0 is the first page too);
the entity is a list of rules in the seed's shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update

from huida.knowledge.models import Rule
from huida.materials.models import Media
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

PAGE_KEYS = ("first", "last", "size", "number", "numberOfElements", "totalPages", "totalElements")


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    """One tenant for the module (creating one hashes a password); the knowledge lives in robots."""
    with new_tenant(server) as client:
        yield client


@dataclass
class Shop:
    robot: str
    after_sales: str
    logistics: str
    ids: dict[str, str]  # rule label -> rule id, in creation order


@pytest.fixture(scope="module")
def shop(api: Api) -> Shop:
    """A small shop FAQ, created in this order (so createTime DESC lists it backwards)."""
    robot = api.new_robot("商城客服")
    cats = f"/knowledge/robots/{robot}/categories"
    after_sales = api.ok("POST", cats, json={"id": "after-sales", "name": "售后"})["id"]
    logistics = api.ok("POST", cats, json={"id": "logistics", "name": "物流"})["id"]
    with api.server.ctx.db.session() as session:
        media = Media(tenant_id=api.tenant_id, filename="map.png", content_type="image/png", size=1, width=1,
                      height=1, data=b"x", thumbnail=b"x")
        session.add(media)
        session.flush()
        media_id = media.id
    specs: list[tuple[str, dict[str, Any]]] = [
        ("return", {"id": "return", "questions": ["怎么退货", "如何申请退款"], "answer": "在订单详情页点击申请售后。",
                    "categoryIds": [after_sales]}),
        ("shipping", {"id": "shipping", "questions": ["多久发货", "什么时候发货"], "answer": "付款后 48 小时内发货。",
                      "categoryIds": [logistics]}),
        ("express", {"id": "express", "questions": ["用什么快递"], "answer": "默认顺丰，偏远地区用邮政。",
                     "categoryIds": [logistics, after_sales]}),
        ("wifi", {"id": "wifi", "questions": ["门店 WiFi 密码"], "answer": "密码是 shop_2024%，区分大小写。"}),
        ("map", {"id": "map", "questions": ["门店地址"],
                 "answers": [{"type": "PIC", "content": {"mediaId": media_id}}]}),
        ("menu", {"id": "menu", "questions": ["售后服务"], "categoryIds": [after_sales], "answers": [
            {"type": "MENU", "content": {"title": "请选择售后类型", "items": [{"knowledgeId": "return"}]}}]}),
        ("human", {"id": "human", "questions": ["投诉"], "status": "DISABLE", "answers": [
            {"type": "HUMAN", "content": {"transferPrompt": "正在为您转接投诉专员"}}]}),
    ]
    ids = {label: api.ok("POST", f"/knowledge/robots/{robot}/rules", json=body)["id"] for label, body in specs}
    return Shop(robot, after_sales, logistics, ids)


def search(api: Api, shop: Shop, **params: Any) -> dict[str, Any]:
    response = api.get(f"/knowledge/robots/{shop.robot}/rules/search", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and body["errorCode"] is None
    return body


def found(api: Api, shop: Shop, **params: Any) -> list[str]:
    return [rule["id"] for rule in search(api, shop, per_page=100, **params)["entity"]]


NEWEST_FIRST = ["human", "menu", "map", "wifi", "express", "shipping", "return"]


def test_the_seed_example(api: Api, shop: Shop) -> None:
    """The seed's own request, `page=1&per_page=10`: the first page, numbered 1 as in its response."""
    body = search(api, shop, page=1, per_page=10, q="退货")
    assert {k: body[k] for k in PAGE_KEYS} == {"first": True, "last": True, "size": 10, "number": 1,
                                               "numberOfElements": 1, "totalPages": 1, "totalElements": 1}
    assert search(api, shop, page=0, per_page=10, q="退货") == body  # "从0开始" in the seed's text: page 1 too
    rule = body["entity"][0]
    assert rule["id"] == "return" and rule["robotId"] == shop.robot
    for key in ("topic", "strategyGroupId", "questions", "answers", "createTime", "updateTime", "status",
                "enableTime", "disableTime", "categoryIds", "extInfo", "questionsIdArray", "questionsArray",
                "answersArray", "categoryIDsArray", "answerType"):
        assert key in rule, key
    assert rule["questionsArray"] == ["怎么退货", "如何申请退款"]
    assert rule["answersArray"] == ["在订单详情页点击申请售后。"] and rule["answerType"] == ["TEXT"]
    assert rule["categoryIDsArray"] == [shop.after_sales]


def test_no_filter_lists_every_rule_newest_first(api: Api, shop: Shop) -> None:
    assert found(api, shop) == NEWEST_FIRST
    body = search(api, shop)
    assert body["size"] == 10 and body["number"] == 1 and body["first"] is True and body["totalElements"] == 7


@pytest.mark.parametrize(("q", "expected"), [
    pytest.param("退货", ["return"], id="standard-question"),
    pytest.param("退款", ["return"], id="similar-question"),
    pytest.param("发货", ["shipping"], id="two-questions-one-rule"),
    pytest.param("顺丰", ["express"], id="answer-text"),
    pytest.param("售后", ["menu", "return"], id="question-or-answer"),
    pytest.param("请选择售后类型", ["menu"], id="menu-title"),
    pytest.param("转接投诉", ["human"], id="human-prompt"),
    pytest.param("wifi", ["wifi"], id="ascii-case-insensitive"),
    pytest.param("  快递 ", ["express"], id="trimmed"),
    pytest.param("%", ["wifi"], id="percent-is-literal"),
    pytest.param("_", ["wifi"], id="underscore-is-literal"),
    pytest.param("shop_2024%", ["wifi"], id="wildcards-inside"),
    pytest.param("不存在的内容", [], id="no-match"),
])
def test_q_matches_questions_and_answers(api: Api, shop: Shop, q: str, expected: list[str]) -> None:
    assert found(api, shop, q=q) == expected


def test_category_filter_comma_separated_and_repeated(api: Api, shop: Shop) -> None:
    assert found(api, shop, categoryIds=shop.logistics) == ["express", "shipping"]
    assert found(api, shop, categoryIds=f"{shop.logistics},{shop.after_sales}") == ["menu", "express", "shipping",
                                                                                    "return"]
    assert found(api, shop, categoryIds=[shop.logistics, shop.after_sales]) == ["menu", "express", "shipping",
                                                                                "return"]
    # Rules without a category are in "default".
    assert found(api, shop, categoryIds="default") == ["human", "map", "wifi"]
    assert found(api, shop, categoryIds=f"default,{shop.logistics}") == ["human", "map", "wifi", "express",
                                                                        "shipping"]
    assert found(api, shop, categoryIds="no-such-category") == []
    assert found(api, shop, categoryIds="") == NEWEST_FIRST


@pytest.mark.parametrize(("answer_type", "expected"), [
    ("TEXT", ["wifi", "express", "shipping", "return"]), ("PIC", ["map"]), ("MENU", ["menu"]), ("HUMAN", ["human"]),
    ("NEWS", []), ("VIDEO", []), ("AUDIO", []),
])
def test_type_filter(api: Api, shop: Shop, answer_type: str, expected: list[str]) -> None:
    assert found(api, shop, type=answer_type) == expected


def test_filters_combine(api: Api, shop: Shop) -> None:
    assert found(api, shop, q="售后", categoryIds=shop.after_sales, type="MENU") == ["menu"]
    assert found(api, shop, q="售后", type="TEXT") == ["return"]
    assert found(api, shop, status="DISABLE") == ["human"]
    assert found(api, shop, status="ENABLE", type="HUMAN") == []


def test_sort_order_and_property(api: Api, shop: Shop) -> None:
    assert found(api, shop, sortOrder="DESC") == NEWEST_FIRST
    assert found(api, shop, sortOrder="ASC") == NEWEST_FIRST[::-1]
    assert found(api, shop, sortOrder="asc", sortProperty="createTime") == NEWEST_FIRST[::-1]
    assert found(api, shop, sortProperty="id", sortOrder="ASC") == sorted(NEWEST_FIRST)
    assert found(api, shop, sortProperty="id", sortOrder="DESC") == sorted(NEWEST_FIRST, reverse=True)
    assert found(api, shop, sortProperty="updateTime") == NEWEST_FIRST
    assert found(api, shop, sortProperty="status", sortOrder="ASC")[0] == "human"  # DISABLE < ENABLE


def test_sort_by_hits(api: Api, shop: Shop) -> None:
    """Most hit first; a rule never hit counts as hit longest ago, the same on every database."""
    hits = {"shipping": (5, 3000), "wifi": (9, 1000), "return": (1, 2000)}
    with api.server.ctx.db.session() as session:
        for rule_id, (count, last) in hits.items():
            session.execute(update(Rule).where(Rule.robot_id == shop.robot, Rule.rule_id == rule_id)
                            .values(hit_count=count, last_hit_time=1_700_000_000_000 + last))
    try:
        assert found(api, shop, sortProperty="hitCount")[:3] == ["wifi", "shipping", "return"]
        assert found(api, shop, sortProperty="hitCount", sortOrder="ASC")[-3:] == ["return", "shipping", "wifi"]
        by_recency = found(api, shop, sortProperty="lastHitTime")
        assert by_recency[:3] == ["shipping", "return", "wifi"]
        assert set(by_recency[3:]) == {"human", "menu", "map", "express"}
        oldest_first = found(api, shop, sortProperty="lastHitTime", sortOrder="ASC")
        assert set(oldest_first[:4]) == {"human", "menu", "map", "express"}
        assert oldest_first[4:] == ["wifi", "return", "shipping"]
        entity = search(api, shop, q="多久发货")["entity"][0]
        assert entity["hitCount"] == 5 and entity["lastHitTime"] == 1_700_000_003_000
    finally:
        with api.server.ctx.db.session() as session:
            session.execute(update(Rule).where(Rule.robot_id == shop.robot).values(hit_count=0, last_hit_time=None))


def test_paging_is_1_based_with_totals(api: Api, shop: Shop) -> None:
    pages = [search(api, shop, page=n, per_page=3) for n in range(1, 5)]
    assert search(api, shop, page=0, per_page=3) == pages[0]
    assert [[r["id"] for r in p["entity"]] for p in pages] == [NEWEST_FIRST[:3], NEWEST_FIRST[3:6],
                                                               NEWEST_FIRST[6:], []]
    assert [{k: p[k] for k in PAGE_KEYS} for p in pages] == [
        {"first": True, "last": False, "size": 3, "number": 1, "numberOfElements": 3, "totalPages": 3,
         "totalElements": 7},
        {"first": False, "last": False, "size": 3, "number": 2, "numberOfElements": 3, "totalPages": 3,
         "totalElements": 7},
        {"first": False, "last": True, "size": 3, "number": 3, "numberOfElements": 1, "totalPages": 3,
         "totalElements": 7},
        {"first": False, "last": True, "size": 3, "number": 4, "numberOfElements": 0, "totalPages": 3,
         "totalElements": 7},
    ]
    # Totals count the filtered rules, not the page.
    filtered = search(api, shop, q="发货", per_page=1)
    assert filtered["totalElements"] == 1 and filtered["totalPages"] == 1 and filtered["last"] is True
    logistics = search(api, shop, categoryIds=shop.logistics, per_page=1, page=2)
    assert [r["id"] for r in logistics["entity"]] == ["shipping"]
    assert logistics["totalElements"] == 2 and logistics["totalPages"] == 2 and logistics["last"] is True


@pytest.mark.parametrize("params", [
    {"sortOrder": "UP"}, {"sortOrder": ""}, {"sortProperty": "question"}, {"sortProperty": "pk"},
    {"type": "GIF"}, {"type": "text"}, {"status": "ON"}, {"page": -1}, {"page": "next"}, {"per_page": 0},
    {"per_page": 501}, {"per_page": "all"}, {"q": "问" * 501}, {"page": 10**12}, {"page": 10**30},
])
def test_invalid_parameters_are_400(api: Api, shop: Shop, params: dict[str, Any]) -> None:
    expect_error(api.get(f"/knowledge/robots/{shop.robot}/rules/search", params=params), 400, "INVALID_PARAMETER")


def test_a_very_large_but_valid_page_is_empty(api: Api, shop: Shop) -> None:
    body = search(api, shop, page=1_000_000, per_page=500)
    assert body["entity"] == [] and body["totalElements"] == 7 and body["last"] is True


def test_search_is_scoped_to_the_robot(api: Api, shop: Shop) -> None:
    other = api.new_robot("另一个机器人")
    assert api.ok("GET", f"/knowledge/robots/{other}/rules/search", params={"q": "退货"}) == []
    api.new_rule(other, ["怎么退货"], "另一个机器人的答案")
    assert found(api, shop, q="退货") == ["return"]
    expect_error(api.get("/knowledge/robots/no-such-robot/rules/search"), 404, "ROBOT_NOT_FOUND")


def test_a_nul_character_in_q_is_not_a_server_error(api: Api, shop: Shop) -> None:
    response = api.get(f"/knowledge/robots/{shop.robot}/rules/search", params={"q": "退\x00货"})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["entity"] == []
    else:
        expect_error(response, 400, "INVALID_PARAMETER")
