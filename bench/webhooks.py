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

Slow-receiver mode (`--slow-ms 100`): the receiver (a process of its own) takes that long per request
while `--producers` threads commit events at a steady rate (`--rate 90` per second in all, one
transaction each, spread over `--sessions` chat sessions as order keys) for `--seconds`; the pending
deliveries (the backlog) are sampled every `--sample` seconds, then for `--tail` seconds more. The run is
made twice, with the subscription's maxInFlight at 1 (one at a time) and at its default, and printed side
by side. On SQLite the worker runs in the producing process, as in `huida serve`; on PostgreSQL
`--workers` `huida worker` processes.

    .venv/bin/python bench/webhooks.py --slow-ms 100 --rate 90 --seconds 30
    .venv/bin/python bench/webhooks.py --slow-ms 100 --workers 2 --db postgresql://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, func, select

from huida.auth.service import create_tenant
from huida.config import Settings, normalize_database_url
from huida.context import AppContext
from huida.db import Database
from huida.jobs.handlers import load_handlers
from huida.jobs.models import Job
from huida.jobs.worker import Worker
from huida.robots.service import create_robot
from huida.webhooks import emit_event
from huida.webhooks.models import DEFAULT_MAX_IN_FLIGHT, PENDING, Webhook, WebhookDelivery
from huida.webhooks.service import create_webhook, lane_of_id

WORKER_ENV = {"HUIDA_WEBHOOK_ALLOW_PRIVATE": "1", "HUIDA_JOB_POLL_SECONDS": "0.05", "HUIDA_LOG_REQUESTS": "0"}


class Receiver:
    """Acknowledges every POST (after `delay` seconds) and counts distinct delivery ids, noting when each
    first arrived and the most requests it held at once."""

    def __init__(self, delay: float = 0.0) -> None:
        self.seen: set[str] = set()
        self.arrived: dict[str, float] = {}  # delivery id -> time.time() of its acknowledgement
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver.lock:
                    receiver.in_flight += 1
                    receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
                if delay:
                    time.sleep(delay)
                with receiver.lock:
                    receiver.in_flight -= 1
                    delivery_id = self.headers.get("x-huida-delivery", "")
                    receiver.seen.add(delivery_id)
                    receiver.arrived.setdefault(delivery_id, time.time())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802  (what RemoteReceiver asks)
                with receiver.lock:
                    body = json.dumps({"arrived": receiver.arrived, "maxInFlight": receiver.max_in_flight}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, ids: set[str]) -> int:
        with self.lock:
            return len(self.seen & ids)


def _serve(delay: float, urls: Any) -> None:
    urls.put(Receiver(delay).url)
    threading.Event().wait()  # until terminated


class RemoteReceiver:
    """A Receiver in a process of its own, as a real one would be: its threads do not compete for the
    bench's interpreter lock with the producers and (SQLite) the in-process worker."""

    def __init__(self, delay: float) -> None:
        spawn = multiprocessing.get_context("spawn")
        urls = spawn.Queue()
        self.process = spawn.Process(target=_serve, args=(delay, urls), daemon=True)
        self.process.start()
        self.url = urls.get(timeout=120)

    def stats(self) -> tuple[dict[str, float], int]:
        """(delivery id -> time.time() of its acknowledgement, the most requests held at once)."""
        answer = httpx.get(self.url, timeout=60).json()
        return answer["arrived"], answer["maxInFlight"]

    def close(self) -> None:
        self.process.terminate()
        self.process.join(10)


@contextmanager
def workers(url: str, count: int, concurrency: int | None, logs: Path) -> Iterator[None]:
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
                *(["--concurrency", str(concurrency)] if concurrency else []),
            ],
            env=env,
            stdout=f.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for f in files
    ]
    try:
        deadline = time.monotonic() + 180  # a loaded machine takes a while to import everything
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


def subscribe(db: Database, url: str, max_in_flight: int | None = None) -> tuple[int, str]:
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
            max_in_flight=max_in_flight,
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


# -- slow receiver: the backlog over time ------------------------------------------------------------------


@dataclass
class Phase:
    limit: int
    backlog: dict[int, int] = field(default_factory=dict)  # second -> pending deliveries
    emitted: dict[str, float] = field(default_factory=dict)  # delivery id -> time.time() of its emit
    delivered_while_producing: int = 0
    max_in_flight: int = 0
    lags: list[float] = field(default_factory=list)  # seconds from emit to acknowledgement, delivered ones


def webhook_of(db: Database, robot_id: str) -> tuple[int, str]:
    with db.read() as session:
        return session.execute(select(Webhook.pk, Webhook.webhook_id).where(Webhook.robot_id == robot_id)).one()


def pending(db: Database, webhook_pk: int) -> int:
    with db.read() as session:
        where = (WebhookDelivery.webhook_pk == webhook_pk, WebhookDelivery.state == PENDING)
        return session.scalar(select(func.count()).select_from(WebhookDelivery).where(*where)) or 0


def produce(db: Database, phase: Phase, tenant_id: int, robot_id: str, args: argparse.Namespace, first: int,
            started: float) -> None:
    """Events first, first + producers, ... one per transaction at a steady rate (catching up when a commit was
    late), until the period is over: one of the request threads of a busy robot."""
    for n in range(first, int(args.rate * args.seconds), args.producers):
        due = started + n / args.rate
        if time.time() - started >= args.seconds:
            break
        time.sleep(max(0.0, due - time.time()))
        emitted_at = time.time()
        with db.session() as session:
            [delivery_id] = emit_event(session, tenant_id=tenant_id, robot_id=robot_id, event="feedback",
                                       body={"n": n, "text": "这个回答解决了我的问题"},
                                       order_key=f"chat-{n % args.sessions}")
        phase.emitted[delivery_id] = emitted_at


