"""The outbox and the worker in this process: enqueue semantics, retries, leases, lanes, claiming."""

from __future__ import annotations

import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from huida.context import AppContext
from huida.db import now_ms
from huida.jobs import JobContext, PermanentError, RetryableError, RetryPolicy, enqueue, handler, store, wake_lane
from huida.jobs.models import Job
from huida.jobs.worker import Worker
from tests.support.receiver import wait_until

QUICK = RetryPolicy(max_attempts=4, base_delay=0.01, factor=2, max_delay=0.05, jitter=0.5)


def job_type(run: Callable[[JobContext], None], *, retry: RetryPolicy = QUICK,
             on_failure: Callable[..., None] | None = None) -> str:
    """Registers a handler under a name only this test uses (so no other worker knows it)."""
    name = f"test.{uuid.uuid4().hex[:10]}"
    handler(name, retry=retry, on_failure=on_failure)(run)
    return name


def add(ctx: AppContext, name: str, payload: dict[str, Any] | None = None, **options: Any) -> int:
    with ctx.db.session() as session:
        return enqueue(session, name, payload or {}, **options)


def job(ctx: AppContext, job_id: int) -> Job:
    with ctx.db.session() as session:
        return session.get(Job, job_id)


@contextmanager
def running(ctx: AppContext, *types: str, concurrency: int = 4, **settings: Any) -> Iterator[Worker]:
    worker = Worker(replace(ctx, settings=ctx.settings.with_overrides(**settings)), concurrency=concurrency,
                    types=types)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_status(ctx: AppContext, job_id: int, status: str, timeout: float = 30) -> Job:
    return wait_until(lambda: (j := job(ctx, job_id)).status == status and j, timeout=timeout,
                      message=f"job {job_id} to be {status}")


def test_a_job_commits_or_rolls_back_with_its_transaction(quiet_db: AppContext) -> None:
    name = job_type(lambda job: None)
    with pytest.raises(RuntimeError), quiet_db.db.session() as session:
        lost = enqueue(session, name, {"n": 1})
        raise RuntimeError("the state change failed")
    assert job(quiet_db, lost) is None
    add(quiet_db, name, {"n": 2})
    with quiet_db.db.session() as session:
        [stored] = session.scalars(select(Job).where(Job.type == name)).all()
    assert stored.status == "pending" and stored.payload == {"n": 2} and stored.attempts == 0


def test_an_idempotency_key_enqueues_once(quiet_db: AppContext) -> None:
    name = job_type(lambda job: None)
    first = add(quiet_db, name, {"n": 1}, key="order-42:paid")
    assert add(quiet_db, name, {"n": 2}, key="order-42:paid") == first
    with quiet_db.db.session() as session:
        assert enqueue(session, name, {}, key="order-42:paid") == first
        assert enqueue(session, name, {}, key="order-43:paid") != first
        assert session.scalar(select(Job.payload).where(Job.id == first)) == {"n": 1}
    with running(quiet_db, name):
        wait_status(quiet_db, first, "done")
    assert add(quiet_db, name, {}, key="order-42:paid") == first  # done jobs are kept (7 days): still deduped


