"""What the outbox write adds to a rating: p50/p99 of POST .../satisfactionComments and POST .../feedback with
no webhook subscription, one and three, side by side in one run.

    .venv/bin/python bench/ratings.py                                   # SQLite (temp file)
    .venv/bin/python bench/ratings.py --db postgresql://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/ratings.py --requests 1000 --write           # append the table to RESULTS-ratings.md

A real server (uvicorn, in its own process, no worker: deliveries are not sent, only written) and one
client making requests one at a time over loopback. Three robots differ only in their subscriptions (0, 1,
3, each to every event); requests go round-robin over them in a rotating order, so that noise from other
processes on the machine falls on all three alike. Every request is a real change: a first rating of a
fresh answer, a first thumb-up of a fresh answer (each writes the rating, its event's delivery rows and jobs
in one transaction). On PostgreSQL the run adds a tenant to the given database and leaves its rows behind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from huida.auth.security import issue_token
from huida.auth.service import create_tenant
from huida.config import normalize_database_url
from huida.conversation.models import ChatSession, Message
from huida.db import Database, now_ms
from huida.feedback.satisfaction import NewRating, rate_answer
from huida.feedback.thumbs import set_feedback
from huida.reading.indexing import install_search_index
from huida.robots.service import create_robot
from huida.webhooks.events import EVENTS
from huida.webhooks.service import create_webhook

SECRET_KEY = "bench-secret-key-0123456789abcdef0123"
SUBSCRIPTIONS = (0, 1, 3)
RESULTS = Path(__file__).with_name("RESULTS-ratings.md")


@dataclass
class Robot:
    subscriptions: int
    robot_id: str
    session_id: str
    answers: list[str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _conversation(db: Database, tenant_id: int, robot_id: str, answers: int) -> tuple[str, list[str]]:
    """A session with `answers` question/answer pairs, written directly (asking would only be slower)."""
    with db.session() as session:
        chat = ChatSession(tenant_id=tenant_id, robot_id=robot_id, user_id="bench-visitor",
                           visitor_key="bench-visitor", state={})
        session.add(chat)
        session.flush()
        ids = []
        for n in range(answers):
            question = Message(session_id=chat.id, tenant_id=tenant_id, robot_id=robot_id, role="visitor",
                               sender_id="bench-visitor", text=f"运费怎么算 {n}", created_at=now_ms())
            session.add(question)
            session.flush()
            answer = Message(session_id=chat.id, tenant_id=tenant_id, robot_id=robot_id, role="robot",
                             sender_id=robot_id, reply_to=question.id, text="满 99 元包邮，不满收 8 元运费。",
                             body={"type": "txt", "msg": "满 99 元包邮，不满收 8 元运费。"}, rule_id="shipping-fee",
                             created_at=now_ms())
            session.add(answer)
            session.flush()
            ids.append(answer.id)
        return chat.id, ids


def set_up(db: Database, answers: int) -> tuple[int, str, list[Robot]]:
    with db.session() as session:
        created = create_tenant(session, "bench", f"bench-{uuid.uuid4().hex[:8]}@example.com", "bench password")
        tenant_id, user_id, username = created.tenant.id, created.admin.id, created.admin.username
    token, _ = issue_token(SECRET_KEY, tenant_id=tenant_id, user_id=user_id, username=username, role="admin",
                           ttl_seconds=24 * 3600)
    robots = []
    for count in SUBSCRIPTIONS:
        with db.session() as session:
            robot_id = create_robot(session, tenant_id, f"bench {count}").robot_id
            for _ in range(count):  # never delivered: the server runs no worker
                create_webhook(session, tenant_id, robot_id, url="http://127.0.0.1:9/hook", secret="bench-secret",
                               events=list(EVENTS), active=True, allow_private=True)
        session_id, ids = _conversation(db, tenant_id, robot_id, answers)
        robots.append(Robot(count, robot_id, session_id, ids))
    return tenant_id, token, robots


@contextmanager
def server(url: str, data_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "HUIDA_DATABASE_URL": url, "HUIDA_SECRET_KEY": SECRET_KEY, "HUIDA_RUN_WORKER": "0",
           "HUIDA_LOG_REQUESTS": "0", "HUIDA_WEBHOOK_ALLOW_PRIVATE": "1", "HUIDA_DATA_DIR": str(data_dir)}
    code = ("import uvicorn; from huida.app import create_app; "
            f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')")
    process = subprocess.Popen([sys.executable, "-c", code], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _request(client: httpx.Client, tenant_id: int, robot: Robot, endpoint: str, n: int) -> float:
    msg_id = robot.answers[n]
    if endpoint == "satisfaction":
        path = f"/v10/tenants/{tenant_id}/comment/robots/{robot.robot_id}/satisfactionComments"
        body = {"sessionId": robot.session_id, "msgId": msg_id, "type": 2, "reasonTag": "所问非所答",
                "accessId": "bench-visitor", "source": "webim"}
    else:
        path = f"/v10/tenants/{tenant_id}/knowledge/robots/{robot.robot_id}/messages/{msg_id}/feedback"
        body = {"feedbackStatus": "thumb-down", "feedback": "没说清楚"}
    started = time.perf_counter()
    response = client.post(path, json=body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.text}")
    return elapsed * 1000


def measure(base: str, token: str, tenant_id: int, robots: list[Robot], requests: int,
            warmup: int) -> dict[tuple[str, int], list[float]]:
    timings: dict[tuple[str, int], list[float]] = {}
    with httpx.Client(base_url=base, headers={"token": token}, timeout=30) as client:
        for endpoint in ("satisfaction", "feedback"):
            for n in range(warmup + requests):
                shift = n % len(robots)  # rotate who goes first
                for robot in robots[shift:] + robots[:shift]:
                    ms = _request(client, tenant_id, robot, endpoint, n)
                    if n >= warmup:
                        timings.setdefault((endpoint, robot.subscriptions), []).append(ms)
    return timings


def statement_counts(db: Database, tenant_id: int, robots: list[Robot]) -> dict[tuple[str, int], int]:
    """SQL statements of one rating, counted in-process through the same service functions the endpoints
    call (a load-independent view of what each subscription adds)."""
    counts: dict[tuple[str, int], int] = {}
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for robot in robots:
            spare = robot.answers[-1]
            for endpoint in ("satisfaction", "feedback"):
                seen.clear()
                with db.session() as session:
                    if endpoint == "satisfaction":
                        rate_answer(session, tenant_id, robot.robot_id, NewRating(
                            session_id=robot.session_id, msg_id=spare, type=2, reason_tag="所问非所答"))
                    else:
                        set_feedback(session, tenant_id=tenant_id, robot_id=robot.robot_id, msg_id=spare,
                                     status="thumb-down", text="没说清楚")
                counts[(endpoint, robot.subscriptions)] = len(seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return counts


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def table(backend: str, timings: dict[tuple[str, int], list[float]], statements: dict[tuple[str, int], int]) -> str:
    names = {"satisfaction": "POST …/satisfactionComments", "feedback": "POST …/messages/{msgId}/feedback"}
    lines = ["| endpoint | subscriptions | requests | p50 ms | p99 ms | mean ms | p50 added vs none | SQL statements |",
             "|---|---|---|---|---|---|---|---|"]
    for endpoint in ("satisfaction", "feedback"):
        base_p50 = percentile(timings[(endpoint, 0)], 50)
        for count in SUBSCRIPTIONS:
            values = timings[(endpoint, count)]
            p50 = percentile(values, 50)
            added = "—" if count == 0 else f"{p50 - base_p50:+.2f} ms"
            lines.append(f"| {names[endpoint]} ({backend}) | {count} | {len(values)} | {p50:.2f} | "
                         f"{percentile(values, 99):.2f} | {statistics.fmean(values):.2f} | {added} | "
                         f"{statements[(endpoint, count)]} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("HUIDA_DATABASE_URL", ""), help="PostgreSQL URL")
    parser.add_argument("--requests", type=int, default=500, help="measured requests per endpoint and robot")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--write", action="store_true", help=f"append the table to {RESULTS.name}")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="huida-bench-ratings-"))
    url = normalize_database_url(args.db) if args.db else f"sqlite:///{temp / 'bench.db'}"
    install_search_index()  # its messages are indexed for search, as the server's are
    db = Database(url)
    db.migrate()
    backend = "PostgreSQL" if db.engine.dialect.name == "postgresql" else "SQLite"
    tenant_id, token, robots = set_up(db, args.warmup + args.requests + 1)  # + 1 answer to count statements
    load_before = os.getloadavg()[0]
    with server(url, temp) as base:
        timings = measure(base, token, tenant_id, robots, args.requests, args.warmup)
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    result = table(backend, timings, statement_counts(db, tenant_id, robots))
    db.dispose()
    shutil.rmtree(temp, ignore_errors=True)
    command = "bench/ratings.py " + " ".join(re.sub(r"//[^/@]*:[^/@]*@", "//***@", a) for a in sys.argv[1:])
    print(f"\nrating latency by webhook subscriptions ({os.cpu_count()} CPUs shared by client, server and database;"
          f" {load})\n")
    print(result)
    if args.write:
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"\n## {backend} — {stamp}\n\n`.venv/bin/python {command.strip()}` "
                      f"({os.cpu_count()} CPUs shared by client, server, database and other work; {load})"
                      f"\n\n{result}\n")


if __name__ == "__main__":
    main()
