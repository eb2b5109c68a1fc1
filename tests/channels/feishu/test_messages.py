"""Messages in: p2p and group chats, @-mentions, post and media messages, duplicates and Feishu's retries."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from huida.conversation.models import ChatSession, Message
from tests.channels.feishu.helpers import Bot, bind, chat_id, message_id, new_user
from tests.conversation.conftest import Shop
from tests.fake_feishu import FakeFeishu, mention, message_event
from tests.support.receiver import wait_until

REFUND = "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。"


@pytest.fixture
def bot(shop: Shop, fake: FakeFeishu) -> Bot:
    return bind(shop.api, fake, shop.robot)


def stored_question(bot: Bot, feishu_message_id: str) -> Message:
    with bot.api.server.ctx.db.session() as session:
        question = session.scalar(select(Message).where(Message.dedupe_key == feishu_message_id))
        assert question is not None
        session.expunge(question)
        return question


def test_p2p_text_is_answered_by_reply(bot: Bot) -> None:
    user = new_user()
    payload = bot.say("怎么申请退款", user=user)
    reply = bot.reply(payload)
    assert (reply.msg_type, reply.content) == ("text", {"text": REFUND})
    assert reply.chat_id == chat_id(payload)
    # The reply went out with the Huida msgId as its uuid, through the reply API with a tenant token.
    request = bot.fake.requests(f"/messages/{message_id(payload)}/reply")[0]
    assert request.headers["authorization"].startswith("Bearer t-")
    question = stored_question(bot, message_id(payload))
    assert reply.uuid == bot.settled()[0]["msgId"]
    with bot.api.server.ctx.db.session() as session:
        answer = session.scalar(select(Message).where(Message.reply_to == question.id))
        chat = session.get(ChatSession, question.session_id)
        assert answer is not None and answer.id == reply.uuid
        assert (chat.channel, chat.origin_type, chat.user_id, chat.chat_type) == ("feishu", "feishu", user, "p2p")
        assert chat.visitor_key == f"feishu:{chat_id(payload)}:{user}"
    assert question.extra["feishu"]["messageId"] == message_id(payload)


def test_one_session_per_chat_and_user(bot: Bot) -> None:
    user, other = new_user(), new_user()
    first = bot.say("怎么申请退款", user=user, chat="oc_shared_chat_1")
    second = bot.say("运费怎么算", user=user, chat="oc_shared_chat_1")
    third = bot.say("运费怎么算", user=other, chat="oc_shared_chat_1")
    for payload in (first, second, third):
        bot.reply(payload)
    sessions = [stored_question(bot, message_id(p)).session_id for p in (first, second, third)]
    assert sessions[0] == sessions[1] != sessions[2]


def test_group_needs_an_at_to_the_bot(bot: Bot) -> None:
    chat, user = "oc_group_" + new_user(), new_user()
    plain = bot.say("怎么申请退款", chat_type="group", chat=chat, user=user)
    at_someone = bot.say("@_user_1 怎么申请退款", chat_type="group", chat=chat, user=user,
                         mentions=[mention("@_user_1", "ou_colleague", "王五")])
    at_bot = bot.say("@_user_1 @_user_2 怎么申请退款", chat_type="group", chat=chat, user=user,
                     mentions=[mention("@_user_1", "ou_colleague", "王五"),
                               mention("@_user_2", bot.app.bot_open_id, bot.app.bot_name)])
    assert bot.reply(at_bot).content == {"text": REFUND}
    # The question Huida saw has the bot's mention removed and the colleague's shown by name.
    assert stored_question(bot, message_id(at_bot)).text == "@王五 怎么申请退款"
    bot.settled()
    assert bot.fake.replies_to(message_id(plain)) == bot.fake.replies_to(message_id(at_someone)) == []
    # The bot's open_id was learned once, from bot/v3/info, and is shown on the channel.
    assert len(bot.fake.requests("/bot/v3/info", app_id=bot.app.app_id)) == 1
    path = f"/v10/tenants/{bot.api.tenant_id}/channels/feishu/{bot.channel_id}"
    assert bot.api.ok("GET", path)["botOpenId"] == bot.app.bot_open_id
    # Now known, a group message mentioning only others leaves no delivery at all.
    before = len(bot.deliveries(size=100))
    bot.say("@_user_1 运费怎么算", chat_type="group", chat=chat, mentions=[mention("@_user_1", "ou_colleague", "王五")])
    assert len(bot.deliveries(size=100)) == before
    second = bot.say("@_user_1 运费怎么算", chat_type="group", chat=chat,
                     mentions=[mention("@_user_1", bot.app.bot_open_id, bot.app.bot_name)])
    assert bot.reply(second).content == {"text": "满 99 元包邮，不满收 8 元运费。"}
    assert len(bot.fake.requests("/bot/v3/info", app_id=bot.app.app_id)) == 1


def test_post_is_read_as_text(bot: Bot) -> None:
    post = {"zh_cn": {"title": "", "content": [[{"tag": "at", "user_id": "@_user_1", "user_name": "小答"},
                                                 {"tag": "text", "text": " 怎么申请"},
                                                 {"tag": "a", "href": "https://x", "text": "退款"}],
                                                [{"tag": "img", "image_key": "img_1"}]]}}
    payload = bot.post_message(post, message_type="post", chat_type="group",
                               mentions=[mention("@_user_1", bot.app.bot_open_id, "小答")])
    assert bot.reply(payload).content == {"text": REFUND}
    assert stored_question(bot, message_id(payload)).text == "怎么申请退款"


@pytest.mark.parametrize("kind, content", [
    ("image", {"image_key": "img_v3_abc"}), ("file", {"file_key": "file_v3_abc", "file_name": "a.pdf"}),
])
def test_media_gets_a_polite_text_only_reply(bot: Bot, kind: str, content: dict) -> None:
    payload = bot.post_message(content, message_type=kind)
    reply = bot.reply(payload)
    assert reply.msg_type == "text" and "文字" in reply.content["text"] and "text" in reply.content["text"]


def test_only_an_at_gets_the_welcome(bot: Bot) -> None:
    payload = bot.say("@_user_1", chat_type="group", mentions=[mention("@_user_1", bot.app.bot_open_id, "小答")])
    assert bot.reply(payload).content == {"text": "您好，我是智能客服小答，请问有什么可以帮您？"}


def test_duplicates_and_retries_reply_once(bot: Bot) -> None:
    payload = bot.say("怎么申请退款")
    # Feishu retries the same event (same event id), and may deliver the message again under a new event id.
    assert bot.send(payload).status_code == 200
    again = json.loads(json.dumps(payload))
    again["header"]["event_id"] = "another-event-id-" + new_user()
    assert bot.send(again).status_code == 200
    bot.reply(payload)
    rows = bot.settled()
    assert [r["state"] for r in rows] == ["sent"]
    assert len(bot.fake.replies_to(message_id(payload))) == 1
    assert len(bot.fake.requests(f"/messages/{message_id(payload)}/reply")) == 1


def test_concurrent_duplicates_reply_once(bot: Bot) -> None:
    from concurrent.futures import ThreadPoolExecutor

    payload = bot.say("运费怎么算")
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: bot.send(payload).status_code, range(8)))
    assert statuses == [200] * 8
    bot.reply(payload)
    assert len(bot.settled()) == 1
    wait_until(lambda: bot.fake.replies_to(message_id(payload)), message="the reply")
    assert len(bot.fake.requests(f"/messages/{message_id(payload)}/reply")) == 1


def test_a_disabled_channel_acknowledges_and_ignores(bot: Bot) -> None:
    path = f"/v10/tenants/{bot.api.tenant_id}/channels/feishu/{bot.channel_id}"
    bot.api.ok("PUT", path, json={"enabled": False})
    bot.say("怎么申请退款")  # still a 200, so that Feishu does not retry for hours
    assert bot.deliveries() == []
    bot.api.ok("PUT", path, json={"enabled": True})
    assert bot.reply(bot.say("怎么申请退款")).content == {"text": REFUND}


def test_dedupe_keys_are_kept_a_day_then_pruned(bot: Bot) -> None:
    from sqlalchemy import update

    from huida.channels.feishu.models import FeishuChannel, FeishuSeen
    from huida.channels.feishu.seen import RETENTION_MS, prune
    from huida.db import now_ms

    payload = bot.say("运费怎么算")
    bot.reply(payload)
    db = bot.api.server.ctx.db
    with db.session() as session:
        pk = session.scalar(select(FeishuChannel.pk).where(FeishuChannel.channel_id == bot.channel_id))
        keys = set(session.scalars(select(FeishuSeen.key).where(FeishuSeen.channel_pk == pk)))
    assert keys == {f"event:{payload['header']['event_id']}", f"message:{message_id(payload)}"}
    assert RETENTION_MS >= 8 * 3600 * 1000  # Feishu retries for about 7.1 hours
    prune(db, now_ms() - RETENTION_MS)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(FeishuSeen).where(FeishuSeen.channel_pk == pk)) == 2
        session.execute(update(FeishuSeen).where(FeishuSeen.channel_pk == pk)
                        .values(created_at=now_ms() - RETENTION_MS - 1))
    prune(db, now_ms() - RETENTION_MS)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(FeishuSeen).where(FeishuSeen.channel_pk == pk)) == 0


def test_plain_mode_with_a_verification_token(shop: Shop, fake: FakeFeishu) -> None:
    bot = bind(shop.api, fake, shop.robot, encrypted=False)
    assert bot.reply(bot.say("怎么申请退款")).content == {"text": REFUND}


def test_nul_characters_are_dropped(bot: Bot) -> None:
    payload = bot.say("怎么申请\x00退款")
    assert bot.reply(payload).content == {"text": REFUND}
    broken = message_event(bot.app, content={"text": "x"}, sender="ou_\x00bad")  # an id no database can hold
    assert bot.send(broken).status_code == 400
