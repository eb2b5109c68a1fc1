"""Seed 004 §1.6: POST .../transfer-human-confirmation records how a handover went."""

from __future__ import annotations

from sqlalchemy import select

from huida.conversation.models import Message
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


def declined(api: Api, robot: str, body: dict) -> None:
    """§1.6: a receipt that names no transfer answer of the robot is `entity: false`, in a 200 envelope."""
    response = api.post(f"{robot_path(robot)}/transfer-human-confirmation", json=body)
    assert response.status_code == 200, response.text
    envelope = response.json()
    assert envelope["status"] == "OK" and envelope["errorCode"] is None and envelope["entity"] is False, envelope


def transfer_results(api: Api) -> list[object]:
    """What receipts wrote on the tenant's messages."""
    with api.server.ctx.db.session() as session:
        return [m.extra.get("transferResult") for m in session.scalars(select(Message)
                .where(Message.tenant_id == api.tenant_id, Message.role == "robot")) if "transferResult" in m.extra]


def test_a_receipt_for_no_transfer_answer_is_false_and_writes_nothing(shop: Shop) -> None:
    owner, robot = shop.api, shop.robot
    transfer = ask(owner, robot, "转人工", user=new_user())
    base = {"accessId": transfer["userId"], "msgId": transfer["msgId"], "sessionId": transfer["sessionId"],
            "result": "Success"}
    before = transfer_results(owner)
    # The seed's own example: ids this server never gave out.
    declined(owner, robot, {"accessId": "0fa48291-d0ef-4ab3-b17c-0c362428f9f2",
                            "msgId": "97809c50-07f1-4665-9ee1-4bfae0e0d4a2",
                            "sessionId": "4c89309b-e06c-4a1d-9865-893622647d33", "result": "Success"})
    declined(owner, robot, {**base, "msgId": "no-such-message"})
    declined(owner, robot, {**base, "sessionId": "no-such-session"})
    other = ask(owner, robot, "转人工", user=new_user())
    declined(owner, robot, {**base, "msgId": other["msgId"]})  # a transfer answer, but of another session
    question_id = history(owner, robot, transfer["sessionId"])["entity"][0]["docId"]  # the visitor's message
    declined(owner, robot, {**base, "msgId": question_id})
    # An answer that did not transfer (a rule's text answer) is no handover to confirm.
    user = new_user()
    plain = ask(owner, robot, "怎么申请退款", user=user)
    assert plain["content"]["type"] == "txt"
    declined(owner, robot, {**base, "msgId": plain["msgId"], "sessionId": plain["sessionId"], "result": "Fail"})
    assert chat_session(owner, plain["sessionId"]).handover == "bot"
    # The session of another robot, even of the same tenant, is not found through this robot.
    elsewhere = owner.new_robot("另一个")
    declined(owner, elsewhere, base)
    assert chat_session(owner, transfer["sessionId"]).handover == "pending"
    assert transfer_results(owner) == before
    # An unknown robot is still an error: the path names it.
    expect_error(owner.post(f"{robot_path('no-such-robot')}/transfer-human-confirmation", json=base), 404,
                 "ROBOT_NOT_FOUND")


def test_receipt_bad_input(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    transfer = ask(api, robot, "转人工", user=new_user())
    path = f"{robot_path(robot)}/transfer-human-confirmation"
    base = {"msgId": transfer["msgId"], "sessionId": transfer["sessionId"], "result": "Success"}
    for body in ({**base, "result": "OK"}, {**base, "result": None}, {k: v for k, v in base.items() if k != "msgId"},
                 {k: v for k, v in base.items() if k != "sessionId"}, {}):
        expect_error(api.post(path, json=body), 400, "INVALID_PARAMETER")
    assert chat_session(api, transfer["sessionId"]).handover == "pending"
