"""Seed 001 end to end: a program holds a conversation with a Huida robot through sessions, messages and runs."""

from __future__ import annotations

from tests.channels.aily.conftest import MENU_TITLE, Desk
from tests.channels.aily.helpers import expect_aily_error, idem

MESSAGE_KEYS = {"id", "session_id", "run_id", "content_type", "content", "files", "quote_message_id", "sender",
                "mentions", "plain_text", "created_at", "status"}


def test_session_message_run_poll_and_the_assistant_reply(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session(channel_context='{"channel": "app"}', metadata='{"order": "A1001"}')
    assert set(session) == {"id", "created_at", "modified_at", "created_by", "channel_context", "metadata"}
    assert session["id"].startswith("session_") and session["created_at"].isdigit()
    assert session["channel_context"] == '{"channel": "app"}' and session["metadata"] == '{"order": "A1001"}'
    # The seed's request: a message with an idempotent id.
    message = aily.post(session["id"], "请问怎么申请退款", idempotent_id="idempotent_id_1")
    assert set(message) == MESSAGE_KEYS
    assert message["session_id"] == session["id"] and message["content_type"] == "TEXT"
    assert message["content"] == message["plain_text"] == "请问怎么申请退款"
    assert message["sender"]["sender_type"] == "USER" and message["status"] == "COMPLETED"
    assert message["created_at"].isdigit() and message["run_id"] == ""
    # A run answers the latest user message; the client polls it.
    run = aily.start_run(session["id"])
    assert run["status"] in ("QUEUED", "IN_PROGRESS", "COMPLETED") and run["session_id"] == session["id"]
    assert run["app_id"] == desk.robot and run["id"].startswith("run_")
    done = aily.wait(session["id"], run["id"])
    assert done["status"] == "COMPLETED" and done["error"] is None
    assert int(done["created_at"]) <= int(done["started_at"]) <= int(done["ended_at"])
    # The run's messages: the question and the ASSISTANT answer.
    items = aily.messages(session["id"], run_id=run["id"])["items"]
    assert [m["sender"]["sender_type"] for m in items] == ["USER", "ASSISTANT"]
    reply = items[1]
    assert reply["content_type"] == "MDX" and reply["run_id"] == run["id"]
    assert reply["content"] == "在订单详情页点击「申请退款」，1-3 个工作日原路退回。"
    assert reply["sender"]["entity_id"] == desk.robot
    assert items[0]["id"] == message["id"] and items[0]["run_id"] == run["id"]
    # One message by id.
    again = aily.ok("GET", f"/sessions/{session['id']}/messages/{reply['id']}")["message"]
    assert again == reply


def test_a_menu_is_mdx_with_knowledge_ids_and_the_run_waits_for_the_choice(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session()["id"]
    run, menu = aily.ask(session, "帮助菜单")
    assert run["status"] == "REQUIRES_MESSAGE"  # the robot offered choices and waits for one
    assert menu["content"] == f"{MENU_TITLE}\n\n- 退款说明 (knowledgeId: refund)\n- 发票说明 (knowledgeId: invoice)"
    # The user picks an item by its text; the next run answers it and completes the waiting one.
    run2, answer = aily.ask(session, "发票说明")
    assert run2["status"] == "COMPLETED"
    assert answer["content"] == "确认收货后在订单页申请电子发票。"
    assert aily.run(session, run["id"])["status"] == "COMPLETED"


def test_a_conversation_keeps_its_order_and_pages(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session()["id"]
    for question in ("怎么申请退款", "发票怎么开", "怎么申请退款"):
        aily.ask(session, question)
    seen, token = [], None
    while True:
        page = aily.messages(session, page_size=2, **({"page_token": token} if token else {}))
        assert page["messages"] == page["items"]  # Feishu's key and Huida's
        seen += page["items"]
        if not page["has_more"]:
            break
        token = page["page_token"]
    assert [m["sender"]["sender_type"] for m in seen] == ["USER", "ASSISTANT"] * 3
    assert [int(m["created_at"]) for m in seen] == sorted(int(m["created_at"]) for m in seen)
    assert len({m["id"] for m in seen}) == 6


def test_runs_list_and_their_rules(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session()["id"]
    no_message = aily.call("POST", f"/sessions/{session}/runs", json={})
    expect_aily_error(no_message, 409, 2700009, "post a message first")
    first, _ = aily.ask(session, "怎么申请退款")
    again = aily.call("POST", f"/sessions/{session}/runs", json={})
    expect_aily_error(again, 409, 2700009, "answered already")
    second, _ = aily.ask(session, "发票怎么开")
    listed = aily.ok("GET", f"/sessions/{session}/runs")
    assert [r["id"] for r in listed["items"]] == [first["id"], second["id"]] and listed["runs"] == listed["items"]
    page = aily.ok("GET", f"/sessions/{session}/runs", params={"page_size": 1})
    assert page["has_more"] and [r["id"] for r in page["items"]] == [first["id"]]
    rest = aily.ok("GET", f"/sessions/{session}/runs", params={"page_size": 1, "page_token": page["page_token"]})
    assert [r["id"] for r in rest["items"]] == [second["id"]] and not rest["has_more"]
    finished = aily.call("POST", f"/sessions/{session}/runs/{first['id']}/cancel")
    expect_aily_error(finished, 409, 2700009, "already COMPLETED")
    wrong_app = aily.call("POST", f"/sessions/{session}/runs", json={"app_id": "spring_other__c"})
    expect_aily_error(wrong_app, 400, 2700001, "app_id")


def test_session_read_update_delete(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session(metadata="v1")
    sid = session["id"]
    assert aily.ok("GET", f"/sessions/{sid}")["session"] == session
    updated = aily.ok("PUT", f"/sessions/{sid}", json={"metadata": "v2", "channel_context": "web"})["session"]
    assert updated["metadata"] == "v2" and updated["channel_context"] == "web"
    assert int(updated["modified_at"]) >= int(session["modified_at"]) and updated["created_at"] == session["created_at"]
    aily.ask(sid, "怎么申请退款")
    assert desk.api.ok("GET", "/conversations/messages", params={"chat_id": sid})["items"]
    assert aily.ok("DELETE", f"/sessions/{sid}") == {}
    expect_aily_error(aily.call("GET", f"/sessions/{sid}"), 404, 2700002, sid)
    # The conversation went with it.
    gone = desk.api.get("/conversations/messages", params={"chat_id": sid})
    assert gone.status_code == 404


def test_the_robot_is_chosen_by_robot_id_or_by_the_api_key(desk: Desk) -> None:
    aily = desk.aily
    without = aily.call("POST", "/sessions", json={})
    expect_aily_error(without, 400, 2700001, "robot_id")
    unknown = aily.call("POST", "/sessions", json={"robot_id": "no-such-robot"})
    expect_aily_error(unknown, 404, 2700006, "no-such-robot")
    keyed = desk.keyed()
    session = keyed.new_session()["id"]
    run, reply = keyed.ask(session, "怎么申请退款")
    assert run["app_id"] == desk.robot and reply["sender"]["entity_id"] == desk.robot
    other_robot = desk.api.new_robot("另一个")
    mismatch = keyed.call("POST", "/sessions", json={"robot_id": other_robot})
    expect_aily_error(mismatch, 400, 2700001, "robot_id", "this API key belongs to robot")


def test_the_end_user_header_tags_the_sender(desk: Desk) -> None:
    aily = desk.aily
    session = aily.ok("POST", "/sessions", json={"robot_id": desk.robot},
                      headers={"X-Aily-BizUserID": "customer-42"})["session"]["id"]
    message = aily.post(session, "怎么申请退款")
    assert message["sender"]["entity_id"] == "customer-42"
    per_message = aily.ok("POST", f"/sessions/{session}/messages", headers={"X-Aily-BizUserID": "customer-43"},
                          json={"idempotent_id": idem(), "content_type": "TEXT", "content": "发票怎么开"})["message"]
    assert per_message["sender"]["entity_id"] == "customer-43"
    # Conversation reading finds the end user's one-to-one conversation by that id.
    items = desk.api.ok("GET", "/conversations/messages", params={"open_id": "customer-42"})["items"]
    assert message["id"] in {i["message_id"] for i in items}
    too_long = aily.call("POST", "/sessions", json={"robot_id": desk.robot}, headers={"X-Aily-BizUserID": "x" * 256})
    expect_aily_error(too_long, 400, 2700001, "X-Aily-BizUserID")


def test_mdx_mentions_and_quotes(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session()["id"]
    first = aily.post(session, "怎么申请退款")
    mention = {"entity_id": "ou_5ad573a6411d72b8305fda3a9c15c70e", "identity_provider": "FEISHU",
               "key": "@_user_1", "name": "张三", "aily_id": "1794840334557292"}
    message = aily.post(session, "**请** @_user_1 看一下 [订单](https://example.com/o/1)", content_type="MDX",
                        mentions=[mention], quote_message_id=first["id"])
    assert message["content_type"] == "MDX" and message["content"].startswith("**请**")
    assert message["plain_text"] == "请 @张三 看一下 订单"
    assert message["mentions"] == [mention] and message["quote_message_id"] == first["id"]
