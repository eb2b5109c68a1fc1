"""`huida serve --workers N`: several processes on PostgreSQL, refused on SQLite (issue 16)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huida.cli import app
from huida.cli.serve import listener
from tests.support.backends import postgres_database
from tests.support.outbox import stop_process
from tests.support.receiver import wait_until
from tests.support.server import free_port, is_healthy


def test_several_processes_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path}/h.db", "--workers", "2"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
    assert not (tmp_path / "h.db").exists()  # refused before anything was created


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.postgres
def test_two_processes_serve_one_postgresql_database(tmp_path: Path) -> None:
    server_url = os.environ.get("HUIDA_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("needs HUIDA_TEST_POSTGRES_URL")
    with postgres_database(server_url) as url:
        port = free_port()
        env = {**os.environ, "HUIDA_DATA_DIR": str(tmp_path)}
        process = subprocess.Popen([sys.executable, "-c", "from huida.cli import main; main()", "serve", "--db", url,
                                    "--port", str(port), "--workers", "2"],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: is_healthy(f"http://127.0.0.1:{port}"), timeout=90, message="two processes to start")
            wait_until(lambda: len(_children(process.pid)) >= 2, timeout=30, message="two server processes")
        finally:
            assert stop_process(process, signal.SIGTERM) == 0


def test_the_shared_listener_is_tcp_so_connections_get_no_delay() -> None:
    # asyncio sets TCP_NODELAY on accepted connections only when the listener says IPPROTO_TCP; without it
    # every keep-alive request after the first waited ~40 ms for a delayed ACK (uvicorn issue #3149).
    with listener("127.0.0.1", 0) as sock:
        assert (sock.family, sock.type, sock.proto) == (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        assert sock.get_inheritable()
