"""Nothing lost, nothing repeated: an event taken in by a server that stops before replying is answered once by
the next server on the same database; a reply whose outcome was never recorded is sent again as the same
message, which Feishu shows once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from huida.channels.feishu.models import FeishuDelivery
from huida.jobs.models import Job
from tests.channels.feishu.conftest import FAST
from tests.channels.feishu.helpers import bind, message_id
from tests.conversation.helpers import NONSENSE, answer_exact_questions
from tests.fake_feishu import FakeFeishu
from tests.support.client import new_tenant
from tests.support.outbox import fresh_database, job_counts
from tests.support.receiver import wait_until
from tests.support.server import start_server

ANSWER = "在订单详情页申请。"


def test_a_restart_between_receiving_and_replying_replies_once(feishu_backend: str, tmp_path: Path,
                                                               fake: FakeFeishu) -> None:
    with fresh_database(feishu_backend, tmp_path) as url:
        # 1. A server without a worker takes the event in: acknowledged, queued, not answered.
        with start_server(url, tmp_path / "a", run_worker=False, **FAST) as first, new_tenant(first) as api:
            robot = api.new_robot()
            api.new_rule(robot, ["怎么申请退款"], ANSWER, id="refund")
            answer_exact_questions(api, robot, {"怎么申请退款": "refund"}, [NONSENSE])
            bot = bind(api, fake, robot)
            payload = bot.say("怎么申请退款")
            assert bot.send(payload).status_code == 200  # Feishu's retry, deduped
            assert job_counts(first.ctx) == {"pending": 1}
            assert [r["state"] for r in bot.deliveries()] == ["pending"]
        assert fake.replies_to(message_id(payload)) == []

        # 2. The next server (with its worker) replies, once.
        with start_server(url, tmp_path / "b", **FAST) as second:
            assert bot.reply(payload).content == {"text": ANSWER}
            wait_until(lambda: job_counts(second.ctx).get("done") == 1, message="the job done")
            sent = fake.replies_to(message_id(payload))
            with second.ctx.db.session() as session:
                # 3. As if that server had died after replying but before recording it.
                session.execute(update(Job).values(status="pending", run_at=0, lease_owner=None))
                session.execute(update(FeishuDelivery).values(state="pending", attempts=0, attempt_log=[]))

        with start_server(url, tmp_path / "c", **FAST) as third:
            wait_until(lambda: job_counts(third.ctx).get("done") == 1, message="the rerun done")
        calls = fake.requests(f"/messages/{message_id(payload)}/reply")
        assert len(calls) == 2 and calls[0].json["uuid"] == calls[1].json["uuid"] == sent[0].uuid
        assert fake.replies_to(message_id(payload)) == sent  # Feishu kept one message for the uuid
