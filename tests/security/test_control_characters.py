"""Finding 4: one rule for text on SQLite and PostgreSQL alike (huida/safetext.py), at every way text gets in.

Control characters other than tab, line feed and carriage return (C0, DEL, C1) and lone surrogates are refused
with a 400 naming the field, in the API's own envelope, before anything is stored: in JSON bodies of every route
family, in path and query parameters, in the Aily sender header, and as a bad row of an import. So a robot's
knowledge always moves: what one robot exports, another imports, in every format, on both backends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from huida.api.textcheck import refuse_control_characters
from huida.app import create_app
from huida.context import build_context
from huida.conversation.models import ChatSession, Message
from huida.safetext import strip_refused, text_problem, value_problem
from tests.channels.aily.helpers import Aily, expect_aily_error, idem, tenant_client
from tests.knowledge.io_helpers import (
    by_line,
    export_file,
    import_errors,
    import_file,
    import_ok,
    robot_state,
    rules_path,
    sheet_values,
    xlsx_bytes,
)
from tests.support.client import Api, expect_error
from tests.support.server import settings_for_tests

FORMATS = ["jsonl", "csv", "xlsx"]
REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9b", "\ud800", "\udfff"]
KEPT = ["\t", "\n", "\r", "\r\n", "\u2028", "\u2029", "\u00a0", "\u200d", "😀", "👨‍👩‍👧", "🇨🇳", "中文", "é"]


# --- the rule ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_refused_characters(char: str) -> None:
    problem = text_problem(f"a{char}b")
    assert problem is not None and f"U+{ord(char):04X}" in problem
    assert strip_refused(f"a{char}b") == "ab"


@pytest.mark.parametrize("text", KEPT)
def test_kept_characters(text: str) -> None:
    assert text_problem(f"a{text}b") is None and strip_refused(text) == text


def test_a_problem_names_the_field_keys_included() -> None:
    assert value_problem({"questions": ["ok", {"question": "a\x00"}]})[0] == "questions.1.question"
    assert value_problem({"extInfo": {"k\x1b": 1}})[0] == "extInfo (a key)"
    assert value_problem({"a": [1, None, True, 2.5, "\t\n"]}) is None


# --- every route family ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app as `huida serve` builds it (on a database of its own, without a worker)."""
    data_dir = tmp_path_factory.mktemp("routes")
    ctx = build_context(settings_for_tests(f"sqlite:///{data_dir / 'huida.db'}", data_dir, run_worker=False))
    try:
        yield create_app(ctx=ctx)
    finally:
        ctx.db.dispose()


def _routes(app: FastAPI) -> list[APIRoute]:
    """Every API route the app serves, whichever way its family was included."""
    found: list[APIRoute] = []
    stack: list[Any] = list(app.routes)
    while stack:
        route = stack.pop()
        if isinstance(route, APIRoute):
            found.append(route)
        elif getattr(route, "original_router", None) is not None:  # FastAPI 0.16x keeps included routers whole
            stack.extend(route.original_router.routes)
    return sorted(found, key=lambda r: (r.path, sorted(r.methods)))


def test_the_check_is_a_dependency_of_the_whole_app(served: FastAPI) -> None:
    """Installed on the app, not on routers, so a route family added later gets it without asking."""
    assert refuse_control_characters in [d.dependency for d in served.router.dependencies]
    assert len(_routes(served)) > 80


def _url(api: Api, route: APIRoute, **values: str) -> str:
    path = route.path_format.replace("{tenantId}", str(api.tenant_id))  # "{name}" also for "{name:path}"
    for name in route.param_convertors:
        path = path.replace("{" + name + "}", quote(values.get(name, "x"), safe=""))
    return api.server.base_url + path


def _expect_refused(response: httpx.Response, field: str, path: str) -> None:
    """400 in the route's own envelope, naming the field and the character."""
    assert response.status_code == 400, (path, response.status_code, response.text)
    body = response.json()
    if path.startswith("/open-apis/"):
        assert body["code"] == 2700001 and set(body) == {"code", "msg", "data"}, (path, body)
        message = body["msg"]
    elif path.startswith("/channels/feishu/"):  # the callback answers in its own shape, {code, msg}
        assert body["code"] == 400 and set(body) == {"code", "msg"}, (path, body)
        message = body["msg"]
    else:
        assert body["status"] == "FAIL" and body["errorCode"] == "INVALID_PARAMETER", (path, body)
        message = body["errorDescription"]
    assert f"{field}: contains a control character" in message, (path, message)


