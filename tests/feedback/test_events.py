"""Each of the six events reaches a subscribed receiver, signed, at the moment it happens, in the
transaction of the change: feedback (the seed 003 body exactly), satisfaction, comment, transfer-human,
transfer-confirmation, session-closed."""

from __future__ import annotations

from huida.conversation.service import AskRequest, conversation_service
from huida.feedback import set_feedback
from tests.conversation.helpers import ask, idle
from tests.feedback.helpers import (
    FEE_A,
    FEE_Q,
    HUMAN_Q,
    REFUND_A,
    REFUND_Q,
    Desk,
    deliveries,
    events_of,
    new_user,
    question_of,
    subscribe,
    talk,
)
from tests.support.receiver import Receiver

SEED_003_KEYS = {"botId", "sessionId", "execId", "triggerEvent", "outputActions", "feedbackStatus", "feedback",
                 "messageId", "receiverId", "contactId", "roomId"}


def text(value: str, role: str) -> dict:
    return {"content": [{"type": "text", "text": value}], "role": role}


def test_a_thumb_reaches_the_receiver_as_the_seed_003_callback(desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver, ["feedback"])
    user = new_user()
    refund, fee = talk(desk, REFUND_Q, FEE_Q, user=user)
    posted = desk.api.ok("POST", desk.feedback_path(fee["msgId"]),
                         json={"feedbackStatus": "thumb-down", "feedback": "满多少包邮没看懂"})
    [body] = events_of(receiver, "feedback")
    assert body == {
        "botId": desk.robot, "sessionId": fee["sessionId"], "execId": question_of(desk, fee["msgId"]),
        "triggerEvent": {
            "triggerType": "receive-text-message", "sessionId": fee["sessionId"],
            "receiveTextMessage": {"text": FEE_Q, "role": "user"},
            "history": [text(REFUND_Q, "user"), text(REFUND_A, "assistant"), text(FEE_Q, "user")],
        },
        "outputActions": [{"type": "send-text-message", "status": "send", "payload": {"text": FEE_A},
                           "nodeId": "shipping-fee"}],
        "feedbackStatus": "thumb-down", "feedback": "满多少包邮没看懂", "messageId": fee["msgId"],
        "receiverId": desk.robot, "contactId": user, "roomId": None,
    }
    assert set(body) == SEED_003_KEYS and posted["changed"] and refund["sessionId"] == fee["sessionId"]


def test_every_change_of_mind_is_an_event_in_order(desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver, ["feedback"])
    [answer] = talk(desk, REFUND_Q)
    for status in ("thumb-up", "thumb-up", "thumb-down", "none"):  # the repeated click is no change
        desk.api.ok("POST", desk.feedback_path(answer["msgId"]), json={"feedbackStatus": status})
    bodies = events_of(receiver, "feedback", 3)
    assert [b["feedbackStatus"] for b in bodies] == ["thumb-up", "thumb-down", "none"]
    assert deliveries(desk.api, desk.robot, "feedback") == 3


def test_a_group_chat_thumb_names_the_room(desk: Desk, receiver: Receiver) -> None:
    """A channel (e.g. Feishu) in a group chat: set_feedback maps chat id to roomId, no contactId."""
    subscribe(desk, receiver, ["feedback"])
    ctx = desk.api.server.ctx
    result = conversation_service(ctx).ask(AskRequest(
        tenant_id=desk.api.tenant_id, robot_id=desk.robot, user_id="ou_member", question=REFUND_Q, channel="webchat",
        visitor_key="room-42:ou_member", chat_id="room-42", chat_type="group"))
    with ctx.db.session() as session:
        change = set_feedback(session, tenant_id=desk.api.tenant_id, robot_id=desk.robot, msg_id=result.msg_id,
                              status="thumb-up", user_id="ou_member")
    [body] = events_of(receiver, "feedback")
    assert [h.delivery_id for h in receiver.hits] == change.delivery_ids
    assert (body["roomId"], body["contactId"], body["feedbackStatus"]) == ("room-42", None, "thumb-up")
    assert body["triggerEvent"]["history"] == [text(REFUND_Q, "user")] and body["execId"] == result.question_id


def test_a_satisfaction_rating_is_an_event(desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver, ["satisfaction"])
    [answer] = talk(desk, REFUND_Q)
    rating = desk.api.ok("POST", f"{desk.comment}/satisfactionComments", json={
        "sessionId": answer["sessionId"], "msgId": answer["msgId"], "type": 2, "reasonTag": "答案不完整，解决问题慢",
        "accessId": answer["userId"], "source": "webim", "comment": "没说多久到账"})
    [body] = events_of(receiver, "satisfaction")
    assert body == {
        "event": "satisfaction", **rating, "comment": "没说多久到账", "reasonTags": ["答案不完整", "解决问题慢"],
        "replaced": False, "question": REFUND_Q, "msgBody": {"msg": REFUND_A, "type": "txt"},
        "knowledgeId": "refund", "timestamp": body["timestamp"]}
    desk.api.ok("POST", f"{desk.comment}/satisfactionComments", json={
        "sessionId": answer["sessionId"], "msgId": answer["msgId"], "type": 1})
    second = events_of(receiver, "satisfaction", 2)[1]
    assert (second["type"], second["reasonTag"], second["replaced"], second["id"]) == (1, None, True, rating["id"])


