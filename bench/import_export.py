"""Import/export speed: a 20,000-rule file (about 100,000 questions) through the service and over HTTP.

The file is built in memory from ../shared/data/faq/bq-train/kb.jsonl (read in place, never copied): the
1,981 rules are repeated with a suffix on every id and question until there are enough. Runs on a
temporary SQLite file and, when a PostgreSQL server is given (--postgres or HUIDA_TEST_POSTGRES_URL), on a
throwaway database there.

    .venv/bin/python bench/import_export.py [--rules 20000] [--postgres URL] [--no-http]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from huida.app import create_app
from huida.auth.security import issue_token
from huida.auth.service import create_tenant
from huida.config import Settings
from huida.context import AppContext, build_context
from huida.knowledge.importexport.formats import FORMATS
from huida.knowledge.importexport.service import export_rules, import_rules
from huida.robots.service import create_robot

DATA = Path(os.environ.get("HUIDA_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
SOURCE = DATA / "faq" / "bq-train" / "kb.jsonl"


def build_file(rules: int) -> tuple[bytes, int]:
    """JSONL bytes holding `rules` rules, and how many questions they hold."""
    with open(SOURCE, encoding="utf-8") as fh:
        base = [json.loads(line) for line in fh if line.strip()]
    lines, questions = [], 0
    for n in range(rules):
        rule, copy = base[n % len(base)], n // len(base)
        suffix = f" #{copy}" if copy else ""
        qs = [f"{q}{suffix}" for q in rule["questions"]]
        questions += len(qs)
        lines.append(
            json.dumps(
                {
                    "id": f"{rule['id']}-{copy}",
                    "questions": qs,
                    "answer": f"{rule['answer']}{suffix}",
                    "category": f"分类{copy % 10}",
                },
                ensure_ascii=False,
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8"), questions


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    url = make_url(server_url.replace("postgresql+psycopg://", "postgresql://"))
    name = f"huida_bench_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def serve(ctx: AppContext) -> Iterator[str]:
    config = uvicorn.Config(create_app(ctx=ctx), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, wall seconds and this process's CPU seconds (the machine may be busy with others)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - cpu


class Bench:
    def __init__(self, ctx: AppContext, backend: str, rules: int) -> None:
        self.ctx, self.backend, self.rules = ctx, backend, rules
        self.rows: list[tuple[str, str, str, int, float, float]] = []
        with ctx.db.session() as session:
            created = create_tenant(session, "bench", f"bench-{uuid.uuid4().hex[:8]}@example.com")
            self.tenant_id, self.user_id = created.tenant.id, created.admin.id

    def robot(self, name: str) -> str:
        with self.ctx.db.session() as session:
            return create_robot(session, self.tenant_id, name).robot_id

    def record(self, operation: str, fmt: str, seconds: float, cpu: float) -> None:
        self.rows.append((self.backend, operation, fmt, self.rules, seconds, cpu))

    def import_(self, data: bytes, fmt: str, robot_id: str) -> None:
        def run() -> Any:
            with self.ctx.db.session() as session:
                return import_rules(session, self.tenant_id, robot_id, data, FORMATS[fmt], "append")

        result, seconds, cpu = timed(run)
        assert result.total == self.rules, result
        self.record("import (service)", fmt, seconds, cpu)

    def export(self, fmt: str, robot_id: str) -> bytes:
        def run() -> bytes:
            with self.ctx.db.read() as session:
                return export_rules(session, robot_id, FORMATS[fmt])

        data, seconds, cpu = timed(run)
        self.record("export (service)", fmt, seconds, cpu)
        return data

    def over_http(self, data: bytes, robot_id: str) -> None:
        token, _ = issue_token(
            self.ctx.secret_key,
            tenant_id=self.tenant_id,
            user_id=self.user_id,
            username="bench",
            role="admin",
            ttl_seconds=600,
        )
        with serve(self.ctx) as base:
            url = f"{base}/v10/tenants/{self.tenant_id}/knowledge/robots/{robot_id}/rules/import?format=jsonl"
            response, seconds, cpu = timed(lambda: httpx.post(url, content=data, headers={"token": token}, timeout=300))
        assert response.status_code == 200, response.text[:500]
        self.record("import (HTTP)", "jsonl", seconds, cpu)


def run_backend(url: str, backend: str, source: bytes, rules: int, http: bool, data_dir: Path) -> list[tuple]:
    ctx = build_context(
        Settings(
            data_dir=data_dir,
            database_url=url,
            secret_key="bench-secret-key-0123456789abcdef",
            log_requests=False,
            run_worker=False,
        )
    )
    try:
        bench = Bench(ctx, backend, rules)
        first = bench.robot("jsonl")
        bench.import_(source, "jsonl", first)
        for fmt in ("csv", "xlsx"):
            bench.import_(bench.export(fmt, first), fmt, bench.robot(fmt))
        bench.export("jsonl", first)
        if http:
            bench.over_http(source, bench.robot("http"))
        return bench.rows
    finally:
        ctx.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=20_000)
    parser.add_argument("--postgres", default=os.environ.get("HUIDA_TEST_POSTGRES_URL"))
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    if not SOURCE.exists():
        sys.exit(f"benchmark data not found: {SOURCE} (set HUIDA_BENCH_DATA)")
    source, questions = build_file(args.rules)
    console = Console()
    console.print(f"{args.rules} rules, {questions} questions, {len(source) / 1e6:.1f} MB of JSONL")
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += run_backend(f"sqlite:///{tmp}/bench.db", "sqlite", source, args.rules, not args.no_http, Path(tmp))
        if args.postgres:
            with postgres_database(args.postgres) as url:
                rows += run_backend(url, "postgres", source, args.rules, not args.no_http, Path(tmp))
    table = Table(title="rule import/export")
    numeric = ("rows", "seconds", "rules/s", "cpu s")
    for column in ("backend", "operation", "format", *numeric):
        table.add_column(column, justify="right" if column in numeric else "left")
    for backend, operation, fmt, count, seconds, cpu in rows:
        table.add_row(backend, operation, fmt, str(count), f"{seconds:.2f}", f"{count / seconds:,.0f}", f"{cpu:.2f}")
    console.print(table)
    console.print("seconds: wall clock; cpu s: this process only (the HTTP server runs in it; PostgreSQL does not)")


if __name__ == "__main__":
    main()
