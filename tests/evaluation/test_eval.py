"""`huida eval`, `huida train` and POST .../evaluate: measuring and teaching a robot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from huida.cli import app
from huida.learning.models import RobotModel
from huida.robots.models import KnowledgeChange
from tests.conversation.helpers import ask, robot_path
from tests.support.client import Api, expect_error

KB = [
    {"id": "refund", "questions": ["怎么申请退款", "退款流程是什么", "我想退钱"], "answer": "订单页申请退款。"},
    {"id": "shipping", "questions": ["运费怎么算", "要付运费吗", "包邮吗"], "answer": "满 99 元包邮。"},
    {"id": "invoice", "questions": ["可以开发票吗", "发票怎么开", "能开专票吗"], "answer": "收货后申请。"},
    {"id": "password", "questions": ["忘记密码怎么办", "怎么修改密码", "密码找回"], "answer": "设置里修改。"},
]
QUERIES = [
    {"text": "怎么申请退款", "expect": "refund"},
    {"text": "运费怎么算", "expect": "shipping"},
    {"text": "可以开发票吗", "expect": "invoice"},
    {"text": "忘记密码怎么办", "expect": "password"},
    {"text": "火星上的天气如何", "expect": None},
]
PAIRS = "怎么退款\t我想退钱\t1\n运费多少\t包邮吗\t1\n怎么退款\t包邮吗\t0\n密码忘了\t密码找回\t1\n"
runner = CliRunner()


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_huida_eval_prints_the_metrics_as_json(tmp_path: Path) -> None:
    kb, queries = write_jsonl(tmp_path / "kb.jsonl", KB), write_jsonl(tmp_path / "queries.jsonl", QUERIES)
    result = runner.invoke(app, ["eval", str(kb), str(queries), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["inScope"], report["outOfScope"]) == (4, 1)
    assert report["hit1"] == 1.0 and report["hit3"] == 1.0
    decisions = report["decisions"]
    assert sum(decisions.values()) == 5
    assert decisions["answered_wrong"] == 0 and decisions["oos_answered"] == 0
    assert set(report["thresholds"]) == {"answer", "recommend"}


def test_huida_eval_with_pairs_and_a_table(tmp_path: Path) -> None:
    kb, queries = write_jsonl(tmp_path / "kb.jsonl", KB), write_jsonl(tmp_path / "queries.jsonl", QUERIES)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    result = runner.invoke(app, ["eval", str(kb), str(queries), "--pairs", str(pairs)])
    assert result.exit_code == 0, result.output
    assert "hit1" in result.output and "C@P95" in result.output


def test_huida_eval_refuses_bad_queries(tmp_path: Path) -> None:
    kb = write_jsonl(tmp_path / "kb.jsonl", KB)
    bad = tmp_path / "queries.jsonl"
    bad.write_text('{"text": "x", "expect": 5}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(kb), str(bad)])
    assert result.exit_code != 0 and "line 1" in result.output


def test_evaluate_endpoint_measures_the_robot_without_logging(api: Api) -> None:
    robot = api.new_robot()
    api.post(f"{robot_path(robot)}/rules/import?format=jsonl",
             content="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in KB).encode())
    body = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUERIES).encode()
    report = api.ok("POST", f"{robot_path(robot)}/evaluate", content=body)
    assert report["hit1"] == 1.0 and report["inScope"] == 4 and report["outOfScope"] == 1
    rules = api.ok("GET", f"{robot_path(robot)}/rules/search", params={"per_page": 10})
    assert all(rule["hitCount"] == 0 for rule in rules)
    expect_error(api.post(f"{robot_path(robot)}/evaluate", content=b"not json\n"), 400, "INVALID_QUERIES")
    expect_error(api.post(f"{robot_path(robot)}/evaluate", content=b""), 400, "INVALID_QUERIES")


def test_huida_train_stores_a_pair_model_and_the_robot_rebuilds(api: Api, tmp_path: Path) -> None:
    if not api.server.is_sqlite:
        pytest.skip("the CLI test drives the SQLite server's database file")
    robot = api.new_robot()
    for rule in KB:
        api.new_rule(robot, rule["questions"], rule["answer"], id=rule["id"])
    assert ask(api, robot, "怎么申请退款")["resourceId"] == "refund"
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    url = api.server.ctx.db.url
    result = runner.invoke(app, ["train", "--db", url, "--tenant", str(api.tenant_id), "--robot", robot,
                                 "--pairs", str(pairs)])
    assert result.exit_code == 0, result.output
    assert "4 labelled pairs" in result.output
    with api.server.ctx.db.session() as session:
        assert session.scalar(select(RobotModel.kind).where(RobotModel.robot_id == robot)) == "pair-model"
        last = session.scalars(select(KnowledgeChange.scope).where(KnowledgeChange.robot_id == robot)
                               .order_by(KnowledgeChange.id.desc())).first()
    assert last == "all"
    assert ask(api, robot, "怎么申请退款", user="after")["resourceId"] == "refund"
    missing = runner.invoke(app, ["train", "--db", url, "--tenant", str(api.tenant_id), "--robot", "nope",
                                  "--pairs", str(pairs)])
    assert missing.exit_code != 0 and "robot not found" in missing.output
