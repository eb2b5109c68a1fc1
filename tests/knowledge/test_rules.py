"""Rules of a robot: POST/GET/PUT/DELETE .../knowledge/robots/{robotId}/rules[/{ruleId}].

A rule takes `questions` as plain strings or as the seed's question objects (first = standard question)
and `answers` as the seed's answer objects; it reads back in the seed's §3.1 rule shape.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from huida.materials.models import Media, NewsArticle
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    """One tenant for the module (creating one hashes a password): every test works in robots of its own."""
    with new_tenant(server) as client:
        yield client


FOREVER = 4102444800000
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
RULE_KEYS = {
    "id", "robotId", "topic", "strategyGroupId", "questions", "answers", "createTime", "updateTime", "status",
    "enableTime", "disableTime", "categoryIds", "extInfo", "questionsIdArray", "questionsArray", "answersArray",
    "categoryIDsArray", "answerType",
}
QUESTION_KEYS = {"id", "robotId", "ruleId", "question", "createTime", "updateTime", "attributes"}
ANSWER_KEYS = {"id", "answer", "display", "type", "createTime", "updateTime", "strategies"}

# The entity of the seed's §3.1 example, sent back as a rule body.
SEED_RULE: dict[str, Any] = {
    "id": "60d6f7ff-4b50-43da-80e4-e993a19c2331",
    "robotId": "6819571e-2f03-49ea-a962-0019fbc0301c",
    "topic": None,
    "strategyGroupId": "60e1b620-4701-4f32-85db-812c58d815a3",
    "questions": [{
        "id": "c9931742-5309-415c-bb27-2c60330dec0d",
        "robotId": "6819571e-2f03-49ea-a962-0019fbc0301c",
        "ruleId": "60d6f7ff-4b50-43da-80e4-e993a19c2331",
        "question": "你好",
        "createTime": 1520394943452,
        "updateTime": 1520394943452,
        "attributes": {},
    }],
    "answers": [{
        "id": "38c1e937-8a71-4da8-8776-d048701533f9",
        "answer": "不好",
        "display": None,
        "type": "TEXT",
        "createTime": 1520394943452,
        "updateTime": 1520394943452,
        "strategies": [],
    }],
    "createTime": 1520394943452,
    "updateTime": 1520394943452,
    "status": "ENABLE",
    "enableTime": 0,
    "disableTime": 4102444800000,
    "categoryIds": ["default"],
    "extInfo": {},
    "questionsIdArray": ["c9931742-5309-415c-bb27-2c60330dec0d"],
    "questionsArray": ["你好"],
    "answersArray": ["不好"],
    "categoryIDsArray": ["default"],
    "answerType": ["TEXT"],
}


def rules(robot_id: str) -> str:
    return f"/knowledge/robots/{robot_id}/rules"


def version(api: Api, robot_id: str) -> int:
    return api.ok("GET", f"/robots/{robot_id}")["knowledgeVersion"]


def all_rules(api: Api, robot_id: str) -> list[dict[str, Any]]:
    return api.ok("GET", f"{rules(robot_id)}/search", params={"per_page": 500})


def add_media(api: Api, tenant_id: int | None = None) -> str:
    with api.server.ctx.db.session() as session:
        media = Media(tenant_id=tenant_id or api.tenant_id, filename="logo.png", content_type="image/png", size=67,
                      width=1, height=1, data=b"\x89PNG", thumbnail=b"\x89PNG")
        session.add(media)
        session.flush()
        return media.id


def add_article(api: Api, title: str = "退货流程") -> str:
    with api.server.ctx.db.session() as session:
        article = NewsArticle(tenant_id=api.tenant_id, title=title, digest="七天无理由", html="<p>步骤</p>")
        session.add(article)
        session.flush()
        return article.id


def assert_seed_shape(rule: dict[str, Any], robot_id: str) -> None:
    assert set(rule) >= RULE_KEYS, RULE_KEYS - set(rule)
    assert rule["robotId"] == robot_id
    for question in rule["questions"]:
        assert set(question) == QUESTION_KEYS
        assert question["ruleId"] == rule["id"] and question["robotId"] == robot_id
    for answer in rule["answers"]:
        assert set(answer) >= ANSWER_KEYS
    assert rule["questionsIdArray"] == [q["id"] for q in rule["questions"]]
    assert rule["questionsArray"] == [q["question"] for q in rule["questions"]]
    assert rule["answersArray"] == [a["answer"] for a in rule["answers"]]
    assert rule["answerType"] == [a["type"] for a in rule["answers"]]
    assert rule["categoryIDsArray"] == rule["categoryIds"]


# --- create and read ---------------------------------------------------------------------------------


def test_plain_strings_and_a_text_answer(api: Api) -> None:
    robot_id = api.new_robot()
    rule = api.ok("POST", rules(robot_id), json={"questions": ["怎么退货", "如何退货？", "退货流程是什么"],
                                                  "answer": "在订单页点击“申请退货”即可。"})
    assert_seed_shape(rule, robot_id)
    assert UUID.match(rule["id"])  # generated when absent
    assert rule["questionsArray"] == ["怎么退货", "如何退货？", "退货流程是什么"]  # the first is the standard one
    assert rule["answersArray"] == ["在订单页点击“申请退货”即可。"] and rule["answerType"] == ["TEXT"]
    assert rule["status"] == "ENABLE" and rule["enableTime"] == 0 and rule["disableTime"] == FOREVER
    assert rule["categoryIds"] == ["default"] and rule["extInfo"] == {}
    assert rule["topic"] is None and rule["strategyGroupId"] is None
    assert rule["hitCount"] == 0 and rule["lastHitTime"] is None
    assert rule["createTime"] == rule["updateTime"] and rule["createTime"] > 1_700_000_000_000
    assert api.ok("GET", f"{rules(robot_id)}/{rule['id']}") == rule


def test_the_seed_rule_object_is_accepted_as_a_body(api: Api) -> None:
    robot_id = api.new_robot()
    rule = api.ok("POST", rules(robot_id), json=SEED_RULE)
    assert_seed_shape(rule, robot_id)
    assert rule["id"] == SEED_RULE["id"]  # the client's id is kept
    assert rule["robotId"] == robot_id  # ...but never the robot it names
    assert rule["questionsArray"] == ["你好"] and rule["answersArray"] == ["不好"]
    assert rule["strategyGroupId"] == SEED_RULE["strategyGroupId"]
    assert rule["categoryIds"] == ["default"] and rule["answerType"] == ["TEXT"]
    # Times and child ids are the server's, not the client's.
    assert rule["createTime"] != SEED_RULE["createTime"]
    assert rule["questions"][0]["ruleId"] == SEED_RULE["id"]


def test_question_objects_keep_their_attributes_and_mix_with_strings(api: Api) -> None:
    robot_id = api.new_robot()
    rule = api.ok("POST", rules(robot_id), json={
        "questions": [{"question": "运费多少", "attributes": {"source": "faq"}}, "邮费怎么算"],
        "answers": [{"type": "text", "answer": "满 99 包邮", "display": "<b>满 99 包邮</b>"}],
        "extInfo": {"owner": "运营", "tags": ["物流"]}, "topic": "物流", "status": "disable",
        "enableTime": 1_700_000_000_000, "disableTime": 1_800_000_000_000,
    })
    assert rule["questions"][0]["attributes"] == {"source": "faq"} and rule["questions"][1]["attributes"] == {}
    assert rule["questionsArray"] == ["运费多少", "邮费怎么算"]
    assert rule["answers"][0]["type"] == "TEXT" and rule["answers"][0]["display"] == "<b>满 99 包邮</b>"
    assert rule["extInfo"] == {"owner": "运营", "tags": ["物流"]} and rule["topic"] == "物流"
    assert rule["status"] == "DISABLE"
    assert (rule["enableTime"], rule["disableTime"]) == (1_700_000_000_000, 1_800_000_000_000)


@pytest.mark.parametrize("rule_id", ["faq-001", "A_b-9", "x" * 64, "0"])
def test_client_ids_are_kept(api: Api, rule_id: str) -> None:
    robot_id = api.new_robot()
    rule = api.new_rule(robot_id, ["问"], "答", id=rule_id)
    assert rule["id"] == rule_id
    assert api.ok("GET", f"{rules(robot_id)}/{rule_id}")["id"] == rule_id


@pytest.mark.parametrize("rule_id", ["", "has space", "x" * 65, "规则一", "a/b", "a.b", "a%2Fb", 42, ["a"]])
def test_invalid_ids_are_400_and_create_nothing(api: Api, rule_id: Any) -> None:
    robot_id = api.new_robot()
    expect_error(api.post(rules(robot_id), json={"id": rule_id, "questions": ["问"], "answer": "答"}), 400,
                 "INVALID_PARAMETER")
    assert all_rules(api, robot_id) == []


def test_a_taken_id_is_409_and_keeps_the_first_rule(api: Api) -> None:
    robot_id = api.new_robot()
    first = api.new_rule(robot_id, ["原来的问题"], "原来的答案", id="faq-1")
    expect_error(api.post(rules(robot_id), json={"id": "faq-1", "questions": ["新问题"], "answer": "新答案"}), 409,
                 "RULE_EXISTS")
    assert api.ok("GET", f"{rules(robot_id)}/faq-1") == first
    # The same id in another robot is another rule.
    assert api.new_rule(api.new_robot("另一个"), ["问"], "答", id="faq-1")["id"] == "faq-1"


# --- every answer type ---------------------------------------------------------------------------------


def test_every_answer_type(api: Api) -> None:
    robot_id = api.new_robot()
    media_id, article_ids = add_media(api), [add_article(api, "退货"), add_article(api, "换货")]
    child = api.new_rule(robot_id, ["退货政策"], "七天无理由退货", id="child-1")
    answers = [
        {"type": "TEXT", "answer": "文本答案"},
        {"type": "PIC", "content": {"mediaId": media_id}},
        {"type": "NEWS", "content": {"articleIds": article_ids, "showDirectly": True}},
        {"type": "MENU", "content": {"title": "请选择", "items": [{"knowledgeId": child["id"], "text": "退货"}],
                                     "transferToHuman": True}},
        {"type": "HUMAN", "content": {"transferPrompt": "正在转人工", "properties": {"skillGroup": "售后"}}},
        {"type": "VIDEO", "content": {"url": "https://cdn.example.com/guide.mp4"}},
        {"type": "AUDIO", "content": {"mediaId": media_id}},
    ]
    rule = api.ok("POST", rules(robot_id), json={"questions": ["都有什么"], "answers": answers})
    assert_seed_shape(rule, robot_id)
    assert rule["answerType"] == ["TEXT", "PIC", "NEWS", "MENU", "HUMAN", "VIDEO", "AUDIO"]
    by_type = {a["type"]: a for a in rule["answers"]}
    assert "content" not in by_type["TEXT"] and by_type["TEXT"]["answer"] == "文本答案"
    assert by_type["PIC"]["content"] == {"mediaId": media_id}
    assert by_type["NEWS"]["content"] == {"articleIds": article_ids, "showDirectly": True}
    assert by_type["MENU"]["content"] == {"title": "请选择", "items": [{"knowledgeId": "child-1", "text": "退货"}],
                                          "transferToHuman": True}
    assert by_type["HUMAN"]["content"]["transferPrompt"] == "正在转人工"
    assert by_type["HUMAN"]["content"]["properties"] == {"skillGroup": "售后"}
    assert by_type["VIDEO"]["content"] == {"url": "https://cdn.example.com/guide.mp4"}
    for answer in rule["answers"]:
        assert isinstance(answer["answer"], str)  # answersArray always holds strings
    assert api.ok("GET", f"{rules(robot_id)}/{rule['id']}") == rule


def test_a_pic_answer_may_name_its_media_in_answer(api: Api) -> None:
    robot_id = api.new_robot()
    media_id = add_media(api)
    rule = api.ok("POST", rules(robot_id), json={"questions": ["发张图"],
                                                  "answers": [{"type": "PIC", "answer": media_id}]})
    assert rule["answers"][0]["content"] == {"mediaId": media_id}


def test_a_menu_may_point_at_itself_and_at_a_rule_that_exists(api: Api) -> None:
    robot_id = api.new_robot()
    rule = api.ok("POST", rules(robot_id), json={"id": "menu-root", "questions": ["菜单"], "answers": [
        {"type": "MENU", "content": {"title": "请选择", "items": [{"knowledgeId": "menu-root", "text": "再看一次"}]}}]})
    assert rule["answerType"] == ["MENU"]


@pytest.mark.parametrize(("answer", "code"), [
    pytest.param({"type": "PIC", "content": {"mediaId": "no-such-media"}}, "INVALID_REFERENCE", id="unknown-media"),
    pytest.param({"type": "NEWS", "content": {"articleIds": ["no-such-article"]}}, "INVALID_REFERENCE",
                 id="unknown-article"),
    pytest.param({"type": "MENU", "content": {"title": "选", "items": [{"knowledgeId": "no-such-rule"}]}},
                 "INVALID_REFERENCE", id="menu-to-unknown-rule"),
    pytest.param({"type": "AUDIO", "content": {"mediaId": "no-such-media"}}, "INVALID_REFERENCE", id="unknown-audio"),
    pytest.param({"type": "MENU", "content": {"title": "空菜单", "items": []}}, "INVALID_PARAMETER", id="empty-menu"),
    pytest.param({"type": "MENU", "content": {"items": [{"text": "no id"}]}}, "INVALID_PARAMETER",
                 id="menu-item-without-id"),
    pytest.param({"type": "NEWS", "content": {"articleIds": []}}, "INVALID_PARAMETER", id="news-without-articles"),
    pytest.param({"type": "PIC"}, "INVALID_PARAMETER", id="pic-without-media"),
    pytest.param({"type": "PIC", "content": {"mediaId": "m", "colour": "red"}}, "INVALID_PARAMETER",
                 id="pic-unknown-field"),
    pytest.param({"type": "VIDEO", "content": {}}, "INVALID_PARAMETER", id="video-without-source"),
    pytest.param({"type": "TEXT", "answer": "   "}, "INVALID_PARAMETER", id="blank-text"),
    pytest.param({"type": "TEXT"}, "INVALID_PARAMETER", id="text-without-answer"),
    pytest.param({"type": "GIF", "answer": "x"}, "INVALID_PARAMETER", id="unknown-type"),
    pytest.param({"type": "TEXT", "answer": "x" * 20001}, "INVALID_PARAMETER", id="text-too-long"),
    pytest.param({"type": "HUMAN", "content": {"properties": {"k": ["v"]}}}, "INVALID_PARAMETER",
                 id="human-property-not-text"),
    pytest.param({"type": "TEXT", "answer": "x", "strategies": [{"type": "WEATHER"}]}, "INVALID_PARAMETER",
                 id="unknown-strategy"),
    pytest.param({"type": "TEXT", "answer": "x", "strategies": [{"type": "CHANNEL"}]}, "INVALID_PARAMETER",
                 id="channel-strategy-without-channels"),
    pytest.param({"type": "TEXT", "answer": "x", "strategies": [{"type": "TIME", "start": "25:61"}]},
                 "INVALID_PARAMETER", id="time-strategy-bad-clock"),
    pytest.param({"type": "TEXT", "answer": "x", "strategies": [{"type": "TIME", "weekdays": [0, 8]}]},
                 "INVALID_PARAMETER", id="time-strategy-bad-weekday"),
    pytest.param({"type": "TEXT", "answer": "x", "strategies": [{"type": "REGION", "regions": [{}]}]},
                 "INVALID_PARAMETER", id="region-strategy-empty-region"),
    pytest.param({"type": "TEXT", "answer": "x", "strategies": "CHANNEL"}, "INVALID_PARAMETER",
                 id="strategies-not-a-list"),
])
def test_bad_answers_are_400_and_create_nothing(api: Api, answer: dict[str, Any], code: str) -> None:
    robot_id = api.new_robot()
    before = version(api, robot_id)
    expect_error(api.post(rules(robot_id), json={"questions": ["问"], "answers": [answer]}), 400, code)
    assert all_rules(api, robot_id) == []
    assert version(api, robot_id) == before


def test_strategies_are_validated_and_stored_in_canonical_form(api: Api) -> None:
    robot_id = api.new_robot()
    rule = api.ok("POST", rules(robot_id), json={"questions": ["营业时间"], "answers": [
        {"type": "TEXT", "answer": "工作日 9 点到 18 点", "strategies": [
            {"type": "time", "weekdays": [5, 1, 1], "start": "9:00", "end": "18:00"},
            {"type": "CHANNEL", "originTypes": ["webim", " weixin "]},
            {"type": "REGION", "regions": [{"province": "辽宁省", "city": "沈阳市"}]},
            {"type": "BUSINESS", "labels": ["VIP"]},
        ]},
        {"type": "TEXT", "answer": "默认答案"},
    ]})
    assert rule["answers"][0]["strategies"] == [
        {"type": "TIME", "weekdays": [1, 5], "start": "09:00", "end": "18:00"},
        {"type": "CHANNEL", "originTypes": ["webim", "weixin"]},
        {"type": "REGION", "regions": [{"province": "辽宁省", "city": "沈阳市"}]},
        {"type": "BUSINESS", "labels": ["VIP"]},
    ]
    assert rule["answers"][1]["strategies"] == []


# --- other validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    pytest.param({"questions": ["问"], "answer": "答", "enableTime": 2000, "disableTime": 1000}, id="window-reversed"),
    pytest.param({"questions": ["问"], "answer": "答", "enableTime": 1000, "disableTime": 1000}, id="window-empty"),
    pytest.param({"questions": ["问"], "answer": "答", "enableTime": -1}, id="negative-time"),
    pytest.param({"questions": ["问"], "answer": "答", "disableTime": 10**20}, id="time-beyond-any-database"),
    pytest.param({"questions": ["问"], "answer": "答", "enableTime": "tomorrow"}, id="time-not-a-number"),
    pytest.param({"questions": [], "answer": "答"}, id="no-questions"),
    pytest.param({"questions": ["  "], "answer": "答"}, id="blank-question"),
    pytest.param({"questions": ["问" * 2001], "answer": "答"}, id="question-too-long"),
    pytest.param({"questions": [{"text": "no question key"}], "answer": "答"}, id="question-object-without-text"),
    pytest.param({"questions": "你好", "answer": "答"}, id="questions-not-a-list"),
    pytest.param({"questions": ["问"]}, id="no-answer"),
    pytest.param({"questions": ["问"], "answers": []}, id="empty-answers"),
    pytest.param({"questions": ["问"], "answer": "答", "status": "ON"}, id="bad-status"),
    pytest.param({"questions": ["问"], "answer": "答", "categoryIds": ["no-such-category"]}, id="unknown-category"),
    pytest.param({"questions": ["问"], "answer": "答", "categoryIds": "default"}, id="categoryIds-not-a-list"),
    pytest.param({"questions": ["问"], "answer": "答", "category": "类" * 201}, id="category-name-too-long"),
    pytest.param({"questions": ["问"], "answer": "答", "categories": ["类" * 201]}, id="categories-name-too-long"),
    pytest.param({"questions": ["问"], "answer": "答", "extInfo": ["not", "an", "object"]}, id="extInfo-not-an-object"),
    pytest.param({"questions": ["问"], "answer": "答", "strategyGroupId": "g" * 65}, id="strategyGroupId-too-long"),
])
def test_bad_rules_are_400_and_change_nothing(api: Api, body: dict[str, Any]) -> None:
    robot_id = api.new_robot()
    before = version(api, robot_id)
    categories = api.ok("GET", f"/knowledge/robots/{robot_id}/categories")
    response = api.post(rules(robot_id), json=body)
    expect_error(response, 400)
    assert response.json()["errorCode"] in ("INVALID_PARAMETER", "INVALID_REFERENCE")
    assert all_rules(api, robot_id) == []
    assert version(api, robot_id) == before
    assert api.ok("GET", f"/knowledge/robots/{robot_id}/categories") == categories


def test_questions_that_differ_only_in_case_are_one_question(api: Api) -> None:
    """Kept once, as given first (see test_import_overlaps.py for width, punctuation, spaces, 繁/简)."""
    robot_id = api.new_robot()
    rule = api.new_rule(robot_id, ["WiFi 密码", "wifi 密码", "WIFI密码"], "在路由器背面")
    assert rule["questionsArray"] == ["WiFi 密码"]


# --- categories by id and by name ------------------------------------------------------------------------


def test_categories_by_id_and_by_name(api: Api) -> None:
    robot_id = api.new_robot()
    cats = f"/knowledge/robots/{robot_id}/categories"
    after_sales = api.ok("POST", cats, json={"id": "after-sales", "name": "售后"})["id"]

    by_id = api.new_rule(robot_id, ["退货"], "可以退", categoryIds=[after_sales])
    assert by_id["categoryIds"] == [after_sales] and by_id["categoryIDsArray"] == [after_sales]

    # A name that exists resolves to its id; a new name creates the category once.
    by_name = api.new_rule(robot_id, ["换货"], "可以换", category="售后")
    assert by_name["categoryIds"] == [after_sales]
    new_name = api.new_rule(robot_id, ["发票"], "可以开", category="财务")
    again = api.new_rule(robot_id, ["报销"], "可以报", categories=["财务", "售后"])
    listing = api.ok("GET", cats)
    finance = [c for c in listing if c["name"] == "财务"]
    assert len(finance) == 1
    assert new_name["categoryIds"] == [finance[0]["id"]]
    assert again["categoryIds"] == [finance[0]["id"], after_sales]

    # Ids and names together, duplicates collapsed, order kept.
    both = api.new_rule(robot_id, ["开票"], "可以", categoryIds=[after_sales, after_sales], category="财务")
    assert both["categoryIds"] == [after_sales, finance[0]["id"]]
    # The default category by its id and by its name.
    assert api.new_rule(robot_id, ["默认"], "默认", categoryIds=["default"])["categoryIds"] == ["default"]
    assert api.new_rule(robot_id, ["默认名"], "默认", category="默认分类")["categoryIds"] == ["default"]


def test_another_robots_category_is_unknown(api: Api) -> None:
    first, second = api.new_robot("一"), api.new_robot("二")
    category = api.ok("POST", f"/knowledge/robots/{first}/categories", json={"name": "只属于一"})["id"]
    expect_error(api.post(rules(second), json={"questions": ["问"], "answer": "答", "categoryIds": [category]}), 400,
                 "INVALID_REFERENCE")


# --- replace and delete ------------------------------------------------------------------------------------


def test_put_replaces_questions_answers_and_categories(api: Api) -> None:
    robot_id = api.new_robot()
    rule = api.new_rule(robot_id, ["旧问题", "旧相似问"], "旧答案", id="faq-9", category="旧分类")
    before = version(api, robot_id)
    updated = api.ok("PUT", f"{rules(robot_id)}/faq-9", json={
        "id": "ignored-in-put", "questions": ["新问题"], "answers": [{"type": "TEXT", "answer": "新答案"}],
        "categoryIds": ["default"], "status": "DISABLE",
    })
    assert updated["id"] == "faq-9"  # the path names the rule
    assert updated["questionsArray"] == ["新问题"] and updated["answersArray"] == ["新答案"]
    assert updated["categoryIds"] == ["default"] and updated["status"] == "DISABLE"
    assert updated["createTime"] == rule["createTime"] and updated["updateTime"] >= rule["updateTime"]
    assert version(api, robot_id) == before + 1
    assert api.ok("GET", f"{rules(robot_id)}/faq-9") == updated
    assert [r["id"] for r in all_rules(api, robot_id)] == ["faq-9"]


def test_the_read_shape_can_be_put_back(api: Api) -> None:
    robot_id = api.new_robot()
    media_id = add_media(api)
    rule = api.ok("POST", rules(robot_id), json={"questions": ["问", "相似问"], "category": "类", "answers": [
        {"type": "TEXT", "answer": "答", "strategies": [{"type": "BUSINESS", "labels": ["VIP"]}]},
        {"type": "PIC", "content": {"mediaId": media_id}}]})
    again = api.ok("PUT", f"{rules(robot_id)}/{rule['id']}", json=rule)
    for key in ("questionsArray", "answersArray", "answerType", "categoryIds", "status", "enableTime", "disableTime",
                "extInfo", "createTime"):
        assert again[key] == rule[key], key
    assert [a.get("content") for a in again["answers"]] == [a.get("content") for a in rule["answers"]]
    assert [a["strategies"] for a in again["answers"]] == [a["strategies"] for a in rule["answers"]]


def test_bad_put_is_400_and_changes_nothing(api: Api) -> None:
    robot_id = api.new_robot()
    rule = api.new_rule(robot_id, ["问"], "答")
    before = version(api, robot_id)
    path = f"{rules(robot_id)}/{rule['id']}"
    for body in ({"questions": []}, {"questions": ["问"], "answers": [{"type": "MENU", "content": {
            "items": [{"knowledgeId": "nowhere"}]}}]}, {"questions": ["a"], "answers": []}):
        expect_error(api.put(path, json=body), 400)
    assert api.ok("GET", path) == rule
    assert version(api, robot_id) == before


def test_put_and_delete_of_an_unknown_rule_are_404(api: Api) -> None:
    robot_id = api.new_robot()
    before = version(api, robot_id)
    expect_error(api.put(f"{rules(robot_id)}/nope", json={"questions": ["问"], "answer": "答"}), 404, "RULE_NOT_FOUND")
    expect_error(api.delete(f"{rules(robot_id)}/nope"), 404, "RULE_NOT_FOUND")
    expect_error(api.get(f"{rules(robot_id)}/nope"), 404, "RULE_NOT_FOUND")
    assert all_rules(api, robot_id) == [] and version(api, robot_id) == before


def test_delete(api: Api) -> None:
    robot_id = api.new_robot()
    keep, gone = api.new_rule(robot_id, ["留"], "留"), api.new_rule(robot_id, ["删"], "删")
    before = version(api, robot_id)
    assert api.ok("DELETE", f"{rules(robot_id)}/{gone['id']}") is True
    assert version(api, robot_id) == before + 1
    expect_error(api.get(f"{rules(robot_id)}/{gone['id']}"), 404, "RULE_NOT_FOUND")
    expect_error(api.delete(f"{rules(robot_id)}/{gone['id']}"), 404, "RULE_NOT_FOUND")
    assert [r["id"] for r in all_rules(api, robot_id)] == [keep["id"]]


def test_a_rule_in_a_menu_cannot_be_deleted_until_the_menu_lets_go(api: Api) -> None:
    robot_id = api.new_robot()
    api.new_rule(robot_id, ["退货"], "七天无理由", id="returns")
    api.new_rule(robot_id, ["换货"], "十五天内", id="exchanges")
    menu = {"questions": ["售后"], "answers": [{"type": "MENU", "content": {"title": "请选择", "items": [
        {"knowledgeId": "returns"}, {"knowledgeId": "exchanges"}]}}]}
    api.ok("POST", rules(robot_id), json={"id": "after-sales", **menu})
    before = version(api, robot_id)
    body = expect_error(api.delete(f"{rules(robot_id)}/returns"), 409, "RULE_IN_USE")
    assert "after-sales" in body["errorDescription"]
    assert api.ok("GET", f"{rules(robot_id)}/returns")["id"] == "returns" and version(api, robot_id) == before
    # Once the menu no longer lists it, it goes; the menu itself can always go.
    menu["answers"][0]["content"]["items"] = [{"knowledgeId": "exchanges"}]
    api.ok("PUT", f"{rules(robot_id)}/after-sales", json=menu)
    assert api.ok("DELETE", f"{rules(robot_id)}/returns") is True
    assert api.ok("DELETE", f"{rules(robot_id)}/after-sales") is True
    assert api.ok("DELETE", f"{rules(robot_id)}/exchanges") is True
    # A menu that lists its own rule does not hold it.
    api.ok("POST", rules(robot_id), json={"id": "loop", "questions": ["循环"], "answers": [
        {"type": "MENU", "content": {"items": [{"knowledgeId": "loop"}]}}]})
    assert api.ok("DELETE", f"{rules(robot_id)}/loop") is True


def test_every_write_bumps_the_knowledge_version_once(api: Api) -> None:
    robot_id = api.new_robot()
    start = version(api, robot_id)
    rule = api.new_rule(robot_id, ["一"], "一")
    assert version(api, robot_id) == start + 1
    api.new_rule(robot_id, ["二"], "二")
    assert version(api, robot_id) == start + 2
    api.ok("PUT", f"{rules(robot_id)}/{rule['id']}", json={"questions": ["一改"], "answer": "一改"})
    assert version(api, robot_id) == start + 3
    api.ok("DELETE", f"{rules(robot_id)}/{rule['id']}")
    assert version(api, robot_id) == start + 4
    # Reads and failed writes do not.
    all_rules(api, robot_id)
    expect_error(api.post(rules(robot_id), json={"questions": []}), 400)
    assert version(api, robot_id) == start + 4


def test_racing_creates_of_one_id_give_one_rule_and_409s(api: Api) -> None:
    """Whichever request wins, the others are told the id is taken (not a 500 from the unique index)."""
    robot_id = api.new_robot()
    barrier = threading.Barrier(6)

    def create(n: int) -> int:
        with httpx.Client(base_url=api.server.base_url, headers={"token": api.token}, timeout=60) as client:
            barrier.wait()
            return client.post(f"/v10/tenants/{api.tenant_id}{rules(robot_id)}",
                               json={"id": "raced", "questions": [f"问题{n}"], "answer": "答"}).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(create, range(6)))
    assert statuses == [200, 409, 409, 409, 409, 409]
    assert [r["id"] for r in all_rules(api, robot_id)] == ["raced"]


def test_rules_of_two_robots_do_not_mix(api: Api) -> None:
    first, second = api.new_robot("一"), api.new_robot("二")
    rule = api.new_rule(first, ["一的问题"], "一的答案")
    expect_error(api.get(f"{rules(second)}/{rule['id']}"), 404, "RULE_NOT_FOUND")
    expect_error(api.delete(f"{rules(second)}/{rule['id']}"), 404, "RULE_NOT_FOUND")
    assert all_rules(api, second) == []
    assert [r["id"] for r in all_rules(api, first)] == [rule["id"]]


def test_a_menu_cannot_point_at_another_robots_rule(api: Api) -> None:
    first, second = api.new_robot("一"), api.new_robot("二")
    target = api.new_rule(first, ["目标"], "目标")
    body = {"questions": ["菜单"], "answers": [{"type": "MENU", "content": {"items": [{"knowledgeId": target["id"]}]}}]}
    expect_error(api.post(rules(second), json=body), 400, "INVALID_REFERENCE")


def test_unknown_robot_is_404(api: Api) -> None:
    expect_error(api.post(rules("no-such-robot"), json={"questions": ["问"], "answer": "答"}), 404, "ROBOT_NOT_FOUND")
    expect_error(api.get(f"{rules('no-such-robot')}/x"), 404, "ROBOT_NOT_FOUND")
