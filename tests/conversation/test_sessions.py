"""Sessions: one open session per (robot, userId), a new one after the idle timeout, and many visitors at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from huida.conversation.models import Message
from tests.conversation.conftest import Shop
from tests.conversation.helpers import (
    ask,
    chat_session,
    history,
    idle,
    kind,
    message_count,
    new_user,
    session_count,
    settings,
)


def test_a_visitor_keeps_one_session_and_every_message_is_stored(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    before = message_count(api)
    first = ask(api, robot, "怎么申请退款", user=user)
    second = ask(api, robot, "运费怎么算", user=user)
    assert first["sessionId"] == second["sessionId"]
    assert first["msgId"] != second["msgId"]
    assert message_count(api) == before + 4  # each question and each reply
    with api.server.ctx.db.session() as session:
        rows = session.scalars(select(Message).where(Message.session_id == first["sessionId"])
                               .order_by(Message.seq)).all()
        assert [(m.role, m.text) for m in rows] == [
            ("visitor", "怎么申请退款"), ("robot", "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。"),
            ("visitor", "运费怎么算"), ("robot", "满 99 元包邮，不满收 8 元运费。"),
        ]
        assert rows[1].id == first["msgId"] and rows[1].reply_to == rows[0].id
        assert (rows[1].rule_id, rows[1].answer_type, rows[1].answer_source) == ("refund", "BEST_ANSWER", "RULE")
    chat = chat_session(api, first["sessionId"])
    assert (chat.user_id, chat.robot_id, chat.question_count, chat.handover) == (user, robot, 2, "bot")


def test_other_visitors_and_other_robots_get_their_own_sessions(shop: Shop) -> None:
    api, user = shop.api, new_user()
    mine = ask(api, shop.robot, "怎么申请退款", user=user)
    theirs = ask(api, shop.robot, "怎么申请退款", user=new_user())
    assert mine["sessionId"] != theirs["sessionId"]
    other_robot = api.new_robot("另一个机器人")
    elsewhere = ask(api, other_robot, "你好", user=user)
    assert elsewhere["sessionId"] not in (mine["sessionId"], theirs["sessionId"])
    assert ask(api, shop.robot, "运费怎么算", user=user)["sessionId"] == mine["sessionId"]


def test_after_the_idle_timeout_a_new_session_starts(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    first = ask(api, robot, "怎么申请退款", user=user)
    idle(api, first["sessionId"], 29)
    assert ask(api, robot, "运费怎么算", user=user)["sessionId"] == first["sessionId"]
    idle(api, first["sessionId"], 31)  # 31 minutes since the last question: past the default 30
    fresh = ask(api, robot, "运费怎么算", user=user)
    assert fresh["sessionId"] != first["sessionId"]
    old = chat_session(api, first["sessionId"])
    assert old.open_key is None and old.closed_at is not None and old.handover == "closed"
    new = chat_session(api, fresh["sessionId"])
    assert new.question_count == 1 and new.state.get("recent") == ["运费怎么算"]
    # The new session starts from scratch: its first request for a person is a first-round transfer.
    idle(api, fresh["sessionId"], 45)
    assert ask(api, robot, "转人工", user=user)["answerSource"] == "HUMAN_FIRST_ROUND"


def test_the_idle_timeout_is_a_setting(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    settings(api, robot, sessionTimeoutMinutes=5)
    first = ask(api, robot, "怎么申请退款")
    idle(api, first["sessionId"], 4)
    assert ask(api, robot, "运费怎么算")["sessionId"] == first["sessionId"]
    idle(api, first["sessionId"], 6)
    assert ask(api, robot, "运费怎么算")["sessionId"] != first["sessionId"]


def test_a_repeat_does_not_survive_the_session(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    first = ask(api, robot, "运费怎么算", user=user)
    ask(api, robot, "运费怎么算", user=user)
    idle(api, first["sessionId"], 60)
    assert ask(api, robot, "运费怎么算", user=user)["answerType"] == "BEST_ANSWER"


def test_first_round_transfer_only_on_the_first_question(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    assert ask(api, robot, "我要转人工", user=new_user())["answerSource"] == "HUMAN_FIRST_ROUND"
    user = new_user()
    ask(api, robot, "你好", user=user)
    assert ask(api, robot, "我要转人工", user=user)["answerSource"] == "HUMAN"


def test_concurrent_visitors_keep_their_sessions_apart_and_lose_nothing(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    users = [new_user() for _ in range(8)]
    questions = ["怎么申请退款", "运费怎么算", "怎么查询订单状态", "尺码表在哪里看", "你好"]
    before_messages, before_sessions = message_count(api), session_count(api)

    def conversation(user: str) -> list[dict]:
        return [ask(api, robot, q, user=user) for q in questions]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(users, pool.map(conversation, users), strict=True))
    sessions = {user: {e["sessionId"] for e in entities} for user, entities in results.items()}
    assert all(len(ids) == 1 for ids in sessions.values()), sessions  # one session per visitor...
    assert len({next(iter(ids)) for ids in sessions.values()}) == len(users)  # ...none shared
    assert message_count(api) == before_messages + 2 * len(users) * len(questions)
    assert session_count(api) == before_sessions + len(users)
    for user, entities in results.items():
        assert [e["question"] for e in entities] == questions
        assert [kind(e)[2] for e in entities] == ["txt", "txt", "txt", "img", "txt"]
        docs = history(api, robot, entities[0]["sessionId"])["entity"]
        assert [d["question"] for d in docs] == questions[::-1]
        assert {d["userId"] for d in docs} == {user}
        assert chat_session(api, entities[0]["sessionId"]).question_count == len(questions)


def test_concurrent_first_questions_of_one_visitor_share_one_session(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    with ThreadPoolExecutor(max_workers=6) as pool:
        entities = list(pool.map(lambda q: ask(api, robot, q, user=user), ["怎么申请退款", "运费怎么算"] * 3))
    assert len({e["sessionId"] for e in entities}) == 1
    chat = chat_session(api, entities[0]["sessionId"])
    assert chat.question_count == 6 and len(chat.state["recent"]) == 6
