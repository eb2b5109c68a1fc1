"""The AppContext a run job asks the robot through.

A worker hands jobs only the database and settings, while asking needs the process's ConversationService
(and its knowledge cache). The Aily routes remember the app's context, so runs executed by the worker of
`huida serve` share the app's service; a standalone `huida worker` makes one context per database.
(The Feishu channel keeps the same small registry; both could move next to the job runtime.)
"""

from __future__ import annotations

import threading

from huida.config import Settings
from huida.context import AppContext
from huida.db import Database

_contexts: dict[int, AppContext] = {}
_lock = threading.Lock()


def remember(ctx: AppContext) -> None:
    with _lock:
        known = _contexts.get(id(ctx.db))
        if known is None or known.db is not ctx.db:
            _contexts[id(ctx.db)] = ctx


def context_for(db: Database, settings: Settings) -> AppContext:
    with _lock:
        ctx = _contexts.get(id(db))
        if ctx is None or ctx.db is not db:  # ids are reused once a database object is gone
            ctx = _contexts[id(db)] = AppContext(settings=settings, db=db, secret_key="")
        return ctx
