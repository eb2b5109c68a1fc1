"""Seed 002 §4: searching across every conversation; Chinese words are found inside sentences."""

from __future__ import annotations

from tests.reading.conftest import GROUP, World
from tests.support.client import expect_error


def contents(page: dict) -> list[str]:
    return [i["content"] for i in page["items"]]


def test_chinese_words_inside_sentences(world: World) -> None:
    # The seed's example: {"query": "项目进度"} — bob wrote "我想问一下项目进度怎么样了".
    [hit] = world.read("/search", query="项目进度")["items"]
    assert hit["content"] == "我想问一下项目进度怎么样了" and hit["sender"]["id"] == "bob"
    assert [i["sender"]["id"] for i in world.read("/search", query="信用")["items"]] == ["ou_erin"]  # 信用卡
    assert [i["sender"]["id"] for i in world.read("/search", query="还款日")["items"]] == ["ou_erin"]
    assert world.read("/search", query="退货")["items"][0]["chat_id"] == world.aily_session  # in MDX, with markup
    assert world.read("/search", query="進度")["items"][0]["sender"]["id"] == "bob"  # traditional characters
    assert world.read("/search", query="项目 上线")["items"] == []  # every word must be there


def test_hits_name_their_chat(world: World) -> None:
    group = world.read("/search", query="信用卡")["items"][0]
    assert (group["chat_id"], group["chat_type"], group["chat_name"]) == (GROUP, "group", GROUP)
    assert "chat_partner" not in group
    p2p = world.read("/search", query="项目进度")["items"][0]
    assert p2p["chat_type"] == "p2p" and p2p["chat_partner"] == {"open_id": "bob", "name": "bob"}
    assert p2p["chat_id"] == world.asked["我想问一下项目进度怎么样了"]["sessionId"]


def test_sender_type_and_sender_ids(world: World) -> None:
    people = world.read("/search", query="申请退款")["items"]  # default: user (visitors and agents)
    assert people and {i["sender"]["sender_type"] for i in people} == {"user"}
    assert {i["sender"]["id"] for i in people} == {"alice", "ou_frank"}
    bots = world.read("/search", query="申请退款", sender_type="bot")["items"]
    assert bots and {i["sender"]["id"] for i in bots} == {world.robot}
    both = world.read("/search", query="申请退款", sender_type="all")["items"]
    assert len(both) == len(people) + len(bots)
    [frank] = world.read("/search", query="退款", sender_ids="ou_frank")["items"]
    assert frank["sender"]["id"] == "ou_frank"
    from_either = world.read("/search", sender_ids="ou_frank,bob")["items"]
    assert {i["sender"]["id"] for i in from_either} == {"ou_frank", "bob"}
    expect_error(world.request("/search", query="退款", sender_type="robot"), 400)


def test_chat_mentions_type_and_time_filters(world: World) -> None:
    in_group = world.read("/search", query="退款", chat_id=GROUP)["items"]
    assert [i["sender"]["id"] for i in in_group] == ["ou_frank"]
    assert [i["sender"]["id"] for i in world.read("/search", mention_ids="ou_bot")["items"]] == ["ou_frank", "ou_erin"]
    assert world.read("/search", mention_ids="ou_dave")["items"][0]["chat_id"] == world.aily_session
    assert len(world.read("/search", mention_ids=["ou_dave", "ou_bot"])["items"]) == 3
    assert {i["chat_type"] for i in world.read("/search", chat_type="group")["items"]} == {"group"}
    p2p = world.read("/search", chat_type="p2p", query="退款")["items"]
    assert p2p and {i["chat_type"] for i in p2p} == {"p2p"}
    # Resources: carol's PDF is a file and her photo an image; the robot's size chart is an image too.
    [files] = world.read("/search", message_type="file")["items"]
    assert files["chat_id"] == world.aily_session
    images = world.read("/search", message_type="image", sender_type="all")["items"]
    assert {i["sender"]["sender_type"] for i in images} == {"user", "bot"}
    assert world.read("/search", message_type="media")["items"] == []
    assert world.read("/search", query="退款", relative_time="today")["items"]
    assert world.read("/search", query="退款", relative_time="day_before_yesterday")["items"] == []
    expect_error(world.request("/search", query="退款", relative_time="today", end_time="2026-01-01"), 400)
    expect_error(world.request("/search", message_type="video"), 400)
    expect_error(world.request("/search", chat_type="channel"), 400)
    expect_error(world.request("/search", query="退款", chat_id="oc_unknown"), 404, "CHAT_NOT_FOUND")


def test_at_least_one_filter(world: World) -> None:
    for params in ({}, {"query": "  "}, {"sender_type": "all"}, {"page_size": 10}):
        body = expect_error(world.request("/search", **params), 400, "INVALID_PARAMETER")
        assert body["errorDescription"].startswith("search needs at least one filter")


def test_search_pages(world: World) -> None:
    everyone = world.read("/search", relative_time="today", sender_type="all")["items"]
    assert len(everyone) >= 14
    seen, token = [], None
    while True:
        page = world.read("/search", relative_time="today", sender_type="all", page_size=3,
                          **({"page_token": token} if token else {}))
        seen += page["items"]
        if not page["has_more"]:
            break
        token = page["page_token"]
    assert [i["message_id"] for i in seen] == [i["message_id"] for i in everyone]
    expect_error(world.request("/search", relative_time="today", query="退款", page_token=token), 400)