def test_every_json_body_refuses_control_characters(api: Api, served: FastAPI) -> None:
    """Whatever the model, a string with NUL anywhere in a JSON body is a 400 naming it: before the model is
    validated, before authentication, before anything is looked up or stored."""
    routes = [r for r in _routes(served) if r.body_field is not None and r.methods & {"POST", "PUT", "PATCH"}]
    assert len(routes) > 30, [r.path for r in routes]
    for route in routes:
        method = sorted(route.methods & {"POST", "PUT", "PATCH"})[0]
        body = {"probe": ["ok", {"deep": "a\u0000b"}]}
        response = api.http.request(method, _url(api, route), json=body)
        _expect_refused(response, "probe.1.deep", route.path)


def test_every_route_refuses_control_characters_in_parameters(api: Api, served: FastAPI) -> None:
    for route in _routes(served):
        method = sorted(route.methods)[0]
        response = api.http.request(method, _url(api, route), params={"probe": "a\x1bb"})
        _expect_refused(response, "probe", route.path)
        names = list(route.param_convertors)
        if names and names[-1] != "tenantId":
            response = api.http.request(method, _url(api, route, **{names[-1]: "a\x00b"}))
            _expect_refused(response, names[-1], route.path)


# --- nothing stored, on both backends ----------------------------------------------------------------------


def _messages(api: Api) -> tuple[int, int]:
    with api.server.ctx.db.read() as session:
        sessions = session.scalar(select(func.count()).select_from(ChatSession)
                                  .where(ChatSession.tenant_id == api.tenant_id))
        messages = session.scalar(select(func.count()).select_from(Message).where(Message.tenant_id == api.tenant_id))
        return sessions or 0, messages or 0


@pytest.mark.parametrize(("rule", "field"), [
    ({"questions": ["怎么\x00退款"], "answer": "答"}, "questions.0"),
    ({"questions": ["问", "相似\x00"], "answer": "答"}, "questions.1"),
    ({"questions": ["问"], "answer": "答\x00"}, "answer"),
    ({"questions": ["问"], "answers": [{"type": "TEXT", "answer": "答\x7f"}]}, "answers.0.answer"),
    ({"questions": [{"question": "问", "attributes": {"来源\x00": "x"}}], "answer": "答"}, "questions.0.attributes"),
])
def test_nul_in_a_rule_is_refused_and_nothing_is_stored(api: Api, rule: dict[str, Any], field: str) -> None:
    robot = api.new_robot()
    before = robot_state(api, robot)
    response = api.post(rules_path(robot), json=rule)
    assert field in expect_error(response, 400, "INVALID_PARAMETER")["errorDescription"]
    assert robot_state(api, robot) == before


def test_nul_in_a_user_id_or_question_is_refused_and_nothing_is_stored(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["怎么退款"], "在订单页申请。")
    before = _messages(api)
    for body, field in [({"question": "怎么退款", "userId": "访客\x00"}, "userId"),
                        ({"question": "怎么\x00退款", "userId": "访客"}, "question"),
                        ({"question": "怎么退款", "userId": "访客", "originType": "web\x1b"}, "originType")]:
        response = api.post(f"/knowledge/robots/{robot}/ask", json=body)
        assert field in expect_error(response, 400, "INVALID_PARAMETER")["errorDescription"]
    assert _messages(api) == before
    api.ok("POST", f"/knowledge/robots/{robot}/ask", json={"question": "怎么退款\t？\n", "userId": "访客"})
    assert _messages(api)[1] == before[1] + 2


