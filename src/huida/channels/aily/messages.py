"""Posting USER messages to a session (seed 001) and reading the session's messages.

A posted message is a visitor message in Huida's one message store, in the Huida session of the Aily
session (visitor key `aily:<session id>`, chat id = the session id), so conversation reading and search see
it at once. `idempotent_id` is unique per session: posting the same id again within 72 hours returns the
first message and changes nothing, also when the two posts race (the unique constraint decides; the loser
starts over and finds the winner's message). After 72 hours the id is released for a new message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.channels.aily.auth import AilyCaller
from huida.channels.aily.errors import invalid
from huida.channels.aily.mdx import plain_text
from huida.channels.aily.models import AilyFile, AilyMessage, AilySession
from huida.channels.aily.sessions import CHANNEL, get_session
from huida.conversation.models import Message
from huida.conversation.sessions import Visitor, open_session
from huida.db import Database, now_ms
from huida.reading.scopes import chat_sessions
from huida.robots.models import Robot
from huida.robots.settings import resolve_settings

IDEMPOTENCY_MS = 72 * 3600 * 1000


@dataclass(frozen=True)
class NewMessage:
    idempotent_id: str
    content_type: str
    content: str
    file_ids: Sequence[str] = ()
    quote_message_id: str | None = None
    mentions: Sequence[dict[str, str | None]] = field(default_factory=tuple)


def _earlier(session: Session, aily: AilySession, idempotent_id: str, now: int) -> str | None:
    """The message already posted with this id in the last 72 h; an older one gives its id up."""
    row = session.scalar(select(AilyMessage).where(AilyMessage.session_id == aily.id,
                                                   AilyMessage.idempotent_id == idempotent_id))
    if row is None:
        return None
    if now - row.created_at < IDEMPOTENCY_MS:
        return row.message_id
    row.idempotent_id = None
    session.flush()
    return None


def _files(session: Session, tenant_id: int, file_ids: Sequence[str]) -> list[AilyFile]:
    wanted = list(dict.fromkeys(file_ids))
    rows = {f.id: f for f in session.scalars(select(AilyFile).where(AilyFile.tenant_id == tenant_id,
                                                                    AilyFile.id.in_(wanted)))}
    for index, file_id in enumerate(file_ids):
        if file_id not in rows:
            raise invalid(f"file_ids[{index}]", f"no uploaded file {file_id} of this tenant "
                                                "(upload files with POST /open-apis/aily/v1/files)")
    return [rows[i] for i in wanted]


def _check_quote(session: Session, aily: AilySession, quote_id: str | None) -> None:
    if not quote_id:
        return
    found = session.scalar(select(Message.id).where(
        Message.id == quote_id, Message.session_id.in_(chat_sessions(aily.tenant_id, aily.id).scalar_subquery())))
    if found is None:
        raise invalid("quote_message_id", f"{quote_id} is not a message of session {aily.id}")


def _extra(aily: AilySession, new: NewMessage, files: list[AilyFile]) -> dict:
    return {
        "aily": {"session_id": aily.id, "content_type": new.content_type, "quote_message_id": new.quote_message_id},
        "markup": new.content_type, "quoteMessageId": new.quote_message_id,  # what reading reads, for any channel
        "files": [{"key": f.id, "id": f.id, "kind": f.kind, "name": f.file_name, "mime": f.mime_type, "store": "aily"}
                  for f in files],
        "mentions": [{"id": m.get("entity_id"), "key": m.get("key"), "name": m.get("name"),
                      "provider": m.get("identity_provider")} for m in new.mentions],
    }


def _insert(session: Session, aily: AilySession, sender: str, new: NewMessage, now: int) -> str:
    files = _files(session, aily.tenant_id, new.file_ids)
    _check_quote(session, aily, new.quote_message_id)
    robot = session.scalar(select(Robot).where(Robot.robot_id == aily.robot_id))
    idle_ms = resolve_settings(robot.settings if robot else {}).sessionTimeoutMinutes * 60_000
    visitor = Visitor(aily.tenant_id, aily.robot_id, sender, f"{CHANNEL}:{aily.id}", CHANNEL, CHANNEL, aily.id, "p2p")
    chat, _closed = open_session(session, visitor, now, idle_ms)
    chat.last_active_at = now
    message = Message(session_id=chat.id, tenant_id=aily.tenant_id, robot_id=aily.robot_id, role="visitor",
                      sender_id=sender, question_type="TEXT", created_at=now, extra=_extra(aily, new, files),
                      text=plain_text(new.content_type, new.content, new.mentions))
    session.add(message)
    session.flush()
    session.add(AilyMessage(message_id=message.id, session_id=aily.id, idempotent_id=new.idempotent_id,
                            content_type=new.content_type, content=new.content, file_ids=[f.id for f in files],
                            mentions=list(new.mentions), quote_message_id=new.quote_message_id, created_at=now))
    return message.id


def post_message(db: Database, caller: AilyCaller, session_id: str, new: NewMessage) -> str:
    """The id of the posted message (or of the first one posted with the same idempotent_id)."""
    for attempt in (1, 2):
        try:
            with db.session() as session:
                aily = get_session(session, caller, session_id, lock=True)
                now = now_ms()
                earlier = _earlier(session, aily, new.idempotent_id, now)
                if earlier is not None:
                    return earlier
                return _insert(session, aily, caller.biz_user_id or aily.user_id, new, now)
        except IntegrityError:
            if attempt == 2:  # a second loss means something else than the idempotency race
                raise
    raise AssertionError("unreachable")
