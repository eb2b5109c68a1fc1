"""The queue operations workers perform on the jobs table, each inside the caller's transaction.

Claiming is safe with any number of workers: on PostgreSQL the candidate rows are locked with
`FOR UPDATE SKIP LOCKED` (concurrent claimers pass over each other's rows instead of waiting or taking
them twice); on SQLite every transaction starts with BEGIN IMMEDIATE, so claims are serialised.

Two rules hold at claim time: a lane runs one job at a time in id order, and a group runs at most its
bound at once, over all workers (PostgreSQL: counted under a per-group advisory lock, see _within_bounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, literal_column, select, text, update
from sqlalchemy.orm import Session, aliased

from huida.db import now_ms, rowcount
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
    return rowcount(result)


def _is(column: Any, *statuses: str) -> Any:
    # Written into the SQL, not bound: only then may the planners use the partial indexes on status (a
    # bound status made SQLite scan every unfinished job for every candidate, O(backlog²) per claim).
    return column.in_([literal_column(f"'{status}'") for status in statuses])


def _claimable(skip_locked: bool) -> Any:
    earlier = aliased(Job)
    # A laned job waits for every unfinished job before it in its lane.
    blocked = exists().where(earlier.lane == Job.lane, earlier.id < Job.id, _is(earlier.status, *ACTIVE))
    # The jobs of full groups are passed over before the (dearer) lane test: with a backlog, most are.
    free_group = Job.group_key.is_(None) | Job.group_key.not_in(bindparam("full", expanding=True))
    query = (select(Job.id, Job.group_key, Job.group_limit)
             .where(_is(Job.status, PENDING), Job.run_at <= bindparam("now"),
                    Job.type.in_(bindparam("types", expanding=True)), free_group, Job.lane.is_(None) | ~blocked)
             .order_by(Job.run_at, Job.id).limit(bindparam("limit")))
    return query.with_for_update(skip_locked=True, of=Job) if skip_locked else query


# Built once (building these statements costs more than running them); values come as parameters.
_CLAIMABLE = {False: _claimable(False), True: _claimable(True)}
_TAKE = (update(Job).where(Job.id == bindparam("job_id"))
         .values(status=RUNNING, lease_owner=bindparam("token"), lease_expires_at=bindparam("expires"),
                 attempts=Job.attempts + 1, updated_at=bindparam("now"))
         .returning(Job.id, Job.type, Job.payload, Job.attempts, Job.key, Job.lane))
_RUNNING = (select(Job.group_key, func.count()).where(_is(Job.status, RUNNING),
                                                      Job.group_key.in_(bindparam("keys", expanding=True)))
            .group_by(Job.group_key))
# Running jobs are few (at most the workers' threads): counting them all is cheap.
_SATURATION = (select(Job.group_key, func.count(), func.min(Job.group_limit))
               .where(_is(Job.status, RUNNING), Job.group_key.is_not(None)).group_by(Job.group_key))
# PostgreSQL: one claimer at a time per group, else two workers could each see room for the same last slot.
# A try-lock, not a wait: a group another worker is claiming from right now is left to it this time.
_TRY_LOCK = text("SELECT k FROM unnest(CAST(:keys AS text[])) AS k WHERE pg_try_advisory_xact_lock(7241, hashtext(k))")
CLAIM_ROUNDS = 3
NO_CAP = 2**31 - 1


def _running_groups(session: Session, cap: int) -> tuple[dict[str, int], set[str]]:
    """Running jobs per group, and the groups running as many as they may, as this moment's snapshot tells."""
    running: dict[str, int] = {}
    full: set[str] = set()
    for key, count, limit in session.execute(_SATURATION):
        if key is None:  # left out by the query
            continue
        running[key] = count
        if count >= min(limit or cap, cap):
            full.add(key)
    return running, full


def _within_bounds(session: Session, rows: Sequence[Any], cap: int,
                   running: dict[str, int] | None) -> tuple[list[int], set[str]]:
    """The candidates that fit their group's bound, in order, and the groups that turned candidates away.

    SQLite passes `running` (exact: claims are serialised) and it is kept up to date here. On PostgreSQL
    (None) the groups are locked first, then counted, so the count includes other workers' claims."""
    keys = sorted({row.group_key for row in rows if row.group_key is not None})
    if not keys:
        return [row.id for row in rows], set()
    if running is None:
        # Two statements, not one: a statement's snapshot is taken when it starts, so a count in the locking
        # statement could miss a claim committed after it started and before it got the lock.
        locked = set(session.scalars(_TRY_LOCK, {"keys": keys}))
        running = {}
        if locked:
            counts = session.execute(_RUNNING, {"keys": sorted(locked)})
            running = {key: count for key, count in counts if key is not None}
    else:
        locked = set(keys)
    ids, turned_away = [], set()
    for row in rows:
        key = row.group_key
        if key is not None:
            if key not in locked or running.get(key, 0) >= min(row.group_limit or cap, cap):
                turned_away.add(key)
                continue
            running[key] = running.get(key, 0) + 1
        ids.append(row.id)
    return ids, turned_away


def claim(session: Session, *, types: Sequence[str], limit: int, lease_ms: int,
          tokens: Sequence[str], group_cap: int | None = None) -> list[Claimed]:
    """Leases up to `limit` due jobs of the given types; `tokens` are unique lease tokens, one per job.
    `group_cap` caps every group's bound (a worker setting)."""
    if limit <= 0 or not types:
        return []
    now, cap = now_ms(), group_cap or NO_CAP
    postgres = session.get_bind().dialect.name == "postgresql"
    running, full = _running_groups(session, cap)
    unused, exact = iter(tokens), None if postgres else running
    claimed: list[Claimed] = []
    for _ in range(CLAIM_ROUNDS):
        wanted = min(limit, len(tokens)) - len(claimed)
        if wanted <= 0:
            break
        rows = session.execute(_CLAIMABLE[postgres], {"now": now, "types": list(types), "limit": wanted,
                                                      "full": sorted(full)}).all()
        ids, turned_away = _within_bounds(session, rows, cap, exact)
        for job_id, token in zip(ids, unused, strict=False):
            row = session.execute(_TAKE, {"job_id": job_id, "token": token, "expires": now + lease_ms,
                                          "now": now}).one()
            claimed.append(Claimed(row.id, row.type, row.payload or {}, row.attempts, row.key, row.lane, token))
        # Another round only when full groups crowded out a full batch: there may be other work behind them.
        if len(rows) < wanted or not turned_away:
            break
        full |= turned_away
    return claimed


def extend_leases(session: Session, tokens: Sequence[str], lease_ms: int) -> int:
    if not tokens:
        return 0
    now = now_ms()
    result = session.execute(update(Job).where(Job.status == RUNNING, Job.lease_owner.in_(tokens))
                             .values(lease_expires_at=now + lease_ms, updated_at=now))
    return rowcount(result)


def _finish(session: Session, job_id: int, token: str, **values: Any) -> bool:
    """Applies the outcome only if this worker still holds the lease (else another worker has the job)."""
    now = now_ms()
    result = session.execute(update(Job).where(Job.id == job_id, Job.lease_owner == token, Job.status == RUNNING)
                             .values(updated_at=now, lease_expires_at=None, **values))
    return rowcount(result) == 1


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
    return rowcount(result)
