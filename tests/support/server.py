"""A real uvicorn server on 127.0.0.1 in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from huida.app import create_app
from huida.config import Settings
from huida.context import AppContext, build_context


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_healthy(base_url: str) -> bool:
    """True when a server (a subprocess, say) answers /healthz."""
    import httpx

    try:
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@dataclass
class LiveServer:
    base_url: str
    ctx: AppContext

    @property
    def is_sqlite(self) -> bool:
        return self.ctx.db.is_sqlite


def settings_for_tests(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url, secret_key="test-secret-key-0123456789abcdef",
                    webhook_allow_private=True, log_requests=False).with_overrides(**overrides)


@contextmanager
def serve_app(ctx: AppContext) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(create_app(ctx=ctx), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def start_server(database_url: str, data_dir: Path, **overrides: object) -> Iterator[LiveServer]:
    ctx = build_context(settings_for_tests(database_url, data_dir, **overrides))
    try:
        with serve_app(ctx) as base_url:
            yield LiveServer(base_url, ctx)
    finally:
        ctx.db.dispose()
