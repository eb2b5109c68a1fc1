"""Dedupe of Feishu deliveries: every event id and message id taken in is recorded once, in the transaction
that does its work, and kept a day (Feishu retries for about 7.1 hours)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from huida.channels.feishu.models import FeishuSeen
from huida.db import Database, now_ms, rowcount, table_of

RETENTION_MS = 24 * 3600 * 1000
PRUNE_EVERY_SECONDS = 600.0

_TABLE = table_of(FeishuSeen)
_INSERT_ONCE = {
    name: module.insert(_TABLE).on_conflict_do_nothing(index_elements=["channel_pk", "key"]).returning(_TABLE.c.pk)
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}
_next_prune = 0.0
_prune_lock = threading.Lock()


def first_time(session: Session, channel_pk: int, key: str) -> bool:
    """Records `key` for the channel; False if it was already there (race-free on both backends: a concurrent
    insert of the same key waits for the other transaction and then does nothing)."""
    statement = _INSERT_ONCE.get(session.get_bind().dialect.name, insert(_TABLE).returning(_TABLE.c.pk))
    row = session.execute(statement, {"channel_pk": channel_pk, "key": key[:200], "created_at": now_ms()})
    return row.scalar_one_or_none() is not None


def prune(db: Database, older_than_ms: int) -> int:
    with db.session() as session:
        result = session.execute(delete(FeishuSeen).where(FeishuSeen.created_at < older_than_ms))
        return rowcount(result)


def maybe_prune(db: Database) -> None:
    """Deletes expired rows, at most every ten minutes per process (callers need not schedule anything)."""
    global _next_prune
    with _prune_lock:
        if time.monotonic() < _next_prune:
            return
        _next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
    prune(db, now_ms() - RETENTION_MS)
