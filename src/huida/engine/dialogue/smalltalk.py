"""Greetings, thanks, goodbyes: short social messages answered from an editable list."""

from __future__ import annotations

import re
from functools import lru_cache

from huida.engine.dialogue.types import SmallTalk
from huida.engine.text import normalize

_TRAILING = re.compile(r"[啊呀呢吧哈嘛哦噢~!！。.,，?？\s]+$")
MAX_EXTRA = 2  # "你好呀", "谢谢你": a pattern plus at most this many characters


def _is_close(text: str, key: str) -> bool:
    if text == key:
        return True
    extra = text[len(key):]
    if not text.startswith(key) or len(extra.strip()) > MAX_EXTRA:
        return False
    # "hi" must not match "history": a Latin pattern needs a word break after it.
    return not (key[-1].isascii() and key[-1].isalnum() and extra[:1].isascii() and extra[:1].isalnum())


def match_small_talk(normalized_text: str, entries: tuple[SmallTalk, ...]) -> SmallTalk | None:
    """The entry whose pattern is the message, give or take a particle or two."""
    text = _TRAILING.sub("", normalized_text).strip()
    if not text:
        return None
    for entry in entries:
        if any((key := _key(p)) and _is_close(text, key) for p in entry.patterns):
            return entry
    return None


@lru_cache(maxsize=4096)
def _key(pattern: str) -> str:
    return normalize(pattern)
