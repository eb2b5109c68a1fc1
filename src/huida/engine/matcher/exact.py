"""Stored questions asked word for word: the matcher's one certainty.

A visitor who types one of the robot's own questions (after normalisation: case, width, punctuation,
traditional/simplified Chinese, spaces) asked for that rule, whatever a learned signal thinks. The search
puts such rules first with EXACT_SCORE and marks them `exact`; the policy answers when exactly one rule
owns the question and recommends them all when several do (it never picks one silently).

No extra index: an identical text has the highest lexical score there is, so it is among the docs the
search pulls first anyway; only those are compared.
"""

from __future__ import annotations

import numpy as np

EXACT_SCORE = 1.0


def exact_key(normalized: str) -> str:
    """What two questions share when they are the same up to normalisation and spaces."""
    return normalized.replace(" ", "")


def exact_rules(store, normalized: str, pool: np.ndarray) -> dict[int, int]:
    """Rule code -> doc, for the owner-written (not learned) live questions in `pool` equal to the text."""
    key = exact_key(normalized)
    learned, live, doc_rule = store.learned.view, store.live.view, store.doc_rule.view
    found: dict[int, int] = {}
    for doc in pool.tolist():
        if live[doc] and not learned[doc] and exact_key(store.texts[doc]) == key:
            found.setdefault(int(doc_rule[doc]), doc)
    return found


def exact_first(order: list[int], rules: list[int], exact: dict[int, int]) -> list[int]:
    """The ranking with the exact rules moved to the front (keeping the order among each part)."""
    if not exact:
        return order
    return [i for i in order if rules[i] in exact] + [i for i in order if rules[i] not in exact]
