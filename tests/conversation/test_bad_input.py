"""Bad asks: a 4xx in the Easemob envelope, and nothing stored (no session, no message)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conversation.conftest import Shop
from tests.conversation.helpers import ask, new_user, robot_path, stored
from tests.support.client import expect_error

BAD_ASKS: list[tuple[str, dict[str, Any], int, str]] = [
    ("missing userId", {"question": "你好"}, 400, "INVALID_PARAMETER"),
    ("empty userId", {"question": "你好", "userId": ""}, 400, "INVALID_PARAMETER"),
    ("blank userId", {"question": "你好", "userId": "   "}, 400, "INVALID_PARAMETER"),
    ("userId not a string", {"question": "你好", "userId": {"id": 1}}, 400, "INVALID_PARAMETER"),
    ("missing question for TEXT", {"userId": "u", "type": "TEXT"}, 400, "INVALID_PARAMETER"),
    ("question not a string", {"userId": "u", "question": ["你好"]}, 400, "INVALID_PARAMETER"),
    ("question over 2,000 characters", {"userId": "u", "question": "退" * 2001}, 400, "INVALID_PARAMETER"),
    ("type outside the enum", {"userId": "u", "question": "你好", "type": "VOICE"}, 400, "INVALID_PARAMETER"),
    ("MENU_CLICK without knowledgeId", {"userId": "u", "type": "MENU_CLICK"}, 400, "INVALID_PARAMETER"),
    ("unknown knowledgeId", {"userId": "u", "type": "MENU_CLICK", "knowledgeId": "no-such-rule"}, 404,
     "KNOWLEDGE_NOT_FOUND"),
    ("unknown knowledgeId with TEXT", {"userId": "u", "question": "", "knowledgeId": "no-such-rule"}, 404,
     "KNOWLEDGE_NOT_FOUND"),
    ("strategyTransData not an object", {"userId": "u", "question": "你好", "strategyTransData": "VIP"}, 400,
     "INVALID_PARAMETER"),
    ("labels not a list", {"userId": "u", "question": "你好", "strategyTransData": {"labels": "VIP"}}, 400,
     "INVALID_PARAMETER"),
    ("labels not strings", {"userId": "u", "question": "你好", "strategyTransData": {"labels": [1]}}, 400,
     "INVALID_PARAMETER"),
    ("regions not a list", {"userId": "u", "question": "你好", "strategyTransData": {"regions": {"city": "沈阳市"}}},
     400, "INVALID_PARAMETER"),
    ("empty region", {"userId": "u", "question": "你好", "strategyTransData": {"regions": [{}]}}, 400,
     "INVALID_PARAMETER"),
    ("originTypes not a list", {"userId": "u", "question": "你好", "strategyTransData": {"originTypes": "weixin"}},
     400, "INVALID_PARAMETER"),
    ("body tenantId not the path's", {"userId": "u", "question": "你好", "tenantId": 999_999}, 400,
     "INVALID_PARAMETER"),
    ("body robotId not the path's", {"userId": "u", "question": "你好", "robotId": "another-robot"}, 400,
     "INVALID_PARAMETER"),
]


@pytest.mark.parametrize(("case", "body", "status", "code"), BAD_ASKS, ids=[c[0] for c in BAD_ASKS])
def test_bad_ask_is_refused_and_nothing_is_stored(shop: Shop, case: str, body: dict, status: int, code: str) -> None:
    api = shop.api
    before = stored(api)
    response = api.post(f"{robot_path(shop.robot)}/ask", json=body)
    error = expect_error(response, status, code)
    assert "Traceback" not in error["errorDescription"]
    assert stored(api) == before, case


def test_malformed_json_is_refused_and_nothing_is_stored(shop: Shop) -> None:
    api = shop.api
    before = stored(api)
    for content in (b'{"userId": "u", "question": ', b"[]", b"null", b"userId=u&question=hi"):
        response = api.post(f"{robot_path(shop.robot)}/ask", content=content,
                            headers={"content-type": "application/json"})
        expect_error(response, 400, "INVALID_PARAMETER")
    assert stored(api) == before


def test_asking_an_unknown_robot_is_404_and_nothing_is_stored(shop: Shop) -> None:
    api = shop.api
    before = stored(api)
    response = api.post(f"{robot_path('no-such-robot')}/ask", json={"userId": "u", "question": "你好"})
    expect_error(response, 404, "ROBOT_NOT_FOUND")
    assert stored(api) == before


def test_limits_that_are_fine(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    assert ask(api, robot, "退" * 2000, user=new_user())["question"] == "退" * 2000
    # Body copies of the path ids that agree are fine, as in the seed's examples.
    assert ask(api, robot, "怎么申请退款", user=new_user(), tenantId=api.tenant_id, robotId=robot)["resourceId"] == \
        "refund"
    # The seed's strategyTransData carries tenantId and robotId too; numbers are ignored.
    data = {"tenantId": api.tenant_id, "robotId": robot, "labels": [], "numbers": [1], "regions": []}
    assert ask(api, robot, "怎么申请退款", user=new_user(), strategyTransData=data)["resourceId"] == "refund"
    # An empty knowledgeId with a TEXT question is the usual case (§1.4.1).
    assert ask(api, robot, "怎么申请退款", user=new_user(), knowledgeId="")["resourceId"] == "refund"


GARBAGE: list[tuple[str, bytes, str]] = [
    ("truncated", b"{", "application/json"),
    ("array", b"[]", "application/json"),
    ("string", b'"text"', "application/json"),
    ("number", b"123", "application/json"),
    ("invalid-utf8", b'{"userId": "\xff\xfe", "question": "\xff"}', "application/json"),
    ("infinite-number", b'{"userId": 1e999, "question": 1e999, "topK": 1e999, "originType": 1e999, "result": 1e999}',
     "application/json"),
    ("nested-objects", b'{"userId": {"$gt": ""}, "question": {"$gt": ""}, "strategyTransData": [], '
                       b'"msgId": {}, "sessionId": [], "result": {}}', "application/json"),
    ("deep-nesting", b"[" * 50_000 + b"]" * 50_000, "application/json"),
    ("form-encoded", b"userId=u&question=hi", "application/x-www-form-urlencoded"),
    ("xml", b"<ask><userId>u</userId></ask>", "application/xml"),
]
ENDPOINTS = ["ask", "visitor-welcome", "transfer-human-confirmation", "hit-test"]


@pytest.mark.parametrize(("name", "content", "content_type"), GARBAGE, ids=[g[0] for g in GARBAGE])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_garbage_bodies_on_every_conversation_endpoint(shop: Shop, endpoint: str, name: str, content: bytes,
                                                       content_type: str) -> None:
    api = shop.api
    before = stored(api)
    response = api.post(f"{robot_path(shop.robot)}/{endpoint}", content=content,
                        headers={"content-type": content_type})
    expect_error(response, 400, "INVALID_PARAMETER")
    assert stored(api) == before
