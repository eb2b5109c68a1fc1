"""A shop robot shared by the read-only conversation tests of a module (one per backend).

Tests that change settings or rules make their own robot; tests that only ask use the shop with a
visitor id of their own, so their sessions never meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conversation.helpers import NONSENSE, answer_exact_questions, robot_path, upload_png
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer

MENU_TITLE = "请问您想了解哪方面的问题？"
SUBMENU_TITLE = "订单与物流，请选择："
HUMAN_CONTENT = {"transferPrompt": "正在为您转接售后专员，请稍候。", "enableTransferPrompt": False,
                 "properties": {"skillGroup": "售后", "priority": "high"}}
# The same as the ask answers it: §1.5.4 properties as a list of {name, value}.
HUMAN_ANSWERED = {**HUMAN_CONTENT, "properties": [{"name": "skillGroup", "value": "售后"},
                                                  {"name": "priority", "value": "high"}]}
# One exact question per rule, and the rule it must reach.
EXACT = {
    "怎么申请退款": "refund", "尺码表在哪里看": "size-chart", "最近有什么优惠活动": "promo", "帮助菜单": "help-menu",
    "订单与物流": "orders-menu", "怎么查询订单状态": "order-status", "运费怎么算": "shipping-fee",
    "我要找售后专员": "after-sales",
}
NOISE = ["你好", "谢谢", "hi", NONSENSE]


@dataclass
class Shop:
    api: Api
    robot: str
    media: dict[str, Any]
    thumb: dict[str, Any]
    article: dict[str, Any]
    threshold: float


def shop_rules(media_id: str, article_id: str) -> list[dict[str, Any]]:
    return [
        {"id": "refund", "questions": ["怎么申请退款", "如何办理退款"],
         "answer": "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。"},
        {"id": "size-chart", "questions": ["尺码表在哪里看", "衣服尺码对照表"],
         "answers": [{"type": "PIC", "content": {"mediaId": media_id}}]},
        {"id": "promo", "questions": ["最近有什么优惠活动", "六一八大促"],
         "answers": [{"type": "NEWS", "content": {"articleIds": [article_id]}}]},
        {"id": "order-status", "questions": ["怎么查询订单状态"], "answer": "进入「我的订单」即可查看订单状态。"},
        {"id": "shipping-fee", "questions": ["运费怎么算"], "answer": "满 99 元包邮，不满收 8 元运费。"},
        {"id": "orders-menu", "questions": ["订单与物流"], "answers": [{"type": "MENU", "content": {
            "title": SUBMENU_TITLE,
            "items": [{"knowledgeId": "order-status", "text": "查询订单状态"}, {"knowledgeId": "shipping-fee"}]}}]},
        {"id": "help-menu", "questions": ["帮助菜单", "常见问题菜单"], "answers": [{"type": "MENU", "content": {
            "title": MENU_TITLE, "transferToHuman": True,
            "items": [{"knowledgeId": "orders-menu", "text": "订单与物流"},
                      {"knowledgeId": "refund", "text": "退款说明"}]}}]},
        {"id": "after-sales", "questions": ["我要找售后专员", "联系售后专员"],
         "answers": [{"type": "HUMAN", "content": HUMAN_CONTENT}]},
    ]


def make_shop(api: Api) -> Shop:
    robot = api.new_robot("商城客服")
    media = upload_png(api, "尺码表.png", 360, 240)
    thumb = upload_png(api, "618.png", 200, 100)
    article = api.ok("POST", "/material/news/articles", json={
        "title": "618 年中大促", "digest": "全场低至 5 折", "html": "<p>全场低至 5 折，满 99 元包邮。</p>",
        "thumbMediaId": thumb["id"]})
    for body in shop_rules(media["id"], article["id"]):
        api.ok("POST", f"{robot_path(robot)}/rules", json=body)
    threshold = answer_exact_questions(api, robot, EXACT, NOISE)
    return Shop(api, robot, media, thumb, article, threshold)


@pytest.fixture(scope="module")
def shop(server: LiveServer) -> Iterator[Shop]:
    """The shop robot, read-only: never change its settings or rules."""
    with new_tenant(server) as api:
        yield make_shop(api)


@pytest.fixture
def own_shop(api: Api) -> Shop:
    """A shop robot of the test's own tenant, free to be changed."""
    return make_shop(api)
