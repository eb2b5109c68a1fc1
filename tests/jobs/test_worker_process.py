"""`huida worker` processes: killed with SIGKILL they lose nothing; SIGTERM stops them gracefully; on
PostgreSQL two of them never deliver the same job at the same time."""

from __future__ import annotations

import signal
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from huida.auth.service import create_tenant
from huida.context import AppContext
from huida.jobs.models import Job
from huida.robots.service import create_robot
from huida.webhooks import emit_event
from huida.webhooks.service import create_webhook
from tests.support.outbox import delivery_states, job_counts, start_worker_process, stop_process
from tests.support.receiver import Receiver, wait_until


def subscription(ctx: AppContext, url: str) -> tuple[int, str]:
    with ctx.db.session() as session:
        tenant = create_tenant(session, "workers", f"admin-{uuid.uuid4().hex[:8]}@example.com", "pw 12345678")
        robot = create_robot(session, tenant.tenant.id, "robot")
        create_webhook(session, tenant.tenant.id, robot.robot_id, url=url, secret="process-secret",
                       events=["feedback"], active=True, allow_private=True)
        return tenant.tenant.id, robot.robot_id


def emit_many(ctx: AppContext, tenant_id: int, robot_id: str, count: int, lanes: int | None) -> list[str]:
    """`count` events in one transaction; with `lanes`, spread over that many order keys."""
    with ctx.db.session() as session:
        return [emit_event(session, tenant_id=tenant_id, robot_id=robot_id, event="feedback", body={"n": n},
                           order_key=str(n % lanes) if lanes else None)[0] for n in range(count)]


def drained(ctx: AppContext, total: int) -> bool:
    counts = job_counts(ctx)
    return delivery_states(ctx).get("delivered") == total and not counts.get("pending") and not counts.get("running")


def worker_ids(ctx: AppContext) -> set[str]:
    with ctx.db.session() as session:
        owners = session.scalars(select(Job.lease_owner).where(Job.status == "done")).all()
    return {owner.split("#", 1)[0] for owner in owners if owner}


def test_a_worker_killed_mid_delivery_loses_nothing(quiet_db: AppContext, receiver: Receiver,
                                                     tmp_path: Path) -> None:
    receiver.default_delay = 0.05  # slow enough that the kill lands while deliveries are in flight
    tenant_id, robot_id = subscription(quiet_db, receiver.url())
    ids = emit_many(quiet_db, tenant_id, robot_id, 200, lanes=8)
    url = quiet_db.settings.database_url
    first = start_worker_process(url, concurrency=4, lease_seconds=2, log=tmp_path / "first.log")
    try:
        wait_until(lambda: len(set(receiver.delivery_ids())) >= 20, timeout=60, message="20 deliveries")
        first.send_signal(signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
    finally:
        stop_process(first, signal.SIGKILL)
    at_kill = job_counts(quiet_db)
    assert at_kill.get("pending", 0) + at_kill.get("running", 0) > 0, at_kill  # work was left mid-way

    second = start_worker_process(url, concurrency=4, lease_seconds=2, log=tmp_path / "second.log")
    try:
        wait_until(lambda: drained(quiet_db, len(ids)), timeout=90, message="the queue to drain")
    finally:
        assert stop_process(second) == 0
    seen = Counter(receiver.delivery_ids())
    assert set(seen) == set(ids)  # every delivery arrived at least once
    # Only what was in flight when the worker died can arrive twice (receivers dedupe on X-Huida-Delivery).
    assert sum(n - 1 for n in seen.values()) <= 4
    assert job_counts(quiet_db) == {"done": len(ids)}


def test_sigterm_finishes_running_jobs_then_exits(quiet_db: AppContext, receiver: Receiver, tmp_path: Path) -> None:
    receiver.default_delay = 0.8
    tenant_id, robot_id = subscription(quiet_db, receiver.url())
    ids = emit_many(quiet_db, tenant_id, robot_id, 8, lanes=8)
    worker = start_worker_process(quiet_db.settings.database_url, concurrency=2, lease_seconds=30,
                                  log=tmp_path / "worker.log")
    try:
        wait_until(lambda: receiver.delivery_ids(), timeout=60, message="a delivery in flight")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        stop_process(worker, signal.SIGKILL)
    counts = job_counts(quiet_db)
    assert "running" not in counts, counts  # the jobs in flight finished and were recorded
    delivered = delivery_states(quiet_db).get("delivered", 0)
    assert 1 <= delivered < len(ids) and delivered == counts.get("done")
    assert set(receiver.delivery_ids()) <= set(ids)


def test_two_workers_never_deliver_the_same_job_at_once(quiet_db: AppContext, tmp_path: Path) -> None:
    if quiet_db.db.is_sqlite:
        pytest.skip("several workers are a PostgreSQL deployment")
    url = quiet_db.settings.database_url
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    workers = [start_worker_process(url, concurrency=4, log=log) for log in logs]
    with Receiver() as parallel, Receiver() as ordered:
        parallel.default_delay = ordered.default_delay = 0.01
        try:
            wait_until(lambda: all("started" in log.read_text() for log in logs if log.exists())
                       and all(log.exists() for log in logs), timeout=60, message="both workers")
            tenant_id, robot_id = subscription(quiet_db, parallel.url())
            loose = emit_many(quiet_db, tenant_id, robot_id, 300, lanes=300)  # independent jobs
            tenant_id, robot_id = subscription(quiet_db, ordered.url())
            in_line = emit_many(quiet_db, tenant_id, robot_id, 40, lanes=None)  # one lane
            wait_until(lambda: drained(quiet_db, len(loose) + len(in_line)), timeout=120, message="all deliveries")
        finally:
            codes = [stop_process(worker) for worker in workers]
        assert codes == [0, 0]
        assert parallel.overlaps == [] and ordered.overlaps == []
        assert sorted(parallel.delivery_ids()) == sorted(loose)  # each exactly once
        assert ordered.delivery_ids() == in_line and ordered.max_in_flight == 1
        assert parallel.max_in_flight > 1
    assert len(worker_ids(quiet_db)) == 2  # both workers took part
