"""Robots learn from use: a clicked recommendation becomes evidence for the matcher."""

from __future__ import annotations

from sqlalchemy import select

from huida.conversation.service import conversation_service
from huida.learning.models import LearnedPair
from huida.learning.service import learned_pairs
from tests.conversation.helpers import ask, hit_test, settings
from tests.learning.test_knowledge_updates import shop
from tests.support.client import Api

ODD_QUESTION = "钱什么时候能回到卡上"


def pairs(api: Api, robot: str) -> list[tuple[str, str, str]]:
    with api.server.ctx.db.session() as session:
        rows = session.execute(select(LearnedPair.question, LearnedPair.rule_id, LearnedPair.source)
                               .where(LearnedPair.robot_id == robot)).all()
    return [tuple(row) for row in rows]


def test_a_clicked_recommendation_is_learned_and_used_after_the_refresh(api: Api) -> None:
    robot = shop(api)
    settings(api, robot, answerThreshold=1.0, recommendThreshold=0.0)  # always recommend
    before = {c["ruleId"]: c["score"] for c in hit_test(api, robot, ODD_QUESTION)["candidates"]}
    shown = ask(api, robot, ODD_QUESTION)
    assert shown["answerType"] == "RECOMMENDATE_QUESTIONS"
    assert "refund" in [t["knowledgeId"] for t in shown["content"]["texts"]]
    clicked = ask(api, robot, "", type="MENU_CLICK", knowledgeId="refund")
    assert (clicked["answerSource"], clicked["resourceId"]) == ("MENU", "refund")
    assert pairs(api, robot) == [(ODD_QUESTION, "refund", "click")]
    # Clicking again, or clicking something that was not recommended, adds nothing.
    ask(api, robot, "", type="MENU_CLICK", knowledgeId="refund")
    assert len(pairs(api, robot)) == 1
    conversation_service(api.server.ctx).cache._rebuild(robot)  # what the debounced refresh does
    top = hit_test(api, robot, ODD_QUESTION)["candidates"][0]
    assert top["ruleId"] == "refund" and top["score"] > before.get("refund", 0.0)


def test_a_typed_question_is_not_a_click(api: Api) -> None:
    robot = shop(api)
    settings(api, robot, answerThreshold=1.0, recommendThreshold=0.0)
    ask(api, robot, ODD_QUESTION)
    ask(api, robot, "运费怎么算")
    assert pairs(api, robot) == []


def test_a_matcher_learns_the_newest_pairs_of_each_rule_within_bounds(api: Api) -> None:
    robot, other = shop(api), shop(api)
    with api.server.ctx.db.session() as session:
        for n in range(7):
            session.add(LearnedPair(robot_id=robot, question=f"退款问法 {n}", rule_id="refund", source="click"))
        for n in range(2):
            session.add(LearnedPair(robot_id=robot, question=f"运费问法 {n}", rule_id="shipping", source="click"))
        session.add(LearnedPair(robot_id=other, question="别的机器人", rule_id="refund", source="click"))
    with api.server.ctx.db.read() as session:
        assert learned_pairs(session, robot, per_rule=3) == [
            ("退款问法 4", "refund"), ("退款问法 5", "refund"), ("退款问法 6", "refund"),
            ("运费问法 0", "shipping"), ("运费问法 1", "shipping")]
        newest_two = [("运费问法 0", "shipping"), ("运费问法 1", "shipping")]
        assert learned_pairs(session, robot, per_rule=3, limit=2) == newest_two
        assert len(learned_pairs(session, robot)) == 9
