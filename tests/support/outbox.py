"""Fixtures for the outbox and webhook tests: their own databases, a server whose worker retries in
milliseconds instead of hours, and `huida worker` processes.

The shared `server` fixture runs an in-process worker with production timings on the shared database, so
these tests use databases of their own (imported into tests/jobs and tests/webhooks conftests).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from huida.context import AppContext, build_context
from huida.jobs.handlers import load_handlers
from huida.jobs.models import Job
from huida.jobs.periodic import periodic_names
from huida.webhooks.models import WebhookDelivery
from tests.support.backends import postgres_database
from tests.support.client import Api, new_tenant
from tests.support.receiver import Receiver
from tests.support.server import LiveServer, settings_for_tests, start_server

# Test timings: retry delays scaled by 1/10,000 (the ~25 h webhook schedule takes ~9 s), fast polling.
FAST = dict(job_poll_seconds=0.05, job_backoff_scale=0.0001, webhook_timeout_seconds=1.0, job_lease_seconds=5.0)
FAST_ENV = {"HUIDA_JOB_POLL_SECONDS": "0.05", "HUIDA_JOB_BACKOFF_SCALE": "0.0001",
            "HUIDA_WEBHOOK_TIMEOUT_SECONDS": "1", "HUIDA_WEBHOOK_ALLOW_PRIVATE": "1", "HUIDA_LOG_REQUESTS": "0"}


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend (SQLite file or a throwaway PostgreSQL database)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'outbox.db'}"
        return
    server_url = os.environ.get("HUIDA_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("PostgreSQL tests need HUIDA_TEST_POSTGRES_URL")
    with postgres_database(server_url) as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def outbox_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def hook_server(outbox_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on its own database with an in-process worker using the FAST timings."""
    with fresh_database(outbox_backend, tmp_path_factory.mktemp("outbox")) as url, \
            start_server(url, tmp_path_factory.mktemp("outbox-data"), **FAST) as live:
        yield live


@pytest.fixture
def hapi(hook_server: LiveServer) -> Iterator[Api]:
    with new_tenant(hook_server) as client:
        yield client


@pytest.fixture
def other_hapi(hook_server: LiveServer) -> Iterator[Api]:
    with new_tenant(hook_server) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as live:
        yield live


@pytest.fixture
def quiet_db(outbox_backend: str, tmp_path: Path) -> Iterator[AppContext]:
    """A fresh database with no worker attached: tests start their own (threads or processes)."""
    with fresh_database(outbox_backend, tmp_path) as url:
        ctx = build_context(settings_for_tests(url, tmp_path / "data", run_worker=False, **FAST))
        try:
            yield ctx
        finally:
            ctx.db.dispose()


# -- worker processes --------------------------------------------------------------------------------

def start_worker_process(database_url: str, *, concurrency: int = 4, lease_seconds: float = 2.0,
                         log: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, **FAST_ENV, "HUIDA_JOB_LEASE_SECONDS": str(lease_seconds)}
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115  closed with the process
    return subprocess.Popen(
        [sys.executable, "-c", "from huida.cli import main; main()", "worker", "--db", database_url,
         "--concurrency", str(concurrency)],
        env=env, stdout=out, stderr=subprocess.STDOUT)


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(10)


def job_counts(ctx: AppContext) -> dict[str, int]:
    """Jobs per status, leaving out the periodic sweeps every worker schedules when it starts."""
    load_handlers()
    with ctx.db.session() as session:
        rows = session.execute(select(Job.status, func.count()).where(Job.type.not_in(periodic_names()))
                               .group_by(Job.status))
        return {status: count for status, count in rows}


def delivery_states(ctx: AppContext) -> dict[str, int]:
    with ctx.db.session() as session:
        rows = session.execute(select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state))
        return {state: count for state, count in rows}
