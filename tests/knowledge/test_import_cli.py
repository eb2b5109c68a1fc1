"""`huida import` and `huida export` on the database the test server uses (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huida.cli import app
from huida.knowledge.importexport.formats import FORMATS
from huida.knowledge.importexport.service import import_rules
from tests.knowledge.io_helpers import export_file, robot_state, rules_path, sheet_values
from tests.support.client import Api

runner = CliRunner()

CSV_RULES = """标准问题,相似问题,答案,分类
怎么退款,"如何退款
退款流程",在订单页申请退款,售后
运费多少,,满 99 元包邮,物流
发票怎么开,,在订单页申请发票,财务
"""


@pytest.fixture
def cli_env(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The server's secret, so the CLI does not store a generated one in the shared test database.
    monkeypatch.setenv("HUIDA_SECRET_KEY", api.server.ctx.secret_key)
    monkeypatch.setenv("HUIDA_DATA_DIR", str(tmp_path))


def _huida(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.usefixtures("cli_env")
def test_cli_import_then_export_every_format(api: Api, backend_url: str, tmp_path: Path) -> None:
    robot = api.new_robot()
    source = tmp_path / "rules.csv"
    source.write_text(CSV_RULES, encoding="utf-8-sig")
    ids = ["--tenant", str(api.tenant_id), "--robot", robot, "--db", backend_url]
    result = _huida("import", *ids, str(source))
    assert result.exit_code == 0, result.output
    assert "imported 3 rules" in result.output
    assert robot_state(api, robot)[1] == 3  # visible through the API at once
    for fmt in ("jsonl", "csv", "xlsx"):
        target = tmp_path / f"out.{fmt}"
        result = _huida("export", *ids, "-o", str(target))  # format from the file name
        assert result.exit_code == 0, result.output
        over_http = export_file(api, robot, fmt)
        if fmt == "xlsx":
            assert sheet_values(target.read_bytes()) == sheet_values(over_http)
        else:
            assert target.read_bytes() == over_http
    result = _huida("export", *ids)  # JSONL on stdout by default
    assert result.exit_code == 0 and result.stdout_bytes == export_file(api, robot)
    copy = api.new_robot()
    result = _huida("import", "--tenant", str(api.tenant_id), "--robot", copy, "--db", backend_url, "--mode",
                    "replace", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 0, result.output
    assert export_file(api, copy) == export_file(api, robot)


@pytest.mark.usefixtures("cli_env")
def test_cli_lists_bad_rows_and_writes_nothing(api: Api, backend_url: str, tmp_path: Path) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["已有"], "已有")
    before = robot_state(api, robot)
    bad = tmp_path / "bad.jsonl"
    lines = [{"id": "ok", "questions": ["好"], "answer": "好"}, {"id": "ok", "questions": ["重复"], "answer": "a"},
             {"id": "no-answer", "questions": ["没有答案"]}]
    bad.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    ids = ["--tenant", str(api.tenant_id), "--robot", robot, "--db", backend_url]
    result = _huida("import", *ids, str(bad))
    assert result.exit_code == 1
    assert "bad rows" in result.output and "duplicate id ok (first on line 1)" in result.output
    assert "no-answer" in result.output and "nothing was imported" in result.output
    assert robot_state(api, robot) == before
    result = _huida("import", "--tenant", str(api.tenant_id), "--robot", "no-such-robot", "--db", backend_url,
                    str(bad))
    assert result.exit_code == 1 and "robot not found" in result.output
    result = _huida("import", *ids, "--mode", "merge", str(bad))
    assert result.exit_code == 2
    assert api.get(f"{rules_path(robot)}/search").json()["totalElements"] == 1


@pytest.mark.usefixtures("cli_env")
def test_cli_summarises_repeated_questions_and_conflicts(api: Api, backend_url: str, tmp_path: Path) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["运费多少"], "满 99 元包邮", id="fee")
    rules = [{"id": f"r{i}", "questions": [f"问题{i}", f"问题{i}？"], "answer": "答"} for i in range(7)]
    rules.append({"id": "shipping", "questions": ["運費多少", "包邮吗"], "answer": "包邮"})
    source = tmp_path / "rules.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rules), encoding="utf-8")
    result = _huida("import", "--tenant", str(api.tenant_id), "--robot", robot, "--db", backend_url, str(source))
    assert result.exit_code == 0, result.output
    assert "imported 8 rules" in result.output
    assert "7 warnings (a question repeated in its rule, stored once), 1 conflicts" in result.output
    assert "warning: line 1, rule r0: '问题0？' repeats '问题0'; stored once" in result.output
    assert "... and 2 more warnings" in result.output and "line 6, rule r5" not in result.output
    assert "conflict: '运费多少' is filed under rules shipping, fee (lines 8)" in result.output
    assert api.ok("GET", f"{rules_path(robot)}/r6")["questionsArray"] == ["问题6"]


def test_an_import_reports_its_progress_stage_by_stage(api: Api) -> None:
    """The (stage, done, total) calls the CLI's progress bar is drawn from: read, check, write, each finished."""
    robot = api.new_robot()
    seen: list[tuple[str, int, int]] = []
    with api.server.ctx.db.session() as session:
        result = import_rules(session, api.tenant_id, robot, CSV_RULES.encode("utf-8-sig"), FORMATS["csv"],
                              progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert result.imported == 3
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["read", "check", "write"]
    last = {stage: (done, total) for stage, done, total in seen}
    assert last["check"] == last["write"] == (3, 3) and last["read"][0] == last["read"][1] > 0
    assert robot_state(api, robot)[1] == 3
