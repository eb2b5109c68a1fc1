"""Job groups: at most `limit` jobs of a group run at once over all its lanes and all workers."""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from typing import Any

import pytest

from huida.context import AppContext
from huida.jobs import Group, JobContext, enqueue, set_group_limit, store
from huida.jobs.worker import Worker
from tests.jobs.test_outbox import job_type
from tests.support.receiver import wait_until


def tokens(prefix: str, count: int) -> list[str]:
    return [f"{prefix}#{n}" for n in range(count)]


def claim(session: Any, name: str, limit: int, prefix: str, **options: Any) -> list[store.Claimed]:
    return store.claim(session, types=[name], limit=limit, lease_ms=60_000, tokens=tokens(prefix, limit), **options)


def test_a_group_runs_at_most_its_limit_over_all_its_lanes(quiet_db: AppContext) -> None:
    lock = threading.Lock()
    running: dict[str, int] = defaultdict(int)
    peak: dict[str, int] = defaultdict(int)
    order: dict[str, list[int]] = defaultdict(list)

    def step(job: JobContext) -> None:
        group, lane = job.payload["group"], job.payload["lane"]
        with lock:
            running[group] += 1
            peak[group] = max(peak[group], running[group])
        time.sleep(0.03)
        with lock:
            running[group] -= 1
            order[lane].append(job.payload["n"])

    name = job_type(step)
    with quiet_db.db.session() as session:
        for n in range(4):
            for group, limit in (("two", 2), ("three", 3)):
                for lane in range(6):
                    payload = {"group": group, "lane": f"{group}:{lane}", "n": n}
                    enqueue(session, name, payload, lane=f"{group}:{lane}", group=Group(group, limit))
    workers = [Worker(quiet_db, concurrency=8, types=[name]) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        wait_until(lambda: sum(len(v) for v in order.values()) == 48, message="all 48 jobs")
    finally:
        for worker in workers:
            worker.stop()
    assert peak == {"two": 2, "three": 3}  # reached, never passed, although 16 threads were free
    assert all(ns == [0, 1, 2, 3] for ns in order.values())


def test_a_full_group_does_not_hold_back_other_work(quiet_db: AppContext) -> None:
    name = job_type(lambda job: None)
    with quiet_db.db.session() as session:
        crowd = [enqueue(session, name, {}, lane=f"l{n}", group=Group("busy", 1)) for n in range(30)]
        others = [enqueue(session, name, {}) for _ in range(3)]  # due after the whole crowd
    with quiet_db.db.session() as session:
        claimed = claim(session, name, 4, "w")
    assert sorted(job.id for job in claimed) == [crowd[0], *others]


def test_a_new_limit_and_the_worker_cap_apply_to_queued_jobs(quiet_db: AppContext) -> None:
    name = job_type(lambda job: None)
    with quiet_db.db.session() as session:
        for n in range(10):
            enqueue(session, name, {}, lane=f"l{n}", group=Group("g", 1))
    with quiet_db.db.session() as session:
        assert len(claim(session, name, 10, "a")) == 1
    with quiet_db.db.session() as session:
        assert set_group_limit(session, Group("g", 8)) == 9
    with quiet_db.db.session() as session:
        assert len(claim(session, name, 10, "b", group_cap=3)) == 2  # 3 running: the cap, not the limit
    with quiet_db.db.session() as session:
        assert len(claim(session, name, 10, "c")) == 5  # 8 running
    with pytest.raises(ValueError), quiet_db.db.session() as session:
        enqueue(session, name, {}, group=Group("g", 0))


def test_concurrent_claimers_share_a_group_bound(quiet_db: AppContext) -> None:
    """PostgreSQL: a claimer holding a group's lock makes the others pass over that group (not wait, not
    overshoot); once it commits they see its claims in the count."""
    if quiet_db.db.is_sqlite:
        pytest.skip("SQLite serialises claims with BEGIN IMMEDIATE")
    name = job_type(lambda job: None)
    group = f"g-{uuid.uuid4().hex[:6]}"
    with quiet_db.db.session() as session:
        grouped = [enqueue(session, name, {}, lane=f"l{n}", group=Group(group, 3)) for n in range(8)]
        free = [enqueue(session, name, {}) for _ in range(2)]
    with quiet_db.db.session() as first:
        mine = claim(first, name, 2, "a")
        with quiet_db.db.session() as second:  # while the first still holds the group's lock
            theirs = claim(second, name, 8, "b")
    assert [job.id for job in mine] == grouped[:2]
    assert sorted(job.id for job in theirs) == free
    with quiet_db.db.session() as third:
        assert [job.id for job in claim(third, name, 8, "c")] == grouped[2:3]  # one slot left of three
