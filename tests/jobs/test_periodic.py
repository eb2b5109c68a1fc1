"""Periodic jobs run once per time slot, however many workers ask for them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from huida.config import Settings
from huida.context import build_context
from huida.jobs.models import Job
from huida.jobs.periodic import schedule_all, schedule_next


def test_a_slot_is_queued_once_and_the_next_slot_follows(tmp_path: Path) -> None:
    ctx = build_context(Settings(data_dir=tmp_path, run_worker=False, log_requests=False))
    try:
        from huida.jobs.handlers import load_handlers

        load_handlers()
        for _ in range(3):  # three workers starting at once
            schedule_all(ctx.db, ["sessions.sweep", "webhook.deliver"])
        with ctx.db.session() as session:
            jobs = session.execute(select(Job.type, Job.key, Job.run_at)).all()
        assert len(jobs) == 1 and jobs[0].type == "sessions.sweep"
        slot_ms = jobs[0].run_at
        assert slot_ms % 60_000 == 0
        with ctx.db.session() as session:
            schedule_next(session, "sessions.sweep", 60, now=slot_ms)
        with ctx.db.session() as session:
            keys = sorted(session.scalars(select(Job.key)).all())
        assert keys == [f"sessions.sweep@{slot_ms // 60_000}", f"sessions.sweep@{slot_ms // 60_000 + 1}"]
    finally:
        ctx.db.dispose()
