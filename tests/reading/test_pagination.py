"""Paging through thousands of messages while new ones keep arriving: no message twice, none of those already
there missed, the order kept (keyset pages on the global message order)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from huida.conversation.models import ChatSession, Message
from huida.db import now_ms
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer

CHAT = "oc_busy_group"
SEEDED = 3000


@dataclass
class Busy:
    api: Api
    robot: str
    session_id: str
    seeded: list[str]  # message ids, oldest first


def _messages(busy_session: ChatSession, start: int, count: int) -> list[Message]:
    now = now_ms()
    return [Message(session_id=busy_session.id, tenant_id=busy_session.tenant_id, robot_id=busy_session.robot_id,
                    role="visitor" if n % 3 else "robot", sender_id=f"ou_member_{n % 7}",
                    text=f"第{n}号订单的物流状态怎么样", created_at=now, extra={}) for n in range(start, start + count)]


@pytest.fixture(scope="module")
def busy(server: LiveServer) -> Iterator[Busy]:
    with new_tenant(server) as api:
        robot = api.new_robot("大群")
        with server.ctx.db.session() as session:
            chat = ChatSession(tenant_id=api.tenant_id, robot_id=robot, user_id="ou_member_0", visitor_key=CHAT,
                               channel="feishu", chat_id=CHAT, chat_type="group", state={})
            session.add(chat)
            session.flush()
            session.add_all(_messages(chat, 0, SEEDED))
        with server.ctx.db.read() as session:
            ids = list(session.scalars(select(Message.id).where(Message.session_id == chat.id).order_by(Message.seq)))
        yield Busy(api, robot, chat.id, ids)


class Writer:
    """Keeps writing messages into the chat, one transaction each, until stopped."""

    def __init__(self, server: LiveServer, busy: Busy) -> None:
        self.server, self.busy, self.written = server, busy, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self.server.ctx.db.session() as session:
                chat = session.get(ChatSession, self.busy.session_id)
                session.add_all(_messages(chat, 100_000 + self.written, 1))
            self.written += 1

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(30)


def _walk(api: Api, path: str, **params: object) -> list[str]:
    seen, token = [], None
    while True:
        page = api.ok("GET", path, params={**params, **({"page_token": token} if token else {})})
        assert len(page["items"]) <= 50
        seen += [item["message_id"] for item in page["items"]]
        if not page["has_more"]:
            return seen
        token = page["page_token"]


def _order(server: LiveServer, ids: list[str]) -> list[int]:
    with server.ctx.db.read() as session:
        seqs = dict(session.execute(select(Message.id, Message.seq).where(Message.id.in_(ids))).all())
    return [seqs[i] for i in ids]


@pytest.mark.parametrize("sort_rule", ["create_time_desc", "create_time_asc"])
def test_listing_a_chat_while_it_grows(server: LiveServer, busy: Busy, sort_rule: str) -> None:
    with Writer(server, busy) as writer:
        seen = _walk(busy.api, "/conversations/messages", chat_id=CHAT, sort_rule=sort_rule)
    assert writer.written > 0
    assert len(seen) == len(set(seen)), "a message came twice"
    assert set(busy.seeded) <= set(seen), "a message that was there all along was skipped"
    order = _order(server, seen)
    assert order == sorted(order, reverse=sort_rule == "create_time_desc")


def test_searching_while_the_store_grows(server: LiveServer, busy: Busy) -> None:
    with Writer(server, busy):
        seen = _walk(busy.api, "/conversations/search", query="订单物流", sender_type="all", chat_id=CHAT)
    assert len(seen) == len(set(seen)) and set(busy.seeded) <= set(seen)
    order = _order(server, seen)
    assert order == sorted(order, reverse=True)
    members = _walk(busy.api, "/conversations/search", sender_ids="ou_member_3", query="物流")
    assert set(members) >= {i for n, i in enumerate(busy.seeded) if n % 7 == 3 and n % 3}
