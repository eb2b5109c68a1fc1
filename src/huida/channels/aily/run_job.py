"""The `aily.run` job: mark the run IN_PROGRESS, ask the robot about the run's message, record the outcome.

Idempotent: the ask names the stored USER message (`AskRequest.question_id`), so a rerun after a crash gets
the answer already stored instead of a second one. A run cancelled while the robot answers stays CANCELLED
(the answer, if it was written, stays in the session).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huida.channels.aily.mdx import question_text
from huida.channels.aily.models import AilyMessage, AilyRun
from huida.channels.aily.runs import (
    ACTIVE,
    COMPLETED,
    EXPIRED,
    FAILED,
    IN_PROGRESS,
    JOB_TYPE,
    QUEUED,
    REQUIRES_MESSAGE,
    RUN_TTL_MS,
)
from huida.channels.aily.sessions import CHANNEL
from huida.conversation.models import Message
from huida.conversation.reply import WAITING_KINDS
from huida.conversation.service import AskRequest, conversation_service
from huida.db import Database, now_ms
from huida.errors import DomainError
from huida.jobs import JobContext, RetryPolicy, handler

RUN_RETRY = RetryPolicy(max_attempts=5, base_delay=2.0, factor=2.0, max_delay=60.0)


@dataclass(frozen=True)
class Work:
    run_id: str
    tenant_id: int
    robot_id: str
    session_id: str
    message_id: str
    sender: str
    question: str


def _start(db: Database, run_id: str) -> Work | None:
    """Takes the run (QUEUED -> IN_PROGRESS); None when there is nothing to do any more."""
    with db.session() as session:
        run = session.scalar(select(AilyRun).where(AilyRun.id == run_id).with_for_update())
        if run is None or run.status not in ACTIVE:  # cancelled, expired, or its session deleted
            return None
        now = now_ms()
        if run.status == QUEUED and now - run.created_at > RUN_TTL_MS:
            run.status, run.ended_at = EXPIRED, now
            return None
        message = session.scalar(select(Message).where(Message.id == run.message_id))
        posted = session.get(AilyMessage, run.message_id)
        if message is None or posted is None:
            run.status, run.ended_at, run.error_code = FAILED, now, "MESSAGE_GONE"
            run.error_message = "the message this run answers no longer exists"
            return None
        run.status, run.started_at = IN_PROGRESS, run.started_at or now
        return Work(run.id, run.tenant_id, run.robot_id, run.session_id, run.message_id, message.sender_id,
                    question_text(posted.content_type, posted.content, posted.mentions))



def _finish(db: Database, run_id: str, status: str, *, reply_id: str | None = None,
            error: tuple[str, str] | None = None) -> None:
    values: dict[str, Any] = {"status": status, "ended_at": now_ms()}
    if error:
        values.update(error_code=error[0][:40], error_message=error[1][:1000])
    with db.session() as session:
        if reply_id:  # the answer belongs to the run whatever happened meanwhile
            session.execute(update(AilyRun).where(AilyRun.id == run_id).values(reply_id=reply_id))
        session.execute(update(AilyRun).where(AilyRun.id == run_id, AilyRun.status == IN_PROGRESS).values(**values))


def _gave_up(session: Session, job: JobContext, error: str) -> None:
    session.execute(update(AilyRun).where(AilyRun.id == job.payload.get("run_id"), AilyRun.status.in_(ACTIVE))
                    .values(status=FAILED, ended_at=now_ms(), error_code="INTERNAL_ERROR",
                            error_message=f"the robot could not answer: {error}"[:1000]))


@handler(JOB_TYPE, retry=RUN_RETRY, on_failure=_gave_up)
def run_robot(job: JobContext) -> None:
    work = _start(job.db, str(job.payload.get("run_id")))
    if work is None:
        return
    service = conversation_service(job.app)
    request = AskRequest(tenant_id=work.tenant_id, robot_id=work.robot_id, user_id=work.sender,
                         question=work.question, origin_type=CHANNEL, channel=CHANNEL,
                         visitor_key=f"{CHANNEL}:{work.session_id}", chat_id=work.session_id,
                         question_id=work.message_id)
    try:
        reply = service.ask(request)
    except DomainError as exc:  # the robot refused (disabled, deleted, ...): retrying will not help
        _finish(job.db, work.run_id, FAILED, error=(exc.code, exc.description))
        return
    waiting = reply.content.kind in WAITING_KINDS  # the robot offers choices and waits for the user's pick
    _finish(job.db, work.run_id, REQUIRES_MESSAGE if waiting else COMPLETED, reply_id=reply.msg_id)
