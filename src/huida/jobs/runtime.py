"""What jobs run with: the in-process worker of `huida serve`, and the AppContext a job asks the robot through.

A worker hands jobs only the database and settings, while asking needs the process's ConversationService
(and its knowledge cache). The app remembers its context (the channel routes call `remember`), so jobs run
by the worker of `huida serve` share the app's service; a standalone `huida worker` makes one context per
database (`context_for`).
"""

from __future__ import annotations

import threading

from huida.config import Settings
from huida.context import AppContext
from huida.db import Database

SERVICE = "jobs.worker"

_contexts: dict[int, AppContext] = {}
_lock = threading.Lock()


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


def remember(ctx: AppContext) -> None:
    """Makes `ctx` the context jobs on its database use."""
    with _lock:
        known = _contexts.get(id(ctx.db))
        if known is None or known.db is not ctx.db:
            _contexts[id(ctx.db)] = ctx


def context_for(db: Database, settings: Settings) -> AppContext:
    """The remembered context of `db`, or a new one (made once) for a standalone worker."""
    with _lock:
        ctx = _contexts.get(id(db))
        if ctx is None or ctx.db is not db:  # ids are reused once a database object is gone
            ctx = _contexts[id(db)] = AppContext(settings=settings, db=db, secret_key="")
        return ctx
