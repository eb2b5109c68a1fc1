"""The in-process worker of `huida serve`, wired into the app's lifespan.

Jobs get the process's AppContext explicitly: the worker is made with it and hands it to every handler as
`job.app`, so jobs run by the worker of `huida serve` ask through the app's own conversation service (and its
knowledge cache), and a standalone `huida worker` through the context its command built.
"""

from __future__ import annotations

from huida.context import AppContext

SERVICE = "jobs.worker"


def install_worker(ctx: AppContext) -> None:
    """Registers a worker on the app's lifespan unless Settings.run_worker is off (tests, API-only
    processes next to `huida worker`). Calling it twice does nothing more."""
    if not ctx.settings.run_worker or SERVICE in ctx.services:
        return
    from huida.jobs.worker import Worker

    worker = Worker(ctx)
    ctx.services[SERVICE] = worker
    ctx.startup.append(worker.start)
    ctx.shutdown.append(worker.stop)
