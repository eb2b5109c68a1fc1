"""GET .../knowledge/robots/{robotId}/health and `huida health`, through the real server and CLI.

One robot holds one case of each finding; every case must show up where expected and nowhere else.
Thresholds come from the hit test (the matcher is tuned elsewhere, so no score is assumed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from huida.cli import app
from huida.db import now_ms
from huida.knowledge.models import Rule
from tests.conversation.helpers import ask, hit_test, new_user, settings
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

RULES: dict[str, list[str]] = {
    "dup-a": ["怎么修改密码", "密码忘记了如何找回"],
    "dup-b": ["怎么 修改密码！", "会员积分怎么使用"],  # the same question as dup-a's, spaced and punctuated
    "para-a": ["信用卡年费是多少", "信用卡每年收多少年费"],
    "para-b": ["信用卡的年费多少钱", "办信用卡要交年费吗"],  # a paraphrase of para-a
    "single": ["营业时间是几点"],
    "hit": ["快递多久能到", "发货后几天到货"],
    "old": ["怎么注销账户", "账户注销的流程"],  # hit 40 days ago
    "never": ["可以开发票吗", "发票怎么申请"],
}
DISABLED = {"off": ["旧版活动规则"]}  # disabled: appears in no finding
PARAPHRASES = {"para-a", "para-b"}
DAY_MS = 86_400_000
runner = CliRunner()


@dataclass
class Clinic:
    api: Api
    robot: str
    threshold: float


def health(api: Api, robot: str, **params: Any) -> dict[str, Any]:
    return api.ok("GET", f"/knowledge/robots/{robot}/health", params=params)


def _other_scores(api: Api, robot: str) -> tuple[float, float]:
    """(best score between the paraphrases, best score between any other two rules) over every question."""
    signal = noise = 0.0
    for rule_id, questions in RULES.items():
        for question in questions:
            for c in hit_test(api, robot, question, top_k=10)["candidates"]:
                other = c["ruleId"]
                if other == rule_id or {rule_id, other} == {"dup-a", "dup-b"} and question.startswith("怎么"):
                    continue  # the own rule; the duplicated question itself
                if {rule_id, other} == PARAPHRASES:
                    signal = max(signal, c["score"])
                else:
                    noise = max(noise, c["score"])
    return signal, noise


@pytest.fixture(scope="module")
def clinic(server: LiveServer) -> Iterator[Clinic]:
    with new_tenant(server) as api:
        robot = api.new_robot("体检机器人")
        for rule_id, questions in RULES.items():
            api.new_rule(robot, questions, f"{rule_id} 的答案", id=rule_id)
        for rule_id, questions in DISABLED.items():
            api.new_rule(robot, questions, "停用", id=rule_id, status="DISABLE")
        signal, noise = _other_scores(api, robot)
        assert signal > noise, f"the matcher cannot tell the paraphrases ({signal}) from the rest ({noise})"
        threshold = (signal + noise) / 2
        settings(api, robot, answerThreshold=threshold, recommendThreshold=threshold)
        assert ask(api, robot, "快递多久能到", user=new_user())["resourceId"] == "hit"
        with server.ctx.db.session() as session:
            session.execute(update(Rule).where(Rule.robot_id == robot, Rule.rule_id == "old")
                            .values(hit_count=3, last_hit_time=now_ms() - 40 * DAY_MS))
        yield Clinic(api, robot, threshold)


def ids(section: dict[str, Any]) -> list[str]:
    return [item["ruleId"] for item in section["items"]]


def test_a_question_under_two_rules_is_a_duplicate_and_nothing_else(clinic: Clinic) -> None:
    report = health(clinic.api, clinic.robot)
    dup = report["duplicateQuestions"]
    assert dup["total"] == 1 and len(dup["items"]) == 1
    item = dup["items"][0]
    assert item["question"] == "怎么修改密码" and item["ruleIds"] == ["dup-a", "dup-b"]
    assert [r["standardQuestion"] for r in item["rules"]] == ["怎么修改密码", "怎么 修改密码！"]
    assert item["suggestion"] == "keepOne"
    # The shared question is not evidence of overlap (it is reported above), and both rules have two questions.
    assert all(set(p["ruleIds"]) != {"dup-a", "dup-b"} for p in report["overlappingPairs"]["items"])
    assert not {"dup-a", "dup-b"} & set(ids(report["singleQuestionRules"]))


def test_paraphrase_rules_overlap_and_are_suggested_for_merging(clinic: Clinic) -> None:
    report = health(clinic.api, clinic.robot)
    pairs = report["overlappingPairs"]
    assert report["answerThreshold"] == pytest.approx(clinic.threshold)
    assert pairs["total"] == 1 and pairs["sampled"] is False
    assert pairs["questionsChecked"] == pairs["questionsTotal"] == sum(len(q) for q in RULES.values())
    pair = pairs["items"][0]
    assert pair["ruleIds"] == ["para-a", "para-b"] and pair["suggestion"] == "merge"
    assert 1 <= pair["crossingQuestions"] <= 4
    assert pair["bestScore"] >= clinic.threshold
    assert pair["exampleQuestion"] in RULES[pair["exampleRuleId"]]
    assert [r["standardQuestion"] for r in pair["rules"]] == ["信用卡年费是多少", "信用卡的年费多少钱"]
    assert report["duplicateQuestions"]["items"][0]["ruleIds"] == ["dup-a", "dup-b"]  # not a duplicate


def test_only_the_one_question_rule_needs_similar_questions(clinic: Clinic) -> None:
    singles = health(clinic.api, clinic.robot)["singleQuestionRules"]
    assert singles["total"] == 1
    assert singles["items"] == [{"ruleId": "single", "standardQuestion": "营业时间是几点", "questions": 1,
                                 "suggestion": "addSimilarQuestions"}]


def test_never_hit_lists_unhit_rules_but_not_the_hit_one(clinic: Clinic) -> None:
    report = health(clinic.api, clinic.robot)
    stale = report["neverHitRules"]
    assert set(ids(stale)) == set(RULES) - {"hit"}  # "old" was hit 40 days ago; "off" is disabled
    assert stale["total"] == len(RULES) - 1
    old = next(item for item in stale["items"] if item["ruleId"] == "old")
    assert old["hitCount"] == 3 and old["lastHitTime"] is not None and old["suggestion"] == "review"
    assert ids(stale)[-1] == "old"  # never hit first
    assert set(ids(health(clinic.api, clinic.robot, days=60)["neverHitRules"])) == set(RULES) - {"hit", "old"}


def test_summary_counts_and_capped_lists(clinic: Clinic) -> None:
    report = health(clinic.api, clinic.robot, limit=2)
    assert report["robotId"] == clinic.robot and report["days"] == 30
    assert report["summary"] == {
        "rules": len(RULES) + 1, "enabledRules": len(RULES), "questions": 16, "duplicateQuestions": 1,
        "overlappingPairs": 1, "singleQuestionRules": 1, "neverHitRules": len(RULES) - 1,
        "questionsChecked": 15, "sampled": False}
    assert len(report["neverHitRules"]["items"]) == 2 and report["neverHitRules"]["total"] == len(RULES) - 1
    for key in ("duplicateQuestions", "overlappingPairs", "singleQuestionRules", "neverHitRules"):
        assert report[key]["advice"]


def test_unknown_robot_and_bad_parameters_fail_in_the_envelope(api: Api) -> None:
    expect_error(api.get("/knowledge/robots/no-such-robot/health"), 404, "ROBOT_NOT_FOUND")
    robot = api.new_robot()
    expect_error(api.get(f"/knowledge/robots/{robot}/health", params={"days": 0}), 400)
    expect_error(api.get(f"/knowledge/robots/{robot}/health", params={"limit": 100000}), 400)
    empty = health(api, robot)
    assert empty["summary"]["rules"] == 0 and empty["overlappingPairs"]["items"] == []


def test_another_tenant_cannot_read_it(clinic: Clinic, other_api: Api) -> None:
    owner = clinic.api
    path = f"/v10/tenants/{owner.tenant_id}/knowledge/robots/{clinic.robot}/health"
    expect_error(other_api.get(path), 403, "FORBIDDEN")
    expect_error(other_api.get(f"/knowledge/robots/{clinic.robot}/health"), 404, "ROBOT_NOT_FOUND")
    expect_error(other_api.get(path, headers={"token": ""}), 401, "UNAUTHORIZED")


def _cli(clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("HUIDA_SECRET_KEY", clinic.api.server.ctx.secret_key)
    monkeypatch.setenv("HUIDA_DATA_DIR", str(tmp_path))
    url = clinic.api.server.ctx.settings.resolved_database_url
    result = runner.invoke(app, ["health", "--db", url, "--tenant", str(clinic.api.tenant_id),
                                 "--robot", clinic.robot, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_prints_the_tables(clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = _cli(clinic, tmp_path, monkeypatch)
    assert f"knowledge health · robot {clinic.robot}" in output
    for title in ("questions under more than one rule", "overlapping rules", "rules with one question",
                  "rules not hit in 30 days"):
        assert title in output, output
    assert "营业时间是几点" in output and "merge" in output and "怎么修改密码" in output


def test_cli_json_is_the_api_entity(clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = json.loads(_cli(clinic, tmp_path, monkeypatch, "--json", "--days", "60"))
    api_report = health(clinic.api, clinic.robot, days=60)
    for key in ("summary", "duplicateQuestions", "overlappingPairs", "singleQuestionRules", "neverHitRules"):
        assert report[key] == api_report[key], key
    assert report["days"] == 60


def test_cli_unknown_robot_is_one_line(clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUIDA_SECRET_KEY", clinic.api.server.ctx.secret_key)
    monkeypatch.setenv("HUIDA_DATA_DIR", str(tmp_path))
    url = clinic.api.server.ctx.settings.resolved_database_url
    result = runner.invoke(app, ["health", "--db", url, "--tenant", str(clinic.api.tenant_id), "--robot", "nope"])
    assert result.exit_code == 1 and "robot not found: nope" in result.output
