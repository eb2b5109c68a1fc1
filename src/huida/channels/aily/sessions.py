"""Aily-style sessions: create, read, update, delete. A session talks to one robot, chosen at creation by the
caller's API key or by `robot_id`; an API key only ever sees its robot's sessions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from huida.channels.aily.auth import AilyCaller
from huida.channels.aily.errors import ROBOT_NOT_FOUND, SESSION_NOT_FOUND, invalid, missing
from huida.channels.aily.ids import new_session_id
from huida.channels.aily.models import AilySession
from huida.conversation.models import ChatSession
from huida.db import now_ms
from huida.robots.models import Robot

CHANNEL = "aily"


def _robot(session: Session, caller: AilyCaller, robot_id: str | None) -> str:
    if caller.robot_id is not None:
        if robot_id and robot_id != caller.robot_id:
            raise invalid("robot_id", f"this API key belongs to robot {caller.robot_id}")
        return caller.robot_id
    if not robot_id:
        raise invalid("robot_id", "required when calling with a tenant token (or use a robot's API key)")
    found = session.scalar(select(Robot.robot_id).where(Robot.robot_id == robot_id,
                                                        Robot.tenant_id == caller.tenant_id))
    if found is None:
        raise missing("robot", robot_id, ROBOT_NOT_FOUND)
    return found


def create_session(session: Session, caller: AilyCaller, robot_id: str | None, channel_context: str | None,
                   metadata: str | None) -> AilySession:
    now = now_ms()
    row = AilySession(id=new_session_id(), tenant_id=caller.tenant_id, robot_id=_robot(session, caller, robot_id),
                      created_by=caller.principal, user_id=caller.biz_user_id or caller.principal,
                      channel_context=channel_context or "", meta=metadata or "", created_at=now, modified_at=now)
    session.add(row)
    session.flush()
    return row


def get_session(session: Session, caller: AilyCaller, session_id: str, *, lock: bool = False) -> AilySession:
    """The caller's session; another tenant's, or another robot's for an API key, is simply not found."""
    query = select(AilySession).where(AilySession.id == session_id, AilySession.tenant_id == caller.tenant_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None or not caller.may_use(row.robot_id):
        raise missing("session", session_id, SESSION_NOT_FOUND)
    return row


def update_session(session: Session, caller: AilyCaller, session_id: str, channel_context: str | None,
                   metadata: str | None) -> AilySession:
    row = get_session(session, caller, session_id, lock=True)
    if channel_context is not None:
        row.channel_context = channel_context
    if metadata is not None:
        row.meta = metadata
    row.modified_at = now_ms()
    return row


def delete_session(session: Session, caller: AilyCaller, session_id: str) -> None:
    """The session, its runs, and its conversation (every message of it) are gone."""
    row = get_session(session, caller, session_id, lock=True)
    session.execute(delete(ChatSession).where(ChatSession.tenant_id == caller.tenant_id,
                                              ChatSession.channel == CHANNEL, ChatSession.chat_id == row.id))
    session.delete(row)


def session_view(row: AilySession) -> dict[str, Any]:
    return {"id": row.id, "created_at": str(row.created_at), "modified_at": str(row.modified_at),
            "created_by": row.created_by, "channel_context": row.channel_context, "metadata": row.meta}
