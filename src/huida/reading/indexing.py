"""Keeping the search index: terms are written in the transaction that stores the message.

`install_search_index()` makes SQLAlchemy call `index_message` after every INSERT of a `Message`, whoever
writes it (the conversation service, a channel, an agent tool), so the index can never miss or lag a
committed message. Every process installs it when it starts (`huida.context.build_context`: the server, the
worker, every CLI command); a script that writes messages through a bare `Database` calls it itself.
`reindex` rebuilds postings for messages stored before the index existed (migration 0005) or after a
change of tokenisation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, select
from sqlalchemy.orm import Mapper

from huida.conversation.models import ChatSession, Message
from huida.db import table_of
from huida.reading.models import MessageTerm
from huida.reading.resources import resource_kinds
from huida.reading.terms import chat_term, index_terms, kind_term, mention_term

log = logging.getLogger("huida.reading")

_TERMS = table_of(MessageTerm)
_INSERT = insert(_TERMS)
REINDEX_BATCH = 2000


def mention_ids(extra: dict[str, Any]) -> list[str]:
    """Ids of the entities a message mentions (`extra["mentions"]` entries carry an "id")."""
    return [str(m["id"]) for m in extra.get("mentions") or [] if isinstance(m, dict) and m.get("id")]


def message_terms(message: Message, chat_key: str) -> set[str]:
    terms = index_terms(message.text or "")
    terms.update(mention_term(i) for i in mention_ids(message.extra or {}))
    terms.update(kind_term(k) for k in resource_kinds(message))
    terms.add(chat_term(chat_key))
    return terms


_CHAT_KEYS: dict[str, str] = {}  # session id -> chat key; a session's chat never changes once it exists
_CHAT_KEYS_KEPT = 50_000


def chat_key_of(connection: Connection, session_id: str) -> str:
    """The chat a session's messages belong to: its channel chat id, else the session itself."""
    key = _CHAT_KEYS.get(session_id)
    if key is None:
        key = connection.scalar(select(ChatSession.chat_id).where(ChatSession.id == session_id)) or session_id
        if len(_CHAT_KEYS) >= _CHAT_KEYS_KEPT:
            _CHAT_KEYS.clear()
        _CHAT_KEYS[session_id] = key
    return key


def _rows(tenant_id: int, seq: int, terms: Iterable[str]) -> list[dict[str, Any]]:
    return [{"tenant_id": tenant_id, "term": term, "seq": seq} for term in sorted(terms)]


def index_message(connection: Connection, message: Message) -> None:
    terms = message_terms(message, chat_key_of(connection, message.session_id))
    rows = _rows(message.tenant_id, message.seq, terms)
    if rows:
        connection.execute(_INSERT, rows)


def _index_inserted(_mapper: Mapper[Message], connection: Connection, message: Message) -> None:
    """Every stored message gets its search terms in the same transaction, whoever writes it (issue 7)."""
    index_message(connection, message)


def install_search_index() -> None:
    """Indexes every `Message` inserted through the ORM from now on, in this process. Idempotent."""
    if not event.contains(Message, "after_insert", _index_inserted):
        event.listen(Message, "after_insert", _index_inserted)


def reindex(connection: Connection, *, tenant_id: int | None = None, batch: int = REINDEX_BATCH) -> int:
    """Rebuilds the postings of every message (of one tenant); returns how many messages were indexed."""
    where = [] if tenant_id is None else [Message.tenant_id == tenant_id]
    stale = delete(_TERMS)
    connection.execute(stale if tenant_id is None else stale.where(_TERMS.c.tenant_id == tenant_id))
    total = connection.scalar(select(func.count()).select_from(Message).where(*where)) or 0
    last, done = 0, 0
    columns = (Message.seq, Message.tenant_id, Message.session_id, Message.text, Message.extra, Message.body,
               Message.media_type, ChatSession.chat_id)
    while True:
        rows = connection.execute(select(*columns).join(ChatSession, ChatSession.id == Message.session_id)
                                  .where(Message.seq > last, *where).order_by(Message.seq).limit(batch)).all()
        if not rows:
            break
        postings: list[dict[str, Any]] = []
        for row in rows:
            message = Message(seq=row.seq, tenant_id=row.tenant_id, text=row.text, extra=row.extra or {},
                              body=row.body, media_type=row.media_type)
            postings += _rows(row.tenant_id, row.seq, message_terms(message, row.chat_id or row.session_id))
        if postings:
            connection.execute(_INSERT, postings)
        last, done = rows[-1].seq, done + len(rows)
        log.info("indexed %d of %d messages for search", done, total)
    return done
