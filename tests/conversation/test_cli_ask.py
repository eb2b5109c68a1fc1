"""`huida ask`: one answer (or a chat) from the terminal, through the same conversation service as the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huida.auth.service import create_tenant
from huida.cli import app
from huida.config import Settings
from huida.context import build_context
from huida.knowledge.schemas import RuleIn, to_draft
from huida.knowledge.service import create_rule
from huida.robots.service import create_robot

runner = CliRunner()


@dataclass
class Robot:
    db: str
    tenant: int
    robot: str

    def ask(self, *args: str, input: str | None = None) -> tuple[int, str]:
        result = runner.invoke(app, ["ask", "--db", self.db, "--tenant", str(self.tenant), "--robot", self.robot,
                                     "--user", "cli-test", *args], input=input)
        return result.exit_code, result.output


@pytest.fixture(scope="module")
def robot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Robot]:
    folder: Path = tmp_path_factory.mktemp("cli")
    url = f"sqlite:///{folder / 'huida.db'}"
    ctx = build_context(Settings(data_dir=folder, database_url=url, secret_key="cli-test-secret-0123456789abcdef",
                                 run_worker=False, log_requests=False))
    with ctx.db.session() as session:
        tenant = create_tenant(session, "cli", "cli@example.com", "correct horse battery").tenant.id
        thresholds = {"answerThreshold": 0.5, "recommendThreshold": 0.5}
        robot = create_robot(session, tenant, "终端机器人", settings=thresholds)
        for rule in (RuleIn(id="refund", questions=["怎么申请退款", "如何办理退款"], answer="在订单详情页申请退款。"),
                     RuleIn(id="fee", questions=["运费怎么算"], answer="满 99 元包邮。"),
                     RuleIn(id="menu", questions=["帮助菜单"], answers=[{"type": "MENU", "content": {
                         "title": "请选择", "items": [{"knowledgeId": "fee"}]}}])):
            create_rule(session, tenant, robot.robot_id, to_draft(rule))
        robot_id = robot.robot_id
    ctx.db.dispose()
    yield Robot(url, tenant, robot_id)


def test_one_question_shows_the_answer_its_source_and_the_candidates(robot: Robot) -> None:
    code, output = robot.ask("怎么申请退款")
    assert code == 0, output
    assert "BEST_ANSWER · RULE · DEFAULT" in output
    assert "在订单详情页申请退款。" in output
    assert "top candidates" in output and "refund" in output and "score" in output


def test_other_answer_types_are_printed_as_json(robot: Robot) -> None:
    code, output = robot.ask("帮助菜单")
    assert code == 0, output
    assert "BEST_ANSWER · RULE" in output and '"type": "menu"' in output and '"knowledgeId": "fee"' in output
    code, output = robot.ask("转人工")
    assert code == 0 and "· HUMAN" in output and "HUMAN_INTENTION" in output and '"type": "human"' in output


def test_a_hash_clicks_a_menu_item(robot: Robot) -> None:
    code, output = robot.ask("#fee")
    assert code == 0, output
    assert "BEST_ANSWER · MENU · DEFAULT" in output and "满 99 元包邮。" in output


def test_the_default_reply(robot: Robot) -> None:
    code, output = robot.ask("zqxv wplk")
    assert code == 0 and "DEFAULT · DEFAULT · DEFAULT" in output and "top candidates" not in output


def test_an_interactive_chat(robot: Robot) -> None:
    code, output = robot.ask(input="运费怎么算\n你好\n\n")
    assert code == 0, output
    assert "满 99 元包邮。" in output and "FREECHAT" in output


def test_an_unknown_robot_is_an_error(robot: Robot) -> None:
    result = runner.invoke(app, ["ask", "--db", robot.db, "--tenant", str(robot.tenant), "--robot", "nope", "你好"])
    assert result.exit_code == 1
    assert "robot not found" in result.output
