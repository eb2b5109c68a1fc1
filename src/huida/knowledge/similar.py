"""When two questions are the same question: the key a rule's questions are deduplicated by.

Two questions are the same when their text is, up to case, full/half width, punctuation, spaces and
traditional/simplified Chinese: the matcher's `normalize` (which keeps punctuation only inside numbers,
where it means something: 3.5 is not 35), with the spaces it keeps removed too, except between two
digits. A rule that repeats a question keeps its first occurrence; imports also compare keys across
rules to report a question filed under several rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from huida.engine.matcher.exact import exact_key
from huida.engine.text import normalize_many

_RAW = "\x00"  # prefix of the key of a question normalize empties ("？？", "👍"); normalized text holds no NUL


def _key(text: str, normalized: str) -> str:
    key = exact_key(normalized)
    return key if key else _RAW + text.strip()


def question_keys(texts: Sequence[str]) -> list[str]:
    """The key of each question: equal keys, same question."""
    return [_key(text, normalized) for text, normalized in zip(texts, normalize_many(texts), strict=True)]


def shown_key(text: str, key: str) -> str:
    """A key as people read it: the question normalised (its text when normalising leaves nothing)."""
    return text.strip() if key.startswith(_RAW) else normalize_many([text])[0]


@dataclass(frozen=True)
class DroppedQuestion:
    """A question left out of a rule because an earlier question of the rule is the same question."""

    question: str  # as given
    kept: str  # the earlier question it repeats, as stored
    position: int  # 1-based, in the questions as given


def dedupe_questions(questions: Sequence[tuple[str, dict[str, Any]]], keys: Sequence[str] | None = None
                     ) -> tuple[list[tuple[str, dict[str, Any]]], list[str], list[DroppedQuestion]]:
    """(questions kept, in order, their keys, the questions dropped): the first of each key is kept.

    `keys`: the questions' keys, if computed already (imports do it for many rules at once)."""
    if keys is None:
        keys = question_keys([text for text, _ in questions])
    if len(set(keys)) == len(keys):  # nearly every rule
        return list(questions), list(keys), []
    first: dict[str, str] = {}
    kept: list[tuple[str, dict[str, Any]]] = []
    kept_keys: list[str] = []
    dropped: list[DroppedQuestion] = []
    for position, (question, key) in enumerate(zip(questions, keys, strict=True), 1):
        if key in first:
            dropped.append(DroppedQuestion(question[0], first[key], position))
            continue
        first[key] = question[0]
        kept.append(question)
        kept_keys.append(key)
    return kept, kept_keys, dropped
