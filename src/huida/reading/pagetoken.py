"""Opaque page tokens: a keyset cursor on the global message order `seq`, never an offset.

A token remembers the listing it belongs to (`scope`: the chat, thread or search), the sort order and the
time window of the first page (a relative window such as last_5_minutes would otherwise slide between
pages). Messages written while a client pages have larger `seq` values: descending pages never see them,
ascending pages meet them at the end; no page repeats or skips a message.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from huida.reading.timefilter import Window

INT64 = 2**63  # seqs and epoch-ms bounds are 64-bit columns: a forged larger number must not reach the database


class PageTokenError(ValueError):
    pass


def _number(value: object) -> bool:
    return type(value) is int and -INT64 <= value < INT64  # not a bool, a float, a string


def _bound(value: object) -> bool:
    return value is None or _number(value)


@dataclass(frozen=True)
class Cursor:
    after_seq: int  # the last seq of the previous page
    window: Window


def scope_hash(*parts: object) -> str:
    """A short fingerprint of what is being listed, so a token is not replayed against another listing."""
    raw = json.dumps([str(p) for p in parts], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def encode(cursor: Cursor, scope: str, descending: bool) -> str:
    body = {"s": cursor.after_seq, "k": scope, "d": int(descending),
            "a": cursor.window.start_ms, "b": cursor.window.end_ms}
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, scope: str, descending: bool) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        body = json.loads(raw)
        seq, start, end = body["s"], body["a"], body["b"]
        valid = (_number(seq) and _bound(start) and _bound(end) and body["k"] == scope
                 and body["d"] == int(descending))
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise PageTokenError(token)
    return Cursor(seq, Window(start, end))
