"""Database plumbing: engine, sessions, the declarative base and schema migrations.

Services open their own transactions (`with db.session() as s:`) so that a state change and the
outbox jobs it triggers always commit together.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, BigInteger, CursorResult, Engine, Integer, Table, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


# 64-bit integers everywhere (epoch milliseconds), but plain INTEGER on SQLite so that an integer primary
# key stays the rowid and autoincrements.
BigInt = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, int: BigInt}


def now_ms() -> int:
    return int(time.time() * 1000)


def table_of(model: type[Base]) -> Table:
    """A model's Table, for Core statements (the declarative base types `__table__` as any FROM clause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def rowcount(result: object) -> int:
    """How many rows an UPDATE or DELETE matched (`Session.execute` types its result as a plain Result; for
    these statements it is a CursorResult, which knows the count)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def new_id() -> str:
    return str(uuid.uuid4())


SQLITE_BUSY_SECONDS = 30  # how long a writer waits for SQLite's one write lock before giving up


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _make_sqlite_engine(url: str, *, immediate: bool = True) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Pooled connections: closing the last connection to a WAL database checkpoints and fsyncs it, which
    # costs ~20 ms per transaction if every unit of work opened a fresh one.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}, pool_size=5,
                           max_overflow=20)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: two deferred transactions that both read and then
        # write would otherwise fail with SQLITE_BUSY instead of waiting their turn. Read-only units
        # of work use a plain BEGIN so they never queue behind writers (WAL lets them read meanwhile).
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        return _make_sqlite_engine(url)
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class _WriteTurn:
    """A re-entrant lock that gives up like SQLite's busy timeout does, rather than waiting forever."""

    def __init__(self, timeout: float = SQLITE_BUSY_SECONDS) -> None:
        self._lock = threading.RLock()
        self._timeout = timeout

    def __enter__(self) -> None:
        if not self._lock.acquire(timeout=self._timeout):
            raise TimeoutError(f"waited {self._timeout:.0f} s for the SQLite write lock")

    def __exit__(self, *_: object) -> None:
        self._lock.release()


class Database:
    """One engine and session factory per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        read_engine = _make_sqlite_engine(url, immediate=False) if is_sqlite(url) else self.engine
        self._readers = sessionmaker(read_engine, expire_on_commit=False)
        # SQLite has one writer at a time. Threads of this process queue for it on a lock, in order, rather
        # than in SQLite's busy handler, which sleeps up to 100 ms between tries and so turns a few
        # concurrent writes into a long latency tail. Other processes still wait in the busy handler.
        self._write_turn: AbstractContextManager[Any] = _WriteTurn() if is_sqlite(url) else nullcontext()

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception."""
        with self._write_turn, self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (never takes SQLite's write lock); rolled back at the end."""
        with self._readers() as session:  # closing the session rolls its transaction back
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def migrate(self) -> None:
        migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
        self._readers.kw["bind"].dispose()


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe when several processes start at once."""
    from alembic import command

    if is_sqlite(str(engine.url)):
        command.upgrade(alembic_config(engine), "head")
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(724163)"))
        try:
            command.upgrade(alembic_config(engine), "head")
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(724163)"))
            conn.commit()
