"""Reading messages off an ordered source in batches: the plan every term-led listing and search follows.

A batch of candidate `seq`s is read straight off an index (a term's postings, or some senders' messages), the
candidates lacking a required term are dropped by probing the index with the batch, and the rows of the rest
are fetched by primary key with the remaining conditions. Batches grow until a page is full or the source
ends. Each step is a plain lookup: a database that misjudges how selective a filter is (PostgreSQL before
its statistics catch up) cannot turn a page into a scan of the whole store, as it can a join of posting lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.reading.models import MessageTerm
from huida.reading.pages import Page, after, ordered

FIRST_BATCH = 64
MAX_BATCH = 4096  # candidates per round (the IN list of one query)


@dataclass(frozen=True)
class Source:
    """Where candidates come from, in `seq` order: the postings of any of `terms`, else `senders`' messages."""

    terms: tuple[str, ...] = ()
    senders: tuple[str, ...] = ()


def _candidates(session: Session, tenant_id: int, source: Source, cursor: int | None, descending: bool,
                count: int) -> list[int]:
    query: Select[Any]
    if source.terms:
        seq = MessageTerm.seq
        query = select(seq).where(MessageTerm.tenant_id == tenant_id, MessageTerm.term.in_(source.terms))
        if len(source.terms) > 1:  # a message listed under two of them comes once
            query = query.distinct()
    else:
        seq = Message.seq
        query = select(seq).where(Message.tenant_id == tenant_id, Message.sender_id.in_(source.senders))
    query = query.where(*after(seq, cursor, descending)).limit(count)
    return list(session.scalars(ordered(query, seq, descending)))


def _having(session: Session, tenant_id: int, seqs: list[int], groups: Sequence[Sequence[str]]) -> list[int]:
    """The candidates listed under at least one term of every group. Each group's postings are read over the
    candidates' span (an index range, cheaper than thousands of bound values)."""
    kept = set(seqs)
    for terms in groups:
        if not kept:
            break
        kept &= set(session.scalars(select(MessageTerm.seq).where(
            MessageTerm.tenant_id == tenant_id, MessageTerm.term.in_(list(terms)),
            MessageTerm.seq.between(min(kept), max(kept)))))
    return [s for s in seqs if s in kept]


def _rows(session: Session, seqs: list[int], where: Sequence[ColumnElement[bool]], descending: bool,
          wanted: int) -> list[tuple[Message, ChatSession]]:
    if not seqs:
        return []
    query = (select(Message, ChatSession).join(ChatSession, ChatSession.id == Message.session_id)
             .where(Message.seq.in_(seqs), *where).limit(wanted))
    return [(m, c) for m, c in session.execute(ordered(query, Message.seq, descending))]


def scan(session: Session, tenant_id: int, source: Source, *, groups: Sequence[Sequence[str]] = (),
         where: Sequence[ColumnElement[bool]] = (), cursor: int | None, descending: bool, limit: int) -> Page:
    rows: list[tuple[Message, ChatSession]] = []
    size = max(FIRST_BATCH, 2 * (limit + 1))
    while True:
        seqs = _candidates(session, tenant_id, source, cursor, descending, size)
        rows += _rows(session, _having(session, tenant_id, seqs, groups), where, descending, limit + 1 - len(rows))
        if len(rows) > limit:
            return Page(rows[:limit], True)
        if len(seqs) < size:
            return Page(rows, False)
        cursor, size = seqs[-1], min(size * 4, MAX_BATCH)
