"""The delivery log: one row per reply owed to Feishu, created with its outbox job in the transaction that
took the event in, updated with every attempt in the transaction that records the job's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huida.channels.feishu.apps import ChannelInfo
from huida.channels.feishu.models import FAILED, PENDING, SENT, SKIPPED, FeishuDelivery
from huida.db import now_ms
from huida.jobs import enqueue
from huida.jobs.models import PENDING as JOB_PENDING
from huida.jobs.models import Job
from huida.timefmt import format_datetime

REPLY = "feishu.reply"  # the job type (huida.channels.feishu.jobs)
STATES = (PENDING, SENT, SKIPPED, FAILED)
MAX_LOGGED_ATTEMPTS = 20
MAX_ERROR = 1000


@dataclass(frozen=True)
class Inbound:
    kind: str  # message | click
    event_id: str
    source_message_id: str
    chat_id: str
    chat_type: str
    open_id: str
    question: str
    request: dict[str, Any]


def lane_of(channel: ChannelInfo, chat_id: str, open_id: str) -> str:
    """Replies to one visitor in one chat (one Huida session) go out one at a time, in order."""
    return f"feishu:{channel.channel_id}:{chat_id}:{open_id}"[:255]


def create(session: Session, channel: ChannelInfo, inbound: Inbound) -> FeishuDelivery:
    delivery = FeishuDelivery(
        channel_pk=channel.pk, kind=inbound.kind, event_id=inbound.event_id[:100],
        source_message_id=inbound.source_message_id[:100], chat_id=inbound.chat_id[:100],
        chat_type=inbound.chat_type, open_id=inbound.open_id[:100], question=inbound.question,
        request=inbound.request, state=PENDING, attempt_log=[],
    )
    session.add(delivery)
    session.flush()
    delivery.job_id = enqueue(session, REPLY, {"deliveryId": delivery.delivery_id},
                              lane=lane_of(channel, inbound.chat_id, inbound.open_id))
    return delivery


@dataclass
class Attempt:
    """What one run of the job did, recorded when the job's outcome is."""

    number: int
    state: str = PENDING  # sent | skipped | pending (to be retried)
    msg_id: str | None = None
    msg_type: str | None = None
    reply_message_id: str | None = None
    code: int | None = None
    error: str | None = None


def record(session: Session, delivery_id: str, attempt: Attempt) -> FeishuDelivery | None:
    row = session.scalar(select(FeishuDelivery).where(FeishuDelivery.delivery_id == delivery_id))
    if row is None or row.state in (SENT, SKIPPED):
        return None
    now = now_ms()
    error = attempt.error[:MAX_ERROR] if attempt.error else None
    entry = {"attempt": attempt.number, "timestamp": now, "state": attempt.state, "code": attempt.code,
             "error": error}
    row.attempt_log = [*(row.attempt_log or []), entry][-MAX_LOGGED_ATTEMPTS:]
    row.attempts = attempt.number
    row.last_code, row.last_error = attempt.code, error
    row.msg_id = attempt.msg_id or row.msg_id
    row.msg_type = attempt.msg_type or row.msg_type
    if attempt.state in (SENT, SKIPPED):
        row.state = attempt.state
        row.reply_message_id = attempt.reply_message_id
        row.sent_at = now if attempt.state == SENT else None
    row.updated_at = now
    return row


def give_up(session: Session, delivery_id: str, error: str) -> None:
    row = session.scalar(select(FeishuDelivery).where(FeishuDelivery.delivery_id == delivery_id))
    if row is not None and row.state == PENDING:
        row.state, row.updated_at = FAILED, now_ms()
        row.last_error = row.last_error or error[:MAX_ERROR]


# -- reading the log -------------------------------------------------------------------------------

def list_deliveries(session: Session, channel_pk: int, *, page: int, size: int,
                    state: str | None = None) -> tuple[list[FeishuDelivery], int]:
    """Newest first."""
    where = [FeishuDelivery.channel_pk == channel_pk]
    if state:
        where.append(FeishuDelivery.state == state)
    total = session.scalar(select(func.count()).select_from(FeishuDelivery).where(*where)) or 0
    rows = session.scalars(select(FeishuDelivery).where(*where).order_by(FeishuDelivery.pk.desc())
                           .offset(page * size).limit(size)).all()
    return list(rows), total


def _next_attempts(session: Session, rows: list[FeishuDelivery]) -> dict[int, int]:
    job_ids = [r.job_id for r in rows if r.state == PENDING and r.job_id is not None]
    if not job_ids:
        return {}
    found = session.execute(select(Job.id, Job.run_at).where(Job.id.in_(job_ids), Job.status == JOB_PENDING))
    return {job_id: run_at for job_id, run_at in found}


def entities(session: Session, rows: list[FeishuDelivery]) -> list[dict[str, Any]]:
    due = _next_attempts(session, rows)
    return [entity(row, due.get(row.job_id or 0)) for row in rows]


def entity(row: FeishuDelivery, next_attempt: int | None = None) -> dict[str, Any]:
    return {
        "deliveryId": row.delivery_id, "kind": row.kind, "eventId": row.event_id,
        "messageId": row.source_message_id, "chatId": row.chat_id, "chatType": row.chat_type, "openId": row.open_id,
        "question": row.question, "msgId": row.msg_id, "msgType": row.msg_type, "state": row.state,
        "attempts": row.attempts, "lastCode": row.last_code, "lastError": row.last_error,
        "replyMessageId": row.reply_message_id,
        "attemptLog": [{**a, "dateTime": format_datetime(a.get("timestamp"))} for a in row.attempt_log or []],
        "createDateTime": format_datetime(row.created_at), "sentDateTime": format_datetime(row.sent_at),
        "nextAttemptDateTime": format_datetime(next_attempt),
    }