@contextmanager
def delivering(db: Database, url: str, temp: Path, args: argparse.Namespace) -> Iterator[None]:
    """SQLite as deployed: the worker in the producing process (`huida serve`), where it takes turns with the
    producer for the write lock; PostgreSQL: `huida worker` processes."""
    if db.engine.dialect.name == "postgresql":
        with workers(url, args.workers, args.concurrency, temp):
            yield
        return
    settings = Settings(database_url=url, webhook_allow_private=True, job_poll_seconds=0.05)
    worker = Worker(AppContext(settings=settings, db=db, secret_key=""), concurrency=args.concurrency)
    worker.start()
    try:
        yield
    finally:
        worker.stop()


def run_phase(db: Database, url: str, temp: Path, limit: int, args: argparse.Namespace) -> Phase:
    phase, receiver = Phase(limit), RemoteReceiver(delay=args.slow_ms / 1000)
    tenant_id, robot_id = subscribe(db, receiver.url, max_in_flight=limit)
    webhook_pk, webhook_id = webhook_of(db, robot_id)
    with delivering(db, url, temp, args):
        started = time.time()
        producers = [threading.Thread(target=produce, args=(db, phase, tenant_id, robot_id, args, k, started))
                     for k in range(args.producers)]
        for producer in producers:
            producer.start()
        for second in range(0, args.seconds + args.tail + 1, args.sample):
            time.sleep(max(0.0, started + second - time.time()))
            phase.backlog[second] = pending(db, webhook_pk)
        for producer in producers:
            producer.join()
    acknowledged, phase.max_in_flight = receiver.stats()
    receiver.close()
    arrived = {d: acknowledged[d] for d in phase.emitted if d in acknowledged}
    phase.lags = [t - phase.emitted[d] for d, t in arrived.items()]
    phase.delivered_while_producing = sum(1 for t in arrived.values() if t <= started + args.seconds)
    with db.session() as session:  # what is left would only slow the next phase down
        session.execute(delete(Job).where(Job.group_key == lane_of_id(webhook_id), Job.status == "pending"))
    return phase


def print_backlog(phases: list[Phase], args: argparse.Namespace, backend: str) -> None:
    where = "a worker in the producing process" if backend == "SQLite" else f"{args.workers} worker process(es)"
    print(f"\n{backend}: receiver {args.slow_ms} ms per request, {args.rate:g} events/s for {args.seconds} s over "
          f"{args.sessions} sessions, {where}; {os.cpu_count()} CPUs shared by all\n")
    labels = [f"maxInFlight {p.limit}" for p in phases]
    print("| second | " + " | ".join(f"backlog, {label}" for label in labels) + " |")
    print("|---:|" + "---:|" * len(phases))
    for second in phases[0].backlog:
        print(f"| {second} | " + " | ".join(str(p.backlog[second]) for p in phases) + " |")
    print("\n| maxInFlight | events/s produced | deliveries/s while producing | most in flight | "
          "lag p50 s | lag p95 s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for p in phases:
        lags = sorted(p.lags) or [0.0]
        p95 = lags[min(len(lags) - 1, int(len(lags) * 0.95))]
        print(f"| {p.limit} | {len(p.emitted) / args.seconds:.0f} | "
              f"{p.delivered_while_producing / args.seconds:.0f} | {p.max_in_flight} | "
              f"{statistics.median(lags):.2f} | {p95:.2f} |")


def slow_receiver(db: Database, url: str, temp: Path, args: argparse.Namespace, backend: str) -> None:
    phases = [run_phase(db, url, temp, limit, args) for limit in (1, DEFAULT_MAX_IN_FLIGHT)]
    print_backlog(phases, args, backend)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("HUIDA_DATABASE_URL", ""), help="PostgreSQL URL")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--lane-events", type=int, default=300, help="events for the one-lane row")
    parser.add_argument("--concurrency", type=int, help="threads per worker (8; slow mode: the worker's default)")
    parser.add_argument("--slow-ms", type=int, default=0, help="slow-receiver mode: milliseconds per request")
    parser.add_argument("--rate", type=float, default=90.0, help="slow mode: events per second")
    parser.add_argument("--seconds", type=int, default=30, help="slow mode: seconds of production")
    parser.add_argument("--tail", type=int, default=10, help="slow mode: seconds sampled after production")
    parser.add_argument("--sample", type=int, default=5, help="slow mode: seconds between backlog samples")
    parser.add_argument("--sessions", type=int, default=200, help="slow mode: chat sessions (order keys)")
    parser.add_argument("--workers", type=int, default=1, help="slow mode: worker processes (PostgreSQL)")
    parser.add_argument("--producers", type=int, default=4, help="slow mode: threads committing events")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="huida-bench-"))
    url = normalize_database_url(args.db) if args.db else f"sqlite:///{temp / 'bench.db'}"
    db = Database(url)
    db.migrate()
    load_handlers()  # the first emit would otherwise import every job handler on the clock
    backend = "PostgreSQL" if db.engine.dialect.name == "postgresql" else "SQLite"
    if args.slow_ms:
        slow_receiver(db, url, temp, args, backend)
        db.dispose()
        return
    args.concurrency = args.concurrency or 8
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
