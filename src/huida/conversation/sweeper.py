"""Closing idle sessions even when the visitor never comes back, so `session-closed` is always sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.events import emit_session_closed
from huida.conversation.models import ChatSession
from huida.conversation.sessions import close_session
from huida.db import now_ms
from huida.jobs.periodic import periodic
from huida.jobs.registry import JobContext
from huida.robots.models import Robot
from huida.robots.settings import resolve_settings

SWEEP_EVERY_SECONDS = 60
BATCH = 500
MIN_TIMEOUT_MS = 60_000  # the shortest sessionTimeoutMinutes a robot may set


def close_idle_sessions(session: Session, now: int, batch: int = BATCH) -> int:
    """Closes open sessions silent for longer than their robot's timeout; returns how many."""
    idle = session.scalars(
        select(ChatSession).where(ChatSession.open_key.is_not(None), ChatSession.last_active_at < now - MIN_TIMEOUT_MS)
        .order_by(ChatSession.last_active_at).limit(batch).with_for_update(skip_locked=True)
    ).all()
    robots = {chat.robot_id for chat in idle}
    timeouts = {
        robot_id: resolve_settings(settings).sessionTimeoutMinutes * 60_000
        for robot_id, settings in session.execute(select(Robot.robot_id, Robot.settings)
                                                  .where(Robot.robot_id.in_(robots))).all()
    } if robots else {}
    closed = 0
    for chat in idle:
        if now - chat.last_active_at > timeouts.get(chat.robot_id, MIN_TIMEOUT_MS):
            close_session(chat, now)
            session.flush()
            emit_session_closed(session, chat)
            closed += 1
    return closed


@periodic("sessions.sweep", every_seconds=SWEEP_EVERY_SECONDS)
def sweep(job: JobContext) -> None:
    with job.db.session() as session:
        close_idle_sessions(session, now_ms())
