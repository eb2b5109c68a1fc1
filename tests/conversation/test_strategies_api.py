"""Seed 004 §9 through the ask API: strategyTransData and originType choose among a rule's answers (§9.4)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conversation.helpers import answer_exact_questions, ask, kind, new_user
from tests.support.client import Api


def text(answer: str, *strategies: dict) -> dict:
    return {"type": "TEXT", "answer": answer, "strategies": list(strategies)}


WEIXIN = {"type": "CHANNEL", "originTypes": ["weixin"]}
VIP = {"type": "BUSINESS", "labels": ["VIP"]}
SHENYANG = {"type": "REGION", "regions": [{"province": "辽宁省", "city": "沈阳市"}]}
ALL_WEEK = {"type": "TIME", "weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}


def not_today(zone: str) -> dict:
    """A time strategy that cannot hold now in `zone` (nor within the next day, should the test cross midnight)."""
    today = datetime.now(ZoneInfo(zone)).isoweekday()
    far = [(today + offset - 1) % 7 + 1 for offset in (3, 4)]
    return {"type": "TIME", "weekdays": far, "start": "00:00", "end": "23:59"}


@pytest.fixture
def robot(api: Api) -> str:
    robot = api.new_robot()
    api.new_rule(robot, ["会员价是多少"], answers=[
        text("普通价 100 元。"), text("微信专享价 90 元。", WEIXIN), text("VIP 价 80 元。", VIP),
        text("沈阳门店价 85 元。", SHENYANG)], id="price")
    api.new_rule(robot, ["专属客服电话"], answers=[text("VIP 专线 400-1。", VIP), text("微信客服号 kf01。", WEIXIN)],
                 id="vip-only")
    api.new_rule(robot, ["营业时间"], answers=[text("全天营业。", ALL_WEEK), text("今天不营业。", not_today("UTC")),
                                              text("请以门店公告为准。")], id="hours")
    api.new_rule(robot, ["怎么申请退款"], answers=[text("答案一。"), text("答案二。"), text("答案三。")], id="refund")
    answer_exact_questions(api, robot, {"会员价是多少": "price", "专属客服电话": "vip-only", "营业时间": "hours",
                                        "怎么申请退款": "refund"}, [])
    api.ok("PUT", f"/robots/{robot}", json={"settings": {"timezone": "UTC"}})
    return robot


def answer(api: Api, robot: str, question: str, user: str | None = None, **fields: object) -> str:
    """The text answer for a visitor of their own (so no question is ever a repeat)."""
    entity = ask(api, robot, question, user=user or new_user(), **fields)
    assert kind(entity)[2] == "txt"
    return entity["content"]["msg"]


def test_channel_business_and_region_strategies(api: Api, robot: str) -> None:
    assert answer(api, robot, "会员价是多少", originType="weixin") == "微信专享价 90 元。"
    assert answer(api, robot, "会员价是多少", strategyTransData={"originTypes": ["weixin"]}) == "微信专享价 90 元。"
    assert answer(api, robot, "会员价是多少", strategyTransData={"labels": ["VIP", "白金卡"]}) == "VIP 价 80 元。"
    seed_example = {"labels": [], "originTypes": [], "numbers": [], "tenantId": api.tenant_id, "robotId": robot,
                    "regions": [{"city": "沈阳市", "province": "辽宁省"}]}
    assert answer(api, robot, "会员价是多少", strategyTransData=seed_example) == "沈阳门店价 85 元。"


def test_several_matching_answers_are_chosen_among(api: Api, robot: str) -> None:
    both = {"labels": ["VIP"], "originTypes": ["weixin"]}
    seen = {answer(api, robot, "会员价是多少", strategyTransData=both) for _ in range(30)}
    assert seen == {"微信专享价 90 元。", "VIP 价 80 元。"}


def test_no_matching_strategy_falls_back_to_the_answers_without(api: Api, robot: str) -> None:
    assert answer(api, robot, "会员价是多少") == "普通价 100 元。"
    assert answer(api, robot, "会员价是多少", originType="app",
                  strategyTransData={"labels": ["普通会员"], "regions": [{"province": "广东省", "city": "广州市"}]}) \
        == "普通价 100 元。"


def test_every_answer_with_strategies_and_none_matching_is_the_default_reply(api: Api, robot: str) -> None:
    entity = ask(api, robot, "专属客服电话", originType="app")
    assert kind(entity) == ("DEFAULT", "DEFAULT", "txt")
    assert entity["resourceId"] is None
    assert api.ok("GET", f"/knowledge/robots/{robot}/rules/vip-only")["hitCount"] == 0
    assert answer(api, robot, "专属客服电话", strategyTransData={"labels": ["VIP"]}) == "VIP 专线 400-1。"


def test_time_strategies_need_no_trans_data(api: Api, robot: str) -> None:
    assert answer(api, robot, "营业时间") == "全天营业。"


def test_no_strategies_random_among_all(api: Api, robot: str) -> None:
    seen = {answer(api, robot, "怎么申请退款") for _ in range(40)}
    assert seen == {"答案一。", "答案二。", "答案三。"}


def test_bad_strategies_on_a_rule_are_refused(api: Api) -> None:
    robot = api.new_robot()
    response = api.post(f"/knowledge/robots/{robot}/rules", json={
        "questions": ["营业时间"], "answers": [text("全天", {"type": "TIME", "start": "25:00"})]})
    assert response.status_code == 400 and response.json()["status"] == "FAIL"
