"""Seed 001's idempotent_id: within one session the same id is the same message for 72 hours."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, update

from huida.channels.aily.models import AilyMessage
from huida.conversation.models import Message
from tests.channels.aily.conftest import Desk
from tests.channels.aily.helpers import idem

HOUR_MS = 3600 * 1000


def _stored(desk: Desk, session_id: str) -> int:
    with desk.api.server.ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(AilyMessage)
                              .where(AilyMessage.session_id == session_id)) or 0


def test_the_same_id_returns_the_first_message_unchanged(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session()["id"]
    first = aily.post(session, "你好", idempotent_id="idempotent_id_1")
    again = aily.post(session, "这次内容不一样", idempotent_id="idempotent_id_1", content_type="MDX")
    assert again == first  # the first message, as it was; the second body did nothing
    assert len(aily.messages(session)["items"]) == 1 and _stored(desk, session) == 1
    # Another session may use the same id for its own message.
    other = aily.new_session()["id"]
    assert aily.post(other, "你好", idempotent_id="idempotent_id_1")["id"] != first["id"]


def test_concurrent_duplicate_posts_store_exactly_one_message(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session()["id"]
    key, answers, errors = idem(), [], []
    barrier = threading.Barrier(8)

    def post(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers.append(aily.post(session, f"同时发送 {n}", idempotent_id=key))
        except Exception as exc:  # noqa: BLE001  reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(answers) == 8 and len({a["id"] for a in answers}) == 1
    assert all(a == answers[0] for a in answers)
    assert _stored(desk, session) == 1
    with desk.api.server.ctx.db.read() as db:
        count = db.scalar(select(func.count()).select_from(Message).where(Message.id == answers[0]["id"]))
    assert count == 1 and len(aily.messages(session)["items"]) == 1


def test_after_72_hours_the_id_makes_a_new_message(desk: Desk) -> None:
    aily = desk.aily
    session = aily.new_session()["id"]
    first = aily.post(session, "第一条", idempotent_id="reused")
    with desk.api.server.ctx.db.session() as db:  # the first message is now 73 hours old
        db.execute(update(AilyMessage).where(AilyMessage.message_id == first["id"])
                   .values(created_at=AilyMessage.created_at - 73 * HOUR_MS))
    second = aily.post(session, "第二条", idempotent_id="reused")
    assert second["id"] != first["id"] and second["content"] == "第二条"
    assert aily.post(session, "第三条", idempotent_id="reused")["id"] == second["id"]
    assert [m["content"] for m in aily.messages(session)["items"]] == ["第一条", "第二条"]
