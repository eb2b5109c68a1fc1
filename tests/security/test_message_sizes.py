"""Finding 9: bounded message sizes per API (README, "Input rules"), and listings that never return more than
their page bound, whatever a visitor posted or clicked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.channels.aily.helpers import Aily, expect_aily_error, idem, tenant_client
from tests.conversation.helpers import ask
from tests.support.client import Api, expect_error

TEN_MILLION = 10_000_000


def _post(aily: Aily, session: str, content: str) -> Any:
    body = {"idempotent_id": idem(), "content_type": "TEXT", "content": content}
    return aily.call("POST", f"/sessions/{session}/messages", json=body)


def test_a_ten_million_character_aily_message_is_refused(api: Api) -> None:
    aily = tenant_client(api, api.new_robot())
    session = aily.new_session()["id"]
    expect_aily_error(_post(aily, session, "x" * TEN_MILLION), 400, 2700001, "content", "10000")
    expect_aily_error(_post(aily, session, "长" * 10_001), 400, 2700001, "content")
    assert aily.messages(session)["items"] == []
    assert _post(aily, session, "长" * 10_000).status_code == 200  # the bound itself is accepted


def test_aily_message_listing_never_exceeds_its_page_size(api: Api) -> None:
    aily = tenant_client(api, api.new_robot())
    session = aily.new_session()["id"]
    for number in range(7):
        assert _post(aily, session, f"第{number}条 " + "长" * 9_990).status_code == 200
    seen: list[str] = []
    token = ""
    while True:
        data = aily.ok("GET", f"/sessions/{session}/messages", params={"page_size": 3, "page_token": token})
        assert len(data["items"]) <= 3 and all(len(m["content"]) <= 10_000 for m in data["items"])
        seen += [m["id"] for m in data["items"]]
        if not data["has_more"]:
            break
        token = data["page_token"]
    assert len(seen) == len(set(seen)) == 7
    for page_size in (0, 101):
        response = aily.call("GET", f"/sessions/{session}/messages", params={"page_size": page_size})
        expect_aily_error(response, 400, 2700001, "page_size")


# --- the Easemob-style API: every visitor text has a bound, refused with a 400 naming the field -----------------


@pytest.fixture
def answered(api: Api) -> tuple[str, str, str]:
    """(robot id, the msgId of a robot answer, its sessionId)."""
    robot = api.new_robot()
    api.new_rule(robot, ["怎么退款"], "在订单详情页申请退款。")
    entity = ask(api, robot, "怎么退款", user="visitor-sizes")
    return robot, entity["msgId"], entity["sessionId"]


def _over(api: Api, robot: str, msg_id: str, session_id: str) -> list[tuple[str, dict[str, Any], str]]:
    knowledge, comment = f"/knowledge/robots/{robot}", f"/comment/robots/{robot}"
    return [
        (f"{knowledge}/ask", {"question": "问" * 2_001, "userId": "v"}, "question"),
        (f"{knowledge}/ask", {"question": "问", "userId": "v" * 201}, "userId"),
        (f"{knowledge}/hit-test", {"question": "问" * 2_001}, "question"),
        (f"{comment}/comments", {"sessionId": session_id, "score": 5, "comment": "评" * 2_001}, "comment"),
        (f"{comment}/satisfactionComments", {"sessionId": session_id, "msgId": msg_id, "type": 1,
                                             "comment": "评" * 2_001}, "comment"),
        (f"{knowledge}/messages/{msg_id}/feedback", {"feedbackStatus": "thumb-down", "feedback": "差" * 1_001},
         "1000"),
    ]


def test_easemob_texts_over_their_bound_are_refused(api: Api, answered: tuple[str, str, str]) -> None:
    robot, msg_id, session_id = answered
    for path, body, fragment in _over(api, robot, msg_id, session_id):
        description = expect_error(api.post(path, json=body), 400)["errorDescription"]
        assert fragment in description, (path, description)


def test_feedback_history_is_paged(api: Api, answered: tuple[str, str, str]) -> None:
    """Every click is a row; the listing of them is a page of at most `size` (≤ 100), the current one apart."""
    robot, msg_id, _ = answered
    path = f"/knowledge/robots/{robot}/messages/{msg_id}/feedback"
    for number in range(7):
        status = "thumb-up" if number % 2 == 0 else "thumb-down"
        api.ok("POST", path, json={"feedbackStatus": status})
    first = api.get(path, params={"size": 3}).json()
    assert [len(first["entity"]["history"]), first["entity"]["historyTotal"]] == [3, 7]
    assert (first["totalElements"], first["totalPages"], first["numberOfElements"]) == (7, 3, 3)
    assert first["entity"]["current"]["current"] is True and first["entity"]["feedbackStatus"] == "thumb-up"
    last = api.ok("GET", path, params={"size": 3, "page": 2})
    assert len(last["history"]) == 1 and last["history"][0]["current"] is True
    assert len(api.ok("GET", path)["history"]) == 7  # the default page holds 100
    expect_error(api.get(path, params={"size": 101}), 400, "INVALID_PARAMETER")


# --- the bounds are in the OpenAPI document ------------------------------------------------------------------


def _max_length(document: dict[str, Any], model: str, field: str) -> int | None:
    """The maxLength of a body field, wherever its schema puts it (a nullable field nests it in anyOf)."""
    stack = [document["components"]["schemas"][model]["properties"][field]]
    while stack:
        schema = stack.pop()
        if "maxLength" in schema:
            return schema["maxLength"]
        stack += [s for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, [])]
    return None


@pytest.mark.parametrize(("model", "field", "bound"), [
    ("MessageBody", "content", 10_000), ("AskBody", "question", 2_000), ("AskBody", "userId", 200),
    ("HitTestBody", "question", 2_000), ("CommentBody", "comment", 2_000), ("RatingBody", "comment", 2_000),
])
def test_the_document_states_the_bounds(api: Api, model: str, field: str, bound: int) -> None:
    assert _max_length(api.get("/openapi.json").json(), model, field) == bound
