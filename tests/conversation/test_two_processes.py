"""Two server processes on one database: a change made through one is answered by the other at once.

Each process keeps its own knowledge snapshot; the knowledge version in the database is what tells the
second one that its copy is stale (issue 3, "rebuilt when the robot's knowledge changes ... so every
process notices").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conversation.conftest import Shop
from tests.conversation.helpers import NONSENSE, ask, robot_path, settings
from tests.support.client import Api
from tests.support.server import start_server


@pytest.fixture
def twin(own_shop: Shop, tmp_path: Path) -> Iterator[Api]:
    """The same tenant and token, talking to a second server on the same database."""
    api = own_shop.api
    with start_server(api.server.ctx.settings.database_url, tmp_path / "second", run_worker=False) as second:
        client = Api(second, api.tenant_id, api.username, api.password, api.token)
        try:
            yield client
        finally:
            client.close()


def test_rule_changes_through_one_process_are_answered_by_the_other(own_shop: Shop, twin: Api) -> None:
    api, robot = own_shop.api, own_shop.robot
    assert ask(twin, robot, "运费怎么算", user="a")["content"]["msg"] == "满 99 元包邮，不满收 8 元运费。"
    api.ok("PUT", f"{robot_path(robot)}/rules/shipping-fee", json={"questions": ["运费怎么算"],
                                                                   "answer": "全场包邮。"})
    assert ask(twin, robot, "运费怎么算", user="b")["content"]["msg"] == "全场包邮。"
    api.new_rule(robot, ["可以开发票吗"], "可以，确认收货后申请。", id="invoice")
    entity = ask(twin, robot, "可以开发票吗", user="c")
    assert (entity["answerType"], entity["resourceId"]) == ("BEST_ANSWER", "invoice")
    api.ok("DELETE", f"{robot_path(robot)}/rules/invoice")
    assert ask(twin, robot, "可以开发票吗", user="d")["resourceId"] != "invoice"


def test_settings_changes_through_one_process_are_used_by_the_other(own_shop: Shop, twin: Api) -> None:
    api, robot = own_shop.api, own_shop.robot
    assert ask(twin, robot, NONSENSE, user="a")["content"]["msg"] != "换个问法试试？"
    settings(api, robot, defaultReply="换个问法试试？", sensitiveWords=["傻瓜"])
    assert ask(twin, robot, NONSENSE, user="b")["content"]["msg"] == "换个问法试试？"
    assert ask(twin, robot, "运费怎么算 傻瓜", user="c")["answerType"] == "SENSITIVE_WORD_INTERCEPTION"
