"""The queue operations workers perform on the jobs table, each inside the caller's transaction.

Claiming is safe with any number of workers: on PostgreSQL the candidate rows are locked with
`FOR UPDATE SKIP LOCKED` (concurrent claimers pass over each other's rows instead of waiting or taking
them twice); on SQLite every transaction starts with BEGIN IMMEDIATE, so claims are serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from huida.db import now_ms
from huida.jobs.models import ACTIVE, DONE, FAILED, PENDING, RUNNING, Job

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Claimed:
    id: int
    type: str
    payload: dict[str, Any]
    attempts: int  # including this one
    key: str | None
    lane: str | None
    lease_token: str


def reap_expired(session: Session) -> int:
    """Jobs whose worker stopped renewing its lease (it died) become pending again, due at once."""
    now = now_ms()
    result = session.execute(
        update(Job).where(Job.status == RUNNING, Job.lease_expires_at < now)
        .values(status=PENDING, lease_owner=None, lease_expires_at=None, run_at=now, updated_at=now)
    )
    return result.rowcount or 0


def _claimable(skip_locked: bool) -> Any:
    earlier = aliased(Job)
    # A laned job waits for every unfinished job before it in its lane.
    blocked = exists().where(earlier.lane == Job.lane, earlier.id < Job.id, earlier.status.in_(ACTIVE))
    query = (select(Job.id)
             .where(Job.status == PENDING, Job.run_at <= bindparam("now"),
                    Job.type.in_(bindparam("types", expanding=True)), Job.lane.is_(None) | ~blocked)
             .order_by(Job.run_at, Job.id).limit(bindparam("limit")))
    return query.with_for_update(skip_locked=True, of=Job) if skip_locked else query


# Built once (building these statements costs more than running them); values come as parameters.
_CLAIMABLE = {False: _claimable(False), True: _claimable(True)}
_TAKE = (update(Job).where(Job.id == bindparam("job_id"))
         .values(status=RUNNING, lease_owner=bindparam("token"), lease_expires_at=bindparam("expires"),
                 attempts=Job.attempts + 1, updated_at=bindparam("now"))
         .returning(Job.id, Job.type, Job.payload, Job.attempts, Job.key, Job.lane))


def claim(session: Session, *, types: Sequence[str], limit: int, lease_ms: int,
          tokens: Sequence[str]) -> list[Claimed]:
    """Leases up to `limit` due jobs of the given types; `tokens` are unique lease tokens, one per job."""
    if limit <= 0 or not types:
        return []
    now = now_ms()
    skip_locked = session.get_bind().dialect.name == "postgresql"
    ids = list(session.scalars(_CLAIMABLE[skip_locked], {"now": now, "types": list(types), "limit": limit}))
    claimed = []
    for job_id, token in zip(ids, tokens, strict=False):
        row = session.execute(_TAKE, {"job_id": job_id, "token": token, "expires": now + lease_ms, "now": now}).one()
        claimed.append(Claimed(row.id, row.type, row.payload or {}, row.attempts, row.key, row.lane, token))
    return claimed


def extend_leases(session: Session, tokens: Sequence[str], lease_ms: int) -> int:
    if not tokens:
        return 0
    now = now_ms()
    result = session.execute(update(Job).where(Job.status == RUNNING, Job.lease_owner.in_(tokens))
                             .values(lease_expires_at=now + lease_ms, updated_at=now))
    return result.rowcount or 0


def _finish(session: Session, job_id: int, token: str, **values: Any) -> bool:
    """Applies the outcome only if this worker still holds the lease (else another worker has the job)."""
    now = now_ms()
    result = session.execute(update(Job).where(Job.id == job_id, Job.lease_owner == token, Job.status == RUNNING)
                             .values(updated_at=now, lease_expires_at=None, **values))
    return result.rowcount == 1


def mark_done(session: Session, job_id: int, token: str) -> bool:
    # The lease owner stays on a finished job: it tells who ran it last.
    return _finish(session, job_id, token, status=DONE, finished_at=now_ms(), last_error=None)


def mark_retry(session: Session, job_id: int, token: str, *, delay_ms: int, error: str) -> bool:
    return _finish(session, job_id, token, status=PENDING, run_at=now_ms() + delay_ms, lease_owner=None,
                   last_error=error[:MAX_ERROR_CHARS])


def mark_failed(session: Session, job_id: int, token: str, *, error: str) -> bool:
    return _finish(session, job_id, token, status=FAILED, finished_at=now_ms(), last_error=error[:MAX_ERROR_CHARS])


def prune_finished(session: Session, *, older_than_ms: int, batch: int = 1000) -> int:
    """Deletes done and failed jobs finished before `older_than_ms` (their keys can then be reused)."""
    ids = select(Job.id).where(Job.status.in_((DONE, FAILED)), Job.finished_at < older_than_ms).limit(batch)
    result = session.execute(delete(Job).where(Job.id.in_(ids.scalar_subquery())))
    return result.rowcount or 0


def queue_counts(session: Session) -> dict[str, int]:
    """Jobs per status (for health checks, tests and benchmarks)."""
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    return {status: count for status, count in rows}
