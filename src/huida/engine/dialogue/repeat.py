"""The same question asked again and again."""

from __future__ import annotations


def is_repeat(normalized_text: str, recent: tuple[str, ...], limit: int) -> bool:
    """True when this question makes `limit` identical questions in a row (this one included)."""
    if not normalized_text or limit < 2 or len(recent) < limit - 1:
        return False
    return all(previous == normalized_text for previous in recent[-(limit - 1):])
