"""The demo robot (src/huida/demo): it answers its own questions, and a conversation with it walks every answer
type of seed 004 §1.5; the history shows the whole conversation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from huida.demo.faq import SUB_MENUS, TEXT_RULES, TOP_MENU, WELCOME, load_demo_knowledge
from huida.robots.service import create_robot
from tests.conversation.helpers import NONSENSE, ask, click, history, kind, new_user, robot_path
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer


@dataclass
class Demo:
    api: Api
    robot: str


@pytest.fixture(scope="module")
def demo(server: LiveServer) -> Iterator[Demo]:
    with new_tenant(server) as api:
        with server.ctx.db.session() as session:  # load_demo_knowledge writes through the service layer
            robot = create_robot(session, api.tenant_id, "小答 (演示机器人)").robot_id
            load_demo_knowledge(session, api.tenant_id, robot)
        yield Demo(api, robot)


def demo_questions(robot: str, api: Api) -> list[tuple[str, str, bool]]:
    """(rule id, question, is it the standard question) for every question of every demo rule."""
    rules = api.ok("GET", f"{robot_path(robot)}/rules/search", params={"per_page": 500})
    return [(r["id"], q, i == 0) for r in rules for i, q in enumerate(r["questionsArray"])]


def test_the_demo_answers_each_of_its_own_questions(demo: Demo) -> None:
    """Standard questions first of all, and the similar ones too: each is stored word for word."""
    questions = demo_questions(demo.robot, demo.api)
    expected = {rule[0] for rule in TEXT_RULES} | {rule[0] for rule in SUB_MENUS} | {TOP_MENU[0]}
    assert expected | {"size-chart", "promo-618", "human-complaint"} == {rule_id for rule_id, _, _ in questions}
    wrong = []
    for rule_id, question, standard in questions:
        entity = ask(demo.api, demo.robot, question, user=new_user())
        if (entity["answerType"], entity["answerSource"], entity["resourceId"]) != ("BEST_ANSWER", "RULE", rule_id):
            wrong.append((standard, question, rule_id, entity["answerType"], entity["answerSource"],
                          entity["resourceId"]))
    assert wrong == []


def test_a_conversation_with_the_demo_walks_every_answer_type(demo: Demo) -> None:
    api, robot, user = demo.api, demo.robot, new_user()
    welcome = api.ok("POST", f"{robot_path(robot)}/visitor-welcome", json={})
    assert welcome["content"] == {"msg": WELCOME, "type": "txt"}
    seen = []

    def turn(entity: dict) -> dict:
        seen.append(entity)
        return entity

    assert kind(turn(ask(api, robot, "运费怎么算？", user=user))) == ("BEST_ANSWER", "RULE", "txt")
    image = turn(ask(api, robot, "尺码表", user=user))
    assert kind(image) == ("BEST_ANSWER", "RULE", "img") and image["content"]["filename"] == "尺码表.png"
    assert httpx.get(api.server.base_url + image["content"]["link"]).status_code == 200  # no token needed
    news = turn(ask(api, robot, "618 有什么活动", user=user))
    assert kind(news) == ("BEST_ANSWER", "RULE", "news")
    assert httpx.get(api.server.base_url + news["content"]["articles"][0]["link"]).status_code == 200
    top = turn(ask(api, robot, "帮助中心", user=user))
    assert kind(top) == ("BEST_ANSWER", "RULE", "menu")
    assert top["content"]["texts"][-1]["knowledgeId"].startswith("MenuBtn-TransferToHuman-")
    sub = turn(click(api, robot, "menu-orders", user=user))
    assert kind(sub) == ("BEST_ANSWER", "MENU", "menu")
    leaf = turn(click(api, robot, "order-status", user=user))
    assert kind(leaf) == ("BEST_ANSWER", "MENU", "txt")
    default = turn(ask(api, robot, NONSENSE, user=user))
    assert kind(default) == ("DEFAULT", "DEFAULT", "txt")
    human = turn(ask(api, robot, "我要投诉", user=user))
    assert kind(human) == ("BEST_ANSWER", "RULE", "human")
    assert human["content"]["properties"] == [{"name": "skillGroup", "value": "售后投诉"},
                                              {"name": "priority", "value": "high"}]
    button = turn(click(api, robot, default["content"]["transferToHumanId"], user=user))
    assert (kind(button), button["subType"]) == (("BEST_ANSWER", "HUMAN", "human"), "HUMAN_DEFAULT_CLICK")
    assert len({e["sessionId"] for e in seen}) == 1
    docs = history(api, robot, seen[0]["sessionId"], size=50)["entity"]
    assert [d["msgId"] for d in docs] == [e["msgId"] for e in reversed(seen)]
    assert [d["answerMediaType"] for d in docs] == [e["content"]["type"] for e in reversed(seen)]
    assert {d["answerMediaType"] for d in docs} >= {"txt", "img", "news", "menu", "human"}


def test_the_demo_recommends_when_unsure(demo: Demo) -> None:
    entity = ask(demo.api, demo.robot, "退款", user=new_user())
    assert entity["answerType"] in ("BEST_ANSWER", "RECOMMENDATE_QUESTIONS")
    if entity["answerType"] == "RECOMMENDATE_QUESTIONS":
        assert entity["content"]["type"] == "recommend" and entity["content"]["texts"]
