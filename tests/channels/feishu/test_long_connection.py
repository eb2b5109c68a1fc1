"""The long connection: `huida feishu-connect` and `huida serve --feishu-connect` as real processes, running the
SDK's `lark.ws.Client` against the fake's websocket endpoint; events go through the same intake, replies through
the outbox (the test server's worker sends them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.channels.feishu.conftest import FAST
from tests.channels.feishu.helpers import Bot, bind, channels_path, message_id, new_user
from tests.conversation.conftest import Shop
from tests.conversation.helpers import NONSENSE, answer_exact_questions
from tests.fake_feishu import FakeFeishu, card_action_event, message_event
from tests.fake_feishu.wire import buttons
from tests.support.client import new_tenant
from tests.support.outbox import fresh_database
from tests.support.receiver import wait_until
from tests.support.server import LiveServer, free_port, start_server

HUIDA = Path(sys.executable).with_name("huida")
REFUND = "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。"
MESSAGE = "im.message.receive_v1"
# The child processes only hold the connection: the test server's worker replies (with the test timings).
CHILD_ENV = {"HUIDA_RUN_WORKER": "0", "HUIDA_LOG_REQUESTS": "0", "PYTHONUNBUFFERED": "1"}


def start(args: list[str], database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **CHILD_ENV, "HUIDA_DATABASE_URL": database_url}
    return subprocess.Popen([str(HUIDA), *args], env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def connected(fake: FakeFeishu, app_id: str, log: Path) -> None:
    wait_until(lambda: fake.ws.connected(app_id), timeout=180, message=f"a long connection ({log.read_text()[-2000:]})")


def push_text(fake: FakeFeishu, bot: Bot, text: str, user: str) -> dict:
    payload = message_event(bot.app, content={"text": text}, sender=user)
    fake.know_message(message_id(payload), payload["event"]["message"]["chat_id"])
    assert fake.ws.push(bot.app.app_id, payload) is None  # acknowledged with an empty 200
    return payload


@pytest.fixture
def ws_bot(shop: Shop, fake: FakeFeishu) -> Iterator[Bot]:
    bot = bind(shop.api, fake, shop.robot, encrypted=False, token=False, mode="longConnection")
    yield bot
    shop.api.ok("DELETE", f"{channels_path(shop.api)}/{bot.channel_id}")


def test_feishu_connect(ws_bot: Bot, fake: FakeFeishu, tmp_path: Path) -> None:
    bot, log = ws_bot, tmp_path / "connect.log"
    process = start(["feishu-connect", "--channel", bot.channel_id], bot.api.server.ctx.settings.resolved_database_url,
                    log)
    try:
        connected(fake, bot.app.app_id, log)
        user = new_user()
        payload = push_text(fake, bot, "怎么申请退款", user)
        assert bot.reply(payload).content == {"text": REFUND}
        fake.ws.push(bot.app.app_id, payload)  # redelivered: deduped like a callback
        # A menu, and its click arriving over the connection: the toast comes back in the acknowledgement.
        menu = bot.reply(push_text(fake, bot, "帮助菜单", user))
        value = next(v for label, v, _ in buttons(menu.content) if label == "退款说明")
        click = card_action_event(bot.app, value=value, open_id=user, message_id=menu.message_id,
                                  chat_id=menu.chat_id)
        answer = fake.ws.push(bot.app.app_id, click)
        assert answer["toast"]["type"] == "success" and "退款说明" in answer["toast"]["content"]
        assert bot.reply(menu.message_id).content == {"text": REFUND}
        # Events Huida does not handle, and broken ones, are acknowledged all the same.
        other = message_event(bot.app, content={"text": "x"})
        other["header"]["event_type"] = "im.message.message_read_v1"
        assert fake.ws.push(bot.app.app_id, other) is None
        assert fake.ws.push(bot.app.app_id, {"schema": "2.0", "header": {"event_type": MESSAGE}}) is None
        assert [r["state"] for r in bot.settled()] == ["sent", "sent", "sent"]
        assert len(fake.replies_to(message_id(payload))) == 1
    finally:
        stop(process)



def test_unknown_channel_is_an_error(feishu_server: LiveServer) -> None:
    env = {**os.environ, **CHILD_ENV, "HUIDA_DATABASE_URL": feishu_server.ctx.settings.resolved_database_url}
    result = subprocess.run([str(HUIDA), "feishu-connect", "--channel", "no-such-channel"], capture_output=True,
                            env=env, timeout=120)
    assert result.returncode == 2 and b"no Feishu channel" in result.stderr
    assert subprocess.run([str(HUIDA), "feishu-connect"], capture_output=True, timeout=120).returncode == 1


def test_serve_runs_the_long_connections_alongside(feishu_backend: str, fake: FakeFeishu, tmp_path: Path) -> None:
    with fresh_database(feishu_backend, tmp_path) as url, start_server(url, tmp_path / "data", **FAST) as live, \
            new_tenant(live) as api:
        robot = api.new_robot()
        api.new_rule(robot, ["怎么申请退款"], "在订单详情页申请。", id="refund")
        answer_exact_questions(api, robot, {"怎么申请退款": "refund"}, [NONSENSE])
        bot = bind(api, fake, robot, encrypted=False, token=False, mode="longConnection")
        webhook_only = bind(api, fake, robot)  # not in longConnection mode: no connection for it
        log = tmp_path / "serve.log"
        process = start(["serve", "--port", str(free_port()), "--feishu-connect"], url, log)
        try:
            connected(fake, bot.app.app_id, log)
            payload = push_text(fake, bot, "怎么申请退款", new_user())
            assert bot.reply(payload).content == {"text": "在订单详情页申请。"}
            assert not fake.ws.connected(webhook_only.app.app_id)
            # The supervisor follows the channel: disabled, its connection goes; enabled again, it comes back.
            path = f"{channels_path(api)}/{bot.channel_id}"
            api.ok("PUT", path, json={"enabled": False})
            wait_until(lambda: not fake.ws.connected(bot.app.app_id), timeout=60, message="the connection closed")
            api.ok("PUT", path, json={"enabled": True})
            connected(fake, bot.app.app_id, log)
        finally:
            stop(process, signal.SIGINT)
        # Stopping the server stops its long connections.
        wait_until(lambda: not fake.ws.connected(bot.app.app_id), timeout=60, message="the connection closed")
