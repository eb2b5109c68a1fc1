"""Explicit requests for a person ("转人工", "human agent")."""

from __future__ import annotations

import re
from functools import lru_cache

from huida.engine.text import Tokenizer, has_cjk, normalize

# Words that may surround the keyword without changing the request ("我要转人工吧", "please, a human agent").
_FILLERS = re.compile(
    r"请|麻烦|帮我|给我|我要|我想|想要|需要|可以|能不能|能否|马上|赶紧|立刻|快点|快|找|转|接|一下|个|吗|吧|呢|啊|呀|好吗|谢谢"
    r"|\b(?:i|want|would|like|need|to|a|an|the|please|can|could|you|me|connect|transfer|get|talk|speak|with|now)\b"
)
MAX_LEFTOVER = 3  # characters left after removing keyword and fillers; more means another topic
_WORDS = Tokenizer()


def _leftover(text: str, start: int, keyword: str) -> str:
    rest = text[:start] + " " + text[start + len(keyword):]
    return re.sub(r"\s+", "", _FILLERS.sub(" ", rest))


def _boundaries(text: str) -> set[int]:
    """Offsets where a word starts or ends (jieba for Chinese)."""
    edges, cursor = {0, len(text)}, 0
    for word in _WORDS.words(text):
        at = text.find(word, cursor)
        if at >= 0:
            edges.update((at, at + len(word)))
            cursor = at + len(word)
    return edges


def _whole_word_starts(text: str, keyword: str) -> list[int]:
    """Where the keyword stands as a word of its own: not the 人工 of 人工智能 or 人工费, nor the human of humane."""
    if not has_cjk(keyword):
        return [m.start() for m in re.finditer(rf"(?<![a-z0-9]){re.escape(keyword)}(?![a-z0-9])", text)]
    edges = _boundaries(text)
    starts = [m.start() for m in re.finditer(re.escape(keyword), text)]
    return [s for s in starts if s in edges and s + len(keyword) in edges]


@lru_cache(maxsize=256)
def _keys(keywords: tuple[str, ...]) -> tuple[str, ...]:
    """A robot's keywords normalised, longest first (computed once per keyword list, not per message)."""
    return tuple(key for key in sorted((normalize(k) for k in keywords), key=len, reverse=True) if key)


def asks_for_human(normalized_text: str, keywords: tuple[str, ...]) -> bool:
    """True when the message is a request for a person, not a question that mentions one.

    "我要转人工" and "人工客服" are requests; "人工智能是什么" mentions 人工 but is about something else,
    so the keyword must stand as a word of its own (人工智能, 人工费 and 真人秀 are other words), and whatever
    remains besides it and polite fillers must be very short.
    """
    for key in _keys(keywords):
        if key not in normalized_text:
            continue
        if any(len(_leftover(normalized_text, start, key)) <= MAX_LEFTOVER
               for start in _whole_word_starts(normalized_text, key)):
            return True
    return False
