"""Ask latency and throughput: the open API over HTTP, next to /healthz, and the engine part alone.

    .venv/bin/python bench/ask.py                          # SQLite in a temp dir, 2,000 asks per row
    .venv/bin/python bench/ask.py --requests 500 --engine 2000     # a quick run
    .venv/bin/python bench/ask.py --db postgresql://postgres@127.0.0.1:5432/huida_bench  # an EMPTY database

What runs:
- The server is the real `huida serve` command in a subprocess (uvicorn, one process, in-process worker,
  request logging on as by default), on a database this script prepares first: a tenant, the demo robot
  (src/huida/demo) and a robot loaded with ../shared/data/faq/bq-train/kb.jsonl (read in place, written
  through `RuleIn` + `knowledge.service.bulk_write`, as an import does).
- The load generator is this process: `--concurrency` threads, one keep-alive httpx client each, every
  request timed on the client. Visitors rotate over 500 user ids (so sessions grow as in real use);
  questions are the demo robot's own questions and bq-train's queries. /healthz runs the same way in the
  same run, so the ask rows read against the server's bare HTTP cost. The first ask of a robot builds its
  index; that build is timed separately and not in the rows.
- Engine only: the bq-train knowledge snapshot (`conversation.snapshots.build_knowledge`, ~9,400 stored
  questions) and policy `decide` (normalise, search, every policy step), no HTTP and no database, over
  `--engine` questions (bq-train queries, cycled). The issue's target: p99 under 5 ms.

Client and server share the machine's cores, so the HTTP numbers are a floor for what the server does alone.
Results: one table, printed and written with the command to bench/RESULTS-ask.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sqlalchemy import select  # noqa: E402

from _askprofile import AskProfile, profile_asks  # noqa: E402
from _data import FAQ  # noqa: E402
from huida.auth.security import issue_token  # noqa: E402
from huida.auth.service import create_tenant  # noqa: E402
from huida.config import Settings  # noqa: E402
from huida.context import AppContext, build_context  # noqa: E402
from huida.conversation.service import RobotView  # noqa: E402
from huida.conversation.snapshots import CalibrationTarget, build_knowledge  # noqa: E402
from huida.demo.faq import load_demo_knowledge  # noqa: E402
from huida.engine.dialogue import types as t  # noqa: E402
from huida.engine.dialogue.policy import decide  # noqa: E402
from huida.engine.strategies import StrategyContext  # noqa: E402
from huida.engine.text import normalize  # noqa: E402
from huida.knowledge.models import Question, Rule  # noqa: E402
from huida.knowledge.schemas import RuleIn, to_draft  # noqa: E402
from huida.knowledge.service import bulk_write, validate_drafts  # noqa: E402
from huida.robots.models import Robot  # noqa: E402
from huida.robots.service import create_robot  # noqa: E402
from huida.robots.settings import resolve_settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-ask.md"
BQ = FAQ / "bq-train"
USERS = 500


@dataclass
class Row:
    target: str
    requests: int
    concurrency: int
    p50_ms: float
    p99_ms: float
    per_second: float | None
    note: str = ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# --- preparing the database -------------------------------------------------------------------------------
def bq_rules() -> list[RuleIn]:
    with open(BQ / "kb.jsonl", encoding="utf-8") as fh:
        return [RuleIn(**json.loads(line)) for line in fh if line.strip()]


def bq_queries() -> list[str]:
    with open(BQ / "queries.jsonl", encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


@dataclass
class Prepared:
    tenant_id: int
    token: str
    demo_robot: str
    bq_robot: str
    demo_questions: list[str]


def prepare(ctx: AppContext) -> Prepared:
    with ctx.db.session() as session:
        created = create_tenant(session, "bench", f"bench-{os.getpid()}@example.com", "bench password 123")
        tenant_id, admin = created.tenant.id, created.admin.id
        demo = create_robot(session, tenant_id, "小答 (演示机器人)").robot_id
        load_demo_knowledge(session, tenant_id, demo)
        bq = create_robot(session, tenant_id, "bq-train").robot_id
        drafts = [to_draft(rule) for rule in bq_rules()]
        validate_drafts(session, tenant_id, bq, drafts, {d.rule_id for d in drafts if d.rule_id})
        bulk_write(session, bq, drafts, replace_all=False)
    with ctx.db.read() as session:
        demo_questions = list(
            session.scalars(
                select(Question.question)
                .join(Rule, Rule.pk == Question.rule_pk)
                .where(Rule.robot_id == demo)
                .order_by(Question.id)
            )
        )
    token, _ = issue_token(
        ctx.secret_key, tenant_id=tenant_id, user_id=admin, username="bench", role="admin", ttl_seconds=24 * 3600
    )
    return Prepared(tenant_id, token, demo, bq, demo_questions)


# --- the server -------------------------------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def huida_serve(db_url: str, log: Path, workers: int = 1) -> Iterator[str]:
    """`huida serve --db URL --port P [--workers N]` in a subprocess, until it answers /healthz."""
    port = free_port()
    command = [sys.executable, "-c", "from huida.cli import main; main()", "serve", "--db", db_url, "--port", str(port),
               "--workers", str(workers)]
    with open(log, "wb") as out:
        env = {**os.environ, "HUIDA_DATA_DIR": str(log.parent)}
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"huida serve exited ({process.returncode}); see {log}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("huida serve did not start in time")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# --- the load ---------------------------------------------------------------------------------------------
Call = Callable[[httpx.Client, int], httpx.Response]


def load(base: str, token: str, call: Call, requests: int, concurrency: int) -> tuple[list[float], float]:
    """Runs `requests` calls on `concurrency` threads; per-call latencies (s) and the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    failures: list[str] = []

    def worker() -> None:
        mine: list[float] = []
        with httpx.Client(base_url=base, headers={"token": token}, timeout=60) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                start = time.perf_counter()
                response = call(client, i)
                mine.append(time.perf_counter() - start)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests, e.g. {failures[0]}")
    return latencies, wall


