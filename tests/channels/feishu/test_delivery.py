"""Replies that meet Feishu errors: invalid tokens, rate limits, server errors, refusals — retried through the
outbox, and shown in the channel's delivery log."""

from __future__ import annotations

import pytest

from tests.channels.feishu.helpers import Bot, bind, channels_path, message_id
from tests.conversation.conftest import Shop
from tests.fake_feishu import FakeFeishu
from tests.support.client import expect_error

REFUND = "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。"
MAX_ATTEMPTS = 8  # huida.channels.feishu.jobs.FEISHU_RETRY


@pytest.fixture
def bot(shop: Shop, fake: FakeFeishu) -> Bot:
    return bind(shop.api, fake, shop.robot)


def settled_one(bot: Bot, payload: dict) -> dict:
    return next(r for r in bot.settled() if r["messageId"] == message_id(payload))


def test_an_invalid_token_is_replaced_and_the_call_retried_once(bot: Bot) -> None:
    bot.reply(bot.say("怎么申请退款"))  # a token is cached now
    token_calls = len(bot.fake.requests("/tenant_access_token/", app_id=bot.app.app_id))
    bot.fake.fail("/reply", "token", app_id=bot.app.app_id)  # Feishu invalidates the token (99991663)
    payload = bot.say("怎么申请退款")
    assert bot.reply(payload).content == {"text": REFUND}
    calls = bot.fake.requests(f"/messages/{message_id(payload)}/reply")
    assert [c.answered for c in calls] == [400, 200]
    assert calls[0].headers["authorization"] != calls[1].headers["authorization"]
    assert len(bot.fake.requests("/tenant_access_token/", app_id=bot.app.app_id)) == token_calls + 1
    row = settled_one(bot, payload)
    assert (row["state"], row["attempts"]) == ("sent", 1)  # within the same attempt
    assert len(bot.fake.replies_to(message_id(payload))) == 1


def test_rate_limits_are_waited_out(bot: Bot) -> None:
    bot.fake.fail("/reply", "rate_limit", app_id=bot.app.app_id)
    payload = bot.say("怎么申请退款")
    assert bot.reply(payload).content == {"text": REFUND}
    row = settled_one(bot, payload)
    assert (row["state"], row["attempts"]) == ("sent", 2)
    first = row["attemptLog"][0]
    assert first["code"] == 99991400 and "rate limited" in first["error"] and first["state"] == "pending"
    assert row["attemptLog"][1]["state"] == "sent" and row["replyMessageId"].startswith("om_")


def test_server_errors_are_retried_with_the_same_message(bot: Bot) -> None:
    bot.fake.fail("/reply", "500", times=2, app_id=bot.app.app_id)
    payload = bot.say("怎么申请退款")
    assert bot.reply(payload).content == {"text": REFUND}
    row = settled_one(bot, payload)
    assert (row["state"], row["attempts"]) == ("sent", 3)
    uuids = {c.json["uuid"] for c in bot.fake.requests(f"/messages/{message_id(payload)}/reply")}
    assert uuids == {row["msgId"]}  # every attempt was the same Huida message
    assert len(bot.fake.replies_to(message_id(payload))) == 1


def test_an_image_upload_failure_is_retried(bot: Bot) -> None:
    bot.fake.fail("/im/v1/images", "500", app_id=bot.app.app_id)
    payload = bot.say("尺码表在哪里看")
    assert bot.reply(payload).msg_type == "image"
    assert settled_one(bot, payload)["attempts"] == 2


def test_failures_end_up_failed_in_the_log(bot: Bot) -> None:
    bot.fake.fail("/reply", "500", times=MAX_ATTEMPTS, app_id=bot.app.app_id)
    payload = bot.say("怎么申请退款")
    row = settled_one(bot, payload)
    assert (row["state"], row["attempts"]) == ("failed", MAX_ATTEMPTS)
    assert len(row["attemptLog"]) == MAX_ATTEMPTS and "not JSON" in row["lastError"]
    assert row["nextAttemptDateTime"] is None and row["replyMessageId"] is None
    assert bot.fake.replies_to(message_id(payload)) == []
    # A refusal that retrying cannot fix fails at once.
    bot.fake.fail("/reply", "invalid", app_id=bot.app.app_id)
    refused = bot.say("运费怎么算")
    row = settled_one(bot, refused)
    assert (row["state"], row["attempts"], row["lastCode"]) == ("failed", 1, 230001)
    assert bot.deliveries(state="failed")[0]["messageId"] == message_id(refused)
    assert {r["messageId"] for r in bot.deliveries(state="failed")} == {message_id(payload), message_id(refused)}


def test_the_delivery_log(bot: Bot) -> None:
    first, second = bot.say("怎么申请退款"), bot.say("运费怎么算")
    bot.reply(first), bot.reply(second)
    rows = bot.settled()
    assert [r["messageId"] for r in rows] == [message_id(second), message_id(first)]  # newest first
    row = rows[1]
    assert row["question"] == "怎么申请退款" and row["kind"] == "message" and row["msgType"] == "text"
    assert row["chatType"] == "p2p" and row["sentDateTime"] and row["createDateTime"]
    path = f"{channels_path(bot.api)}/{bot.channel_id}/deliveries"
    page = bot.api.get(path, params={"size": 1, "page": 1}).json()
    assert page["totalElements"] == 2 and page["entity"][0]["messageId"] == message_id(first)
    assert bot.deliveries(state="pending") == []
    expect_error(bot.api.get(path, params={"state": "lost"}), 400)
    expect_error(bot.api.get(path, params={"size": 1000}), 400)