def test_a_session_comment_is_an_event(desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver, ["comment"])
    [answer] = talk(desk, REFUND_Q)
    body = {"sessionId": answer["sessionId"], "score": 5, "tag": "服务好,解决问题快", "comment": "好"}
    first = desk.api.ok("POST", f"{desk.comment}/comments", json=body)
    [body] = events_of(receiver, "comment")
    assert body == {"event": "comment", **first, "tags": ["服务好", "解决问题快"], "replacedCommentId": None,
                    "timestamp": body["timestamp"]}
    desk.api.ok("POST", f"{desk.comment}/comments", json={"sessionId": answer["sessionId"], "score": 3})
    assert events_of(receiver, "comment", 2)[1]["replacedCommentId"] == first["id"]


def test_a_transfer_answer_and_its_receipt_are_events(desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver, ["transfer-human", "transfer-confirmation"])
    user = new_user()
    [answer] = talk(desk, HUMAN_Q, user=user)
    [human] = events_of(receiver, "transfer-human")
    assert (human["event"], human["sessionId"], human["msgId"], human["userId"], human["question"]) == (
        "transfer-human", answer["sessionId"], answer["msgId"], user, HUMAN_Q)
    assert human["content"] == answer["content"] and human["content"]["type"] == "human"
    assert (human["knowledgeId"], human["channel"], human["tenantId"]) == ("after-sales", "api", desk.api.tenant_id)
    assert human["questionId"] == question_of(desk, answer["msgId"])
    # The receipt: one event per outcome (the same receipt twice is one event).
    receipt = {"accessId": user, "msgId": answer["msgId"], "sessionId": answer["sessionId"], "result": "Success"}
    for body in (receipt, receipt, {**receipt, "result": "Fail"}):
        desk.api.ok("POST", f"{desk.knowledge}/transfer-human-confirmation", json=body)
    confirmations = events_of(receiver, "transfer-confirmation", 2)
    assert [(c["result"], c["handover"]) for c in confirmations] == [("Success", "human"), ("Fail", "bot")]
    assert confirmations[0]["msgId"] == answer["msgId"] and confirmations[0]["accessId"] == user
    # The keyword asks for a person too; a plain answer does not.
    ask(desk.api, desk.robot, REFUND_Q, user=user)
    ask(desk.api, desk.robot, "转人工", user=user)
    assert len(events_of(receiver, "transfer-human", 2)) == 2
    assert deliveries(desk.api, desk.robot, "transfer-human") == 2
    assert deliveries(desk.api, desk.robot, "transfer-confirmation") == 2


def test_an_idle_session_closed_is_an_event(desk: Desk, receiver: Receiver) -> None:
    subscribe(desk, receiver, ["session-closed"])
    user = new_user()
    first = ask(desk.api, desk.robot, REFUND_Q, user=user)
    ask(desk.api, desk.robot, FEE_Q, user=user)  # same session: nothing closes
    assert deliveries(desk.api, desk.robot, "session-closed") == 0
    idle(desk.api, first["sessionId"], 31)  # past the default 30-minute timeout
    later = ask(desk.api, desk.robot, REFUND_Q, user=user)
    assert later["sessionId"] != first["sessionId"]
    [body] = events_of(receiver, "session-closed")
    assert (body["sessionId"], body["userId"], body["reason"], body["questionCount"], body["handover"]) == (
        first["sessionId"], user, "idle", 2, "closed")
    assert body["closeTime"] >= body["lastActiveTime"] + 30 * 60_000 and body["channel"] == "api"
    # A comment on the closed session closes nothing more.
    desk.api.ok("POST", f"{desk.comment}/comments", json={"sessionId": first["sessionId"], "score": 4})
    assert deliveries(desk.api, desk.robot, "session-closed") == 1


def test_a_visitor_who_never_returns_is_swept_and_the_event_sent(desk: Desk, receiver: Receiver) -> None:
    from huida.conversation.sweeper import close_idle_sessions
    from huida.db import now_ms

    subscribe(desk, receiver, ["session-closed"])
    gone, staying = new_user(), new_user()
    left = ask(desk.api, desk.robot, REFUND_Q, user=gone)
    active = ask(desk.api, desk.robot, REFUND_Q, user=staying)
    idle(desk.api, left["sessionId"], 31)
    idle(desk.api, active["sessionId"], 5)  # idle, but within the robot's 30 minutes
    with desk.api.server.ctx.db.session() as session:
        assert close_idle_sessions(session, now_ms()) >= 1
    with desk.api.server.ctx.db.session() as session:  # a second sweep finds nothing more of ours
        close_idle_sessions(session, now_ms())
    [body] = events_of(receiver, "session-closed")
    assert (body["sessionId"], body["userId"], body["reason"]) == (left["sessionId"], gone, "idle")
    assert ask(desk.api, desk.robot, FEE_Q, user=staying)["sessionId"] == active["sessionId"]
    assert ask(desk.api, desk.robot, FEE_Q, user=gone)["sessionId"] != left["sessionId"]
    assert deliveries(desk.api, desk.robot, "session-closed") == 1
