"""A bad import reports every bad row (line and reason) in the envelope, and writes nothing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.knowledge.io_helpers import by_line, import_errors, import_file, robot_state, rules_path, xlsx_bytes
from tests.support.client import Api, expect_error


@pytest.fixture
def robot(api: Api) -> str:
    """A robot holding one rule, so that "nothing written" is visible."""
    robot_id = api.new_robot()
    api.new_rule(robot_id, ["已有的问题"], "已有的答案", id="existing")
    return robot_id


def _line(**rule: object) -> str:
    return json.dumps(rule, ensure_ascii=False)


def _menu(*targets: str) -> list[dict]:
    return [{"type": "MENU", "content": {"title": "选", "items": [{"knowledgeId": t} for t in targets]}}]


# (line of the file, text of the line, what the reason must say; None = the line is fine)
JSONL_CASES: list[tuple[str, str | None]] = [
    (_line(id="ok1", questions=["好的"], answer="好"), None),
    ('{"id": "broken", "questions": [', "invalid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ("", None),
    (_line(id="no-q", answer="x"), "questions: Field required"),
    (_line(id="empty-answer", questions=["q5"], answer="  "), "needs answers"),
    (_line(id="bad id!", questions=["q6"], answer="a"), "id must be"),
    (_line(id="ok1", questions=["重复编号"], answer="a"), "duplicate id ok1 (first on line 1)"),
    (_line(id="pic", questions=["q"], answers=[{"type": "PIC", "content": {"mediaId": "no-such"}}]),
     "unknown media id: no-such"),
    (_line(id="news", questions=["q"], answers=[{"type": "NEWS", "content": {"articleIds": ["nope"]}}]),
     "unknown article id: nope"),
    (_line(id="menu", questions=["q"], answers=_menu("ghost")), "menu item points at unknown rule: ghost"),
    (_line(id="cat", questions=["q"], answer="a", categoryIds=["no-such-cat"]), "unknown category id"),
    (_line(id="strategy", questions=["q"], answers=[{"type": "TEXT", "answer": "a", "strategies": [{"type": "MOON"}]}]),
     "strategy type must be one of"),
    (_line(id="status", questions=["q"], answer="a", status="MAYBE"), "status"),
    (_line(id="nul", questions=["a\u0000b"], answer="a"), "questions.0: contains a control character (U+0000)"),
    (_line(id="esc", questions=["q"], answer="a\u001b[31m"), "answer: contains a control character (U+001B)"),
    (_line(id="window", questions=["q"], answer="a", enableTime=5, disableTime=3), "enableTime must be before"),
    (_line(id="long-cat", questions=["q"], answer="a", categories=["长" * 201]), "200 characters"),
    (_line(id="far", questions=["q"], answer="a", disableTime=10**17), "disableTime"),
    (_line(id="dup-q", questions=["一样", "一样"], answer="a"), None),  # kept once: see test_import_overlaps.py
    (_line(id="menu-ok", questions=["菜单"], answers=_menu("empty-answer", "existing")), None),
    ('{"id": "lone", "questions": ["\\ud800"], "answer": "x"}', "invalid Unicode"),
    ('{"id": "nan", "questions": ["q"], "answer": "x", "extInfo": {"v": NaN}}', "NaN is not allowed"),
    (_line(id="ok2", questions=["好的二"], answer="好"), None),
]


def test_every_bad_jsonl_line_is_reported_and_nothing_is_written(api: Api, robot: str) -> None:
    before = robot_state(api, robot)
    data = "\n".join(text for text, _ in JSONL_CASES).encode()
    errors = import_errors(import_file(api, robot, data, "jsonl"))
    expected = {number: reason for number, (_, reason) in enumerate(JSONL_CASES, 1) if reason}
    found = by_line(errors)
    assert set(found) == set(expected), found
    for number, reason in expected.items():
        assert reason in found[number], (number, found[number])
    ids = {e["line"]: e["id"] for e in errors}
    assert ids[8] == "ok1" and ids[2] is None
    assert robot_state(api, robot) == before
    expect_error(api.get(f"{rules_path(robot)}/ok1"), 404)


def test_in_replace_mode_menus_cannot_point_at_rules_about_to_go(api: Api, robot: str) -> None:
    data = _line(id="m", questions=["菜单"], answers=_menu("existing")).encode()
    assert by_line(import_errors(import_file(api, robot, data, "jsonl", "replace"))) == {
        1: "menu item points at unknown rule: existing"}
    assert import_file(api, robot, data, "jsonl", "append").status_code == 200


CSV_FILE = """id,standardQuestion,similarQuestions,answer,answersJson,categories,status,enableTime,extInfo
c1,问题一,"相似一
相似二",答案一,,,,,
c2,,,答案,,,,,
c3,问题三,,,,,,,
c4,问题四,,答案,"[{""type"": ""TEXT"", ""answer"": ""x""}]",,,,
c5,问题五,,,{not json,,,,
c6,问题六,,答案,,,SOMETIMES,,
c7,问题七,,答案,,,,yesterday,
c8,问题八,,答案,,,,,[1]
c1,问题九,,答案,,,,,
,,,,,,,,
c10,问题十,,,"[{""type"": ""PIC"", ""content"": {""mediaId"": ""gone""}}]",,,,
c11,问题十一,,答案,,,,,,surplus
"""
# Rows as a spreadsheet numbers them (header = 1): the multi-line cell of row 2 does not shift them.
CSV_EXPECTED = {
    3: "standardQuestion is empty", 4: "answer is empty", 5: "not both", 6: "answersJson: invalid JSON",
    7: "status", 8: "enableTime must be epoch milliseconds or a date-time", 9: "extInfo: must be a JSON object",
    10: "duplicate id c1 (first on line 2)", 12: "unknown media id: gone", 13: "no header",
}


def test_every_bad_csv_row_is_reported_with_its_row_number(api: Api, robot: str) -> None:
    before = robot_state(api, robot)
    found = by_line(import_errors(import_file(api, robot, CSV_FILE.encode(), "csv")))
    assert set(found) == set(CSV_EXPECTED), found
    for number, reason in CSV_EXPECTED.items():
        assert reason in found[number], (number, found[number])
    assert robot_state(api, robot) == before


def test_every_bad_xlsx_row_is_reported(api: Api, robot: str) -> None:
    before = robot_state(api, robot)
    data = xlsx_bytes([["编号", "标准问题", "答案", "答案JSON"], [1001, "数字编号", "可以", None],
                       ["x2", None, "答案", None], [None, None, None, None], ["x4", "问题", None, "[oops"],
                       ["x5", "问题五", "答案", None]])
    found = by_line(import_errors(import_file(api, robot, data, "xlsx")))
    assert set(found) == {3, 5} and "standardQuestion is empty" in found[3] and "invalid JSON" in found[5]
    assert robot_state(api, robot) == before
    good = xlsx_bytes([["编号", "标准问题", "答案"], [1001, "数字编号", "可以"]])
    assert import_file(api, robot, good, "xlsx").status_code == 200
    assert api.ok("GET", f"{rules_path(robot)}/1001")["answersArray"] == ["可以"]


def _zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


VALID_XLSX = xlsx_bytes([["标准问题", "答案"], ["问", "答"]])
MALFORMED = [
    ("jsonl", b"", "the file is empty"),
    ("jsonl", b"\n  \n", "the file is empty"),
    ("jsonl", b"\xff\xfe\x00garbage", "not a JSONL text file"),
    ("csv", b"", "the file is empty"),
    ("csv", b"id,standardQuestion,answer\n", "holds no rules"),
    ("csv", "\n\n标准问题,答案\n问,答\n".encode(), "first row must hold the column names"),
    ("csv", b'{"id": "r0", "questions": ["q"], "answer": "a"}\n', "bad header"),
    ("csv", "标准问题,答案,问题\n".encode(), "appears twice"),
    ("csv", b"id,answer\nr1,a\n", "no question column"),
    ("csv", b"\x00\x01\x02\xff\xfe", "not a CSV text file"),
    ("csv", VALID_XLSX, "use format=xlsx"),
    ("xlsx", b"", "the file is empty"),
    ("xlsx", b"this is not a spreadsheet", "not a readable XLSX file"),
    ("xlsx", VALID_XLSX[: len(VALID_XLSX) // 2], "not a readable XLSX file"),
    ("xlsx", _zip_of("hello.txt", b"hi"), "not a readable XLSX file"),
    ("xlsx", xlsx_bytes([]), "the file is empty"),
]


@pytest.mark.parametrize(("fmt", "data", "reason"), MALFORMED, ids=[f"{f}-{r}" for f, _, r in MALFORMED])
def test_malformed_files_are_400_and_change_nothing(api: Api, robot: str, fmt: str, data: bytes, reason: str) -> None:
    before = robot_state(api, robot)
    errors = import_errors(import_file(api, robot, data, fmt))
    assert len(errors) == 1 and reason in errors[0]["reason"], errors
    assert errors[0]["line"] in (None, 1)
    assert robot_state(api, robot) == before


def test_unknown_formats_modes_and_bodies(api: Api, robot: str) -> None:
    before = robot_state(api, robot)
    data = b'{"questions": ["q"], "answer": "a"}\n'
    expect_error(import_file(api, robot, data, "pdf"), 400, "UNSUPPORTED_FORMAT")
    expect_error(import_file(api, robot, b"", files={"file": ("rules.pdf", data, "application/pdf")}), 400,
                 "UNSUPPORTED_FORMAT")
    expect_error(import_file(api, robot, data, "jsonl", "sideways"), 400, "INVALID_PARAMETER")
    expect_error(import_file(api, robot, b"garbage", headers={"content-type": "multipart/form-data; boundary=xyz"}),
                 400)
    expect_error(import_file(api, "no-such-robot", data), 404, "ROBOT_NOT_FOUND")
    assert robot_state(api, robot) == before
