"""One visitor talks to the demo robot of the first start, over HTTP through the real ask API, and each turn
gets the reply a person would expect: small talk is answered as small talk (never with recommendations of
unrelated rules), questions of the shop with their rule, a menu and its items, an out-of-scope question with
the default reply and the transfer button, and "转人工" with a person.

The turns are checked one after the other in one session and every wrong turn is listed, not only the first:
a failure reads as the list of turns that went wrong and what they got.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from huida.context import AppContext
from huida.demo.faq import TEXT_RULES
from huida.robots.settings import DEFAULT_SMALL_TALK
from tests.demo.conftest import demo_admin

SMALL_TALK = {entry["name"]: entry["reply"] for entry in DEFAULT_SMALL_TALK}
ANSWERS = {rule_id: answer for rule_id, _, _, answer in TEXT_RULES}


@dataclass
class Visitor:
    http: httpx.Client
    tenant_id: int
    robot_id: str
    user: str = "demo-visitor-1"

    def send(self, question: str = "", *, kind: str = "TEXT", knowledge_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"question": question, "type": kind, "userId": self.user}
        if knowledge_id is not None:
            body["knowledgeId"] = knowledge_id
        response = self.http.post(f"/v10/tenants/{self.tenant_id}/knowledge/robots/{self.robot_id}/ask", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "OK", response.text
        return response.json()["entity"]


@pytest.fixture
def visitor(fresh_ctx: AppContext) -> Iterator[Visitor]:
    """The demo exactly as `huida serve` creates it on the first start, and its admin's token."""
    with demo_admin(fresh_ctx) as (http, info):
        yield Visitor(http, info.tenant_id, info.robot_id)


# --- what a person expects of each turn (each returns what is wrong, "" when the reply is right) ----------


def small_talk(name: str) -> Callable[[dict[str, Any]], str]:
    def check(entity: dict[str, Any]) -> str:
        expected = ("BEST_ANSWER", "FREECHAT", {"msg": SMALL_TALK[name], "type": "txt"})
        return "" if (entity["answerType"], entity["answerSource"], entity["content"]) == expected \
            else f"expected the {name} small talk"
    return check


def rule_answer(rule_id: str, source: str = "RULE") -> Callable[[dict[str, Any]], str]:
    def check(entity: dict[str, Any]) -> str:
        if (entity["answerType"], entity["answerSource"], entity["resourceId"]) != ("BEST_ANSWER", source, rule_id):
            return f"expected {rule_id} answered from {source}"
        if rule_id in ANSWERS and entity["content"] != {"msg": ANSWERS[rule_id], "type": "txt"}:
            return f"expected the text of {rule_id}"
        return ""
    return check


def answered_or_recommended_first(rule_id: str) -> Callable[[dict[str, Any]], str]:
    def check(entity: dict[str, Any]) -> str:
        if entity["answerType"] == "RECOMMENDATE_QUESTIONS":
            first = entity["content"]["texts"][0]["knowledgeId"] if entity["content"]["texts"] else None
            return "" if first == rule_id else f"expected {rule_id} recommended first"
        return "" if not rule_answer(rule_id)(entity) else f"expected {rule_id} answered, or recommended first"
    return check


def menu_of(rule_id: str, items: set[str]) -> Callable[[dict[str, Any]], str]:
    def check(entity: dict[str, Any]) -> str:
        wrong = rule_answer(rule_id)(entity)
        shown = {item["knowledgeId"] for item in entity["content"].get("texts", [])}
        return wrong or ("" if entity["content"]["type"] == "menu" and items <= shown else f"expected menu {items}")
    return check


def not_unrelated_recommendations(entity: dict[str, Any]) -> str:
    """Nothing in the shop's FAQ is about the weather: the default reply with its transfer button, or small talk."""
    content = entity["content"]
    if (entity["answerType"], entity["answerSource"]) == ("DEFAULT", "DEFAULT"):
        return "" if content.get("transferToHumanId") else "expected the transfer button on the default reply"
    if entity["answerSource"] == "FREECHAT":
        return ""
    return "expected the default reply (or small talk), not rules unrelated to the question"


def transfer(entity: dict[str, Any]) -> str:
    got = (entity["answerType"], entity["answerSource"], entity["content"]["type"], entity["subType"])
    return "" if got == ("BEST_ANSWER", "HUMAN", "human", "HUMAN_INTENTION") else "expected a transfer to a person"


# (what the visitor sends, how: TEXT or the knowledgeId of a MENU_CLICK, the check)
SCRIPT: list[tuple[str, str | None, Callable[[dict[str, Any]], str]]] = [
    ("你好", None, small_talk("greeting-zh")),
    ("退款多久到账？", None, rule_answer("refund-time")),  # a stored question, word for word
    ("退款一般几天能到账", None, answered_or_recommended_first("refund-time")),  # a paraphrase
    ("售后问题", None, menu_of("menu-after-sales", {"return-policy", "return-how", "exchange-size", "refund-time"})),
    ("", "return-policy", rule_answer("return-policy", "MENU")),  # an item of that menu, clicked
    ("你是机器人吗", None, small_talk("identity-zh")),
    ("👍", None, small_talk("praise-zh")),  # emoji only
    ("今天天气怎么样", None, not_unrelated_recommendations),
    ("转人工", None, transfer),
    ("谢谢", None, small_talk("thanks-zh")),
    ("再见", None, small_talk("goodbye-zh")),
]


def summary(entity: dict[str, Any]) -> str:
    content = entity["content"]
    shown = content.get("msg") or [item.get("text") for item in content.get("texts", [])] or content.get("type")
    return f"{entity['answerType']}/{entity['answerSource']} {entity['resourceId'] or ''} {shown}"


def test_a_visitor_talks_to_the_demo(visitor: Visitor) -> None:
    wrong, sessions = [], set()
    for question, clicked, check in SCRIPT:
        entity = visitor.send(question, kind="MENU_CLICK", knowledge_id=clicked) if clicked else visitor.send(question)
        sessions.add(entity["sessionId"])
        problem = check(entity)
        if problem:
            wrong.append(f"{clicked or question!r}: {problem}; got {summary(entity)}")
    assert wrong == [], "\n".join(wrong)
    assert len(sessions) == 1
