"""The four reading operations of seed 002, shared by the HTTP API and the MCP tools.

Each takes plain parameters, checks them with the seed's rules and error texts, and answers
`{items, has_more, page_token}` (or the bytes of a resource). Errors are `DomainError`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.models import Message
from huida.db import Database
from huida.errors import InvalidInput, NotFound
from huida.reading import pagetoken, texts
from huida.reading.fetch import Download, fetch_resource
from huida.reading.listing import chat_page, sessions_page, thread_page
from huida.reading.pages import Page
from huida.reading.scopes import existing_chat, existing_p2p
from huida.reading.search import SENDER_ROLES, SearchFilter, search_page
from huida.reading.terms import KINDS, plan_query
from huida.reading.timefilter import TimeFilterError, Window, time_window
from huida.reading.views import THREAD_PREFIX, items
from huida.timefmt import DISPLAY_ZONE

MAX_PAGE_SIZE = 50
SORT_RULES = {"create_time_asc": False, "create_time_desc": True}
CHAT_TYPES = ("group", "p2p")
MAX_IDS = 50


def _invalid(description: str) -> InvalidInput:
    return InvalidInput(texts.INVALID, description)


def _page_size(value: int) -> int:
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise _invalid(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {value}")
    return value


def _descending(sort_rule: str) -> bool:
    if sort_rule not in SORT_RULES:
        raise _invalid(f"sort_rule must be create_time_asc or create_time_desc, got {sort_rule!r}")
    return SORT_RULES[sort_rule]


def _choice(name: str, value: str | None, allowed: Sequence[str]) -> str | None:
    if value is not None and value not in allowed:
        raise _invalid(f"{name} must be one of {' | '.join(allowed)}, got {value!r}")
    return value


@dataclass(frozen=True)
class Times:
    relative_time: str | None = None
    start_time: str | None = None
    end_time: str | None = None

    def window(self, now: datetime | None) -> Window:
        try:
            return time_window(self.relative_time or None, self.start_time or None, self.end_time or None,
                               now=now or datetime.now(DISPLAY_ZONE))
        except TimeFilterError as exc:
            raise _invalid(str(exc)) from None


def _cursor(token: str | None, scope: str, descending: bool, window: Window) -> tuple[int | None, Window]:
    """The page to continue from and the time window of the first page (kept, so it cannot slide)."""
    if not token:
        return None, window
    try:
        cursor = pagetoken.decode(token, scope, descending)
    except pagetoken.PageTokenError:
        raise _invalid(texts.BAD_PAGE_TOKEN) from None
    return cursor.after_seq, cursor.window


def _answer(session: Session, page: Page, scope: str, descending: bool, window: Window, *,
            with_chat: bool = False) -> dict[str, Any]:
    token = None
    if page.has_more and page.last_seq is not None:
        token = pagetoken.encode(pagetoken.Cursor(page.last_seq, window), scope, descending)
    return {"items": items(session, page.rows, with_chat=with_chat), "has_more": page.has_more, "page_token": token}


@dataclass(frozen=True)
class MessagesQuery:
    chat_id: str | None = None
    open_id: str | None = None
    times: Times = field(default_factory=Times)
    page_size: int = MAX_PAGE_SIZE
    page_token: str | None = None
    sort_rule: str = "create_time_desc"


def get_messages(db: Database, tenant_id: int, q: MessagesQuery, *, now: datetime | None = None) -> dict[str, Any]:
    """A chat's messages (by chat_id), or a visitor's one-to-one conversation (by open_id)."""
    if q.chat_id and q.open_id:
        raise _invalid(texts.BOTH_IDS)
    if not q.chat_id and not q.open_id:
        raise _invalid(texts.NO_ID)
    size, descending = _page_size(q.page_size), _descending(q.sort_rule)
    window = q.times.window(now)
    scope = pagetoken.scope_hash("chat", q.chat_id, q.open_id)
    cursor, window = _cursor(q.page_token, scope, descending, window)
    with db.read() as session:
        if q.chat_id:
            chat = existing_chat(session, tenant_id, q.chat_id)
            page = chat_page(session, tenant_id, chat, window, cursor, descending, size)
        else:
            sessions = existing_p2p(session, tenant_id, str(q.open_id))
            page = sessions_page(session, sessions, window, cursor, descending, size)
        return _answer(session, page, scope, descending, window)


def _thread_root(thread_id: str) -> str:
    root = thread_id[len(THREAD_PREFIX):] if thread_id.startswith(THREAD_PREFIX) else ""
    if not root or len(root) > 64:
        raise _invalid(texts.BAD_THREAD_ID.format(thread_id=thread_id))
    return root


def get_thread_messages(db: Database, tenant_id: int, thread_id: str, *, page_size: int = MAX_PAGE_SIZE,
                        page_token: str | None = None, sort_rule: str = "create_time_desc") -> dict[str, Any]:
    """A question and its replies; no time filter (as in the seed), pages only."""
    root_id = _thread_root(thread_id)
    size, descending = _page_size(page_size), _descending(sort_rule)
    scope = pagetoken.scope_hash("thread", root_id)
    cursor, window = _cursor(page_token, scope, descending, Window())
    with db.read() as session:
        root = session.scalar(select(Message.id).where(Message.id == root_id, Message.tenant_id == tenant_id,
                                                       Message.role == "visitor"))
        replied = root and session.scalar(select(Message.id).where(Message.reply_to == root_id).limit(1))
        if not replied:  # unknown, another tenant's, or a question nobody answered yet
            raise NotFound(texts.THREAD_NOT_FOUND, f"thread not found: {thread_id}")
        page = thread_page(session, tenant_id, root_id, cursor, descending, size)
        return _answer(session, page, scope, descending, window)


@dataclass(frozen=True)
class SearchQuery:
    query: str | None = None
    sender_ids: tuple[str, ...] = ()
    chat_id: str | None = None
    mention_ids: tuple[str, ...] = ()
    message_type: str | None = None
    sender_type: str = "user"
    chat_type: str | None = None
    times: Times = field(default_factory=Times)
    page_size: int = MAX_PAGE_SIZE
    page_token: str | None = None

    def has_filter(self) -> bool:
        t = self.times
        return any((self.query and self.query.strip(), self.sender_ids, self.chat_id, self.mention_ids,
                    self.message_type, self.chat_type, t.relative_time, t.start_time, t.end_time))


def _ids(name: str, values: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if len(cleaned) > MAX_IDS:
        raise _invalid(f"{name}: at most {MAX_IDS} ids")
    return cleaned


def search_messages(db: Database, tenant_id: int, q: SearchQuery, *, now: datetime | None = None) -> dict[str, Any]:
    """Messages of every conversation matching all the filters, newest first; hits name their chat."""
    q = replace(q, sender_ids=_ids("sender_ids", q.sender_ids), mention_ids=_ids("mention_ids", q.mention_ids))
    if not q.has_filter():
        raise _invalid(texts.NO_FILTER)
    _choice("message_type", q.message_type, KINDS)
    _choice("sender_type", q.sender_type, tuple(SENDER_ROLES))
    _choice("chat_type", q.chat_type, CHAT_TYPES)
    size, window = _page_size(q.page_size), q.times.window(now)
    plan = plan_query(q.query) if q.query else None
    scope = pagetoken.scope_hash("search", q.query, q.sender_ids, q.chat_id, q.mention_ids, q.message_type,
                                 q.sender_type, q.chat_type)
    cursor, window = _cursor(q.page_token, scope, True, window)
    with db.read() as session:
        chat = existing_chat(session, tenant_id, q.chat_id) if q.chat_id else None
        search = SearchFilter(plan=plan if plan and not plan.empty else None, sender_ids=q.sender_ids,
                              chat=chat, mention_ids=q.mention_ids, message_type=q.message_type,
                              sender_type=q.sender_type, chat_type=q.chat_type, window=window)
        page = search_page(session, tenant_id, search, cursor, size)
        return _answer(session, page, scope, True, window, with_chat=True)


def get_resource(db: Database, tenant_id: int, message_id: str, file_key: str, fetch_type: str) -> Download:
    with db.read() as session:
        return fetch_resource(session, tenant_id, message_id, file_key, fetch_type)
