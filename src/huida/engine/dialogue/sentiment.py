"""Strong negative sentiment (VER_NEG) from a maintained bilingual lexicon (engine/data/negative.txt).

A strong term alone is enough ("垃圾", "scam"). A weak term ("慢", "bad") counts when an intensifier sits
right before it ("太慢", "so bad"), when the visitor shouts ("!!"), or when two weak terms meet. A term
right after a negation ("不太差", "not bad") does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent.parent / "data" / "negative.txt"
VERY_NEGATIVE = "VER_NEG"
CJK_WINDOW = 3  # characters before a Chinese term looked at for a negation or an intensifier
WORD_WINDOW = 2  # words before an English term


@dataclass(frozen=True)
class Lexicon:
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    intensifiers: tuple[str, ...]
    negations: tuple[str, ...]


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON) -> Lexicon:
    kinds: dict[str, list[str]] = {"strong": [], "weak": [], "intensifier": [], "negation": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, term = line.strip().partition(" ")
            kinds[kind].append(term.strip())
    return Lexicon(*(tuple(kinds[k]) for k in ("strong", "weak", "intensifier", "negation")))


def _occurrences(text: str, term: str) -> list[int]:
    if term not in text:  # the common case, and much cheaper than a regex per lexicon term
        return []
    pattern = rf"(?<![a-z]){re.escape(term)}(?![a-z])" if term.isascii() else re.escape(term)
    return [m.start() for m in re.finditer(pattern, text)]


def _before(text: str, start: int, term: str) -> str:
    """What precedes a term: a few characters for Chinese, a few words for English."""
    if term.isascii():
        return " ".join(text[:start].split()[-WORD_WINDOW:])
    return text[max(0, start - CJK_WINDOW):start]


def _mentions(window: str, words: tuple[str, ...]) -> bool:
    return any((w in window.split() or window.endswith(w)) if w.isascii() else w in window for w in words)


def _reduplicated(text: str, start: int, term: str) -> bool:
    """A one-character Chinese term doubled is an adverb: 慢慢来 is "take your time", not a complaint."""
    return len(term) == 1 and not term.isascii() and term in (text[start - 1:start], text[start + 1:start + 2])


def _counted(text: str, terms: tuple[str, ...], lex: Lexicon) -> list[tuple[int, str]]:
    """Occurrences that are not negated; overlapping terms ("不满意" and "不满") count once, longest first."""
    found: list[tuple[int, str]] = []
    taken: set[int] = set()
    for term in sorted(terms, key=len, reverse=True):
        for start in _occurrences(text, term):
            span = set(range(start, start + len(term)))
            if span & taken:
                continue
            taken |= span
            if _reduplicated(text, start, term):
                continue
            if not _mentions(_before(text, start, term), lex.negations):
                found.append((start, term))
    return found


def sentiment_labels(normalized_text: str, raw_text: str = "", lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """("VER_NEG",) for a very negative message, () otherwise."""
    lex = lexicon or load_lexicon()
    text = normalized_text.lower()
    if _counted(text, lex.strong, lex):
        return (VERY_NEGATIVE,)
    weak = _counted(text, lex.weak, lex)
    if not weak:
        return ()
    intensified = any(_mentions(_before(text, start, term), lex.intensifiers) for start, term in weak)
    shouting = raw_text.count("!") + raw_text.count("！") >= 2
    return (VERY_NEGATIVE,) if len(weak) >= 2 or intensified or shouting else ()
