"""Seed 004 §2.1.2–§2.1.4: comment levels and tags, session comments, the current comment of a session."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from huida.feedback.models import CommentLevel, SessionComment
from tests.feedback.helpers import FEE_Q, REFUND_Q, Desk, deliveries, snapshot, subscribe, talk
from tests.support.client import Api, expect_error
from tests.support.receiver import Receiver

LEVEL_KEYS = {"id", "tenantId", "robotId", "name", "level", "score", "status", "createDateTime", "lastUpdateDateTime",
              "tagList"}
TAG_KEYS = {"id", "sessionCommentTagId", "name", "sort", "createDateTime", "lastUpdateTime"}
COMMENT_KEYS = {"id", "tenantId", "robotId", "sessionId", "accessId", "appraiserName", "comment", "score", "source",
                "tag", "createDateTime"}
LEVEL_NAMES = ["非常不满意", "不满意", "一般", "满意", "非常满意"]


def seed_comment(desk: Desk, session_id: str, **overrides: object) -> dict:
    """The seed's §2.1.3 request body."""
    return {"accessId": "robot-plugin-visitor-f060cfde-08bd-4b23-9b2d-6ce41f112bd9", "appraiserName": "无名氏",
            "comment": "服务很满意", "robotId": desk.robot, "score": 5, "sessionId": session_id, "source": "webim",
            "tag": "服务好，解决问题快", "tenantId": desk.api.tenant_id, **overrides}


def levels(desk: Desk) -> list[dict]:
    return desk.api.ok("GET", f"{desk.comment}/tags")


def current(desk: Desk, session_id: str) -> dict | None:
    return desk.api.ok("GET", f"{desk.comment}/comment", params={"sessionId": session_id})


def test_five_levels_with_tags_like_the_seed(desk: Desk) -> None:
    entity = levels(desk)
    assert [level["name"] for level in entity] == LEVEL_NAMES
    assert [(level["level"], level["score"]) for level in entity] == [(n, n) for n in range(1, 6)]
    for level in entity:
        assert set(level) == LEVEL_KEYS and level["status"] == "Enable"
        assert (level["tenantId"], level["robotId"]) == (desk.api.tenant_id, desk.robot)
        assert level["tagList"], level
        for tag in level["tagList"]:
            assert set(tag) == TAG_KEYS and tag["sessionCommentTagId"] == level["id"]
            assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", tag["lastUpdateTime"])
    assert {"服务好", "解决问题快"} <= {tag["name"] for tag in entity[4]["tagList"]}
    assert levels(desk) == entity


def test_first_reads_at_once_create_one_set_of_defaults(hapi: Api) -> None:
    robot = hapi.new_robot()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: hapi.get(f"/comment/robots/{robot}/tags"), range(8)))
    assert {r.status_code for r in answers} == {200}
    assert len({str(r.json()["entity"]) for r in answers}) == 1
    with hapi.server.ctx.db.read() as session:
        assert len(session.scalars(select(CommentLevel).where(CommentLevel.robot_id == robot)).all()) == 5


def test_a_comment_as_in_the_seed_and_the_session_comment(desk: Desk) -> None:
    [answer] = talk(desk, REFUND_Q)
    session_id = answer["sessionId"]
    assert current(desk, session_id) is None
    entity = desk.api.ok("POST", f"{desk.comment}/comments", json=seed_comment(desk, session_id))
    assert set(entity) == COMMENT_KEYS
    assert (entity["sessionId"], entity["score"], entity["tag"], entity["comment"], entity["source"]) == (
        session_id, 5, "服务好，解决问题快", "服务很满意", "webim")
    assert entity["appraiserName"] == "无名氏" and entity["accessId"].startswith("robot-plugin-visitor-")
    assert current(desk, session_id) == entity


