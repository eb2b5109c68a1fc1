"""The AppContext a job uses to ask the conversation service.

A worker hands jobs only the database and settings; asking needs the process's ConversationService (and
its knowledge cache). The app's own context is remembered by the Feishu routes, so jobs run by the worker of
`huida serve` share the app's service; elsewhere (a standalone worker) a context is made once per database.
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
