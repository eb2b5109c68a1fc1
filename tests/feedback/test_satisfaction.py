"""Seed 004 §2.2: reason tags, solved / not solved per answer, a session's ratings with the rated answer."""

from __future__ import annotations

import re

from tests.feedback.helpers import (
    FEE_A,
    FEE_Q,
    REFUND_A,
    REFUND_Q,
    Desk,
    deliveries,
    question_of,
    snapshot,
    subscribe,
    talk,
)
from tests.support.client import expect_error
from tests.support.receiver import Receiver

TAG_KEYS = {"id", "tenantId", "robotId", "name", "createDateTime", "lastUpdateDateTime"}
RATING_KEYS = {"id", "tenantId", "robotId", "sessionId", "accessId", "type", "msgId", "reasonTag", "source",
               "appraiserName", "createDateTime"}
LISTED_KEYS = (RATING_KEYS | {"msgBody"})
VISITOR = "robot-plugin-visitor-f060cfde-08bd-4b23-9b2d-6ce41f112bd9"


def rating(desk: Desk, answer: dict, type_: int, **overrides: object) -> dict:
    """The seed's §2.2.2 / §2.2.3 request body for an ask entity."""
    body = {"accessId": VISITOR, "appraiserName": "无名氏", "comment": "服务很满意", "robotId": desk.robot,
            "sessionId": answer["sessionId"], "source": "webim", "tenantId": desk.api.tenant_id, "type": type_,
            "msgId": answer["msgId"], **overrides}
    return body


def rate(desk: Desk, answer: dict, type_: int, **overrides: object) -> dict:
    return desk.api.ok("POST", f"{desk.comment}/satisfactionComments", json=rating(desk, answer, type_, **overrides))