def test_a_later_comment_replaces_the_current_one_and_the_earlier_is_kept(desk: Desk) -> None:
    session_id = talk(desk, REFUND_Q, FEE_Q)[0]["sessionId"]
    first = desk.api.ok("POST", f"{desk.comment}/comments",
                        json=seed_comment(desk, session_id, score=2, tag="答非所问,回复太慢", comment="太慢了"))
    second = desk.api.ok("POST", f"{desk.comment}/comments",
                         json=seed_comment(desk, session_id, score=4, tag="回答准确", comment="后来解决了"))
    assert current(desk, session_id) == second and second["id"] != first["id"]
    with desk.api.server.ctx.db.read() as session:
        rows = session.scalars(select(SessionComment).where(SessionComment.session_id == session_id)
                               .order_by(SessionComment.id)).all()
        assert [(r.score, r.is_current, r.tags) for r in rows] == [(2, False, ["答非所问", "回复太慢"]),
                                                                    (4, True, ["回答准确"])]
    # No tag, no text: a score alone is a comment.
    bare = desk.api.ok("POST", f"{desk.comment}/comments", json={"sessionId": session_id, "score": 3})
    assert (bare["tag"], bare["comment"], bare["accessId"]) == (None, None, None) and current(desk, session_id) == bare


def test_bad_comments_store_nothing(desk: Desk, other_desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver)  # so that an event, if any were emitted, would be counted
    session_id = talk(desk, REFUND_Q)[0]["sessionId"]
    elsewhere = desk.api.new_robot("另一个")
    theirs = talk(other_desk, REFUND_Q)[0]["sessionId"]
    before = snapshot(desk)
    path = f"{desk.comment}/comments"
    cases = [
        ({"score": 0}, 400, "INVALID_PARAMETER"), ({"score": 6}, 400, "INVALID_PARAMETER"),
        ({"score": "five"}, 400, "INVALID_PARAMETER"),
        ({"tag": "服务好，没有这个标签"}, 400, "UNKNOWN_TAG"),
        ({"score": 1, "tag": "服务好"}, 400, "UNKNOWN_TAG"),  # a tag of another level
        ({"sessionId": "no-such-session"}, 404, "SESSION_NOT_FOUND"),
        ({"sessionId": theirs}, 404, "SESSION_NOT_FOUND"),  # another tenant's session
        ({"sessionId": "x" * 65}, 400, "INVALID_PARAMETER"),
        ({"robotId": elsewhere}, 400, "INVALID_PARAMETER"), ({"tenantId": desk.api.tenant_id + 1}, 400, None),
        ({"comment": "长" * 2001}, 400, "INVALID_PARAMETER"),
    ]
    for overrides, status, code in cases:
        expect_error(desk.api.post(path, json=seed_comment(desk, session_id, **overrides)), status, code)
    # A session of another robot of the same tenant.
    expect_error(desk.api.post(f"/comment/robots/{elsewhere}/comments", json=seed_comment(
        desk, session_id, robotId=elsewhere)), 404, "SESSION_NOT_FOUND")
    assert snapshot(desk) == before and current(desk, session_id) is None
    desk.api.ok("POST", path, json=seed_comment(desk, session_id))  # the subscription does hear a good one
    assert deliveries(desk.api, desk.robot, "comment") == before[0] + 1


def test_comments_need_the_evaluate_switch(desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver)  # so that an event, if any were emitted, would be counted
    session_id = talk(desk, REFUND_Q)[0]["sessionId"]
    desk.api.ok("PUT", f"/predefined/robots/{desk.robot}/options/evaluateSwitch", json={"optionValue": "false"})
    before = snapshot(desk)
    body = expect_error(desk.api.post(f"{desk.comment}/comments", json=seed_comment(desk, session_id)), 403,
                        "EVALUATION_DISABLED")
    assert "evaluateSwitch" in body["errorDescription"]
    assert snapshot(desk) == before
    desk.api.ok("PUT", f"/predefined/robots/{desk.robot}/options/evaluateSwitch", json={"optionValue": "true"})
    desk.api.ok("POST", f"{desk.comment}/comments", json=seed_comment(desk, session_id))


def test_reading_a_comment_needs_a_session_of_the_robot(desk: Desk) -> None:
    expect_error(desk.api.get(f"{desk.comment}/comment", params={"sessionId": "nope"}), 404, "SESSION_NOT_FOUND")
    expect_error(desk.api.get(f"{desk.comment}/comment"), 400, "INVALID_PARAMETER")


