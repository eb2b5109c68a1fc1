"""Conversation reading and search latency (seed 002) on a large message store.

    .venv/bin/python bench/reading.py                                  # SQLite (temp file), 100,000 messages
    .venv/bin/python bench/reading.py --db postgresql://postgres@127.0.0.1:5432/bench --messages 100000

The store is filled through the real write path (ORM inserts, so every message is indexed for search in its
own transaction's flush): real customer questions from the BQ corpus (../shared/data/pairs/bq-train.tsv),
in 4,000 one-to-one chats and 20 group chats (one with 5,000 messages), 1,500 senders, over 60 days. Each
query runs through the same service functions as the HTTP API and the MCP tools (page of 50, items rendered);
the table shows the median and 95th percentile of `--runs` repetitions. On PostgreSQL the tables are vacuumed
and analysed after the load (as autovacuum soon would), and a tenant is added to the given database and left
there.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from huida.auth.service import create_tenant
from huida.config import normalize_database_url
from huida.conversation.models import ChatSession, Message
from huida.db import Database, now_ms
from huida.reading.indexing import install_search_index
from huida.reading.models import MessageTerm
from huida.reading.service import MessagesQuery, SearchQuery, Times, get_messages, search_messages
from huida.reading.terms import index_terms
from huida.robots.service import create_robot

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pairs" / "bq-train.tsv"
DAY_MS = 24 * 3600 * 1000
BIG_GROUP = "oc_bench_big"


def _texts() -> list[str]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [part for line in lines for part in line.split("\t")[:2] if part.strip()]


def _chats(session: Any, tenant_id: int, robot: str) -> list[ChatSession]:
    chats = [ChatSession(tenant_id=tenant_id, robot_id=robot, user_id=f"ou_user_{n}", visitor_key=f"v{n}",
                         channel="api", chat_type="p2p", state={}) for n in range(4000)]
    chats += [ChatSession(tenant_id=tenant_id, robot_id=robot, user_id="ou_user_0", visitor_key=f"g{n}",
                          channel="feishu", chat_id=BIG_GROUP if n == 0 else f"oc_bench_{n}", chat_type="group",
                          state={}) for n in range(20)]
    session.add_all(chats)
    session.flush()
    return chats


def _message(chat: ChatSession, n: int, text: str, start: int, total: int, rng: random.Random) -> Message:
    robot = n % 2 == 1
    sender = chat.robot_id if robot else (chat.user_id if chat.chat_type == "p2p" else f"ou_user_{rng.randrange(1500)}")
    extra = {"mentions": [{"id": "ou_bot", "key": "@_user_1", "name": "bot"}]} if chat.chat_type == "group" else {}
    return Message(session_id=chat.id, tenant_id=chat.tenant_id, robot_id=chat.robot_id,
                   role="robot" if robot else "visitor", sender_id=sender, text=text, extra=extra,
                   created_at=start + (60 * DAY_MS) * n // total)


def fill(db: Database, count: int) -> tuple[int, float]:
    """A tenant with `count` messages; returns its id and the messages written per second."""
    rng, texts = random.Random(7), _texts()
    with db.session() as session:
        tenant_id = create_tenant(session, f"bench {time.time_ns()}", f"bench-{time.time_ns()}@example.com").tenant.id
        robot = create_robot(session, tenant_id, "bench").robot_id
        chats = _chats(session, tenant_id, robot)
    big, groups, p2p = chats[4000], chats[4001:], chats[:4000]
    index_terms("预热")  # load jieba's dictionary before the clock starts
    start, begun, batch = now_ms() - 60 * DAY_MS, time.perf_counter(), 2000
    for first in range(0, count, batch):
        with db.session() as session:
            rows = []
            for n in range(first, min(count, first + batch)):
                chat = big if n % 20 == 0 else rng.choice(groups) if n % 20 == 1 else rng.choice(p2p)
                rows.append(_message(chat, n, texts[n % len(texts)], start, count, rng))
            session.add_all(rows)
    return tenant_id, count / (time.perf_counter() - begun)


def settle(db: Database) -> None:
    """On PostgreSQL, what autovacuum does soon after a bulk load: statistics and the visibility map. (SQLite
    is measured as Huida runs it, without ANALYZE statistics.)"""
    if db.is_sqlite:
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _measure(call: Callable[[], dict[str, Any]], runs: int) -> tuple[float, float, int]:
    call()  # warm the caches (jieba, statement cache)
    timings, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(call()["items"])
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], size


def _deep_token(db: Database, tenant_id: int, pages: int) -> str:
    token = None
    for _ in range(pages):
        token = get_messages(db, tenant_id, MessagesQuery(chat_id=BIG_GROUP, page_token=token))["page_token"]
    assert token
    return token


def cases(db: Database, tenant_id: int, count: int) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    pages = max(1, min(40, count // 20 // 50 - 1))  # the big group holds a twentieth of the messages
    deep = _deep_token(db, tenant_id, pages)

    def search(**kw: Any) -> Callable[[], dict[str, Any]]:
        times = Times(kw.pop("relative_time", None))
        return lambda: search_messages(db, tenant_id, SearchQuery(times=times, **kw))

    def listing(**kw: Any) -> Callable[[], dict[str, Any]]:
        return lambda: get_messages(db, tenant_id, MessagesQuery(**kw))

    return [
        ("list: group chat of 5,000, first page", listing(chat_id=BIG_GROUP)),
        (f"list: group chat, page {pages + 1} (token)", listing(chat_id=BIG_GROUP, page_token=deep)),
        ("list: group chat, last_7_days", listing(chat_id=BIG_GROUP, times=Times("last_7_days"))),
        ("list: one-to-one by open_id", listing(open_id="ou_user_17")),
        ("search: common word 微信", search(query="微信")),
        ("search: rare word 公积金", search(query="公积金")),
        ("search: two words 微粒贷 额度", search(query="微粒贷 额度")),
        ("search: one character 钱", search(query="钱")),
        ("search: one rare character 鑫 (a scan)", search(query="鑫")),
        ("search: sentence 为什么我的额度没有了", search(query="为什么我的额度没有了")),
        ("search: word + chat_id", search(query="还款", chat_id=BIG_GROUP)),
        ("search: word + last_7_days", search(query="还款", relative_time="last_7_days")),
        ("search: sender_ids only", search(sender_ids=("ou_user_42",), sender_type="all")),
        ("search: mention_ids only", search(mention_ids=("ou_bot",))),
        ("search: chat_type group + word", search(chat_type="group", query="借款")),
        ("search: last_7_days only", search(relative_time="last_7_days")),
        ("search: no match 量子计算机", search(query="量子计算机")),
    ]


def _pad(text: str, width: int) -> str:
    """Left-aligned in a fixed-width column, counting a Chinese character as two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="huida-bench-reading-") as tmp:
        url = normalize_database_url(args.db) if args.db else f"sqlite:///{tmp}/huida.db"
        install_search_index()  # every message written below is indexed in its transaction
        db = Database(url)
        db.migrate()
        tenant_id, rate = fill(db, args.messages)
        settle(db)
        with db.read() as session:
            postings = session.scalar(select(func.count()).select_from(MessageTerm)
                                      .where(MessageTerm.tenant_id == tenant_id))
            total = session.scalar(select(func.count()).select_from(Message).where(Message.tenant_id == tenant_id))
        print(f"{db.engine.dialect.name}: {total:,} messages written at {rate:,.0f}/s with their {postings:,} "
              f"search postings ({postings / total:.1f} per message)\n")
        print(f"| {_pad('query (page of 50)', 44)} | {'median ms':>9} | {'p95 ms':>7} | {'items':>5} |")
        print(f"|{'-' * 46}|{'-' * 11}:|{'-' * 8}:|{'-' * 6}:|")
        for name, call in cases(db, tenant_id, args.messages):
            median, p95, size = _measure(call, args.runs)
            print(f"| {_pad(name, 44)} | {median:9.1f} | {p95:7.1f} | {size:5d} |")
        db.dispose()


if __name__ == "__main__":
    main()