def test_aily_refuses_in_its_own_envelope_and_stores_nothing(api: Api) -> None:
    robot = api.new_robot()
    aily: Aily = tenant_client(api, robot)
    session = aily.new_session()["id"]
    for fields, field in [({"content": "你好\x00"}, "content"), ({"idempotent_id": "a\x00"}, "idempotent_id"),
                          ({"mentions": [{"entity_id": "u", "name": "张\x00三"}]}, "mentions.0.name")]:
        body = {"idempotent_id": idem(), "content_type": "TEXT", "content": "你好", **fields}
        expect_aily_error(aily.call("POST", f"/sessions/{session}/messages", json=body), 400, 2700001, field)
    # The visitor id a client speaks for is stored as the sender: the same rule (a raw 0x85 byte is NEL).
    body = {"idempotent_id": idem(), "content_type": "TEXT", "content": "你好"}
    response = aily.call("POST", f"/sessions/{session}/messages", json=body,
                         headers={"X-Aily-BizUserID": b"user\x85"})
    expect_aily_error(response, 400, 2700001, "X-Aily-BizUserID", "U+0085")
    assert aily.messages(session)["items"] == []


# --- imports: a bad row like any other, and the round trip -------------------------------------------------

ROUND_TRIP_RULES: list[dict[str, Any]] = [
    {"id": "tabs", "questions": ["列\t之间\t有制表符", "第一行\n第二行", "Windows\r\n换行"],
     "answer": "第一行\n\t缩进的第二行\r\n第三行"},
    {"id": "unicode",
     "questions": ["繁體中文問題", "ümlaut café naïve", "مرحبا", "e\u0301 組合字符", "不\u00a0换行空格"],
     "answers": [{"type": "TEXT", "answer": "段落\u2028行分隔\u2029段分隔", "display": "零宽\u200d连接"}],
     "extInfo": {"备注\t键": "值\n多行", "emoji": "🎉"}, "topic": "主题\t一"},
    {"id": "emoji", "questions": ["👍", "家庭 👨‍👩‍👧 和旗帜 🇨🇳", "=1+1 不是公式"], "answer": "😀 _x0041_ 不是转义",
     "categories": ["表情\t分类"]},
]


def _records(jsonl: bytes) -> list[dict[str, Any]]:
    # Split on "\n" only: U+2028 inside a JSON string is text, not a line break.
    return [json.loads(line) for line in jsonl.decode("utf-8").split("\n") if line]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_robots_export_imports_again_unchanged(api: Api, fmt: str) -> None:
    source = api.new_robot("来源")
    for rule in ROUND_TRIP_RULES:
        api.ok("POST", rules_path(source), json=rule)
    exported = export_file(api, source, fmt)
    copy = api.new_robot("副本")
    assert import_ok(api, copy, exported, fmt)["imported"] == len(ROUND_TRIP_RULES)
    again = export_file(api, copy, fmt)
    assert (sheet_values(again) == sheet_values(exported)) if fmt == "xlsx" else again == exported
    records = _records(export_file(api, copy, "jsonl"))
    assert records == _records(export_file(api, source, "jsonl"))
    assert records[0]["answers"][0]["answer"] == "第一行\n\t缩进的第二行\r\n第三行"
    assert records[1]["answers"][0]["answer"] == "段落\u2028行分隔\u2029段分隔"
    assert records[2]["questions"][1] == "家庭 👨‍👩‍👧 和旗帜 🇨🇳"


BAD_FILES = {
    "jsonl": ('{"id": "ok", "questions": ["好"], "answer": "好"}\n'
              '{"id": "bad", "questions": ["坏\\u0000"], "answer": "坏"}\n').encode(),
    "csv": "id,standardQuestion,answer\nok,好,好\nbad,坏\x00,坏\n".encode(),
    "xlsx": xlsx_bytes([["id", "standardQuestion", "answer"], ["ok", "好", "好"], ["bad", "坏_x0000_", "坏"]]),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_control_character_in_an_import_is_a_bad_row(api: Api, fmt: str) -> None:
    robot = api.new_robot()
    before = robot_state(api, robot)
    errors = import_errors(import_file(api, robot, BAD_FILES[fmt], fmt))
    assert list(by_line(errors)) == [2 if fmt == "jsonl" else 3] and errors[0]["id"] == "bad"  # CSV/XLSX: a header
    assert "questions.0: contains a control character (U+0000)" in errors[0]["reason"]
    assert robot_state(api, robot) == before