def test_admins_edit_levels_and_tags(desk: Desk) -> None:
    api, base = desk.api, desk.comment
    very_bad = levels(desk)[0]
    tag = api.ok("POST", f"{base}/levels/{very_bad['id']}/tags", json={"name": "机器人听不懂"})
    assert tag["sessionCommentTagId"] == very_bad["id"] and tag["sort"] == len(very_bad["tagList"]) + 1
    expect_error(api.post(f"{base}/levels/{very_bad['id']}/tags", json={"name": "机器人听不懂"}), 409,
                 "COMMENT_TAG_EXISTS")
    for bad in ("", "   ", "a,b", "甲，乙", "长" * 51):
        expect_error(api.post(f"{base}/levels/{very_bad['id']}/tags", json={"name": bad}), 400, "INVALID_PARAMETER")
    renamed = api.ok("PUT", f"{base}/levels/{very_bad['id']}/tags/{tag['id']}", json={"name": "听不懂", "sort": 0})
    assert (renamed["name"], renamed["sort"], renamed["id"]) == ("听不懂", 0, tag["id"])
    assert levels(desk)[0]["tagList"][0]["name"] == "听不懂"  # sorted by sort
    session_id = talk(desk, REFUND_Q)[0]["sessionId"]
    api.ok("POST", f"{base}/comments", json={"sessionId": session_id, "score": 1, "tag": "听不懂"})
    assert api.ok("DELETE", f"{base}/levels/{very_bad['id']}/tags/{tag['id']}") is True
    expect_error(api.post(f"{base}/comments", json={"sessionId": session_id, "score": 1, "tag": "听不懂"}), 400,
                 "UNKNOWN_TAG")
    expect_error(api.delete(f"{base}/levels/{very_bad['id']}/tags/{tag['id']}"), 404, "COMMENT_TAG_NOT_FOUND")
    # A level: renamed, disabled (its tags cannot be picked), deleted and created again.
    level = api.ok("PUT", f"{base}/levels/{very_bad['id']}", json={"name": "很差", "status": "Disable"})
    assert (level["name"], level["status"], level["score"]) == ("很差", "Disable", 1)
    expect_error(api.post(f"{base}/comments", json={"sessionId": session_id, "score": 1, "tag": "答非所问"}), 400,
                 "UNKNOWN_TAG")
    expect_error(api.put(f"{base}/levels/{very_bad['id']}", json={"status": "Maybe"}), 400, "INVALID_PARAMETER")
    expect_error(api.post(f"{base}/levels", json={"name": "又一个", "score": 1}), 409, "COMMENT_LEVEL_EXISTS")
    assert api.ok("DELETE", f"{base}/levels/{very_bad['id']}") is True
    assert [lv["score"] for lv in levels(desk)] == [2, 3, 4, 5]
    again = api.ok("POST", f"{base}/levels", json={"name": "非常不满意", "score": 1})
    assert again["tagList"] == [] and [lv["score"] for lv in levels(desk)] == [1, 2, 3, 4, 5]
    assert api.ok("GET", f"{base}/levels/{again['id']}") == again
    for score in (0, 6):
        expect_error(api.post(f"{base}/levels", json={"name": "x", "score": score}), 400, "INVALID_PARAMETER")
    expect_error(api.get(f"{base}/levels/{very_bad['id']}"), 404, "COMMENT_LEVEL_NOT_FOUND")
    expect_error(api.get(f"{base}/levels/abc"), 400, "INVALID_PARAMETER")
    expect_error(api.get(f"{base}/levels/{2**60}"), 400, "INVALID_PARAMETER")


def test_comments_at_the_same_time_leave_one_current(desk: Desk) -> None:
    session_id = talk(desk, REFUND_Q)[0]["sessionId"]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda score: desk.api.post(f"{desk.comment}/comments", json={
            "sessionId": session_id, "score": score}), [1, 2, 3, 4, 5, 3]))
    assert [r.status_code for r in answers] == [200] * 6
    with desk.api.server.ctx.db.read() as session:
        rows = session.scalars(select(SessionComment).where(SessionComment.session_id == session_id)
                               .order_by(SessionComment.id)).all()
        assert len(rows) == 6 and [r.is_current for r in rows] == [False] * 5 + [True]
    assert current(desk, session_id)["id"] == rows[-1].id