def listing(desk: Desk, session_id: str, **params: object) -> dict:
    response = desk.api.get(f"{desk.comment}/session/{session_id}/satisfactionComments", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK"
    return body


def test_reason_tags_like_the_seed_and_admin_edits(desk: Desk) -> None:
    api, path = desk.api, f"{desk.comment}/satisfactionCommentTags"
    tags = api.ok("GET", path)
    assert {"所问非所答", "用户体验差", "答案不完整"} <= {t["name"] for t in tags}
    for tag in tags:
        assert set(tag) == TAG_KEYS and (tag["tenantId"], tag["robotId"]) == (api.tenant_id, desk.robot)
        assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", tag["createDateTime"])
    added = api.ok("POST", path, json={"name": "回答太长"})
    expect_error(api.post(path, json={"name": "回答太长"}), 409, "SATISFACTION_TAG_EXISTS")
    expect_error(api.post(path, json={"name": "太长，太慢"}), 400, "INVALID_PARAMETER")
    renamed = api.ok("PUT", f"{path}/{added['id']}", json={"name": "回答啰嗦"})
    assert renamed["id"] == added["id"] and renamed["name"] == "回答啰嗦"
    expect_error(api.put(f"{path}/{added['id']}", json={"name": "所问非所答"}), 409, "SATISFACTION_TAG_EXISTS")
    assert [t["name"] for t in api.ok("GET", path)] == [t["name"] for t in tags] + ["回答啰嗦"]
    assert api.ok("DELETE", f"{path}/{added['id']}") is True
    expect_error(api.delete(f"{path}/{added['id']}"), 404, "SATISFACTION_COMMENT_TAG_NOT_FOUND")
    assert api.ok("GET", path) == tags  # deleted stays deleted; defaults are not made again


def test_solved_and_not_solved_as_in_the_seed(desk: Desk) -> None:
    refund, fee = talk(desk, REFUND_Q, FEE_Q)
    solved = rate(desk, refund, 1)
    assert set(solved) == RATING_KEYS
    assert (solved["type"], solved["msgId"], solved["reasonTag"], solved["sessionId"]) == (
        1, refund["msgId"], None, refund["sessionId"])
    assert (solved["accessId"], solved["source"], solved["appraiserName"]) == (VISITOR, "webim", "无名氏")
    not_solved = rate(desk, fee, 2, reasonTag="所问非所答，解决问题慢")
    assert (not_solved["type"], not_solved["reasonTag"]) == (2, "所问非所答，解决问题慢")
    body = listing(desk, refund["sessionId"])
    assert (body["totalElements"], body["numberOfElements"], body["size"], body["number"]) == (2, 2, 20, 0)
    first, second = body["entity"]
    assert set(first) == LISTED_KEYS and first["id"] == not_solved["id"]  # newest first
    assert isinstance(first["createDateTime"], int)  # §2.2.4 answers epoch milliseconds
    assert first["msgBody"] == {"msg": FEE_A, "type": "txt"} and second["msgBody"] == {"msg": REFUND_A, "type": "txt"}
    assert [r["id"] for r in listing(desk, refund["sessionId"], type=1)["entity"]] == [solved["id"]]
    assert [r["id"] for r in listing(desk, refund["sessionId"], type=2)["entity"]] == [not_solved["id"]]
    paged = listing(desk, refund["sessionId"], page=1, size=1)
    assert [r["id"] for r in paged["entity"]] == [solved["id"]] and paged["totalPages"] == 2 and paged["last"]


def test_a_second_rating_of_an_answer_replaces_the_first(desk: Desk) -> None:
    [answer] = talk(desk, REFUND_Q)
    first = rate(desk, answer, 2, reasonTag="答案不完整")
    second = rate(desk, answer, 1)
    assert second["id"] == first["id"] and (second["type"], second["reasonTag"]) == (1, None)
    [listed] = listing(desk, answer["sessionId"])["entity"]
    assert (listed["type"], listed["reasonTag"]) == (1, None)
    assert snapshot(desk)[1] == (0, 1, 0)


def test_bad_ratings_store_nothing(desk: Desk, other_desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver)  # so that an event, if any were emitted, would be counted
    refund, fee = talk(desk, REFUND_Q, FEE_Q)
    [later] = talk(desk, REFUND_Q)  # another visitor's session
    [theirs] = talk(other_desk, REFUND_Q)
    question_id = question_of(desk, refund["msgId"])
    before = snapshot(desk)
    path = f"{desk.comment}/satisfactionComments"
    cases = [
        (dict(type=0), 400, "INVALID_PARAMETER"), (dict(type=3), 400, "INVALID_PARAMETER"),
        (dict(type=1, reasonTag="所问非所答"), 400, "INVALID_PARAMETER"),  # a reason on a solved answer
        (dict(type=2, reasonTag="所问非所答,没有这个"), 400, "UNKNOWN_TAG"),
        (dict(type=1, msgId="no-such-message"), 404, "MESSAGE_NOT_FOUND"),
        (dict(type=1, msgId=question_id), 404, "MESSAGE_NOT_FOUND"),  # the visitor's question, not an answer
        (dict(type=1, msgId=later["msgId"]), 404, "MESSAGE_NOT_FOUND"),  # an answer of another session
        (dict(type=1, msgId=theirs["msgId"]), 404, "MESSAGE_NOT_FOUND"),  # another tenant's answer
        (dict(type=1, sessionId="no-such-session"), 404, "SESSION_NOT_FOUND"),
        (dict(type=1, sessionId=theirs["sessionId"], msgId=theirs["msgId"]), 404, "SESSION_NOT_FOUND"),
        (dict(type=1, msgId=""), 400, "INVALID_PARAMETER"),
    ]
    for overrides, status, code in cases:
        expect_error(desk.api.post(path, json=rating(desk, refund, 1, **overrides)), status, code)
    assert snapshot(desk) == before and listing(desk, refund["sessionId"])["entity"] == []
    rate(desk, fee, 2, reasonTag="所问非所答")  # the subscription does hear a good one
    assert deliveries(desk.api, desk.robot, "satisfaction") == before[0] + 1


def test_listing_bad_input(desk: Desk, other_desk: Desk) -> None:
    [answer] = talk(desk, REFUND_Q)
    [theirs] = talk(other_desk, REFUND_Q)
    base = f"{desk.comment}/session"
    expect_error(desk.api.get(f"{base}/{answer['sessionId']}/satisfactionComments", params={"type": 3}), 400)
    expect_error(desk.api.get(f"{base}/{answer['sessionId']}/satisfactionComments", params={"size": 0}), 400)
    expect_error(desk.api.get(f"{base}/{answer['sessionId']}/satisfactionComments", params={"page": -1}), 400)
    expect_error(desk.api.get(f"{base}/nope/satisfactionComments"), 404, "SESSION_NOT_FOUND")
    expect_error(desk.api.get(f"{base}/{theirs['sessionId']}/satisfactionComments"), 404, "SESSION_NOT_FOUND")
