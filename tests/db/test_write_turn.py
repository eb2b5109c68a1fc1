"""SQLite writers of one process take turns on a lock: every write commits, none waits forever."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from huida.db import Database, _WriteTurn


def test_concurrent_writers_all_commit(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'turns.db'}")
    try:
        with db.session() as session:
            session.execute(text("CREATE TABLE hits (writer INTEGER, n INTEGER)"))

        def write(writer: int) -> None:
            for n in range(25):
                with db.session() as session:
                    session.execute(text("INSERT INTO hits VALUES (:w, :n)"), {"w": writer, "n": n})

        threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with db.read() as session:
            assert session.execute(text("SELECT count(*), count(DISTINCT writer) FROM hits")).one() == (200, 8)
    finally:
        db.dispose()


def test_a_writer_gives_up_instead_of_waiting_forever() -> None:
    turn = _WriteTurn(timeout=0.2)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with turn:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    with pytest.raises(TimeoutError, match="SQLite write lock"), turn:
        pass
    release.set()
    holder.join(5)
    with turn, turn:  # free again, and re-entrant for the thread holding it
        pass
