"""Runs: the robot answering the latest USER message of a session, through the outbox.

    QUEUED --(a worker takes it)--> IN_PROGRESS --> COMPLETED          the answer is in the session
                                                 --> REQUIRES_MESSAGE  the answer is a menu or a recommendation:
                                                                       the robot waits for the user's choice
                                                 --> FAILED            the robot could not answer (error says why)
    QUEUED | IN_PROGRESS | REQUIRES_MESSAGE --(cancel)--> CANCELLED
    QUEUED for longer than RUN_TTL_MS (no worker running) --> EXPIRED

One run at a time per session; a run waiting in REQUIRES_MESSAGE is completed by the next run, which answers
the user's next message. Creating a run and enqueueing its job commit together, so a run is never lost.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from huida.channels.aily.auth import AilyCaller
from huida.channels.aily.errors import RUN_NOT_FOUND, conflict, invalid, missing
from huida.channels.aily.ids import new_run_id
from huida.channels.aily.models import AilyMessage, AilyRun, AilySession
from huida.channels.aily.sessions import get_session
from huida.conversation.models import Message
from huida.db import Database, now_ms
from huida.jobs import enqueue

QUEUED, IN_PROGRESS, REQUIRES_MESSAGE = "QUEUED", "IN_PROGRESS", "REQUIRES_MESSAGE"
COMPLETED, FAILED, CANCELLED, EXPIRED = "COMPLETED", "FAILED", "CANCELLED", "EXPIRED"
ACTIVE = (QUEUED, IN_PROGRESS)
FINAL = (COMPLETED, FAILED, CANCELLED, EXPIRED)
RUN_TTL_MS = 10 * 60_000
JOB_TYPE = "aily.run"


def shown_status(run: AilyRun, now: int) -> str:
    """A run no worker took in time reads as EXPIRED even before a worker records it."""
    if run.status == QUEUED and now - run.created_at > RUN_TTL_MS:
        return EXPIRED
    return run.status


def _expire_stale(session: Session, aily_session_id: str, now: int) -> None:
    session.execute(update(AilyRun).where(AilyRun.session_id == aily_session_id, AilyRun.status == QUEUED,
                                          AilyRun.created_at < now - RUN_TTL_MS)
                    .values(status=EXPIRED, ended_at=now))


def _latest_user_message(session: Session, aily: AilySession) -> str | None:
    return session.scalar(select(AilyMessage.message_id).join(Message, Message.id == AilyMessage.message_id)
                          .where(AilyMessage.session_id == aily.id).order_by(Message.seq.desc()).limit(1))


def _check_can_start(session: Session, aily: AilySession) -> str:
    """The message the new run answers; a conflict when a run is going on or nothing new was said."""
    active = session.scalar(select(AilyRun).where(AilyRun.session_id == aily.id, AilyRun.status.in_(ACTIVE)))
    if active is not None:
        raise conflict(f"run {active.id} is still {active.status}: wait for it to end, or cancel it")
    message_id = _latest_user_message(session, aily)
    if message_id is None:
        raise conflict("the session has no user message to answer: post a message first")
    if session.scalar(select(exists().where(Message.reply_to == message_id))):
        raise conflict(f"the latest user message {message_id} has been answered already: post a new message first")
    return message_id


def create_run(db: Database, caller: AilyCaller, session_id: str, app_id: str | None, metadata: str | None) -> str:
    with db.session() as session:
        aily = get_session(session, caller, session_id, lock=True)
        if app_id and app_id != aily.robot_id:
            raise invalid("app_id", f"session {aily.id} talks to robot {aily.robot_id}")
        now = now_ms()
        _expire_stale(session, aily.id, now)
        message_id = _check_can_start(session, aily)
        # A flow that waited for the user's next message is over: that message is what this run answers.
        session.execute(update(AilyRun).where(AilyRun.session_id == aily.id, AilyRun.status == REQUIRES_MESSAGE)
                        .values(status=COMPLETED))
        run = AilyRun(id=new_run_id(), tenant_id=aily.tenant_id, session_id=aily.id, robot_id=aily.robot_id,
                      message_id=message_id, status=QUEUED, meta=metadata or "", created_at=now)
        session.add(run)
        session.flush()
        enqueue(session, JOB_TYPE, {"run_id": run.id}, key=f"{JOB_TYPE}:{run.id}", lane=f"aily:{aily.id}")
        return run.id


def get_run(session: Session, aily: AilySession, run_id: str, *, lock: bool = False) -> AilyRun:
    query = select(AilyRun).where(AilyRun.id == run_id, AilyRun.session_id == aily.id)
    run = session.scalar(query.with_for_update() if lock else query)
    if run is None:
        raise missing("run", run_id, RUN_NOT_FOUND)
    return run


def cancel_run(db: Database, caller: AilyCaller, session_id: str, run_id: str) -> AilyRun:
    with db.session() as session:
        aily = get_session(session, caller, session_id, lock=True)
        run = get_run(session, aily, run_id, lock=True)
        now = now_ms()
        status = shown_status(run, now)
        if status in FINAL:
            raise conflict(f"run {run.id} is already {status}")
        run.status, run.ended_at = CANCELLED, now
        return run


def list_runs(session: Session, aily: AilySession, after_pk: int | None, limit: int) -> tuple[list[AilyRun], bool]:
    query = select(AilyRun).where(AilyRun.session_id == aily.id)
    if after_pk is not None:
        query = query.where(AilyRun.pk > after_pk)
    rows = list(session.scalars(query.order_by(AilyRun.pk).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def run_view(run: AilyRun, now: int) -> dict[str, Any]:
    error = {"code": run.error_code, "message": run.error_message} if run.error_code else None
    return {"id": run.id, "created_at": str(run.created_at), "app_id": run.robot_id, "session_id": run.session_id,
            "status": shown_status(run, now), "started_at": str(run.started_at) if run.started_at else None,
            "ended_at": str(run.ended_at) if run.ended_at else None, "error": error, "metadata": run.meta}
