"""Bad input to the Aily-style API: HTTP 400, code 2700001 ("param is invalid") and the field named; unknown ids
get a 404 with a code of their own; a missing or wrong token a 401. Always Feishu's envelope, never a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.channels.aily.conftest import Desk
from tests.channels.aily.helpers import BASE, Aily, expect_aily_error, idem


def _post(aily: Aily, session: str, **fields: Any) -> Any:
    body = {"idempotent_id": idem(), "content_type": "TEXT", "content": "你好", **fields}
    return aily.call("POST", f"/sessions/{session}/messages", json={k: v for k, v in body.items() if v is not ...})


BAD_MESSAGES = [
    ({"idempotent_id": ...}, "idempotent_id"),
    ({"idempotent_id": ""}, "idempotent_id"),
    ({"idempotent_id": "x" * 65}, "idempotent_id"),
    ({"content_type": "HTML"}, "content_type"),
    ({"content_type": ...}, "content_type"),
    ({"content": ...}, "content"),
    ({"content": 42}, "content"),
    ({"file_ids": [f"file_{n}" for n in range(33)]}, "file_ids"),
    ({"file_ids": ["file_unknown"]}, "file_ids[0]"),
    ({"file_ids": "file_1"}, "file_ids"),
    ({"quote_message_id": "x" * 65}, "quote_message_id"),
    ({"quote_message_id": "message_4de9bpg70qskh"}, "quote_message_id"),
    ({"mentions": [{"entity_id": f"ou_{n}"} for n in range(33)]}, "mentions"),
    ({"mentions": [{"name": "张三"}]}, "mentions.0.entity_id"),
]


@pytest.mark.parametrize(("fields", "field"), BAD_MESSAGES, ids=[f for _, f in BAD_MESSAGES])
def test_message_parameters(plain_desk: Desk, fields: dict[str, Any], field: str) -> None:
    session = plain_desk.aily.new_session()["id"]
    body = expect_aily_error(_post(plain_desk.aily, session, **fields), 400, 2700001, "param is invalid", field)
    assert body["data"] == {}
    assert plain_desk.aily.messages(session)["items"] == []


def test_limits_are_inclusive(plain_desk: Desk) -> None:
    aily = plain_desk.aily
    session = aily.new_session()["id"]
    mentions = [{"entity_id": f"ou_{n}", "key": f"@_user_{n}", "name": f"用户{n}"} for n in range(32)]
    message = aily.post(session, "", idempotent_id="x" * 64, mentions=mentions)
    assert message["content"] == "" and len(message["mentions"]) == 32


def test_malformed_json_and_unknown_paths(plain_desk: Desk) -> None:
    session = plain_desk.aily.new_session()["id"]
    broken = plain_desk.aily.call("POST", f"/sessions/{session}/messages", content=b"{not json",
                            headers={"Content-Type": "application/json"})
    expect_aily_error(broken, 400, 2700001, "malformed JSON")
    expect_aily_error(plain_desk.aily.call("GET", "/no/such/path"), 404, 2700404)


def test_unknown_ids_have_their_own_codes(plain_desk: Desk) -> None:
    aily = plain_desk.aily
    session = aily.new_session()["id"]
    expect_aily_error(aily.call("GET", "/sessions/session_nope"), 404, 2700002, "session_nope")
    expect_aily_error(_post(aily, "session_nope"), 404, 2700002)
    expect_aily_error(aily.call("GET", f"/sessions/{session}/messages/nope"), 404, 2700003, "nope")
    expect_aily_error(aily.call("GET", f"/sessions/{session}/runs/run_nope"), 404, 2700004, "run_nope")
    expect_aily_error(aily.call("POST", f"/sessions/{session}/runs/run_nope/cancel"), 404, 2700004)
    expect_aily_error(aily.call("GET", f"/sessions/{session}/messages", params={"run_id": "run_nope"}), 404, 2700004)
    expect_aily_error(aily.call("GET", "/files/file_nope"), 404, 2700005, "file_nope")


def test_list_parameters(plain_desk: Desk) -> None:
    aily = plain_desk.aily
    session = aily.new_session()["id"]
    for params, field in (({"page_size": 0}, "page_size"), ({"page_size": 101}, "page_size"),
                          ({"page_token": "garbage"}, "page_token")):
        expect_aily_error(aily.call("GET", f"/sessions/{session}/messages", params=params), 400, 2700001, field)
    expect_aily_error(aily.call("GET", f"/sessions/{session}/runs", params={"page_token": "x"}), 400, 2700001,
                      "page_token")
    skill = aily.call("POST", f"/sessions/{session}/runs", json={"skill_id": "skill_1"})
    expect_aily_error(skill, 400, 2700001, "skill_id")


def test_tokens(plain_desk: Desk) -> None:
    url = plain_desk.api.server.base_url + BASE + "/sessions"
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Bearer hdk_revoked-or-made-up"}):
        response = httpx.post(url, json={"robot_id": plain_desk.robot}, headers=headers, timeout=30)
        expect_aily_error(response, 401, 99991663)


BAD_SESSIONS = [({"metadata": 42}, "metadata"), ({"channel_context": ["web"]}, "channel_context"),
                ({"metadata": "x" * 65_537}, "metadata"), ({"robot_id": "x" * 37}, "robot_id")]


@pytest.mark.parametrize(("fields", "field"), BAD_SESSIONS, ids=[f for _, f in BAD_SESSIONS])
def test_session_parameters(plain_desk: Desk, fields: dict[str, Any], field: str) -> None:
    aily = plain_desk.aily
    created = aily.call("POST", "/sessions", json={"robot_id": plain_desk.robot, **fields})
    expect_aily_error(created, 400, 2700001, field)
    if field != "robot_id":
        session = aily.new_session(metadata="v1")
        expect_aily_error(aily.call("PUT", f"/sessions/{session['id']}", json=fields), 400, 2700001, field)
        assert aily.ok("GET", f"/sessions/{session['id']}")["session"] == session


def test_content_is_capped_at_10_000_characters(plain_desk: Desk) -> None:
    """Huida's bound for a visitor message (channels/aily/routes.py MAX_CONTENT), not the seed's 16,777,216."""
    session = plain_desk.aily.new_session()["id"]
    expect_aily_error(_post(plain_desk.aily, session, content="x" * 10_001), 400, 2700001, "content", "10000")
    assert plain_desk.aily.messages(session)["items"] == []
    assert _post(plain_desk.aily, session, content="长" * 10_000).status_code == 200


def test_a_quote_and_a_read_stay_in_their_session(plain_desk: Desk) -> None:
    aily = plain_desk.aily
    mine, other = aily.new_session()["id"], aily.new_session()["id"]
    first = aily.post(mine, "第一条")
    expect_aily_error(_post(aily, other, quote_message_id=first["id"]), 400, 2700001, "quote_message_id", other)
    expect_aily_error(aily.call("GET", f"/sessions/{other}/messages/{first['id']}"), 404, 2700003, first["id"])


def test_forged_page_tokens_and_wrong_types(plain_desk: Desk) -> None:
    aily = plain_desk.aily
    session = aily.new_session()["id"]
    aily.post(session, "一")
    aily.post(session, "二")
    token = aily.messages(session, page_size=1)["page_token"]
    body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**body, "s": 2**70}).encode()).decode().rstrip("=")
    listed = aily.call("GET", f"/sessions/{session}/messages", params={"page_size": 1, "page_token": forged})
    expect_aily_error(listed, 400, 2700001, "page_token")
    for params, field in (({"page_size": "ten"}, "page_size"), ({"with_partial_message": "maybe"},
                                                                "with_partial_message")):
        expect_aily_error(aily.call("GET", f"/sessions/{session}/messages", params=params), 400, 2700001, field)
