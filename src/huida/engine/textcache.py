"""A cache for functions of one short text (pure).

Word cuts and n-gram keys are cached because the same words and short questions recur all day. A plain
`lru_cache` bounds only the number of entries, and an entry's size grows with its text: filled with long,
distinct messages (a soak, a busy day) a 200,000-entry cache of word cuts held hundreds of MB. Long texts
rarely recur, so they are computed and not kept; the cache's size is then bounded by `maxsize` x `longest`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

R = TypeVar("R")


def short_text_cache(maxsize: int, longest: int) -> Callable[[Callable[[str], R]], Callable[[str], R]]:
    """`lru_cache(maxsize)` for texts of at most `longest` characters; longer texts are not cached."""

    def wrap(fn: Callable[[str], R]) -> Callable[[str], R]:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def call(text: str) -> R:
            return cached(text) if len(text) <= longest else fn(text)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return wrap
