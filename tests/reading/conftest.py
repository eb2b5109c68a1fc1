"""One tenant's conversations through every way in, shared by the read-only tests of a module:

- the open API (seed 004 ask): alice asks about refunds, the size chart (an image answer) and a promotion (a
  news card); bob asks about his project;
- an Aily-style session (seed 001) of carol, with an MDX message mentioning dave, a PDF and a photo attached;
- a Feishu group chat oc_group_1 where erin and frank @-mention the bot (through the conversation service, the
  way the Feishu channel hands messages over), and a web-widget visitor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from huida.conversation.service import AskRequest, conversation_service
from tests.channels.aily.helpers import PDF, Aily, tenant_client
from tests.conversation.helpers import NONSENSE, answer_exact_questions, ask, png, upload_png
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer

GROUP = "oc_group_1"
BOT_MENTION = {"id": "ou_bot", "key": "@_user_1", "name": "客服机器人"}
EXACT = {"怎么申请退款": "refund", "尺码表在哪里看": "size-chart", "最近有什么优惠活动": "promo"}


@dataclass
class World:
    api: Api
    other: Api
    robot: str
    aily: Aily
    aily_session: str = ""
    photo: bytes = b""
    asked: dict[str, dict[str, Any]] = field(default_factory=dict)  # question -> the ask entity
    posted: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> Aily message

    def read(self, path: str, **params: Any) -> dict[str, Any]:
        return self.api.ok("GET", f"/conversations{path}", params=params)

    def request(self, path: str, **params: Any) -> Any:
        return self.api.get(f"/conversations{path}", params=params)


def _robot(api: Api) -> str:
    robot = api.new_robot("商城客服")
    media = upload_png(api, "尺码表.png", 300, 200)
    article = api.ok("POST", "/material/news/articles", json={
        "title": "618 年中大促", "digest": "全场低至 5 折", "html": "<p>活动详情</p>", "picMediaId": media["id"]})
    api.new_rule(robot, ["怎么申请退款"], "在订单详情页点击「申请退款」即可。", id="refund")
    api.new_rule(robot, ["尺码表在哪里看"], answers=[{"type": "PIC", "content": {"mediaId": media["id"]}}],
                 id="size-chart")
    api.new_rule(robot, ["最近有什么优惠活动"], answers=[{"type": "NEWS", "content": {"articleIds": [article["id"]]}}],
                 id="promo")
    answer_exact_questions(api, robot, EXACT, ["你好", NONSENSE])
    return robot


def _channel_turn(server: LiveServer, api: Api, robot: str, user: str, question: str, **fields: Any) -> None:
    conversation_service(server.ctx).ask(AskRequest(tenant_id=api.tenant_id, robot_id=robot, user_id=user,
                                                    question=question, **fields))


def _aily(world: World) -> None:
    aily = world.aily
    world.aily_session = aily.ok("POST", "/sessions", json={"robot_id": world.robot},
                                 headers={"X-Aily-BizUserID": "carol"})["session"]["id"]
    pdf = aily.call("POST", "/files", files={"file": ("退货协议.pdf", PDF, "application/pdf")}).json()["data"]["file"]
    photo = aily.call("POST", "/files", files={"file": ("破损照片.png", world.photo, "image/png")}).json()
    mention = {"entity_id": "ou_dave", "identity_provider": "FEISHU", "key": "@_user_1", "name": "戴夫"}
    world.posted["mdx"] = aily.post(world.aily_session, "**加急**：@_user_1 请处理我的退货申请", content_type="MDX",
                                    mentions=[mention], file_ids=[pdf["id"], photo["data"]["file"]["id"]])
    aily.wait(world.aily_session, aily.start_run(world.aily_session)["id"])


@pytest.fixture(scope="module")
def world(server: LiveServer) -> Iterator[World]:
    with new_tenant(server) as api, new_tenant(server) as other:
        robot = _robot(api)
        world = World(api, other, robot, tenant_client(api, robot), photo=png(64, 48))
        for user, question in (("alice", "怎么申请退款"), ("alice", "尺码表在哪里看"), ("alice", "最近有什么优惠活动"),
                               ("bob", "我想问一下项目进度怎么样了")):
            world.asked[question] = ask(api, robot, question, user=user)
        _aily(world)
        for user, question in (("ou_erin", "@_user_1 我的信用卡还款日是哪天"), ("ou_frank", "@_user_1 怎么申请退款")):
            _channel_turn(server, api, robot, user, question, channel="feishu", origin_type="feishu",
                          visitor_key=f"feishu:{GROUP}:{user}", chat_id=GROUP, chat_type="group",
                          extra={"mentions": [BOT_MENTION]})
        _channel_turn(server, api, robot, "widget-visitor-1", "网页上能退款吗", channel="webchat")
        yield world
