"""A server killed with SIGKILL under load loses no answer it acknowledged (issue 16).

A real `huida serve` process answers asks from four client threads; after a hundred answers it is killed
with SIGKILL, mid-load. Every answer a client received (HTTP 200, its msgId) must then be in the database
with the question it answered: an answer goes out only after the transaction holding both messages
committed, and SQLite's WAL with synchronous=NORMAL keeps every commit through a process crash (only an
operating-system crash or power loss can take the last commits; README "SQLite").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import aliased

from huida.auth.security import issue_token
from huida.auth.service import create_tenant
from huida.context import AppContext
from huida.conversation.models import Message
from huida.demo.faq import TEXT_RULES, load_demo_knowledge
from huida.robots.service import create_robot
from tests.support.outbox import FAST_ENV, outbox_backend, quiet_db, stop_process  # noqa: F401  (fixtures)
from tests.support.receiver import wait_until
from tests.support.server import free_port, is_healthy

QUESTIONS = [q for _, _, questions, _ in TEXT_RULES for q in questions] + ["量子计算机多少钱", "你好"]


def robot_with_token(ctx: AppContext) -> tuple[int, str, str]:
    with ctx.db.session() as session:
        created = create_tenant(session, "crash", "crash@example.com", "crash password 123")
        robot = create_robot(session, created.tenant.id, "crash robot")
        load_demo_knowledge(session, created.tenant.id, robot.robot_id)
        tenant_id, admin_id = created.tenant.id, created.admin.id
    token, _ = issue_token(ctx.secret_key, tenant_id=tenant_id, user_id=admin_id, username="crash", role="admin",
                           ttl_seconds=3600)
    return tenant_id, robot.robot_id, token


@contextmanager
def serving(ctx: AppContext, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, **FAST_ENV, "HUIDA_DATA_DIR": str(log.parent), "HUIDA_SECRET_KEY": ctx.secret_key}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-c", "from huida.cli import main; main()", "serve", "--db",
                                    ctx.settings.database_url, "--port", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: is_healthy(base), timeout=60, message="huida serve to start")
            yield base, process
        finally:
            stop_process(process, signal.SIGKILL)


def load_until_killed(base: str, path: str, token: str, process: subprocess.Popen[bytes],
                      kill_after: int) -> tuple[dict[str, str], list[str]]:
    """Four threads ask until the server dies; SIGKILL once `kill_after` answers came back.
    Returns msgId -> question of every acknowledged answer, and what went wrong before the kill."""
    acknowledged: dict[str, str] = {}
    problems: list[str] = []
    killed = threading.Event()
    lock = threading.Lock()

    def visitor(number: int) -> None:
        with httpx.Client(base_url=base, headers={"token": token}, timeout=60) as client:
            for turn in range(10_000):
                question = f"{QUESTIONS[(number * 7 + turn) % len(QUESTIONS)]} #{number}-{turn}"
                try:
                    response = client.post(path, json={"userId": f"v{number}-{turn % 5}", "question": question})
                except httpx.TransportError as exc:
                    if not killed.is_set():
                        problems.append(f"before the kill: {exc!r}")
                    return
                if response.status_code != 200:
                    problems.append(f"{response.status_code} {response.text[:200]}")
                    return
                with lock:
                    acknowledged[response.json()["entity"]["msgId"]] = question
                    if len(acknowledged) == kill_after:
                        killed.set()
                        process.send_signal(signal.SIGKILL)

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return acknowledged, problems


def test_sigkill_under_load_loses_no_acknowledged_answer(quiet_db: AppContext, tmp_path: Path) -> None:  # noqa: F811
    tenant_id, robot_id, token = robot_with_token(quiet_db)
    path = f"/v10/tenants/{tenant_id}/knowledge/robots/{robot_id}/ask"
    with serving(quiet_db, tmp_path / "serve.log") as (base, process):
        # The first ask builds the robot's index: once, before the load, so that no client times out on it.
        httpx.post(base + path, headers={"token": token}, json={"userId": "warm", "question": "你好"},
                   timeout=120).raise_for_status()
        acknowledged, problems = load_until_killed(base, path, token, process, kill_after=100)
        assert not problems
        assert process.wait(10) == -signal.SIGKILL
    assert len(acknowledged) >= 100
    question = aliased(Message)
    with quiet_db.db.read() as session:
        stored = dict(session.execute(
            select(Message.id, question.text).join(question, question.id == Message.reply_to)
            .where(Message.robot_id == robot_id, Message.role == "robot")).all())
    missing = {msg_id for msg_id in acknowledged if msg_id not in stored}
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged answers are not stored"
    assert all(stored[msg_id] == text for msg_id, text in acknowledged.items())
