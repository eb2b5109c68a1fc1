"""Changes take effect on the next question: robot settings and rules refresh the knowledge snapshot, and a
robot whose knowledge did not change is never rebuilt on the request path."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from huida.conversation.service import conversation_service
from tests.conversation.conftest import Shop
from tests.conversation.helpers import NONSENSE, ask, kind, robot_path, settings
from tests.support.client import Api, expect_error


def snapshot(api: Api, robot: str) -> object:
    return conversation_service(api.server.ctx).cache._snapshots[robot]


def test_settings_changes_take_effect_at_once(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    assert ask(api, robot, "怎么申请退款 傻瓜", user="a")["answerType"] != "SENSITIVE_WORD_INTERCEPTION"
    assert ask(api, robot, NONSENSE, user="a")["content"]["msg"].startswith("抱歉")
    version = api.ok("GET", f"/robots/{robot}")["knowledgeVersion"]
    settings(api, robot, sensitiveWords=["傻瓜"], defaultReply="换个问法试试？")
    assert api.ok("GET", f"/robots/{robot}")["knowledgeVersion"] > version
    assert ask(api, robot, "怎么申请退款 傻瓜", user="b")["answerType"] == "SENSITIVE_WORD_INTERCEPTION"
    assert ask(api, robot, NONSENSE, user="b")["content"]["msg"] == "换个问法试试？"
    settings(api, robot, sensitiveWords=[])
    assert ask(api, robot, "怎么申请退款 傻瓜", user="c")["answerType"] != "SENSITIVE_WORD_INTERCEPTION"


def test_rule_changes_take_effect_at_once(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    assert ask(api, robot, "运费怎么算", user="a")["content"]["msg"] == "满 99 元包邮，不满收 8 元运费。"
    api.ok("PUT", f"{robot_path(robot)}/rules/shipping-fee", json={"questions": ["运费怎么算"],
                                                                   "answer": "全场包邮。"})
    assert ask(api, robot, "运费怎么算", user="b")["content"]["msg"] == "全场包邮。"
    api.new_rule(robot, ["可以开发票吗"], "可以，确认收货后申请。", id="invoice")
    entity = ask(api, robot, "可以开发票吗", user="c")
    assert (entity["answerType"], entity["resourceId"]) == ("BEST_ANSWER", "invoice")


def test_the_snapshot_is_rebuilt_only_when_the_knowledge_changes(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    ask(api, robot, "怎么申请退款", user="a")
    first = snapshot(api, robot)
    for question in ("运费怎么算", "你好", NONSENSE):
        ask(api, robot, question, user="a")
    api.post(f"{robot_path(robot)}/hit-test", json={"question": "怎么申请退款"})
    api.post(f"{robot_path(robot)}/visitor-welcome", json={})
    assert snapshot(api, robot) is first  # answering moves hit counts, but never the knowledge version
    # A settings change, or a new answer to the same questions, re-reads the rules but keeps the matcher.
    settings(api, robot, defaultReply="换个问法试试？")
    api.ok("PUT", f"{robot_path(robot)}/rules/shipping-fee", json={"questions": ["运费怎么算"], "answer": "包邮。"})
    assert ask(api, robot, "运费怎么算", user="b")["content"]["msg"] == "包邮。"
    second = snapshot(api, robot)
    assert second is not first and second.matcher is first.matcher
    assert second.version == api.ok("GET", f"/robots/{robot}")["knowledgeVersion"] > first.version
    # New questions (or a rule switched off) update the same matcher in place: no rebuild on the request path.
    api.new_rule(robot, ["可以开发票吗"], "可以。", id="invoice")
    found = api.ok("POST", f"{robot_path(robot)}/hit-test", json={"question": "可以开发票吗"})["candidates"]
    assert found[0]["ruleId"] == "invoice"
    third = snapshot(api, robot)
    assert third.matcher is second.matcher and third.version > second.version
    body = api.ok("GET", f"{robot_path(robot)}/rules/refund")
    api.ok("PUT", f"{robot_path(robot)}/rules/refund", json={**body, "status": "DISABLE"})
    assert ask(api, robot, "怎么申请退款", user="d")["resourceId"] != "refund"
    found = api.ok("POST", f"{robot_path(robot)}/hit-test", json={"question": "怎么申请退款"})["candidates"]
    assert "refund" not in [c["ruleId"] for c in found]


def test_bad_settings_are_refused_and_asking_goes_on(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    for bad in ({"timezone": "Mars/Olympus"}, {"answerThreshold": 1.5}, {"repeatLimit": 1},
                {"sessionTimeoutMinutes": 0}, {"noSuchSetting": True}, {"smallTalk": [{"patterns": [], "reply": "x"}]},
                {"welcomeVariants": [{"text": "VIP", "strategies": [{"type": "TIME", "weekdays": [9]}]}]}):
        expect_error(api.put(f"/robots/{robot}", json={"settings": bad}), 400, "INVALID_PARAMETER")
    assert kind(ask(api, robot, "怎么申请退款")) == ("BEST_ANSWER", "RULE", "txt")


def test_time_strategies_use_the_robots_time_zone(api: Api) -> None:
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart: their weekdays always differ."""
    robot = api.new_robot()
    settings(api, robot, timezone="Pacific/Kiritimati")

    def today(zone: str) -> dict:
        return {"type": "TIME", "weekdays": [datetime.now(ZoneInfo(zone)).isoweekday()]}

    before = today("Pacific/Kiritimati")
    api.new_rule(robot, ["营业时间"], id="hours", answers=[
        {"type": "TEXT", "answer": "基里巴斯的今天。", "strategies": [before]},
        {"type": "TEXT", "answer": "萨摩亚的今天。", "strategies": [today("Pacific/Pago_Pago")]}])
    settings(api, robot, answerThreshold=0.01, recommendThreshold=0.01)
    entity = ask(api, robot, "营业时间")
    if today("Pacific/Kiritimati") == before:  # the day did not turn while asking
        assert entity["content"]["msg"] == "基里巴斯的今天。"
