"""`huida ask`: one answer (or a chat) from the terminal, through the same conversation service as the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huida.auth.service import create_tenant
from huida.cli import app
from huida.cli.chat_view import chat_view, pick
from huida.config import Settings
from huida.context import build_context
from huida.conversation import reply as r
from huida.knowledge.schemas import RuleIn, to_draft
from huida.knowledge.service import create_rule
from huida.materials.links import MaterialLinks
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


def test_one_question_reads_like_a_chat(robot: Robot) -> None:
    code, output = robot.ask("怎么申请退款")
    assert code == 0, output
    assert "robot> 在订单详情页申请退款。" in output
    assert "{" not in output and "BEST_ANSWER" not in output  # no JSON, no protocol words


def test_explain_shows_the_decision_and_the_candidates(robot: Robot) -> None:
    code, output = robot.ask("怎么申请退款", "--explain")
    assert code == 0, output
    assert "BEST_ANSWER · RULE · DEFAULT" in output
    assert "top candidates" in output and "refund" in output and "score" in output


def test_json_keeps_the_raw_entity(robot: Robot) -> None:
    code, output = robot.ask("帮助菜单", "--json")
    assert code == 0, output
    entity = json.loads(output)
    assert entity["answerType"] == "BEST_ANSWER" and entity["content"]["type"] == "menu"
    assert entity["content"]["texts"][0] == {"knowledgeId": "fee", "text": "运费怎么算"}


def test_a_menu_is_numbered_choices_and_typing_a_number_clicks_it(robot: Robot) -> None:
    code, output = robot.ask(input="帮助菜单\n1\n\n")
    assert code == 0, output
    assert "robot> 请选择" in output and "1. 运费怎么算" in output
    assert "robot> 满 99 元包邮。" in output  # "1" clicked the first item


def test_a_number_that_names_no_choice_is_asked_as_text(robot: Robot) -> None:
    code, output = robot.ask(input="帮助菜单\n7\n\n")
    assert code == 0, output
    assert "满 99 元包邮。" not in output


def test_a_hash_clicks_a_menu_item(robot: Robot) -> None:
    code, output = robot.ask("#fee")
    assert code == 0, output
    assert "robot> 满 99 元包邮。" in output


def test_the_default_reply_offers_the_transfer_button_and_it_hands_over(robot: Robot) -> None:
    code, output = robot.ask(input="zqxv wplk\n1\n\n")
    assert code == 0, output
    assert "1. 转人工" in output
    assert "转接人工客服" in output  # clicking the button handed the visitor over


def test_transfer_notice(robot: Robot) -> None:
    code, output = robot.ask("转人工")
    assert code == 0 and "handed over to a person" in output


def test_an_interactive_chat(robot: Robot) -> None:
    code, output = robot.ask(input="运费怎么算\n你好\n\n")
    assert code == 0, output
    assert "满 99 元包邮。" in output and output.count("robot>") == 2


def test_an_unknown_robot_is_an_error(robot: Robot) -> None:
    result = runner.invoke(app, ["ask", "--db", robot.db, "--tenant", str(robot.tenant), "--robot", "nope", "你好"])
    assert result.exit_code == 1
    assert "robot not found" in result.output


LINKS = MaterialLinks(1)


@pytest.mark.parametrize(("content", "lines", "choices"), [
    (r.Text(text="您好"), ["您好"], []),
    (r.Recommendations(title="您是不是要咨询以下问题：", items=(r.Choice(knowledge_id="a", text="怎么退款"),
                                                       r.Choice(knowledge_id="b", text="运费"))),
     ["您是不是要咨询以下问题："], [("怎么退款", "a"), ("运费", "b")]),
    (r.Image(media_id="m1", filename="map.png"),
     ["[图片 image] map.png /v10/tenants/1/material/medias/m1/stream"], []),
    (r.Articles(articles=(r.Article(id="a1", title="退货政策", digest="七天无理由"),)),
     ["[文章 article] 退货政策 /v10/tenants/1/material/news/articles/a1/html", "    七天无理由"], []),
    (r.Handover(prompt="正在转接"), ["正在转接", "— 正在为您转接人工客服 (handed over to a person) —"], []),
    (r.Text(text="没听懂", transfer=r.Choice(knowledge_id="DefaultBtn-TransferToHuman-1", text="转人工")),
     ["没听懂"], [("转人工", "DefaultBtn-TransferToHuman-1")]),
    (r.Media(kind="video", url="/v.mp4"), ["[视频 video] /v.mp4"], []),
])
def test_every_answer_type_has_a_chat_form(content: r.Content, lines: list[str],
                                           choices: list[tuple[str, str]]) -> None:
    view = chat_view(content, LINKS)
    assert view.lines == lines
    assert [(c.label, c.knowledge_id) for c in view.choices] == choices


def test_pick_takes_only_the_numbers_shown() -> None:
    choices = chat_view(r.Menu(title="", items=(r.Choice(knowledge_id="a", text="A"),)), LINKS).choices
    assert pick(choices, " 1 ") == choices[0]
    assert pick(choices, "0") is None and pick(choices, "2") is None and pick(choices, "one") is None
