"""The outbox: one row per unit of background work, written in the transaction that caused it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, now_ms

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
ACTIVE = (PENDING, RUNNING)
_ACTIVE_SQL = text("status IN ('pending', 'running')")
_RUNNING_SQL = text("status = 'running'")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # Claiming: the due pending jobs, oldest first.
        Index("ix_jobs_due", "status", "run_at", "id"),
        # Reaping: running jobs whose lease ran out (their worker died).
        Index("ix_jobs_lease", "status", "lease_expires_at"),
        # Lane order: "is there an unfinished job before me in my lane?"
        Index("ix_jobs_lane_active", "lane", "id", postgresql_where=_ACTIVE_SQL, sqlite_where=_ACTIVE_SQL),
        # Group bound: "how many jobs of my group are running?" (asked for every candidate of a claim).
        Index("ix_jobs_group_running", "group_key", postgresql_where=_RUNNING_SQL, sqlite_where=_RUNNING_SQL),
        # Ids are never reused after a prune (SQLite would otherwise reuse the highest): lanes run in id order.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Idempotency key: a second enqueue with the same key is a no-op (while the row is kept).
    key: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    # Jobs of one lane run one at a time, in id order (e.g. one chat session's events to one webhook).
    lane: Mapped[str | None] = mapped_column(String(255), default=None)
    # Jobs of one group run at most `group_limit` at a time, across all workers (e.g. the deliveries of one
    # webhook subscription, whatever their lanes: a receiver takes that many requests at once).
    group_key: Mapped[str | None] = mapped_column(String(255), default=None)
    group_limit: Mapped[int | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    run_at: Mapped[int] = mapped_column(default=now_ms)
    lease_owner: Mapped[str | None] = mapped_column(String(120), default=None)
    lease_expires_at: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)
    finished_at: Mapped[int | None] = mapped_column(default=None)
