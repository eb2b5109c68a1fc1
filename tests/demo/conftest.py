"""Fixtures for the demo tests: an empty database per test (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from huida.context import AppContext, build_context
from huida.demo.seed import DemoInfo, ensure_demo
from tests.support.backends import postgres_database
from tests.support.server import serve_app, settings_for_tests


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database nobody has used yet: the demo is only seeded into an empty one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'huida.db'}"
        return
    server_url = os.environ.get("HUIDA_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("PostgreSQL tests need HUIDA_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    with ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_database(server_url))
        except Exception as exc:  # noqa: BLE001  an unreachable server skips locally, fails in CI
            if os.environ.get("CI"):
                raise
            pytest.skip(f"PostgreSQL at HUIDA_TEST_POSTGRES_URL is unreachable: {exc}")
        yield url


@pytest.fixture
def fresh_ctx(fresh_db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    """A migrated, empty database and the context of a process using it (no admin password configured)."""
    ctx = build_context(settings_for_tests(fresh_db_url, tmp_path / "data"))
    try:
        yield ctx
    finally:
        ctx.db.dispose()


@contextmanager
def demo_admin(ctx: AppContext) -> Iterator[tuple[httpx.Client, DemoInfo]]:
    """The demo seeded as `huida serve` seeds it on the first start, served, and a client logged in as its admin."""
    info = ensure_demo(ctx)
    assert info is not None
    with serve_app(ctx) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        login = http.post("/v10/commons/integration/token", json={"username": info.username,
                                                                  "password": info.password})
        assert login.status_code == 200, login.text
        http.headers["token"] = login.json()["entity"]["token"]
        yield http, info
