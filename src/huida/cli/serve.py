"""`huida serve` and `huida migrate`."""

from __future__ import annotations

import os
import socket
import sys
import threading
from typing import TYPE_CHECKING, Annotated, Any

import typer

from huida.cli.base import DbOption, app, check_optional_features, console, settings_for, setup_logging, start_context
from huida.db import is_sqlite
from huida.engine.matcher.classifier import preload as preload_learning
from huida.memory import limit_malloc_arenas, start_trimming

if TYPE_CHECKING:
    from huida.context import AppContext


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    db: DbOption = None,
    feishu_connect: Annotated[bool, typer.Option("--feishu-connect", help="Also run the Feishu long connections "
                                                 "(channels in longConnection mode)")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes sharing the port and nothing but "
                                         "the database (PostgreSQL only); each runs its own outbox worker")] = 1,
) -> None:
    """Start the HTTP API (and the background worker), on one process or `--workers` processes."""
    limit_malloc_arenas()  # first: before any thread allocates (huida/memory.py says why)
    setup_logging()
    check_optional_features()
    settings = settings_for(db)
    if workers > 1 and is_sqlite(settings.database_url):
        raise typer.BadParameter("several processes need PostgreSQL (SQLite has one writer: one process "
                                 "serves it best); pass --db postgresql://...", param_hint="--workers")
    ctx = start_context(settings)
    from huida.demo.seed import ensure_demo

    demo = ensure_demo(ctx)
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    if demo is not None:
        console.rule("[bold]Huida is ready — first start[/bold]")
        console.print(f"demo tenant id : {demo.tenant_id}")
        console.print(f"demo robot id  : {demo.robot_id}")
        console.print(f"admin login    : {demo.username}")
        console.print(f"admin password : {demo.password or '(the one you set in HUIDA_ADMIN_PASSWORD)'}")
        console.print(f"console        : {base}/console")
        console.print(f"API docs       : {base}/docs")
        console.print(f"health         : {base}/healthz  (ready: {base}/readyz)")
        console.print("These credentials are printed only this once.")
        console.rule()
    else:
        console.print(f"Huida serving on {base} (console: {base}/console, API docs: {base}/docs)")
    if feishu_connect:
        from huida.channels.feishu.longconn import start_alongside

        start_alongside(ctx)
    if workers == 1:
        _run(_process_app(ctx), host, port)
        return
    # Each process builds its own context from the environment (the database migrated and the demo seeded
    # once, above); caches are keyed by the knowledge version in the database, so a change made through one
    # process reaches the others (conversation/snapshots.py).
    os.environ["HUIDA_DATABASE_URL"] = settings.database_url
    os.environ["HUIDA_DATA_DIR"] = str(settings.data_dir.resolve())
    ctx.db.dispose()
    _run_processes(host, port, workers)


# How long a thread holding the GIL runs before another may take it (Python's default: 5 ms). An index build
# (seconds of Python for a large robot) then lets asks of other robots in every millisecond: measured in
# process while bq-train's index was built, demo asks went from p99 198 ms, max 696 ms to p99 42 ms, max
# 190 ms (issue 16: no ask should wait behind another robot's build). HUIDA_SWITCH_INTERVAL_MS overrides it.
SWITCH_INTERVAL_SECONDS = 0.001


def _process_app(ctx: AppContext | None = None) -> Any:
    """The app of one server process, with what a long-running process wants besides."""
    from huida.app import create_app

    chosen = os.environ.get("HUIDA_SWITCH_INTERVAL_MS")
    sys.setswitchinterval(float(chosen) / 1000 if chosen else SWITCH_INTERVAL_SECONDS)
    # In the background: answering starts at once; memory reaches its working size at start, not hours later.
    threading.Thread(target=preload_learning, name="preload", daemon=True).start()
    start_trimming()  # free heap pages go back to the system once a minute (huida/memory.py)
    return create_app(ctx=ctx)


def worker_app() -> Any:
    """The app factory each `--workers` process calls (uvicorn imports it by name in a fresh process)."""
    limit_malloc_arenas()
    setup_logging()
    return _process_app(start_context(settings_for(None)))


def listener(host: str, port: int) -> socket.socket:
    """The listening socket the `--workers` processes share. uvicorn binds its own without IPPROTO_TCP, and
    asyncio then leaves Nagle's algorithm on for every accepted connection: each keep-alive request after the
    first waited ~40 ms for the client's delayed ACK (44 ms a /healthz; uvicorn issue #3149)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _run_processes(host: str, port: int, workers: int) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("huida.cli.serve:worker_app", factory=True, host=host, port=port, workers=workers,
                            log_level="warning", log_config=None)
    Multiprocess(config, sockets=[listener(host, port)]).run()


def _run(app: Any, host: str, port: int, **options: Any) -> None:
    import uvicorn

    # log_config=None: uvicorn's own records go to the root handler setup_logging installed (escaped, one
    # format) instead of handlers of its own that would print request text unescaped.
    uvicorn.run(app, host=host, port=port, log_level="warning", log_config=None, **options)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Apply database migrations (serve does this automatically)."""
    from huida.context import build_context

    build_context(settings_for(db))
    console.print("database is up to date")
