"""Stored questions asked word for word: the matcher's one certainty.

A visitor who types one of the robot's own questions (after normalisation: case, width, punctuation,
traditional/simplified Chinese, spaces) asked for that rule, whatever a learned signal thinks. The search
puts such rules first with EXACT_SCORE and marks them `exact`; the policy answers when exactly one rule
owns the question and recommends them all when several do (it never picks one silently).

No extra index: an identical text has the highest lexical score there is (cosine 1 in every field), so it
is among the docs the search pulls first anyway; only those tied at the top are compared.
"""

from __future__ import annotations

import re

import numpy as np

from huida.engine.matcher.store import DocStore

EXACT_SCORE = 1.0
_TIE = 1e-6  # float noise between two cosines of 1


_SPACE = re.compile(r" (?!\d)|(?<!\d) ")  # normalize leaves single spaces; only digit<space>digit means something


def exact_key(normalized: str) -> str:
    """What two questions share when they are the same up to normalisation and spaces (a space between two
    digits stays: "1 2" is not "12"). One definition for the matcher, imports and knowledge health."""
    return _SPACE.sub("", normalized) if " " in normalized else normalized


def exact_rules(store: DocStore, normalized: str, pool: np.ndarray, combined: np.ndarray) -> dict[int, int]:
    """Rule code -> doc, for the owner-written (not learned) live questions equal to the text among the
    `pool` docs (best first by the `combined` lexical score) tied with the best."""
    if not len(pool):
        return {}
    key = exact_key(normalized)
    learned, live, doc_rule = store.learned.view, store.live.view, store.doc_rule.view
    top = combined[pool]
    found: dict[int, int] = {}
    for doc in pool[top >= top[0] - _TIE].tolist():
        if live[doc] and not learned[doc] and exact_key(store.texts[doc]) == key:
            found.setdefault(int(doc_rule[doc]), doc)
    return found


def exact_first(order: list[int], rules: list[int], exact: dict[int, int]) -> list[int]:
    """The ranking with the exact rules moved to the front (keeping the order among each part)."""
    if not exact:
        return order
    return [i for i in order if rules[i] in exact] + [i for i in order if rules[i] not in exact]
