"""Listing messages in the global order `seq`: a chat's messages, a visitor's, a thread's, one page at a time."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.reading.pages import Page, after, fetch, ordered, within
from huida.reading.scan import Source, scan
from huida.reading.scopes import Chat, Scope
from huida.reading.terms import chat_term, chat_term_exact
from huida.reading.timefilter import Window


def chat_page(session: Session, tenant_id: int, chat: Chat, window: Window, cursor: int | None,
              descending: bool, limit: int) -> Page:
    """A chat's messages, read in order off the chat's posting list (however many sessions the chat has)."""
    return scan(session, tenant_id, Source(terms=(chat_term(chat.key),)), where=[*within(window), *same_chat(chat)],
                cursor=cursor, descending=descending, limit=limit)


def same_chat(chat: Chat) -> list[ColumnElement[bool]]:
    """What tells the chat's messages from others' besides its term: nothing, unless its id was too long for a
    term and was cut short in it (another chat may share the shortened term)."""
    return [] if chat_term_exact(chat.key) else [Message.session_id.in_(chat.sessions.scalar_subquery())]


def sessions_page(session: Session, sessions: Scope, window: Window, cursor: int | None,
                  descending: bool, limit: int) -> Page:
    """The messages of some sessions (a visitor's one-to-one conversations)."""
    query = (select(Message, ChatSession).join(ChatSession, ChatSession.id == Message.session_id)
             # No tenant condition here: `sessions` is the tenant's already, and one would lead SQLite to walk
             # the whole tenant's messages instead of the sessions'.
             .where(Message.session_id.in_(sessions.scalar_subquery()), *within(window),
                    *after(Message.seq, cursor, descending)))
    return fetch(session, ordered(query, Message.seq, descending), limit)


def thread_page(session: Session, tenant_id: int, root_id: str, cursor: int | None, descending: bool,
                limit: int) -> Page:
    query = (select(Message, ChatSession).join(ChatSession, ChatSession.id == Message.session_id)
             .where(Message.tenant_id == tenant_id, or_(Message.id == root_id, Message.reply_to == root_id),
                    *after(Message.seq, cursor, descending)))
    return fetch(session, ordered(query, Message.seq, descending), limit)
