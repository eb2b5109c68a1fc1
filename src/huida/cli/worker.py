"""`huida worker`: a standalone outbox worker (run several on PostgreSQL; one is enough on SQLite)."""

from __future__ import annotations

import signal
from typing import Annotated

import typer

from huida.cli.base import DbOption, app, check_optional_features, console, settings_for, setup_logging, start_context


@app.command()
def worker(
    db: DbOption = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", min=1, max=256,
                                                    help="Jobs run at once (default HUIDA_WORKER_CONCURRENCY or 4)")]
    = None,
) -> None:
    """Run background jobs (webhook deliveries, ...) until SIGTERM or Ctrl-C; running jobs finish first."""
    from huida.jobs.worker import Worker

    setup_logging()
    check_optional_features()
    ctx = start_context(settings_for(db))
    runner = Worker(ctx, concurrency=concurrency)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: runner.request_stop())
    console.print(f"huida worker {runner.id}: {runner.concurrency} at once, job types: {', '.join(runner.types)}")
    runner.start()
    # The main thread only waits, so that signals are handled promptly.
    while runner.alive:
        runner.join(0.5)
    ctx.db.dispose()
