"""Which rules may answer (status, enableTime/disableTime), and hit counts that move on rule answers only."""

from __future__ import annotations

import time

from tests.conversation.conftest import Shop
from tests.conversation.helpers import NONSENSE, ask, click, hit_test, kind, rule, settings
from tests.support.client import Api

DAY_MS = 86_400_000


def test_disabled_rules_and_rules_outside_their_window_never_answer(api: Api) -> None:
    robot = api.new_robot()
    now = int(time.time() * 1000)
    api.new_rule(robot, ["运费怎么算"], "满 99 元包邮。", id="fee")
    api.new_rule(robot, ["发票怎么开"], "确认收货后申请。", id="off", status="DISABLE")
    api.new_rule(robot, ["会员日是哪天"], "每月 8 号。", id="later", enableTime=now + DAY_MS)
    api.new_rule(robot, ["双十一有什么活动"], "全场五折。", id="expired", enableTime=now - 2 * DAY_MS,
                 disableTime=now - DAY_MS)
    api.new_rule(robot, ["怎么改地址"], "在订单详情页修改。", id="window", enableTime=now - DAY_MS,
                 disableTime=now + DAY_MS)
    settings(api, robot, answerThreshold=0.01, recommendThreshold=0.01)
    for question, rule_id in (("发票怎么开", "off"), ("会员日是哪天", "later"), ("双十一有什么活动", "expired")):
        entity = ask(api, robot, question, user=rule_id)
        assert entity["resourceId"] != rule_id, entity
        assert rule_id not in [c["ruleId"] for c in hit_test(api, robot, question, 10)["candidates"]]
        assert rule_id not in [t["knowledgeId"] for t in entity["content"].get("texts", [])]
        clicked = click(api, robot, rule_id, user=rule_id)
        assert kind(clicked) == ("DEFAULT", "DEFAULT", "txt")
        assert rule(api, robot, rule_id)["hitCount"] == 0
    assert ask(api, robot, "怎么改地址")["resourceId"] == "window"
    # Enabling a rule lets it answer at once.
    body = rule(api, robot, "off")
    api.ok("PUT", f"/knowledge/robots/{robot}/rules/off", json={**body, "status": "ENABLE"})
    assert ask(api, robot, "发票怎么开", user="after")["resourceId"] == "off"


def test_hit_counts_move_on_rule_answers_only(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    assert (rule(api, robot, "refund")["hitCount"], rule(api, robot, "refund")["lastHitTime"]) == (0, None)
    before = int(time.time() * 1000)
    ask(api, robot, "怎么申请退款", user="a")
    first = rule(api, robot, "refund")
    assert first["hitCount"] == 1 and first["lastHitTime"] >= before - 1000
    ask(api, robot, "帮助菜单", user="b")
    click(api, robot, "refund", user="b")  # a menu click is a rule answer too
    assert rule(api, robot, "refund")["hitCount"] == 2
    assert rule(api, robot, "help-menu")["hitCount"] == 1
    # Nothing else moves a count: small talk, the default reply, transfers, the hit test, repeats.
    counts = {r: rule(api, robot, r)["hitCount"] for r in ("refund", "help-menu", "shipping-fee")}
    for question in ("你好", NONSENSE, "转人工", "", "你们的客服太垃圾了"):
        ask(api, robot, question, user="c")
    hit_test(api, robot, "怎么申请退款")
    hit_test(api, robot, "运费怎么算")
    ask(api, robot, "运费怎么算", user="d")
    ask(api, robot, "运费怎么算", user="d")
    assert ask(api, robot, "运费怎么算", user="d")["answerType"] == "REPEAT"
    assert {r: rule(api, robot, r)["hitCount"] for r in counts} == {**counts, "shipping-fee": 2}


def test_the_satisfaction_invitation_follows_the_setting(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    assert ask(api, robot, "怎么申请退款")["satisfactionCommentInvitation"] is True
    settings(api, robot, satisfactionInvitation=False)
    assert ask(api, robot, "运费怎么算")["satisfactionCommentInvitation"] is False


def test_a_deleted_rule_stops_answering(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    assert ask(api, robot, "我要找售后专员", user="a")["resourceId"] == "after-sales"
    api.ok("DELETE", f"/knowledge/robots/{robot}/rules/after-sales")
    assert ask(api, robot, "我要找售后专员", user="b")["resourceId"] != "after-sales"
    assert "after-sales" not in [c["ruleId"] for c in hit_test(api, robot, "我要找售后专员")["candidates"]]