def asker(tenant_id: int, robot: str, questions: list[str]) -> Call:
    path = f"/v10/tenants/{tenant_id}/knowledge/robots/{robot}/ask"

    def call(client: httpx.Client, i: int) -> httpx.Response:
        return client.post(
            path, json={"userId": f"bench-{i % USERS}", "question": questions[i % len(questions)], "type": "TEXT"}
        )

    return call


def first_ask(client: httpx.Client, tenant_id: int, robot: str) -> float:
    """Seconds the first ask of a robot took (its index build)."""
    start = time.perf_counter()
    response = client.post(f"/v10/tenants/{tenant_id}/knowledge/robots/{robot}/ask",
                           json={"userId": "warm-up", "question": "你好"})
    response.raise_for_status()
    return time.perf_counter() - start


def asks_during(base: str, prepared: Prepared, work: Callable[[], None]) -> list[float]:
    """Latencies (s) of demo asks, one after the other, for as long as `work` runs in another thread."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (work(), done.set()))
    call = asker(prepared.tenant_id, prepared.demo_robot, prepared.demo_questions)
    latencies: list[float] = []
    with httpx.Client(base_url=base, headers={"token": prepared.token}, timeout=60) as client:
        thread.start()
        i = 0
        while not done.is_set():
            start = time.perf_counter()
            call(client, i).raise_for_status()
            latencies.append(time.perf_counter() - start)
            i += 1
    thread.join()
    return latencies


def warm_every_process(base: str, prepared: Prepared, targets: dict[str, Call], budget: float = 180.0) -> None:
    """With several server processes, each builds its own index on the first ask it gets: concurrent asks
    until no ask is slow, so that no row times a build."""
    deadline = time.monotonic() + budget
    for call in targets.values():
        while time.monotonic() < deadline:
            latencies, _ = load(base, prepared.token, call, 64, 8)
            if max(latencies) < 1.0:
                break


def healthz(client: httpx.Client, _: int) -> httpx.Response:
    return client.get("/healthz")


def http_rows(
    base: str, prepared: Prepared, requests: int, concurrencies: list[int], queries: list[str], workers: int = 1
) -> tuple[list[Row], dict[str, float]]:
    builds = {}
    suffix = f" · {workers} processes" if workers > 1 else ""
    targets = {
        "GET /healthz": healthz,
        "ask · demo robot (29 rules, 90 questions)": asker(
            prepared.tenant_id, prepared.demo_robot, prepared.demo_questions
        ),
        "ask · bq-train robot (1,981 rules, 9,425 questions)": asker(prepared.tenant_id, prepared.bq_robot, queries),
    }
    # The first ask of each robot builds its index: timed apart. The demo robot first; then bq-train's build,
    # during which demo asks go on (issue 16: no ask should wait behind another robot's index build).
    with httpx.Client(base_url=base, headers={"token": prepared.token}, timeout=600) as client:
        builds["demo"] = first_ask(client, prepared.tenant_id, prepared.demo_robot)
        during = asks_during(base, prepared, lambda: builds.__setitem__(
            "bq-train", first_ask(client, prepared.tenant_id, prepared.bq_robot)))
    warm_every_process(base, prepared, targets)
    rows = [Row(f"ask · demo robot while bq-train builds its index{suffix}", len(during), 1,
                1000 * percentile(during, 50), 1000 * percentile(during, 99), None,
                f"max {1000 * max(during):.0f} ms")] if during else []
    for concurrency in concurrencies:
        for name, call in targets.items():
            load(base, prepared.token, call, min(100, requests), concurrency)  # warm-up
            latencies, wall = load(base, prepared.token, call, requests, concurrency)
            rows.append(
                Row(
                    name + suffix,
                    requests,
                    concurrency,
                    1000 * percentile(latencies, 50),
                    1000 * percentile(latencies, 99),
                    requests / wall,
                    "HTTP",
                )
            )
    return rows, builds


# --- the engine alone -------------------------------------------------------------------------------------
def engine_rows(ctx: AppContext, prepared: Prepared, questions: list[str], count: int) -> tuple[list[Row], float]:
    with ctx.db.read() as session:
        robot = session.scalars(select(Robot).where(Robot.robot_id == prepared.bq_robot)).one()
        session.expunge(robot)
        settings = resolve_settings(robot.settings)
        start = time.perf_counter()
        target = CalibrationTarget(settings.targetPrecision, settings.outOfScopeShare)
        knowledge = build_knowledge(session, prepared.bq_robot, target)
        built = time.perf_counter() - start
    config = RobotView(robot, settings, knowledge).config()
    context = StrategyContext()
    session_view = t.SessionView()
    latencies = []
    for i in range(count):
        question = questions[i % len(questions)]
        start = time.perf_counter()
        situation = t.Situation(
            t.Turn("TEXT", question),
            normalize(question),
            session_view,
            config,
            knowledge,
            context,
            int(time.time() * 1000),
        )
        decide(situation)
        latencies.append(time.perf_counter() - start)
    searches = []
    for i in range(count):  # the matcher's share: the same questions, search alone
        question = questions[i % len(questions)]
        start = time.perf_counter()
        knowledge.search(question, 10)
        searches.append(time.perf_counter() - start)
    name = f"engine only · bq-train snapshot ({knowledge.questions:,} questions)"
    rows = [
        Row(
            f"{name}: decide (policy + search)",
            count,
            1,
            1000 * percentile(latencies, 50),
            1000 * percentile(latencies, 99),
            count / sum(latencies),
            f"mean {1000 * statistics.fmean(latencies):.2f} ms; p99 target < 5 ms",
        ),
        Row(
            f"{name}: of which matcher search",
            count,
            1,
            1000 * percentile(searches, 50),
            1000 * percentile(searches, 99),
            count / sum(searches),
        ),
    ]
    return rows, built


# --- output -----------------------------------------------------------------------------------------------
def table(rows: list[Row], title: str) -> Table:
    out = Table(title=title, title_justify="left")
    for column in ("target", "requests", "concurrency", "p50 ms", "p99 ms", "per second"):
        out.add_column(column, justify="left" if column == "target" else "right")
    for row in rows:
        out.add_row(
            row.target,
            f"{row.requests:,}",
            str(row.concurrency),
            f"{row.p50_ms:.2f}",
            f"{row.p99_ms:.2f}",
            f"{row.per_second:,.0f}" if row.per_second else "",
        )
    return out


def markdown(rows: list[Row], command: str, context_lines: list[str]) -> str:
    lines = [
        "# Ask benchmark",
        "",
        "```",
        command,
        "```",
        "",
        *context_lines,
        "",
        "| target | requests | concurrency | p50 ms | p99 ms | per second |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.target} | {r.requests:,} | {r.concurrency} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
        f"{'—' if r.per_second is None else f'{r.per_second:,.0f}'} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def profile_markdown(profile: AskProfile, count: int) -> list[str]:
    lines = [f"## One ask of the demo robot, in process ({count} asks, no HTTP)", "",
             f"{profile.ms_per_ask:.2f} ms per ask; {profile.statements:.1f} SQL statements and "
             f"{profile.commits:.1f} commits per ask.", "",
             "| statement | per ask |", "|---|---:|"]
    lines += [f"| `{kind}` | {per:.2f} |" for kind, per in profile.by_kind]
    lines += ["", "| phase | ms per ask (cProfile, cumulative) |", "|---|---:|"]
    lines += [f"| {phase} | {ms:.2f} |" for phase, ms in profile.phases]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per HTTP row")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8], help="client threads per HTTP row")
    parser.add_argument("--engine", type=int, default=10_000, help="questions for the engine-only row")
    parser.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir); must be empty")
    parser.add_argument("--profile", type=int, default=500, help="asks for the in-process profile of an ask")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    parser.add_argument("--workers", type=int, nargs="+", default=[1],
                        help="server processes, one server per value (more than 1 needs PostgreSQL)")
    args = parser.parse_args(argv)
    console = Console(width=160)
    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="huida-bench-ask-"))
    db_url = args.db or f"sqlite:///{workdir / 'huida.db'}"
    ctx = build_context(Settings(data_dir=workdir, database_url=db_url, run_worker=False, log_requests=False))
    start = time.perf_counter()
    prepared = prepare(ctx)
    console.print(f"prepared the demo and bq-train robots in {time.perf_counter() - start:.1f} s", style="dim")
    queries = bq_queries()
    rows, builds = [], {}
    for workers in args.workers:  # one server after the other, each measured against its own /healthz
        with huida_serve(db_url, workdir / f"serve-{workers}.log", workers) as base:
            served, built_now = http_rows(base, prepared, args.requests, args.concurrency, queries, workers)
        rows += served
        builds = builds or built_now  # the first server's index builds (later ones may find the robots warm)
    console.print("HTTP rows done", style="dim")
    engine, built = engine_rows(ctx, prepared, queries, args.engine)
    rows += engine
    profile = profile_asks(ctx, prepared.tenant_id, prepared.demo_robot, prepared.demo_questions, args.profile)
    ctx.db.dispose()
    backend = "PostgreSQL" if db_url.startswith("postgres") else "SQLite (WAL)"
    context_lines = [
        f"- {platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs shared by the load generator and the server; database: {backend}; "
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (other work included).",
        f"- Server: the real `huida serve` in a subprocess (uvicorn, {' / '.join(map(str, args.workers))} "
        "process(es), in-process worker, request log on).",
        f"- Client: {', '.join(map(str, args.concurrency))} threads with keep-alive; {USERS} visitor ids in rotation; "
        "questions: the demo robot's own, and bq-train's queries.",
        f"- First ask of a robot (its index build, not in the rows): demo {builds['demo']:.1f} s, "
        f"bq-train {builds['bq-train']:.1f} s; the engine row's snapshot load took {built:.1f} s.",
        f"- Engine only: {engine[0].note}; `decide` runs every policy step, the matcher search included.",
        *(f"- {row.target}: {row.requests} asks one after the other, {row.note} (the build itself took "
          f"{builds['bq-train']:.1f} s meanwhile)" for row in rows if "while" in row.target),
    ]
    title = f"Ask latency and throughput ({backend}, {os.cpu_count()} CPUs)"
    console.print(table(rows, title))
    for line in context_lines:
        console.print(line)
    profile_lines = profile_markdown(profile, args.profile)
    console.print("\n".join(profile_lines))
    if not args.no_write:
        command = ".venv/bin/python bench/ask.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
        body = markdown(rows, command.strip(), context_lines) + "\n" + "\n".join(profile_lines) + "\n"
        RESULTS.write_text(body, encoding="utf-8")
        console.print(f"written to {RESULTS}", style="dim")


if __name__ == "__main__":
    main()
