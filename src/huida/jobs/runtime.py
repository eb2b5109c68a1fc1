"""The in-process worker of `huida serve`: started and stopped with the app (ctx.startup/ctx.shutdown)."""

from __future__ import annotations

from huida.context import AppContext

SERVICE = "jobs.worker"


def install_worker(ctx: AppContext) -> None:
    """Registers a worker on the app's lifespan unless Settings.run_worker is off (tests, API-only
    processes next to `huida worker`). Calling it twice does nothing more."""
    if not ctx.settings.run_worker or SERVICE in ctx.services:
        return
    from huida.jobs.worker import Worker

    worker = Worker(ctx.db, ctx.settings)
    ctx.services[SERVICE] = worker
    ctx.startup.append(worker.start)
    ctx.shutdown.append(worker.stop)
