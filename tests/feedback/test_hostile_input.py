"""Hostile values in every field of every ratings, feedback and webhook write: a 4xx in the Easemob
envelope, never a 500 (PostgreSQL refuses NUL characters and lone surrogates that SQLite stores, numbers
beyond 64 bits overflow its columns, and wrong JSON types reach the code as whatever the client sent)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.feedback.helpers import REFUND_Q, SECRET, Desk, talk
from tests.support.hostile import HOSTILE, PATH_IDS, raw_body
from tests.support.receiver import Receiver


def refused(response: httpx.Response, what: str) -> None:
    assert 400 <= response.status_code < 500, (what, response.status_code, response.text[:300])
    body = response.json()
    assert body["status"] == "FAIL" and body["errorCode"], (what, body)


def writes(desk: Desk, session_id: str, msg_id: str, level: int, tag: int, reason: int, hook: str,
           receiver: Receiver) -> list[tuple[str, str, dict[str, Any]]]:
    comment = desk.comment
    return [
        ("PUT", f"/predefined/robots/{desk.robot}/options/evaluateSwitch", {"optionValue": "true"}),
        ("POST", f"{comment}/levels", {"name": "又一级", "score": 3}),
        ("PUT", f"{comment}/levels/{level}", {"name": "改名", "status": "Enable"}),
        ("POST", f"{comment}/levels/{level}/tags", {"name": "新标签", "sort": 1}),
        ("PUT", f"{comment}/levels/{level}/tags/{tag}", {"name": "改名", "sort": 1}),
        ("POST", f"{comment}/comments", {"sessionId": session_id, "score": 5, "tag": "服务好", "comment": "好",
                                         "accessId": "a", "appraiserName": "n", "source": "webim"}),
        ("POST", f"{comment}/satisfactionCommentTags", {"name": "新原因"}),
        ("PUT", f"{comment}/satisfactionCommentTags/{reason}", {"name": "改名"}),
        ("POST", f"{comment}/satisfactionComments", {"sessionId": session_id, "msgId": msg_id, "type": 2,
                                                     "reasonTag": "所问非所答", "comment": "c", "source": "webim"}),
        ("POST", desk.feedback_path(msg_id), {"feedbackStatus": "thumb-down", "feedback": "没懂", "userId": "u"}),
        ("POST", f"/robots/{desk.robot}/webhooks", {"url": receiver.url("/h2"), "secret": SECRET,
                                                    "events": ["feedback"], "active": True}),
        ("PUT", f"/robots/{desk.robot}/webhooks/{hook}", {"url": receiver.url("/h3"), "secret": SECRET,
                                                          "events": ["comment"], "active": True}),
    ]


def test_hostile_field_values_are_refused_in_the_envelope(desk: Desk, receiver: Receiver) -> None:
    [answer] = talk(desk, REFUND_Q)
    level = desk.api.ok("GET", f"{desk.comment}/tags")[0]
    reason = desk.api.ok("GET", f"{desk.comment}/satisfactionCommentTags")[0]["id"]
    hook = desk.api.ok("POST", f"/robots/{desk.robot}/webhooks", json={
        "url": receiver.url(), "secret": SECRET, "events": ["feedback"]})["webhookId"]
    for method, path, base in writes(desk, answer["sessionId"], answer["msgId"], level["id"],
                                     level["tagList"][0]["id"], reason, hook, receiver):
        for field in base:
            for fragment in HOSTILE:
                response = desk.api.request(method, path, content=raw_body(base, field, fragment),
                                            headers={"content-type": "application/json"})
                assert response.status_code < 500, (method, path, field, fragment, response.text[:300])
                if response.status_code >= 400:
                    refused(response, f"{method} {path} {field}={fragment}")


def test_hostile_ids_in_paths_and_queries_are_refused(desk: Desk) -> None:
    [answer] = talk(desk, REFUND_Q)
    hooks = f"/robots/{desk.robot}/webhooks"
    hook = desk.api.ok("POST", hooks, json={"url": "http://127.0.0.1:9/x", "secret": SECRET,
                                            "events": ["feedback"]})["webhookId"]
    for bad in PATH_IDS:
        for method, path in [
            ("GET", f"/predefined/robots/{bad}/options/evaluateSwitch"),
            ("GET", f"/predefined/robots/{desk.robot}/options/{bad}"),
            ("GET", f"{desk.comment}/levels/{bad}"),
            ("DELETE", f"{desk.comment}/satisfactionCommentTags/{bad}"),
            ("GET", f"{desk.comment}/comment?sessionId={bad}"),
            ("GET", f"{desk.comment}/session/{bad}/satisfactionComments"),
            ("GET", f"{desk.comment}/session/{answer['sessionId']}/satisfactionComments?type={bad}"),
            ("GET", f"{desk.comment}/session/{answer['sessionId']}/satisfactionComments?page={bad}&size=5"),
            ("GET", desk.feedback_path(bad)),
            ("POST", f"{desk.knowledge}/messages/{bad}/feedback"),
            ("GET", f"{hooks}/{bad}"),
            ("GET", f"{hooks}/{hook}/deliveries?state={bad}&event={bad}"),
            ("GET", f"{hooks}/{hook}/deliveries?page={bad}"),
            ("GET", f"{hooks}/{hook}/deliveries/{bad}"),
            ("POST", f"{hooks}/{hook}/deliveries/{bad}/redeliver"),
        ]:
            body = {"feedbackStatus": "thumb-up"} if method == "POST" else None
            response = desk.api.request(method, path, json=body)
            assert response.status_code < 500, (method, path, response.text[:300])
            if response.status_code >= 400:
                refused(response, f"{method} {path}")