def test_an_idempotency_key_is_race_free(quiet_db: AppContext) -> None:
    name = job_type(lambda job: None)
    results: list[int] = []

    def racer() -> None:
        results.append(add(quiet_db, name, {}, key="the-one"))

    threads = [threading.Thread(target=racer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    with quiet_db.db.session() as session:
        assert len(session.scalars(select(Job).where(Job.key == "the-one")).all()) == 1


def test_unknown_job_types_are_refused(quiet_db: AppContext) -> None:
    with pytest.raises(ValueError, match="unknown job type"), quiet_db.db.session() as session:
        enqueue(session, "no.such.type", {})


def test_success_retry_and_permanent_failure(quiet_db: AppContext) -> None:
    calls: dict[str, int] = {}
    failures: list[tuple[int, str]] = []

    def flaky(job: JobContext) -> None:
        calls[job.payload["name"]] = job.attempt
        if job.payload["name"] == "retry-twice" and job.attempt < 3:
            raise RetryableError(f"not yet ({job.attempt})")
        if job.payload["name"] == "crash-once" and job.attempt == 1:
            raise KeyError("a bug")
        if job.payload["name"] == "permanent":
            raise PermanentError("the target is gone")

    name = job_type(flaky, on_failure=lambda session, job, error: failures.append((job.id, error)))
    ids = {n: add(quiet_db, name, {"name": n}) for n in ("ok", "retry-twice", "crash-once", "permanent")}
    with running(quiet_db, name, job_backoff_scale=1.0):
        done = {n: wait_status(quiet_db, ids[n], "done") for n in ("ok", "retry-twice", "crash-once")}
        failed = wait_status(quiet_db, ids["permanent"], "failed")
    assert [done[n].attempts for n in ("ok", "retry-twice", "crash-once")] == [1, 3, 2]
    assert all(j.last_error is None and j.finished_at for j in done.values())
    assert failed.attempts == 1 and failed.last_error == "PermanentError: the target is gone"
    assert failures == [(ids["permanent"], "PermanentError: the target is gone")]


def test_retries_stop_at_the_policy_limit(quiet_db: AppContext) -> None:
    seen: list[int] = []
    failures: list[str] = []

    def always_failing(job: JobContext) -> None:
        seen.append(job.attempt)
        raise RetryableError("down")

    name = job_type(always_failing, retry=RetryPolicy(max_attempts=3, base_delay=0.01, jitter=0),
                    on_failure=lambda session, job, error: failures.append(error))
    job_id = add(quiet_db, name)
    with running(quiet_db, name, job_backoff_scale=1.0):
        failed = wait_status(quiet_db, job_id, "failed")
    assert seen == [1, 2, 3] and failed.attempts == 3
    assert failures == ["RetryableError: down"]


def test_a_retry_waits_for_its_backoff(quiet_db: AppContext) -> None:
    def fail_first(job: JobContext) -> None:
        if job.attempt == 1:
            raise RetryableError("later", retry_after=3600)

    name = job_type(fail_first)
    job_id = add(quiet_db, name)
    with running(quiet_db, name):
        waiting = wait_until(lambda: (j := job(quiet_db, job_id)).attempts == 1 and j.status == "pending" and j,
                             message="the first failure")
    assert waiting.run_at >= now_ms() + 3500 * 1000
    assert waiting.last_error == "RetryableError: later" and waiting.lease_owner is None


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=10, factor=3, max_delay=1000, jitter=0.25)
    rng = random.Random(7)
    for attempt in range(1, 10):
        base = min(1000, 10 * 3 ** (attempt - 1))
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(base <= d <= base * 1.25 for d in delays)
        assert len(set(delays)) > 100  # spread out, so retries of many jobs do not stampede
    assert policy.minimum_span() == sum(min(1000, 10 * 3 ** n) for n in range(9))


def test_a_job_of_a_dead_worker_is_taken_again_after_its_lease(quiet_db: AppContext) -> None:
    runs: list[int] = []
    name = job_type(lambda job: runs.append(job.attempt))
    job_id = add(quiet_db, name)
    with quiet_db.db.session() as session:  # a worker that claims the job and then dies
        [claimed] = store.claim(session, types=[name], limit=1, lease_ms=1500, tokens=["dead-worker#1"])
    assert claimed.id == job_id and job(quiet_db, job_id).status == "running"
    with running(quiet_db, name):
        done = wait_status(quiet_db, job_id, "done")
    assert runs == [2] and done.attempts == 2  # the lost attempt counts
    assert done.lease_owner.startswith(socket.gethostname()[:40])  # who ran it last


def test_leases_are_renewed_while_a_job_runs(quiet_db: AppContext) -> None:
    """A job longer than the lease is not taken by a second worker while its worker is alive."""
    runs: list[int] = []
    release = threading.Event()

    def slow(job: JobContext) -> None:
        runs.append(job.attempt)
        release.wait(20)

    name = job_type(slow)
    job_id = add(quiet_db, name)
    with running(quiet_db, name, job_lease_seconds=0.6), running(quiet_db, name, job_lease_seconds=0.6):
        wait_until(lambda: runs, message="the job to start")
        deadline = time.monotonic() + 2.5  # four leases long
        while time.monotonic() < deadline:
            assert len(runs) == 1 and job(quiet_db, job_id).status == "running"
            time.sleep(0.1)
        release.set()
        wait_status(quiet_db, job_id, "done")
    assert runs == [1]


def test_exhausted_jobs_of_dead_workers_are_failed_not_rerun(quiet_db: AppContext) -> None:
    failures: list[str] = []
    ran: list[int] = []
    name = job_type(lambda job: ran.append(job.attempt), retry=RetryPolicy(max_attempts=1),
                    on_failure=lambda session, job, error: failures.append(error))
    job_id = add(quiet_db, name)
    with quiet_db.db.session() as session:
        store.claim(session, types=[name], limit=1, lease_ms=300, tokens=["dead-worker#2"])
    with running(quiet_db, name):
        failed = wait_status(quiet_db, job_id, "failed")
    assert failed.attempts == 2 and "died" in failed.last_error and len(failures) == 1 and ran == []


def test_lanes_run_one_at_a_time_in_order(quiet_db: AppContext) -> None:
    lock = threading.Lock()
    active: dict[str, int] = {}
    overlaps: list[str] = []
    order: dict[str, list[int]] = {"a": [], "b": [], "free": []}

    def step(job: JobContext) -> None:
        lane, n = job.payload["lane"], job.payload["n"]
        with lock:
            if active.get(lane) and lane != "free":  # unlaned jobs may run side by side
                overlaps.append(lane)
            active[lane] = active.get(lane, 0) + 1
        time.sleep(0.005)
        with lock:
            active[lane] -= 1
        if n % 7 == 3 and job.attempt == 1:
            raise RetryableError("hold the lane")
        with lock:
            order[lane].append(n)

    name = job_type(step)
    with quiet_db.db.session() as session:
        for n in range(25):
            for lane in ("a", "b"):
                enqueue(session, name, {"lane": lane, "n": n}, lane=lane)
        free = [enqueue(session, name, {"lane": "free", "n": n}) for n in range(10)]
    with running(quiet_db, name, concurrency=6):
        wait_until(lambda: len(order["a"]) == len(order["b"]) == 25, message="both lanes")
        for job_id in free:
            wait_status(quiet_db, job_id, "done")
    assert order["a"] == order["b"] == list(range(25))
    assert overlaps == []


def test_wake_lane_makes_waiting_jobs_due(quiet_db: AppContext) -> None:
    name = job_type(lambda job: None)
    later = now_ms() + 3_600_000
    job_id = add(quiet_db, name, lane="receiver-1", run_at=later)
    sub_id = add(quiet_db, name, lane="receiver-1:chat-9", run_at=later)
    other_id = add(quiet_db, name, lane="receiver-10", run_at=later)
    with running(quiet_db, name):
        time.sleep(0.3)
        assert job(quiet_db, job_id).status == "pending"
        with quiet_db.db.session() as session:
            assert wake_lane(session, "receiver-1") == 1
        wait_status(quiet_db, job_id, "done")
        assert job(quiet_db, sub_id).status == "pending"
        with quiet_db.db.session() as session:
            assert wake_lane(session, "receiver-1", sublanes=True) == 1
        wait_status(quiet_db, sub_id, "done")
        assert job(quiet_db, other_id).status == "pending"


def test_a_worker_only_claims_its_types(quiet_db: AppContext) -> None:
    mine = job_type(lambda job: None)
    theirs = job_type(lambda job: None)
    mine_id, theirs_id = add(quiet_db, mine), add(quiet_db, theirs)
    with running(quiet_db, mine):
        wait_status(quiet_db, mine_id, "done")
        time.sleep(0.3)
        assert job(quiet_db, theirs_id).status == "pending"


def test_a_commit_in_this_process_wakes_the_worker(quiet_db: AppContext) -> None:
    name = job_type(lambda job: None)
    with running(quiet_db, name, job_poll_seconds=3600):  # it would otherwise sleep for an hour
        time.sleep(0.2)
        job_id = add(quiet_db, name)
        wait_status(quiet_db, job_id, "done", timeout=20)


def test_stop_lets_running_jobs_finish(quiet_db: AppContext) -> None:
    started = threading.Event()

    def slow(job: JobContext) -> None:
        started.set()
        time.sleep(0.5)

    name = job_type(slow)
    job_id = add(quiet_db, name)
    worker = Worker(quiet_db, types=[name])
    worker.start()
    assert started.wait(20)
    worker.stop()
    assert not worker.alive
    assert job(quiet_db, job_id).status == "done"
    later = add(quiet_db, name)
    time.sleep(0.2)
    assert job(quiet_db, later).status == "pending"  # nothing claimed after stop


def test_skip_locked_claims_are_disjoint(quiet_db: AppContext) -> None:
    """PostgreSQL: two claimers at the same moment get different jobs instead of waiting or sharing."""
    if quiet_db.db.is_sqlite:
        pytest.skip("SQLite serialises claims with BEGIN IMMEDIATE")
    name = job_type(lambda job: None)
    ids = [add(quiet_db, name, {"n": n}) for n in range(6)]
    with quiet_db.db.session() as first:
        mine = store.claim(first, types=[name], limit=4, lease_ms=60_000, tokens=[f"a#{n}" for n in range(4)])
        with quiet_db.db.session() as second:  # while the first transaction still holds its row locks
            theirs = store.claim(second, types=[name], limit=4, lease_ms=60_000, tokens=[f"b#{n}" for n in range(4)])
    assert len(mine) == 4 and len(theirs) == 2
    assert {j.id for j in mine} | {j.id for j in theirs} == set(ids)
    assert not {j.id for j in mine} & {j.id for j in theirs}
