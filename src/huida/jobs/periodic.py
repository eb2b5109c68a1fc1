"""Periodic jobs: work that is due every few seconds (sweeps), on the same outbox as everything else.

    @periodic("sessions.sweep", every_seconds=60)
    def sweep(job: JobContext) -> None: ...

Each run is one job whose idempotency key names its time slot, so however many worker processes start,
a slot runs once; after a run (or when a worker starts) the next slot is enqueued.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from huida.db import Database, now_ms
from huida.jobs.outbox import enqueue
from huida.jobs.registry import Handler, JobContext, RetryPolicy, handler

_EVERY: dict[str, float] = {}


def periodic_names() -> list[str]:
    """The job types that are periodic sweeps (housekeeping, not work someone asked for)."""
    return sorted(_EVERY)


def schedule_next(session: Session, name: str, every_seconds: float, now: int | None = None) -> int:
    """Enqueues the run of `name` for the next time slot (once, whoever asks)."""
    period_ms = int(every_seconds * 1000)
    slot = (now if now is not None else now_ms()) // period_ms + 1
    return enqueue(session, name, {"slot": slot}, run_at=slot * period_ms, key=f"{name}@{slot}")


def periodic(name: str, *, every_seconds: float) -> Callable[[Handler], Handler]:
    """Registers a handler that runs every `every_seconds`; a failed run is not retried (the next slot is)."""

    def register(func: Handler) -> Handler:
        def run(job: JobContext) -> None:
            job.finish_with(lambda session: schedule_next(session, name, every_seconds))
            func(job)

        _EVERY[name] = every_seconds
        handler(name, retry=RetryPolicy(max_attempts=1),
                on_failure=lambda session, _job, _error: schedule_next(session, name, every_seconds))(run)
        return func

    return register


def schedule_all(db: Database, names: list[str]) -> None:
    """Makes sure every periodic job this worker runs has its next slot queued (a worker just started)."""
    wanted = [name for name in names if name in _EVERY]
    if not wanted:
        return
    with db.session() as session:
        for name in wanted:
            schedule_next(session, name, _EVERY[name])
