"""Pages of messages in the global order `seq`: keyset conditions, time windows, one page of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession, Message
from huida.reading.timefilter import Window

MessageRows = Select[Message, ChatSession]  # messages with their sessions
Columns = TypeVarTuple("Columns")


@dataclass(frozen=True)
class Page:
    rows: list[tuple[Message, ChatSession]]
    has_more: bool

    @property
    def last_seq(self) -> int | None:
        return self.rows[-1][0].seq if self.rows else None


def after(seq: Any, cursor: int | None, descending: bool) -> list[ColumnElement[bool]]:
    if cursor is None:
        return []
    return [seq < cursor if descending else seq > cursor]


def within(window: Window) -> list[ColumnElement[bool]]:
    conditions = []
    if window.start_ms is not None:
        conditions.append(Message.created_at >= window.start_ms)
    if window.end_ms is not None:
        conditions.append(Message.created_at <= window.end_ms)
    return conditions


def fetch(session: Session, query: MessageRows, limit: int) -> Page:
    rows = session.execute(query.limit(limit + 1)).all()
    return Page([(m, c) for m, c in rows[:limit]], len(rows) > limit)


def ordered(query: Select[*Columns], seq: Any, descending: bool) -> Select[*Columns]:
    return query.order_by(seq.desc() if descending else seq.asc())
