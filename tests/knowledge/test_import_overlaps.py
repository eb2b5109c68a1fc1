"""Imports take spreadsheets as people keep them: a rule repeating a question (up to case, width,
punctuation, spaces, traditional/simplified Chinese) stores it once and the result warns; a question filed
under several rules is stored under each and reported as a conflict. Truly bad rows still fail the whole file.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.knowledge.io_helpers import by_line, import_errors, import_file, robot_state, rules_path, xlsx_bytes
from tests.support.client import Api

SAME_TEXT = "same text up to case, width, punctuation, spaces or traditional/simplified Chinese"


def jsonl(*rules: dict[str, Any]) -> bytes:
    return "".join(json.dumps(rule, ensure_ascii=False) + "\n" for rule in rules).encode()


def table_file(rows: list[list[str]], fmt: str) -> bytes:
    if fmt == "xlsx":
        return xlsx_bytes(rows)
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def import_entity(api: Api, robot: str, data: bytes, fmt: str, mode: str | None = None) -> dict[str, Any]:
    """The import's reply: a 200 in the OK envelope; its entity."""
    response = import_file(api, robot, data, fmt, mode)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and body["errorCode"] is None, body
    entity = body["entity"]
    assert entity["warningCount"] == len(entity["warnings"]) and entity["conflictCount"] == len(entity["conflicts"])
    return entity


def warned(entity: dict[str, Any]) -> list[tuple[int, str, str, str]]:
    """(line, rule id, question dropped, question kept) of each warning, checking every message says why."""
    assert all(SAME_TEXT in w["reason"] and "stored once" in w["reason"] for w in entity["warnings"])
    return [(w["line"], w["id"], w["question"], w["kept"]) for w in entity["warnings"]]


def questions(api: Api, robot: str, rule_id: str) -> list[str]:
    return api.ok("GET", f"{rules_path(robot)}/{rule_id}")["questionsArray"]


# --- a rule repeating a question ---------------------------------------------------------------------------


