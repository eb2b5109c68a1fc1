"""How a process keeps its index of a robot current: the change log, in-place updates, background rebuilds."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from huida.conversation import snapshots as knowledge_module
from huida.conversation.service import conversation_service
from huida.robots.models import KnowledgeChange
from tests.conversation.helpers import ask, hit_test, robot_path, settings
from tests.support.client import Api

RULES = [
    ("refund", ["怎么申请退款", "退款流程是什么"], "在订单页点申请退款。"),
    ("shipping", ["运费怎么算", "要付运费吗"], "满 99 元包邮。"),
    ("invoice", ["可以开发票吗", "发票怎么开"], "确认收货后可申请发票。"),
]


def shop(api: Api) -> str:
    robot = api.new_robot("更新测试")
    for rule_id, questions, answer in RULES:
        api.new_rule(robot, questions, answer, id=rule_id)
    return robot


def changes(api: Api, robot: str) -> list[tuple[int, str, str | None]]:
    with api.server.ctx.db.session() as session:
        rows = session.execute(select(KnowledgeChange.version, KnowledgeChange.scope, KnowledgeChange.rule_id)
                               .where(KnowledgeChange.robot_id == robot).order_by(KnowledgeChange.id)).all()
    return [tuple(row) for row in rows]


def snapshot(api: Api, robot: str) -> knowledge_module.RobotKnowledge:
    return conversation_service(api.server.ctx).cache._snapshots[robot]


def test_every_version_logs_what_it_changed(api: Api) -> None:
    robot = shop(api)
    log = changes(api, robot)
    assert [scope for _, scope, _ in log] == ["rule", "rule", "rule"]
    assert [rule for _, _, rule in log] == ["refund", "shipping", "invoice"]
    settings(api, robot, defaultReply="请换个说法。")
    api.delete(f"{robot_path(robot)}/rules/invoice")
    api.post(f"{robot_path(robot)}/rules/import?format=jsonl&mode=append",
             content='{"id": "hours", "questions": ["几点上班"], "answer": "九点"}\n'.encode())
    api.post(f"{robot_path(robot)}/rules/import?format=jsonl&mode=replace",
             content='{"id": "hours", "questions": ["几点上班"], "answer": "九点"}\n'.encode())
    tail = changes(api, robot)[3:]
    assert [(scope, rule) for _, scope, rule in tail] == [
        ("settings", None), ("rule", "invoice"), ("rule", "hours"), ("all", None)]
    versions = [version for version, _, _ in changes(api, robot)]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert versions[-1] == api.ok("GET", f"/robots/{robot}")["knowledgeVersion"]


def test_rule_edits_update_the_live_matcher_in_place(api: Api) -> None:
    robot = shop(api)
    assert ask(api, robot, "怎么申请退款")["resourceId"] == "refund"
    first = snapshot(api, robot)
    api.new_rule(robot, ["会员有什么权益", "开通会员的好处"], "会员包邮。", id="member")
    api.delete(f"{robot_path(robot)}/rules/shipping")
    assert hit_test(api, robot, "会员有什么权益")["candidates"][0]["ruleId"] == "member"
    assert "shipping" not in [c["ruleId"] for c in hit_test(api, robot, "运费怎么算")["candidates"]]
    updated = snapshot(api, robot)
    assert updated.matcher is first.matcher and updated.version > first.version
    assert updated.rule("member") is not None and updated.rule("shipping") is None


def test_a_large_robot_answers_from_its_current_snapshot_while_it_rebuilds(api: Api,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    robot = shop(api)
    assert ask(api, robot, "怎么申请退款")["resourceId"] == "refund"
    before = snapshot(api, robot)
    monkeypatch.setattr(knowledge_module, "SYNC_REBUILD_QUESTIONS", 0)  # every robot counts as large
    monkeypatch.setattr(knowledge_module, "MAX_INCREMENTAL_RULES", 0)  # every change needs a rebuild
    api.new_rule(robot, ["你们几点上班", "营业时间"], "九点", id="hours")
    # The next ask must not wait for the rebuild.
    assert ask(api, robot, "怎么申请退款", user="b")["resourceId"] == "refund"
    deadline = time.monotonic() + 120
    while snapshot(api, robot).version <= before.version:
        assert time.monotonic() < deadline, "the background rebuild never landed"
        time.sleep(0.1)
    assert snapshot(api, robot).matcher is not before.matcher
    assert hit_test(api, robot, "营业时间")["candidates"][0]["ruleId"] == "hours"


def test_calibrated_thresholds_show_with_the_settings(api: Api) -> None:
    robot = shop(api)
    assert api.ok("GET", f"/robots/{robot}")["settings"]["calibratedAnswerThreshold"] is None
    ask(api, robot, "怎么申请退款")
    shown = api.ok("GET", f"/robots/{robot}")["settings"]
    tested = hit_test(api, robot, "怎么申请退款")["calibrated"]
    assert shown["calibratedAnswerThreshold"] == pytest.approx(tested["answer"])
    assert shown["calibratedRecommendThreshold"] == pytest.approx(tested["recommend"])
    # A client may send a robot read straight back: the derived values are ignored, not refused.
    body = api.ok("GET", f"/robots/{robot}")
    assert api.ok("PUT", f"/robots/{robot}", json={"settings": body["settings"]})["settings"] == body["settings"]
