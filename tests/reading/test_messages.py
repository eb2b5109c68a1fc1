"""Seed 002: reading one conversation (chat_id or open_id, never both), time filters, pages, threads."""

from __future__ import annotations

from huida.conversation.service import AskRequest, conversation_service
from tests.reading.conftest import GROUP, World
from tests.support.client import expect_error

ITEM_KEYS = {"message_id", "chat_id", "msg_type", "content", "sender", "mentions", "create_time", "channel",
             "session_id"}


def test_every_way_in_is_a_chat_to_read(world: World) -> None:
    # The open API: the session id of alice's asks is the chat.
    refund = world.asked["怎么申请退款"]
    items = world.read("/messages", chat_id=refund["sessionId"])["items"]
    assert [i["content"] for i in items][-2:] == ["在订单详情页点击「申请退款」即可。", "怎么申请退款"]  # newest first
    question = items[-1]
    assert set(question) >= ITEM_KEYS and question["channel"] == "api"
    assert question["sender"] == {"id": "alice", "sender_type": "user", "role": "visitor"}
    assert items[-2]["sender"]["sender_type"] == "bot"
    # The Aily-style session, the Feishu group, the widget.
    aily = world.read("/messages", chat_id=world.aily_session)["items"]
    assert {i["channel"] for i in aily} == {"aily"} and len(aily) == 2
    group = world.read("/messages", chat_id=GROUP, sort_rule="create_time_asc")["items"]
    assert [i["sender"]["id"] for i in group if i["sender"]["sender_type"] == "user"] == ["ou_erin", "ou_frank"]
    assert group[0]["mentions"] == [{"id": "ou_bot", "key": "@_user_1", "name": "客服机器人"}]
    widget = world.read("/search", query="网页", sender_type="all")["items"]
    assert widget[0]["channel"] == "webchat"


def test_a_question_and_its_answer_form_a_thread(world: World) -> None:
    session = world.asked["尺码表在哪里看"]["sessionId"]
    question, answer = next((q, a) for a, q in _pairs(world.read("/messages", chat_id=session)["items"])
                            if q["content"] == "尺码表在哪里看")
    assert question["thread_id"] == answer["thread_id"] == f"omt_{question['message_id']}"
    assert answer["reply_to"] == question["message_id"]
    # The seed's expansion: the latest 10 replies, newest first.
    thread = world.read(f"/threads/{question['thread_id']}/messages", page_size=10, sort_rule="create_time_desc")
    assert [i["message_id"] for i in thread["items"]] == [answer["message_id"], question["message_id"]]
    first = world.read(f"/threads/{question['thread_id']}/messages", page_size=1)
    assert first["has_more"] and first["items"][0]["message_id"] == answer["message_id"]
    rest = world.read(f"/threads/{question['thread_id']}/messages", page_size=1, page_token=first["page_token"])
    assert [i["message_id"] for i in rest["items"]] == [question["message_id"]] and not rest["has_more"]


def _pairs(items: list[dict]) -> list[tuple[dict, dict]]:
    """(answer, question) pairs of a newest-first page."""
    return [(items[n], items[n + 1]) for n in range(len(items) - 1)
            if items[n].get("reply_to") == items[n + 1]["message_id"]]


def test_thread_mistakes(world: World) -> None:
    bad = expect_error(world.request("/threads/abc/messages"), 400, "INVALID_PARAMETER")
    assert "omt_xxx" in bad["errorDescription"] and "确认 thread_id 为 omt_xxx 格式" in bad["errorDescription"]
    expect_error(world.request("/threads/omt_nope/messages"), 404, "THREAD_NOT_FOUND")
    expect_error(world.request("/threads/omt_x/messages", page_size=0), 400)
    # A thread of another tenant does not exist here.
    theirs = world.other.new_robot()
    entity = world.other.ok("POST", f"/knowledge/robots/{theirs}/ask", json={"userId": "z", "question": "你好"})
    thread = world.other.ok("GET", "/conversations/messages", params={"chat_id": entity["sessionId"]})["items"]
    expect_error(world.request(f"/threads/{thread[0]['thread_id']}/messages"), 404, "THREAD_NOT_FOUND")


def test_open_id_reads_the_visitors_one_to_one_conversation(world: World) -> None:
    alice = world.read("/messages", open_id="alice", sort_rule="create_time_asc")["items"]
    questions = [i["content"] for i in alice if i["sender"]["id"] == "alice"]
    assert questions == ["怎么申请退款", "尺码表在哪里看", "最近有什么优惠活动"]
    carol = world.read("/messages", open_id="carol")["items"]
    assert {i["chat_id"] for i in carol} == {world.aily_session}
    # erin only wrote in a group: no one-to-one conversation.
    missing = expect_error(world.request("/messages", open_id="ou_erin"), 404, "CHAT_NOT_FOUND")
    assert missing["errorDescription"].startswith("no one-to-one conversation found with open_id=ou_erin")
    assert "未找到与 open_id=ou_erin 的单聊会话" in missing["errorDescription"]


