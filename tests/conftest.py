"""Test harness: the real app on a real port, against SQLite and (when configured) PostgreSQL.

Integration tests take the `api` fixture (a tenant with an admin token, talking HTTP to a uvicorn
server). The server fixture is parametrised by backend, so every integration test runs once on SQLite
and once on PostgreSQL when HUIDA_TEST_POSTGRES_URL points at a server (a throwaway database is
created for the run and dropped afterwards).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import huida.auth.security
from tests.support.backends import postgres_database
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer, start_server

BACKENDS = ["sqlite", "postgres"]

# Full-strength Argon2 costs ~0.1-1 s per tenant the fixtures create; tests need a real hash, not a slow one.
huida.auth.security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every PostgreSQL variant (its id names the backend) is marked `postgres`, so that CI can run them,
    and the extras tests, after the newcomer's run: `pytest -m "postgres or extras"`."""
    for item in items:
        if "postgres" in item.nodeid.lower():
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session", params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'huida.db'}"
        return
    server_url = os.environ.get("HUIDA_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("PostgreSQL tests need HUIDA_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    try:
        database = postgres_database(server_url)
        url = database.__enter__()
    except Exception as exc:  # noqa: BLE001  an unreachable server skips locally, fails in CI
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at HUIDA_TEST_POSTGRES_URL is unreachable: {exc}")
    try:
        yield url
    finally:
        database.__exit__(None, None, None)


@pytest.fixture(scope="session")
def server(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("data")
    with start_server(backend_url, data_dir) as live:
        yield live


@pytest.fixture
def api(server: LiveServer) -> Iterator[Api]:
    """A fresh tenant with an admin, and an HTTP client carrying its token."""
    with new_tenant(server) as client:
        yield client


@pytest.fixture
def other_api(server: LiveServer) -> Iterator[Api]:
    """A second, unrelated tenant on the same server (for isolation tests)."""
    with new_tenant(server) as client:
        yield client