def test_a_rule_repeating_a_question_imports_it_once_and_warns(api: Api) -> None:
    """Used to fail whole with IMPORT_INVALID "duplicate question"."""
    robot = api.new_robot()
    data = jsonl({"id": "fee", "questions": ["运费多少"], "answer": "满 99 元包邮"},
                 {"id": "refund", "questions": ["退款多久到账", "退款多久到账？", "退款 多久 到賬", "ＡＰＰ怎么退款",
                                                "app怎么退款!", "  退款多久到账  "], "answer": "三个工作日"})
    entity = import_entity(api, robot, data, "jsonl")
    assert (entity["imported"], entity["total"], entity["conflicts"]) == (2, 2, [])
    assert warned(entity) == [(2, "refund", "退款多久到账？", "退款多久到账"),
                              (2, "refund", "退款 多久 到賬", "退款多久到账"),
                              (2, "refund", "app怎么退款!", "ＡＰＰ怎么退款"),
                              (2, "refund", "退款多久到账", "退款多久到账")]
    assert questions(api, robot, "refund") == ["退款多久到账", "ＡＰＰ怎么退款"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_repeated_questions_in_a_spreadsheet_are_kept_once_with_their_row(api: Api, fmt: str) -> None:
    robot = api.new_robot()
    data = table_file([["编号", "标准问题", "相似问题", "答案"],
                       ["fee", "运费多少", "", "满 99 元包邮"],
                       ["refund", "怎么退款", "怎么退款？\n如何退款\n怎麼退款", "在订单页申请"],
                       ["discount", "打3.5折吗", "打35折吗\n打 3.5 折吗", "是的"]], fmt)
    entity = import_entity(api, robot, data, fmt)
    assert entity["imported"] == 3 and entity["conflictCount"] == 0
    assert warned(entity) == [(3, "refund", "怎么退款？", "怎么退款"), (3, "refund", "怎麼退款", "怎么退款"),
                              (4, "discount", "打 3.5 折吗", "打3.5折吗")]
    assert questions(api, robot, "refund") == ["怎么退款", "如何退款"]
    assert questions(api, robot, "discount") == ["打3.5折吗", "打35折吗"]  # 3.5 is not 35


def test_the_rules_api_keeps_a_repeated_question_once(api: Api) -> None:
    """POST and PUT used to answer 400 INVALID_PARAMETER; the reply is the usual rule."""
    robot = api.new_robot()
    plain = api.new_rule(robot, ["别的问题"], "别的答案")
    body = {"id": "hello", "answer": "您好", "questions": [
        {"question": "你好", "attributes": {"source": "运营"}}, "你好", " 你好！", "ＨＥＬＬＯ", "hello"]}
    created = api.ok("POST", rules_path(robot), json=body)
    assert set(created) == set(plain)
    assert created["questionsArray"] == ["你好", "ＨＥＬＬＯ"]
    assert created["questions"][0]["attributes"] == {"source": "运营"}
    again = {"questions": ["在吗", "在嗎？", "在 吗"], "answer": "在"}
    updated = api.ok("PUT", f"{rules_path(robot)}/hello", json=again)
    assert set(updated) == set(plain) and updated["questionsArray"] == ["在吗"]
    assert questions(api, robot, "hello") == ["在吗"]


# --- a question under several rules ------------------------------------------------------------------------


def test_a_question_under_two_rules_imports_under_both_and_is_a_conflict(api: Api) -> None:
    robot = api.new_robot()
    data = table_file([["标准问题", "相似问题", "答案"],  # no id column: the result names the generated ids
                       ["怎么退款", "退款流程", "在订单页申请"],
                       ["怎么退货", "退款流程？\n寄回地址", "寄回仓库"],
                       ["运费多少", "", "满 99 元包邮"]], "csv")
    entity = import_entity(api, robot, data, "csv")
    assert entity["imported"] == 3 and entity["warnings"] == []
    [conflict] = entity["conflicts"]
    assert conflict["question"] == "退款流程" and conflict["lines"] == [2, 3] and len(set(conflict["ruleIds"])) == 2
    refund, returns = conflict["ruleIds"]
    assert questions(api, robot, refund) == ["怎么退款", "退款流程"]
    assert questions(api, robot, returns) == ["怎么退货", "退款流程？", "寄回地址"]


def test_conflicts_count_the_rules_there_after_the_import(api: Api) -> None:
    """Append: the robot's other rules count, not the old version of a rule the file overwrites.
    Replace: the robot's other rules are gone, so they do not count."""
    robot = api.new_robot()
    api.new_rule(robot, ["营业时间", "几点上班"], "9 点", id="hours")
    api.new_rule(robot, ["怎么退款"], "旧答案", id="refund")
    data = jsonl({"id": "open", "questions": ["周末上班吗", "幾點上班？"], "answer": "周末也上班"},
                 {"id": "refund", "questions": ["怎么退款"], "answer": "新答案"})
    entity = import_entity(api, robot, data, "jsonl", "append")
    assert entity["conflicts"] == [{"question": "几点上班", "ruleIds": ["open", "hours"], "lines": [1]}]
    assert questions(api, robot, "hours") == ["营业时间", "几点上班"]
    assert questions(api, robot, "open") == ["周末上班吗", "幾點上班？"]
    entity = import_entity(api, robot, data, "jsonl", "replace")
    assert (entity["deleted"], entity["total"], entity["conflicts"]) == (1, 2, [])


def test_an_import_reply_without_overlaps_has_empty_lists(api: Api) -> None:
    entity = import_entity(api, api.new_robot(), jsonl({"id": "a", "questions": ["问"], "answer": "答"}), "jsonl")
    assert (entity["warnings"], entity["warningCount"], entity["conflicts"], entity["conflictCount"]) == ([], 0, [], 0)


# --- truly bad rows still fail the whole file ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_a_bad_row_fails_the_file_whole_whatever_else_it_repeats(api: Api, fmt: str) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["已有的问题"], "已有的答案", id="existing")
    before = robot_state(api, robot)
    if fmt == "jsonl":
        data = jsonl({"id": "dup", "questions": ["一样", "一样！", "一樣"], "answer": "a"},
                     {"id": "bad", "questions": ["没有答案"]},
                     {"id": "twice", "questions": ["一样", "已有的问题"], "answer": "b"})
    else:
        data = table_file([["id", "standardQuestion", "similarQuestions", "answer"],
                           ["dup", "一样", "一样！\n一樣", "a"], ["bad", "没有答案", "", ""],
                           ["twice", "一样", "已有的问题", "b"]], fmt)
    found = by_line(import_errors(import_file(api, robot, data, fmt)))
    line = 2 if fmt == "jsonl" else 3
    assert list(found) == [line] and ("needs answers" in found[line] or "answer is empty" in found[line])
    assert robot_state(api, robot) == before
    assert api.get(f"{rules_path(robot)}/dup").status_code == 404