def test_exactly_one_of_chat_id_and_open_id(world: World) -> None:
    both = expect_error(world.request("/messages", chat_id=GROUP, open_id="alice"), 400, "INVALID_PARAMETER")
    assert both["errorDescription"].startswith("open_id and chat_id cannot be provided at the same time")
    neither = expect_error(world.request("/messages"), 400, "INVALID_PARAMETER")
    assert "chat_id" in neither["errorDescription"] and "open_id" in neither["errorDescription"]
    expect_error(world.request("/messages", chat_id="oc_unknown"), 404, "CHAT_NOT_FOUND")


def test_time_filters(world: World) -> None:
    everything = world.read("/messages", chat_id=GROUP)["items"]
    assert len(everything) == 4
    assert world.read("/messages", chat_id=GROUP, relative_time="today")["items"] == everything
    assert world.read("/messages", chat_id=GROUP, relative_time="last_1_hours")["items"] == everything
    assert world.read("/messages", chat_id=GROUP, relative_time="yesterday")["items"] == []
    assert world.read("/messages", chat_id=GROUP, relative_time="last_week")["items"] == []
    # An exact window around erin's question holds her question and its answer (written in the same instant).
    erin = next(i for i in everything if i["sender"]["id"] == "ou_erin")
    window = world.read("/messages", chat_id=GROUP, start_time=erin["create_time"], end_time=erin["create_time"])
    assert {i["message_id"] for i in window["items"]} >= {erin["message_id"]}
    assert all(i["create_time"] == erin["create_time"] for i in window["items"])
    future = world.read("/messages", chat_id=GROUP, start_time="2999-01-01T00:00:00+08:00")
    assert future["items"] == [] and future["has_more"] is False


def test_time_filter_mistakes(world: World) -> None:
    both = expect_error(world.request("/messages", chat_id=GROUP, relative_time="today",
                                      start_time="2026-01-01T00:00:00+08:00"), 400, "INVALID_PARAMETER")
    assert both["errorDescription"].startswith("relative_time and start_time/end_time cannot be used at the same time")
    for params in ({"relative_time": "tomorrow"}, {"relative_time": "last_3_weeks"}, {"start_time": "soon"},
                   {"start_time": "2026-02-01", "end_time": "2026-01-01"}):
        expect_error(world.request("/messages", chat_id=GROUP, **params), 400, "INVALID_PARAMETER")


def test_page_size_sort_and_tokens(world: World) -> None:
    assert len(world.read("/messages", open_id="alice")["items"]) == 6  # default 50 holds them all
    for size in (0, 51, -1):
        bad = expect_error(world.request("/messages", open_id="alice", page_size=size), 400)
        assert "page_size" in bad["errorDescription"]
    expect_error(world.request("/messages", open_id="alice", sort_rule="newest"), 400)
    asc = world.read("/messages", open_id="alice", sort_rule="create_time_asc")["items"]
    desc = world.read("/messages", open_id="alice", sort_rule="create_time_desc")["items"]
    assert asc == desc[::-1]
    first = world.read("/messages", open_id="alice", page_size=4)
    assert first["has_more"] and len(first["items"]) == 4 and first["page_token"]
    rest = world.read("/messages", open_id="alice", page_size=4, page_token=first["page_token"])
    assert not rest["has_more"] and rest["page_token"] is None
    assert first["items"] + rest["items"] == desc
    # A token belongs to its listing and its order.
    expect_error(world.request("/messages", open_id="alice", sort_rule="create_time_asc",
                               page_token=first["page_token"]), 400)
    expect_error(world.request("/messages", open_id="bob", page_token=first["page_token"]), 400)
    expect_error(world.request("/messages", open_id="alice", page_token="not-a-token"), 400)


def test_chats_whose_ids_share_a_long_prefix_stay_apart(world: World) -> None:
    prefix = "oc_" + "x" * 70  # longer than an index term: both chats' terms are cut to the same text
    service = conversation_service(world.api.server.ctx)
    for suffix, question in (("a", "第一个长群的问题"), ("b", "第二个长群的问题")):
        service.ask(AskRequest(tenant_id=world.api.tenant_id, robot_id=world.robot, user_id=f"ou_long_{suffix}",
                               question=question, channel="feishu", visitor_key=f"feishu:{prefix}{suffix}",
                               chat_id=prefix + suffix, chat_type="group"))
    first = world.read("/messages", chat_id=prefix + "a")["items"]
    assert {i["chat_id"] for i in first} == {prefix + "a"} and len(first) == 2
    [hit] = world.read("/search", query="问题", chat_id=prefix + "b")["items"]
    assert hit["content"] == "第二个长群的问题"
