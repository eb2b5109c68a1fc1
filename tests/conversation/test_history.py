"""Seed 004 §5.1: GET .../session-history/robots/{robotId}/playback/from/sessionId, newest first, 0-based pages."""

from __future__ import annotations

import time

from tests.conversation.conftest import Shop
from tests.conversation.helpers import NONSENSE, ask, click, history, new_user
from tests.support.client import expect_error

DOC_KEYS = {"docId", "msgId", "tenantId", "userId", "robotId", "knowledgeId", "questionType", "question",
            "sessionId", "answerMediaType", "answerSourceType", "robotResponseBody", "answerMatchType",
            "createDateTime", "timestamp"}


def unsigned(content: dict) -> dict:
    """A content without its signed links: a link signed a second later carries another expiry."""
    if content.get("type") == "news":
        return {**content, "articles": [{k: v for k, v in a.items() if not k.endswith(("link", "Link"))}
                                        for a in content["articles"]]}
    return {k: v for k, v in content.items() if k != "link"}


def test_history_docs_match_the_seed(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    started = int(time.time() * 1000)
    first = ask(api, robot, "怎么申请退款", user=user)
    image = ask(api, robot, "尺码表在哪里看", user=user)
    news = ask(api, robot, "最近有什么优惠活动", user=user)
    menu = ask(api, robot, "帮助菜单", user=user)
    clicked = click(api, robot, "refund", user=user)
    default = ask(api, robot, NONSENSE, user=user)
    body = history(api, robot, first["sessionId"])
    assert body["status"] == "OK" and body["errorCode"] is None
    docs = body["entity"]
    assert len(docs) == 6
    for doc in docs:
        assert set(doc) == DOC_KEYS
        assert (doc["tenantId"], doc["userId"], doc["robotId"], doc["sessionId"]) == (
            api.tenant_id, user, robot, first["sessionId"])
        assert doc["createDateTime"] == doc["timestamp"] >= started - 1000
        assert doc["docId"] != doc["msgId"]
    newest_first = [default, clicked, menu, news, image, first]
    assert [d["msgId"] for d in docs] == [e["msgId"] for e in newest_first]
    assert [unsigned(d["robotResponseBody"]) for d in docs] == [unsigned(e["content"]) for e in newest_first]
    assert [d["question"] for d in docs] == [NONSENSE, "退款说明", "帮助菜单", "最近有什么优惠活动", "尺码表在哪里看",
                                             "怎么申请退款"]
    assert [d["answerMediaType"] for d in docs] == ["txt", "txt", "menu", "news", "img", "txt"]
    assert [d["answerSourceType"] for d in docs] == ["DEFAULT", "MENU", "RULE", "RULE", "RULE", "RULE"]
    assert [d["answerMatchType"] for d in docs] == ["DEFAULT"] + ["BEST_ANSWER"] * 5
    assert [d["questionType"] for d in docs] == ["TEXT", "MENU_CLICK", "TEXT", "TEXT", "TEXT", "TEXT"]
    assert [d["knowledgeId"] for d in docs] == [None, "refund", None, None, None, None]
    timestamps = [d["timestamp"] for d in docs]
    assert timestamps == sorted(timestamps, reverse=True)


def test_history_pages_are_zero_based(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    questions = ["怎么申请退款", "运费怎么算", "怎么查询订单状态", "你好", "谢谢"]
    session_id = [ask(api, robot, q, user=user) for q in questions][0]["sessionId"]
    newest_first = questions[::-1]
    pages = [history(api, robot, session_id, page=n, size=2) for n in range(4)]
    assert [[d["question"] for d in p["entity"]] for p in pages] == [newest_first[0:2], newest_first[2:4],
                                                                      newest_first[4:], []]
    assert [(p["first"], p["last"], p["number"], p["numberOfElements"]) for p in pages[:3]] == [
        (True, False, 0, 2), (False, False, 1, 2), (False, True, 2, 1)]
    assert all((p["size"], p["totalPages"], p["totalElements"]) == (2, 3, 5) for p in pages)
    default = history(api, robot, session_id)
    assert len(default["entity"]) == 5 and default["number"] == 0


def test_history_of_a_session_of_another_robot_or_nobody_is_404(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    other_robot = api.new_robot("另一个")
    theirs = ask(api, other_robot, "你好", user=new_user())
    path = f"/session-history/robots/{robot}/playback/from/sessionId"
    expect_error(api.get(path, params={"sessionId": theirs["sessionId"]}), 404, "SESSION_NOT_FOUND")
    expect_error(api.get(path, params={"sessionId": "no-such-session"}), 404, "SESSION_NOT_FOUND")
    assert len(history(api, other_robot, theirs["sessionId"])["entity"]) == 1


def test_history_bad_input(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    session_id = ask(api, robot, "你好", user=new_user())["sessionId"]
    path = f"/session-history/robots/{robot}/playback/from/sessionId"
    expect_error(api.get(path), 400, "INVALID_PARAMETER")
    for params in ({"page": -1}, {"size": 0}, {"page": "first"}, {"size": 100_000}, {"page": 10**30}):
        expect_error(api.get(path, params={"sessionId": session_id, **params}), 400, "INVALID_PARAMETER")
    # A far but valid page is simply empty (page * size must still fit a database integer).
    far = history(api, robot, session_id, page=1_000_000, size=500)
    assert far["entity"] == [] and far["totalElements"] == 1
