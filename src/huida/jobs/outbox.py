"""Putting work on the outbox, inside the caller's transaction.

    with db.session() as session:
        rating = ...                                   # the state change
        enqueue(session, "webhook.deliver", {...})     # the work it triggers; commits (or not) with it
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from huida.db import now_ms, rowcount, table_of
from huida.jobs.doorbell import ring_all
from huida.jobs.handlers import load_handlers
from huida.jobs.models import ACTIVE, PENDING, Job
from huida.jobs.registry import registry

_ENQUEUED = "huida.jobs.enqueued"


@dataclass(frozen=True)
class Group:
    """Jobs sharing `key` run at most `limit` at a time across all workers (lanes still apply within it)."""

    key: str
    limit: int


def _check_type(job_type: str) -> None:
    if registry.get(job_type) is None:
        load_handlers()
        if registry.get(job_type) is None:
            raise ValueError(f"unknown job type: {job_type} (register it with @handler and list its module "
                             "as a huida.jobs entry point in pyproject.toml)")


# Built once: constructing an INSERT per call costs more than executing it.
_JOBS = table_of(Job)
_INSERT = insert(_JOBS).returning(_JOBS.c.id)
_INSERT_ONCE = {
    name: module.insert(_JOBS).on_conflict_do_nothing(index_elements=["key"]).returning(_JOBS.c.id)
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _insert_once(session: Session, values: dict[str, Any]) -> int:
    """Inserts unless a job with the same key exists (race-free on both backends); returns the job id."""
    statement = _INSERT_ONCE[session.get_bind().dialect.name]
    job_id = session.execute(statement, values).scalar_one_or_none()
    if job_id is None:
        job_id = session.scalar(select(Job.id).where(Job.key == values["key"]))
    assert job_id is not None
    return job_id


def enqueue(session: Session, job_type: str, payload: dict[str, Any], *, run_at: int | None = None,
            key: str | None = None, lane: str | None = None, group: Group | None = None) -> int:
    """Adds a job in the caller's transaction and returns its id.

    run_at: epoch ms before which the job is not started (default: now).
    key: idempotency key; enqueueing the same key again returns the first job's id and adds nothing
        (as long as that job is kept, see worker.DONE_RETENTION_MS).
    lane: jobs sharing a lane run one at a time in enqueue order; a job waiting for a retry holds back
        the rest of its lane. Use it when order matters (the replies of one chat, one chat session's events
        to one webhook subscription); leave it None for independent jobs.
    group: bounds how many jobs of the group run at once, over all its lanes (the deliveries to one
        receiver); `set_group_limit` changes the bound of the jobs already queued.
    """
    _check_type(job_type)
    now = now_ms()
    values: dict[str, Any] = dict(type=job_type, payload=payload, key=key, lane=lane, status=PENDING, attempts=0,
                                  run_at=run_at if run_at is not None else now, created_at=now, updated_at=now,
                                  **_group_values(group))
    job_id = session.execute(_INSERT, values).scalar_one() if key is None else _insert_once(session, values)
    session.info[_ENQUEUED] = True
    return job_id


def _group_values(group: Group | None) -> dict[str, Any]:
    if group is not None and group.limit < 1:
        raise ValueError(f"a job group's limit must be at least 1, not {group.limit}")
    return {"group_key": group.key if group else None, "group_limit": group.limit if group else None}


NewJob = tuple[dict[str, Any], str | None, Group | None]  # payload, lane, group


def enqueue_many(session: Session, job_type: str, jobs: list[NewJob]) -> list[int]:
    """Adds several (payload, lane, group) jobs of one type in one statement; their ids in the same order.
    For fan-out on a hot path (one webhook event to several subscriptions)."""
    _check_type(job_type)
    if not jobs:
        return []
    now = now_ms()
    rows = [dict(type=job_type, payload=payload, key=None, lane=lane, status=PENDING, attempts=0, run_at=now,
                 created_at=now, updated_at=now, **_group_values(group)) for payload, lane, group in jobs]
    ids = session.execute(insert(_JOBS).returning(_JOBS.c.id, sort_by_parameter_order=True), rows).scalars().all()
    session.info[_ENQUEUED] = True
    return list(ids)


def wake_lane(session: Session, lane: str, *, sublanes: bool = False) -> int:
    """Makes the waiting jobs of a lane due now (e.g. once a receiver is known to be back up); with
    `sublanes`, also those of the lanes named `{lane}:...`."""
    now = now_ms()
    in_lane = Job.lane == lane
    if sublanes:
        in_lane = in_lane | Job.lane.startswith(f"{lane}:", autoescape=True)
    result = session.execute(update(Job).where(in_lane, Job.status == PENDING, Job.run_at > now)
                             .values(run_at=now, updated_at=now))
    session.info[_ENQUEUED] = True
    return rowcount(result)


def set_group_limit(session: Session, group: Group) -> int:
    """Applies a new bound to the group's unfinished jobs; returns how many were queued. Running jobs carry
    it too because claims read a group's bound from its running jobs (a lower one is reached as they end)."""
    _group_values(group)
    result = session.execute(update(Job).where(Job.group_key == group.key, Job.status.in_(ACTIVE))
                             .values(group_limit=group.limit)
                             .returning(Job.status))
    queued = sum(1 for status in result.scalars() if status == PENDING)
    session.info[_ENQUEUED] = True  # a higher bound may let waiting jobs start now
    return queued


@event.listens_for(Session, "after_commit")
def _ring_after_commit(session: Session) -> None:
    if session.info.pop(_ENQUEUED, False):
        ring_all()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_ENQUEUED, None)
