"""Seed 004 §1.6: POST .../transfer-human-confirmation records how a handover went."""

from __future__ import annotations

from tests.conversation.conftest import Shop
from tests.conversation.helpers import ask, chat_session, history, new_user, robot_path
from tests.support.client import Api, expect_error


def confirm(api: Api, robot: str, entity: dict, result: str, **overrides: str) -> dict:
    body = {"accessId": entity["userId"], "msgId": entity["msgId"], "sessionId": entity["sessionId"],
            "result": result, **overrides}
    response = api.post(f"{robot_path(robot)}/transfer-human-confirmation", json=body)
    assert response.status_code == 200, response.text
    envelope = response.json()
    assert envelope["status"] == "OK" and envelope["errorCode"] is None and envelope["entity"] is True
    return envelope


def test_success_hands_the_session_over_to_a_person(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    transfer = ask(api, robot, "转人工", user=new_user())
    assert chat_session(api, transfer["sessionId"]).handover == "pending"
    confirm(api, robot, transfer, "Success")
    assert chat_session(api, transfer["sessionId"]).handover == "human"
    confirm(api, robot, transfer, "Success")  # the same receipt again is harmless
    assert chat_session(api, transfer["sessionId"]).handover == "human"


def test_fail_gives_the_session_back_to_the_bot(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    transfer = ask(api, robot, "我要找售后专员", user=user)  # a rule's human answer
    assert transfer["content"]["type"] == "human"
    confirm(api, robot, transfer, "Fail")
    assert chat_session(api, transfer["sessionId"]).handover == "bot"
    confirm(api, robot, transfer, "Fail")
    assert chat_session(api, transfer["sessionId"]).handover == "bot"
    # The bot answers on, and a new request starts a new handover.
    assert ask(api, robot, "怎么申请退款", user=user)["resourceId"] == "refund"
    again = ask(api, robot, "转人工", user=user)
    assert chat_session(api, again["sessionId"]).handover == "pending"


def test_unknown_message_or_session_is_404(shop: Shop, api: Api) -> None:
    owner, robot = shop.api, shop.robot
    transfer = ask(owner, robot, "转人工", user=new_user())
    path = f"{robot_path(robot)}/transfer-human-confirmation"
    base = {"accessId": transfer["userId"], "msgId": transfer["msgId"], "sessionId": transfer["sessionId"],
            "result": "Success"}
    expect_error(owner.post(path, json={**base, "msgId": "no-such-message"}), 404, "MESSAGE_NOT_FOUND")
    expect_error(owner.post(path, json={**base, "sessionId": "no-such-session"}), 404, "SESSION_NOT_FOUND")
    other = ask(owner, robot, "转人工", user=new_user())
    expect_error(owner.post(path, json={**base, "msgId": other["msgId"]}), 404, "MESSAGE_NOT_FOUND")  # not its session
    question_id = history(owner, robot, transfer["sessionId"])["entity"][0]["docId"]  # the visitor's message
    expect_error(owner.post(path, json={**base, "msgId": question_id}), 404, "MESSAGE_NOT_FOUND")
    # The session of another robot, even of the same tenant, is not found through this robot.
    elsewhere = owner.new_robot("另一个")
    expect_error(owner.post(f"{robot_path(elsewhere)}/transfer-human-confirmation", json=base), 404,
                 "SESSION_NOT_FOUND")
    assert chat_session(owner, transfer["sessionId"]).handover == "pending"


def test_receipt_bad_input(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    transfer = ask(api, robot, "转人工", user=new_user())
    path = f"{robot_path(robot)}/transfer-human-confirmation"
    base = {"msgId": transfer["msgId"], "sessionId": transfer["sessionId"], "result": "Success"}
    for body in ({**base, "result": "OK"}, {**base, "result": None}, {k: v for k, v in base.items() if k != "msgId"},
                 {k: v for k, v in base.items() if k != "sessionId"}, {}):
        expect_error(api.post(path, json=body), 400, "INVALID_PARAMETER")
    assert chat_session(api, transfer["sessionId"]).handover == "pending"
