"""Cross-conversation search: the newest messages of a tenant matching every filter, one keyset page at a time.

Filters that are index terms (the query's words, the chat, mentions, a resource kind) are groups of terms a
message must be listed under (any one term of a group). The smallest source leads (`scan`): a group's
postings or the senders' messages, sized with capped counts (at most `PROBE_CAP` index entries read each);
the other groups and the remaining conditions are checked on the candidates it yields, newest first, until a
page is full. So a page costs about the same on a store of any size. Without any such filter the tenant's
messages are read in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.reading.listing import same_chat
from huida.reading.models import MessageTerm
from huida.reading.pages import MessageRows, Page, after, fetch, within
from huida.reading.scan import Source, scan
from huida.reading.scopes import Chat
from huida.reading.terms import QueryPlan, chat_term, kind_term, mention_term
from huida.reading.timefilter import Window

PROBE_CAP = 10_000
SENDER_ROLES = {"user": ("visitor", "agent"), "bot": ("robot",), "all": ("visitor", "agent", "robot")}

Group = tuple[str, ...]  # a message must be listed under at least one of these terms


@dataclass(frozen=True)
class SearchFilter:
    plan: QueryPlan | None = None
    sender_ids: tuple[str, ...] = ()
    chat: Chat | None = None  # the chat_id filter
    mention_ids: tuple[str, ...] = ()
    message_type: str | None = None
    sender_type: str = "user"
    chat_type: str | None = None
    window: Window = Window()


def _groups(f: SearchFilter) -> list[Group]:
    groups: list[Group] = [(term,) for term in (f.plan.terms if f.plan else ())]
    if f.mention_ids:  # any of the mentioned
        groups.append(tuple(mention_term(i) for i in f.mention_ids))
    if f.message_type:
        groups.append((kind_term(f.message_type),))
    if f.chat is not None:
        groups.append((chat_term(f.chat.key),))
    return groups


def _capped(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.limit(PROBE_CAP).subquery())) or 0


def _group_size(session: Session, tenant_id: int, group: Group) -> int:
    return _capped(session, select(MessageTerm.seq).where(MessageTerm.tenant_id == tenant_id,
                                                          MessageTerm.term.in_(group)))


def _conditions(f: SearchFilter) -> list[ColumnElement[bool]]:
    """The filters that are not index terms, as conditions on a candidate's Message and ChatSession."""
    where = [Message.role.in_(SENDER_ROLES[f.sender_type]), *within(f.window)]
    where += [Message.text.contains(phrase, autoescape=True) for phrase in (f.plan.phrases if f.plan else ())]
    if f.sender_ids:
        where.append(Message.sender_id.in_(f.sender_ids))
    if f.chat is not None:
        where += same_chat(f.chat)
    if f.chat_type:
        where.append(ChatSession.chat_type == f.chat_type)
    return where


def _lead(session: Session, tenant_id: int, f: SearchFilter,
          groups: Sequence[tuple[Group, int]]) -> tuple[Source, int] | None:
    """The smallest source of candidates and its (capped) size; None when only the tenant's messages remain."""
    sources = [(Source(terms=group), size) for group, size in groups]
    if f.sender_ids:
        senders = select(Message.seq).where(Message.tenant_id == tenant_id, Message.sender_id.in_(f.sender_ids))
        sources.append((Source(senders=f.sender_ids), _capped(session, senders)))
    return min(sources, key=lambda s: s[1]) if sources else None


def _in_order(tenant_id: int, f: SearchFilter, cursor: int | None) -> MessageRows:
    """Every message of the tenant, newest first, with the row conditions (no index-term filter is left)."""
    return (select(Message, ChatSession).join(ChatSession, ChatSession.id == Message.session_id)
            .where(Message.tenant_id == tenant_id, *after(Message.seq, cursor, True), *_conditions(f))
            .order_by(Message.seq.desc()))


def search_page(session: Session, tenant_id: int, f: SearchFilter, cursor: int | None, limit: int) -> Page:
    # The smallest groups first: they drop the most candidates soonest.
    groups = sorted(((g, _group_size(session, tenant_id, g)) for g in _groups(f)), key=lambda gs: gs[1])
    lead = _lead(session, tenant_id, f, groups)
    if lead is None:
        return fetch(session, _in_order(tenant_id, f, cursor), limit)
    source, size = lead
    if size == 0:
        return Page([], False)
    rest = [group for group, _ in groups if group != source.terms]
    return scan(session, tenant_id, source, groups=rest, where=_conditions(f), cursor=cursor, descending=True,
                limit=limit)
