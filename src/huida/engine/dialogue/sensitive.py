"""Sensitive words: every word of a robot's list found in one pass (Aho-Corasick)."""

from __future__ import annotations

from functools import lru_cache

import ahocorasick

from huida.engine.text import normalize


@lru_cache(maxsize=256)
def _automaton(words: tuple[str, ...]) -> ahocorasick.Automaton | None:
    automaton = ahocorasick.Automaton()
    for word in words:
        key = normalize(word).replace(" ", "")
        if key:
            automaton.add_word(key, word)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def find_sensitive(normalized_text: str, words: tuple[str, ...]) -> list[str]:
    """The listed words occurring in the text (spaces ignored, so "傻 瓜" still hits "傻瓜")."""
    automaton = _automaton(words)
    if automaton is None or not normalized_text:
        return []
    compact = normalized_text.replace(" ", "")
    return list(dict.fromkeys(word for _, word in automaton.iter(compact)))
