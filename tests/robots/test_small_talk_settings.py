"""Small-talk settings: the defaults are visible, smallTalkExtra adds, changes and switches off entries without
copying the list, smallTalk still replaces it, smallTalkEnabled switches everything off, and bad input is a
400 in the Easemob envelope that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from huida.robots.settings import DEFAULT_SMALL_TALK
from tests.conversation.helpers import ask, new_user
from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer

REPLY = {entry["name"]: entry["reply"] for entry in DEFAULT_SMALL_TALK}


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    with new_tenant(server) as client:
        yield client


def put_settings(api: Api, robot: str, **values: Any) -> dict[str, Any]:
    return api.ok("PUT", f"/robots/{robot}", json={"settings": values})["settings"]


def answer(api: Api, robot: str, question: str) -> str | None:
    """The small-talk reply to the question, None when it was answered otherwise (the robot has no rules, so
    everything that is not small talk gets the default reply)."""
    entity = ask(api, robot, question, user=new_user())
    return entity["content"]["msg"] if entity["answerSource"] == "FREECHAT" else None


def test_the_defaults_are_visible_named_in_both_languages(api: Api) -> None:
    settings = api.ok("GET", f"/robots/{api.new_robot()}")["settings"]
    assert settings["smallTalkEnabled"] is True and settings["smallTalkExtra"] == []
    assert settings["smallTalk"] == DEFAULT_SMALL_TALK
    names = {entry["name"] for entry in settings["smallTalk"]}
    for topic in ("greeting", "thanks", "goodbye", "presence", "identity", "abilities", "praise", "complaint",
                  "laughter", "ack"):
        assert {f"{topic}-zh", f"{topic}-en"} <= names


def test_the_defaults_answer_in_the_visitors_language(api: Api) -> None:
    robot = api.new_robot()
    assert answer(api, robot, "你好") == REPLY["greeting-zh"]
    assert answer(api, robot, "hi there") == REPLY["greeting-en"]
    assert answer(api, robot, "谢谢你们") == REPLY["thanks-zh"]
    assert answer(api, robot, "thanks a lot") == REPLY["thanks-en"]


def test_extra_entries_add_change_and_switch_off_without_copying_the_defaults(api: Api) -> None:
    robot = api.new_robot()
    extra = [
        {"name": "weekend", "patterns": ["周末愉快"], "reply": "周末愉快！"},  # a new entry
        {"patterns": ["你好"], "reply": "您好，我是小答！"},  # a new entry sharing a default's pattern: it wins
        {"name": "thanks-zh", "reply": "不用谢～"},  # a default's reply; its patterns stay
        {"name": "goodbye-en", "patterns": ["ciao"]},  # a default's patterns; its reply stays
        {"name": "laughter-zh", "enabled": False},  # a default switched off
    ]
    settings = put_settings(api, robot, smallTalkExtra=extra)
    assert settings["smallTalk"] == DEFAULT_SMALL_TALK  # the defaults are not copied into the robot
    assert settings["smallTalkExtra"] == [{**entry, "enabled": entry.get("enabled", True)} for entry in extra]
    assert answer(api, robot, "周末愉快呀") == "周末愉快！"
    assert answer(api, robot, "你好") == "您好，我是小答！"
    assert answer(api, robot, "您好") == REPLY["greeting-zh"]
    assert answer(api, robot, "多谢") == "不用谢～"
    assert answer(api, robot, "ciao") == REPLY["goodbye-en"]
    assert answer(api, robot, "bye") is None
    assert answer(api, robot, "哈哈哈") is None
    assert answer(api, robot, "lol") == REPLY["laughter-en"]  # the other language's entry is another entry
    assert answer(api, robot, "在吗") == REPLY["presence-zh"]  # every other default is still there
    # The read shape goes back unchanged.
    entity = api.ok("GET", f"/robots/{robot}")
    assert api.ok("PUT", f"/robots/{robot}", json=entity)["settings"] == entity["settings"]


def test_small_talk_still_replaces_the_list_and_extras_apply_to_it(api: Api) -> None:
    robot = api.new_robot()
    own = [{"patterns": ["早上好"], "reply": "早！"}, {"name": "bye", "patterns": ["再见"], "reply": "回见"}]
    settings = put_settings(api, robot, smallTalk=own)
    assert settings["smallTalk"] == own  # an entry without a name reads back exactly as it was written
    assert answer(api, robot, "早上好") == "早！"
    assert answer(api, robot, "谢谢") is None
    put_settings(api, robot, smallTalkExtra=[{"name": "bye", "reply": "下次见"}])
    assert answer(api, robot, "再见") == "下次见"


def test_small_talk_enabled_false_switches_everything_off(api: Api) -> None:
    robot = api.new_robot()
    put_settings(api, robot, smallTalkExtra=[{"patterns": ["周末愉快"], "reply": "周末愉快！"}],
                 smallTalkEnabled=False)
    for question in ("你好", "hi", "谢谢", "周末愉快"):
        assert answer(api, robot, question) is None, question
    put_settings(api, robot, smallTalkEnabled=True)
    assert answer(api, robot, "周末愉快") == "周末愉快！"


@pytest.mark.parametrize("settings", [
    pytest.param({"smallTalkExtra": [{"name": "no-such-entry", "enabled": False}]}, id="switch-off-unknown"),
    pytest.param({"smallTalkExtra": [{"name": "no-such-entry", "reply": "x"}]}, id="change-unknown"),
    pytest.param({"smallTalkExtra": [{"reply": "x"}]}, id="new-without-patterns"),
    pytest.param({"smallTalkExtra": [{"patterns": ["x"]}]}, id="new-without-reply"),
    pytest.param({"smallTalkExtra": [{"name": "thanks-zh", "patterns": []}]}, id="empty-patterns"),
    pytest.param({"smallTalkExtra": [{"name": "thanks-zh", "patterns": [" "]}]}, id="blank-pattern"),
    pytest.param({"smallTalkExtra": [{"name": "thanks-zh", "reply": ""}]}, id="empty-reply"),
    pytest.param({"smallTalkExtra": [{"name": "thanks-zh", "reply": "长" * 2001}]}, id="reply-too-long"),
    pytest.param({"smallTalkExtra": [{"name": "thanks-zh", "language": "zh"}]}, id="unknown-key"),
    pytest.param({"smallTalkExtra": [{"name": "thanks-zh", "enabled": "maybe"}]}, id="enabled-not-bool"),
    pytest.param({"smallTalkExtra": [{"name": "a b", "patterns": ["x"], "reply": "y"}]}, id="bad-name"),
    pytest.param({"smallTalkExtra": [{"name": "thanks-zh", "reply": "a"}, {"name": "thanks-zh", "reply": "b"}]},
                 id="duplicate-extra-name"),
    pytest.param({"smallTalkExtra": {"name": "thanks-zh", "reply": "a"}}, id="not-a-list"),
    pytest.param({"smallTalk": [{"name": "a", "patterns": ["x"], "reply": "y"},
                                {"name": "a", "patterns": ["z"], "reply": "y"}]}, id="duplicate-name"),
    # Replacing the list drops the entry an existing change refers to.
    pytest.param({"smallTalk": [{"patterns": ["x"], "reply": "y"}]}, id="replacement-orphans-a-change"),
])
def test_bad_small_talk_settings_are_400_and_change_nothing(api: Api, settings: dict[str, Any]) -> None:
    robot = api.new_robot()
    put_settings(api, robot, smallTalkExtra=[{"name": "thanks-zh", "reply": "不用谢～"}])
    before = api.ok("GET", f"/robots/{robot}")
    body = expect_error(api.put(f"/robots/{robot}", json={"settings": settings}), 400, "INVALID_PARAMETER")
    assert "settings.smallTalk" in body["errorDescription"]
    assert api.ok("GET", f"/robots/{robot}") == before
    assert answer(api, robot, "谢谢") == "不用谢～"
