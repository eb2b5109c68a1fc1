"""Malformed reading parameters get a 4xx in Huida's envelope, never a 500: wrong types, over-long values,
forged page tokens whose numbers no database column holds, extreme times."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.conversation.helpers import ask
from tests.support.client import Api, expect_error


@pytest.fixture
def chat(api: Api) -> str:
    """A chat of two messages (a question and the robot's default reply)."""
    return ask(api, api.new_robot(), "你好", user="visitor-1")["sessionId"]


def _forged(token: str, **changes: Any) -> str:
    """The token with some of its fields replaced (it stays well-formed, base64 JSON for the same listing)."""
    body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw = json.dumps({**body, **changes}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD = [
    ("/messages", {"page_size": "ten"}),
    ("/messages", {"page_size": "1e3"}),
    ("/messages", {"chat_id": "x" * 1001}),
    ("/messages", {"relative_time": "last_99999999_days"}),
    ("/messages", {"relative_time": "last_0_minutes"}),
    ("/messages", {"start_time": "2026-02-30T00:00:00"}),
    ("/messages", {"sort_rule": ""}),
    ("/threads/omt_" + "x" * 65 + "/messages", {}),
    ("/threads/omt_x/messages", {"sort_rule": "oldest"}),
    ("/search", {"query": "退款" * 501}),
    ("/search", {"sender_ids": ",".join(f"u{n}" for n in range(51))}),
    ("/search", {"mention_ids": ",".join(f"u{n}" for n in range(51))}),
    ("/search", {"query": "退款", "page_size": 0}),
    ("/search", {"query": "退款", "page_token": "%%%"}),
    ("/messages/m1/resources/file_x", {}),  # type is required
]


@pytest.mark.parametrize(("path", "params"), BAD, ids=[f"{p} {sorted(q)}" for p, q in BAD])
def test_bad_parameters_are_a_400(api: Api, chat: str, path: str, params: dict[str, Any]) -> None:
    if path == "/messages" and "chat_id" not in params:
        params = {**params, "chat_id": chat}
    body = expect_error(api.get(f"/conversations{path}", params=params), 400)
    assert body["errorCode"] == "INVALID_PARAMETER"


@pytest.mark.parametrize("changes", [{"s": 2**70}, {"s": -(2**70)}, {"a": 2**70}, {"b": -(2**70)},
                                     {"s": "1"}, {"s": 1.5}, {"a": True}])
def test_forged_page_tokens_are_a_400(api: Api, chat: str, changes: dict[str, Any]) -> None:
    first = api.ok("GET", "/conversations/messages", params={"chat_id": chat, "page_size": 1})
    assert first["has_more"] and first["page_token"]
    params = {"chat_id": chat, "page_size": 1, "page_token": _forged(first["page_token"], **changes)}
    body = expect_error(api.get("/conversations/messages", params=params), 400, "INVALID_PARAMETER")
    assert "page_token" in body["errorDescription"]


def test_extreme_times_are_answered(api: Api, chat: str) -> None:
    for start, end in (("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"), ("0001-01-01", None)):
        params = {"chat_id": chat, "start_time": start, **({"end_time": end} if end else {})}
        assert len(api.ok("GET", "/conversations/messages", params=params)["items"]) == 2
