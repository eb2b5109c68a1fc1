"""A help-desk robot for the Aily-style tests, one per test: rules whose exact questions it answers, a menu."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.channels.aily.helpers import Aily, new_key, tenant_client
from tests.conversation.helpers import NONSENSE, answer_exact_questions
from tests.support.client import Api

MENU_TITLE = "请选择您要咨询的问题："
REFUND = "在订单详情页点击「申请退款」，1-3 个工作日原路退回。"
EXACT = {"怎么申请退款": "refund", "发票怎么开": "invoice", "帮助菜单": "help-menu"}


@dataclass
class Desk:
    api: Api
    robot: str
    aily: Aily  # with the tenant's token
    key: str  # a robot API key

    def keyed(self) -> Aily:
        return Aily(self.api, self.key)


@pytest.fixture
def desk(api: Api) -> Desk:
    robot = api.new_robot("帮助台")
    api.new_rule(robot, ["怎么申请退款", "如何退款"], REFUND, id="refund")
    api.new_rule(robot, ["发票怎么开", "开发票"], "确认收货后在订单页申请电子发票。", id="invoice")
    api.new_rule(robot, ["帮助菜单"], answers=[{"type": "MENU", "content": {
        "title": MENU_TITLE, "items": [{"knowledgeId": "refund", "text": "退款说明"},
                                       {"knowledgeId": "invoice", "text": "发票说明"}]}}], id="help-menu")
    answer_exact_questions(api, robot, EXACT, ["你好", "谢谢", NONSENSE])
    api.ok("PUT", f"/robots/{robot}", json={"settings": {"menuTransferButton": False}})
    return Desk(api, robot, tenant_client(api, robot), new_key(api, robot)["key"])


@pytest.fixture
def plain_desk(api: Api) -> Desk:
    """A robot without knowledge, for tests that never need an answer."""
    robot = api.new_robot("空白")
    return Desk(api, robot, tenant_client(api, robot), new_key(api, robot)["key"])
