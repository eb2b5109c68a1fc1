"""Webhook delivery throughput: sustained deliveries per second from `huida worker` processes to a local
receiver, with one and with two workers.

    .venv/bin/python bench/webhooks.py                                   # SQLite (temp file), one worker
    .venv/bin/python bench/webhooks.py --db postgresql://postgres@127.0.0.1:5432/bench   # 1 and 2 workers
    HUIDA_DATABASE_URL=postgresql://... .venv/bin/python bench/webhooks.py --events 5000 --concurrency 8

For each row the workers are started and ready first; then N events are committed in one transaction and
the clock runs until the receiver has acknowledged every delivery (each one: claim, sign, POST, log the
attempt, finish the job). "independent" events use one order key each (any worker may take any of them);
"one lane" events keep the default per-subscription order, so they are delivered one at a time.
On PostgreSQL the benchmark adds a tenant per row to the given database and leaves its rows behind.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from huida.auth.service import create_tenant
from huida.config import normalize_database_url
from huida.db import Database
from huida.robots.service import create_robot
from huida.webhooks import emit_event
from huida.webhooks.service import create_webhook

WORKER_ENV = {"HUIDA_WEBHOOK_ALLOW_PRIVATE": "1", "HUIDA_JOB_POLL_SECONDS": "0.05", "HUIDA_LOG_REQUESTS": "0"}


class Receiver:
    """Acknowledges every POST at once and counts distinct delivery ids."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver.lock:
                    receiver.seen.add(self.headers.get("x-huida-delivery", ""))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, ids: set[str]) -> int:
        with self.lock:
            return len(self.seen & ids)


@contextmanager
def workers(url: str, count: int, concurrency: int, logs: Path) -> Iterator[None]:
    env = {**os.environ, **WORKER_ENV}
    files = [logs / f"worker-{uuid.uuid4().hex[:6]}.log" for _ in range(count)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from huida.cli import main; main()",
                "worker",
                "--db",
                url,
                "--concurrency",
                str(concurrency),
            ],
            env=env,
            stdout=f.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for f in files
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(f.exists() and "started" in f.read_text() for f in files):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError(f"workers did not start; see {logs}")
            time.sleep(0.05)
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


def subscribe(db: Database, url: str) -> tuple[int, str]:
    with db.session() as session:
        tenant = create_tenant(session, "bench", f"bench-{uuid.uuid4().hex[:8]}@example.com", "bench password")
        robot = create_robot(session, tenant.tenant.id, "bench robot")
        create_webhook(
            session,
            tenant.tenant.id,
            robot.robot_id,
            url=url,
            secret="bench-secret",
            events=["feedback"],
            active=True,
            allow_private=True,
        )
        return tenant.tenant.id, robot.robot_id


def run(db: Database, receiver: Receiver, events: int, independent: bool) -> tuple[float, float]:
    """Returns (seconds until all delivered, seconds to commit the events)."""
    tenant_id, robot_id = subscribe(db, receiver.url)
    started = time.perf_counter()
    with db.session() as session:
        ids = {
            emit_event(
                session,
                tenant_id=tenant_id,
                robot_id=robot_id,
                event="feedback",
                body={"n": n, "text": "这个回答解决了我的问题"},
                order_key=str(n) if independent else None,
            )[0]
            for n in range(events)
        }
    committed = time.perf_counter() - started
    deadline = time.monotonic() + 600
    while receiver.count(ids) < len(ids):
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {receiver.count(ids)} of {len(ids)} delivered in 10 minutes")
        time.sleep(0.01)
    return time.perf_counter() - started, committed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("HUIDA_DATABASE_URL", ""), help="PostgreSQL URL")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--lane-events", type=int, default=300, help="events for the one-lane row")
    parser.add_argument("--concurrency", type=int, default=8, help="threads per worker")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="huida-bench-"))
    url = normalize_database_url(args.db) if args.db else f"sqlite:///{temp / 'bench.db'}"
    db = Database(url)
    db.migrate()
    backend = "PostgreSQL" if db.engine.dialect.name == "postgresql" else "SQLite"
    worker_counts = [1, 2] if backend == "PostgreSQL" else [1]
    receiver = Receiver()
    rows = []
    for count in worker_counts:
        with workers(url, count, args.concurrency, temp):
            for independent, n in ((True, args.events), (False, args.lane_events)):
                elapsed, committed = run(db, receiver, n, independent)
                rows.append(
                    (
                        backend,
                        count,
                        args.concurrency,
                        "independent" if independent else "one lane",
                        n,
                        committed * 1000 / n,
                        n / elapsed,
                    )
                )
    db.dispose()
    print(
        f"\nwebhook deliveries to a local receiver ({os.cpu_count()} CPUs; receiver, workers and database share them)\n"
    )
    header = ("backend", "workers", "threads each", "events", "count", "emit ms/event", "deliveries/s")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for backend_name, count, threads, mode, n, emit_ms, rate in rows:
        print(f"| {backend_name} | {count} | {threads} | {mode} | {n} | {emit_ms:.3f} | {rate:.0f} |")


if __name__ == "__main__":
    main()
