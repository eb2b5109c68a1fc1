"""Seed 003 thumbs: POST/GET .../knowledge/robots/{robotId}/messages/{msgId}/feedback, set_feedback, and the
(question, rule) pairs of thumbed-up answers for the matcher."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from huida.feedback import set_feedback, thumbs_up_pairs
from tests.feedback.helpers import (
    FEE_Q,
    HUMAN_Q,
    REFUND_Q,
    Desk,
    deliveries,
    question_of,
    snapshot,
    subscribe,
    talk,
)
from tests.support.client import expect_error
from tests.support.receiver import Receiver


def thumb(desk: Desk, msg_id: str, status: str, text: str | None = None, **extra: object) -> dict:
    return desk.api.ok("POST", desk.feedback_path(msg_id), json={"feedbackStatus": status, "feedback": text, **extra})


def test_thumbs_up_then_down_then_withdrawn_with_history(desk: Desk) -> None:
    [answer] = talk(desk, REFUND_Q)
    msg_id = answer["msgId"]
    untouched = desk.api.ok("GET", desk.feedback_path(msg_id))
    assert (untouched["feedbackStatus"], untouched["history"]) == ("none", [])
    up = thumb(desk, msg_id, "thumb-up")
    assert (up["feedbackStatus"], up["feedback"], up["changed"], up["msgId"]) == ("thumb-up", None, True, msg_id)
    assert up["current"]["userId"] == answer["userId"]  # the session's visitor unless told otherwise
    again = thumb(desk, msg_id, "thumb-up")  # a second click on the same button changes nothing
    assert again["changed"] is False and again["current"]["id"] == up["current"]["id"]
    down = thumb(desk, msg_id, "thumb-down", "退款要多久没说清楚", userId="agent-check")
    assert (down["feedbackStatus"], down["feedback"], down["changed"]) == ("thumb-down", "退款要多久没说清楚", True)
    assert down["current"]["userId"] == "agent-check"
    reworded = thumb(desk, msg_id, "thumb-down", "到账时间没说")  # a new text is a change
    withdrawn = thumb(desk, msg_id, "none")
    assert (withdrawn["feedbackStatus"], withdrawn["feedback"], withdrawn["changed"]) == ("none", None, True)
    state = desk.api.ok("GET", desk.feedback_path(msg_id))
    assert state["feedbackStatus"] == "none" and state["current"]["id"] == withdrawn["current"]["id"]
    assert [(h["feedbackStatus"], h["feedback"], h["current"]) for h in state["history"]] == [
        ("thumb-up", None, False), ("thumb-down", "退款要多久没说清楚", False), ("thumb-down", "到账时间没说", False),
        ("none", None, True)]
    assert reworded["changed"]


def test_none_on_an_untouched_answer_records_nothing(desk: Desk) -> None:
    [answer] = talk(desk, REFUND_Q)
    assert thumb(desk, answer["msgId"], "none")["changed"] is False
    assert snapshot(desk)[1] == (0, 0, 0)


def test_bad_feedback_stores_and_emits_nothing(desk: Desk, other_desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver)
    refund, fee = talk(desk, REFUND_Q, FEE_Q)
    [theirs] = talk(other_desk, REFUND_Q)
    elsewhere = desk.api.new_robot("另一个")
    before = snapshot(desk)
    cases = [
        (refund["msgId"], {"feedbackStatus": "thumb-up", "feedback": "很好"}, 400),  # text only with thumb-down
        (refund["msgId"], {"feedbackStatus": "none", "feedback": "x"}, 400),
        (refund["msgId"], {"feedbackStatus": "thumb-down", "feedback": "长" * 1001}, 400),
        (refund["msgId"], {"feedbackStatus": "like"}, 400), (refund["msgId"], {"feedbackStatus": None}, 400),
        (refund["msgId"], {}, 400),
        ("no-such-message", {"feedbackStatus": "thumb-up"}, 404),
        (question_of(desk, refund["msgId"]), {"feedbackStatus": "thumb-up"}, 404),  # a question is not an answer
        (theirs["msgId"], {"feedbackStatus": "thumb-up"}, 404),  # another tenant's answer
    ]
    for msg_id, body, status in cases:
        expect_error(desk.api.post(desk.feedback_path(msg_id), json=body), status,
                     "MESSAGE_NOT_FOUND" if status == 404 else "INVALID_PARAMETER")
    expect_error(desk.api.post(f"/knowledge/robots/{elsewhere}/messages/{fee['msgId']}/feedback",
                               json={"feedbackStatus": "thumb-up"}), 404, "MESSAGE_NOT_FOUND")  # another robot's
    assert snapshot(desk) == before
    # Exactly 1,000 characters is fine, and heard by the subscription.
    assert thumb(desk, fee["msgId"], "thumb-down", "长" * 1000)["changed"]
    assert deliveries(desk.api, desk.robot, "feedback") == before[0] + 1


def test_set_feedback_is_the_channels_way_in(desk: Desk) -> None:
    [answer] = talk(desk, FEE_Q)
    with desk.api.server.ctx.db.session() as session:
        change = set_feedback(session, tenant_id=desk.api.tenant_id, robot_id=desk.robot, msg_id=answer["msgId"],
                              status="thumb-up", user_id="ou_feishu_open_id")
        assert change.changed and change.current is not None and change.delivery_ids == []
        assert change.current.user_id == "ou_feishu_open_id"
    assert desk.api.ok("GET", desk.feedback_path(answer["msgId"]))["feedbackStatus"] == "thumb-up"


def test_thumbed_up_rule_answers_are_learning_pairs(desk: Desk) -> None:
    refund, fee, human = talk(desk, REFUND_Q, FEE_Q, HUMAN_Q)
    [default] = talk(desk, "zqxv wplk")  # the default reply: no rule
    for answer in (refund, fee, human, default):
        thumb(desk, answer["msgId"], "thumb-up")
    thumb(desk, fee["msgId"], "thumb-down")  # changed its mind: no longer a signal
    with desk.api.server.ctx.db.read() as session:
        pairs = thumbs_up_pairs(session, desk.robot)
        assert [(p.question, p.rule_id) for p in pairs] == [(REFUND_Q, "refund"),
                                                            (HUMAN_Q, "after-sales")]
        assert thumbs_up_pairs(session, desk.robot, after_id=pairs[0].feedback_id) == pairs[1:]


def test_deleting_the_robot_deletes_its_ratings(desk: Desk) -> None:
    refund, fee = talk(desk, REFUND_Q, FEE_Q)
    thumb(desk, refund["msgId"], "thumb-up")
    desk.api.ok("POST", f"{desk.comment}/satisfactionComments",
                json={"sessionId": fee["sessionId"], "msgId": fee["msgId"], "type": 1})
    desk.api.ok("POST", f"{desk.comment}/comments", json={"sessionId": fee["sessionId"], "score": 4})
    desk.api.ok("GET", f"/predefined/robots/{desk.robot}/options/evaluateSwitch")
    assert snapshot(desk)[1] == (1, 1, 1)
    assert desk.api.ok("DELETE", f"/robots/{desk.robot}") is True
    assert snapshot(desk)[1] == (0, 0, 0)


def test_clicks_at_the_same_time_leave_one_current(desk: Desk) -> None:
    [answer] = talk(desk, REFUND_Q)
    statuses = ["thumb-up", "thumb-down", "none", "thumb-up", "thumb-down", "thumb-up"]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda status: desk.api.post(desk.feedback_path(answer["msgId"]), json={
            "feedbackStatus": status}), statuses))
    assert [r.status_code for r in answers] == [200] * 6
    history = desk.api.ok("GET", desk.feedback_path(answer["msgId"]))["history"]
    assert [h["current"] for h in history] == [False] * (len(history) - 1) + [True]
    # Each recorded row is a change from the one before it.
    assert all(a["feedbackStatus"] != b["feedbackStatus"] for a, b in zip(history, history[1:], strict=False))
