"""Reading a session's messages: one message, or pages in the order they were written (keyset on `seq`),
optionally only those of one run (its USER message and the ASSISTANT answer)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.channels.aily.auth import AilyCaller
from huida.channels.aily.errors import MESSAGE_NOT_FOUND, invalid, missing
from huida.channels.aily.models import AilySession
from huida.channels.aily.runs import get_run
from huida.channels.aily.sessions import get_session
from huida.channels.aily.views import Links, message_views
from huida.conversation.models import Message
from huida.reading import pagetoken
from huida.reading.listing import chat_page
from huida.reading.scopes import Chat, chat_sessions
from huida.reading.timefilter import Window


def _in_session(tenant_id: int, aily_session_id: str) -> Any:
    return Message.session_id.in_(chat_sessions(tenant_id, aily_session_id).scalar_subquery())


def get_message(session: Session, links: Links, caller: AilyCaller, session_id: str,
                message_id: str) -> dict[str, Any]:
    aily = get_session(session, caller, session_id)
    message = session.scalar(select(Message).where(Message.id == message_id, _in_session(aily.tenant_id, aily.id)))
    if message is None:
        raise missing("message", message_id, MESSAGE_NOT_FOUND)
    return message_views(session, links, aily, [message])[0]


def _after(token: str | None, scope: str) -> int | None:
    if not token:
        return None
    try:
        return pagetoken.decode(token, scope, False).after_seq
    except pagetoken.PageTokenError:
        raise invalid("page_token", "invalid, or from another listing; start again without it") from None


def _page(session: Session, aily: AilySession, run_id: str | None, after: int | None,
          size: int) -> tuple[list[Message], bool]:
    if not run_id:  # the session's messages, read in order off its chat's posting list
        chat = Chat(aily.id, chat_sessions(aily.tenant_id, aily.id))
        found = chat_page(session, aily.tenant_id, chat, Window(), after, False, size)
        return [message for message, _ in found.rows], found.has_more
    run = get_run(session, aily, run_id)
    ids = [i for i in (run.message_id, run.reply_id) if i]
    query = select(Message).where(Message.id.in_(ids), _in_session(aily.tenant_id, aily.id),
                                  Message.seq > (after or 0))
    rows = list(session.scalars(query.order_by(Message.seq)))
    return rows[:size], len(rows) > size


def list_messages(session: Session, links: Links, caller: AilyCaller, session_id: str, page_size: int,
                  page_token: str | None, run_id: str | None) -> dict[str, Any]:
    aily = get_session(session, caller, session_id)
    scope = pagetoken.scope_hash("aily-messages", aily.id, run_id)
    page, has_more = _page(session, aily, run_id, _after(page_token, scope), page_size)
    token = pagetoken.encode(pagetoken.Cursor(page[-1].seq, Window()), scope, False) if has_more else ""
    items = message_views(session, links, aily, page)
    # `items` as Huida lists everywhere; `messages` as Feishu's SDK reads it.
    return {"items": items, "messages": items, "has_more": has_more, "page_token": token}
