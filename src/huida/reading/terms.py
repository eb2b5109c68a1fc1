"""Search terms of message text (pure): what the index stores for a message and what a query looks for.

Chinese has no spaces, so words come from jieba. A message is indexed with jieba's search mode (every word
and the dictionary words inside it: 信用卡 also gives 信用), which is what lets a query word be found inside
a sentence. Characters jieba leaves on their own (names and words it does not know: 张/三/丰) are indexed as
character bigrams, so an unknown word of two or more characters is still found. Latin words are
case-folded and stemmed by Snowball (refunds -> refund), digits and amounts kept whole.

A query is cut with jieba's precise mode: each word must be among the message's terms, and characters jieba
leaves alone must be there as bigrams. A query character that stands alone (钱, or 卡 in 卡挂失) cannot be
looked up in a word index; it becomes a substring the text must contain, checked on the candidates (and
scanned for when nothing else narrows the search).
Text goes through the engine's `normalize` on both sides, so full-width, case and traditional characters
match their plain forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from huida.engine.text import CJK, base_jieba, is_cjk, normalize, stem
from huida.engine.textcache import short_text_cache

MAX_TERM = 64  # the term column's width; longer tokens (URLs, hashes) are cut to it on both sides
INDEX_CHARS = 20_000  # only the start of a very long message is indexed (jieba does ~1 MB/s)

# A CJK run, or a Latin/digit word (numbers keep their inner punctuation: 3.5%, 7:30).
_RUN_RE = re.compile(f"[{CJK}]+|[^\\W_{CJK}]+(?:[.,:%][^\\W_{CJK}]+)*%?")

# Terms that are not words (text terms never start with punctuation: normalize and _RUN_RE drop it).
MENTION_PREFIX = "@"  # "@<id>": the message mentions that entity
KIND_PREFIX = "#"  # "#image", "#file", "#media": the message carries such a resource
CHAT_PREFIX = "~"  # "~<chat id>": the message is in that chat (its postings list a chat in order)
KINDS = ("file", "image", "media")


@short_text_cache(maxsize=32_768, longest=32)
def _precise(run: str) -> tuple[str, ...]:
    return tuple(base_jieba().cut(run, HMM=False))


@short_text_cache(maxsize=32_768, longest=32)
def _search_words(run: str) -> tuple[str, ...]:
    return tuple(base_jieba().cut_for_search(run, HMM=False))


def _single_groups(words: Iterable[str]) -> list[str]:
    """Consecutive one-character words joined: [张, 三, 丰, 的朋友] -> [张三丰]; a lone character stays alone."""
    groups: list[str] = []
    current = ""
    for word in words:
        if len(word) == 1:
            current += word
            continue
        if current:
            groups.append(current)
        current = ""
    if current:
        groups.append(current)
    return groups


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _latin(run: str) -> str:
    return stem(run)[:MAX_TERM]


def index_terms(text: str) -> set[str]:
    """The distinct terms a message's text is indexed under."""
    terms: set[str] = set()
    for match in _RUN_RE.finditer(normalize(text[:INDEX_CHARS])):
        run = match.group()
        if not is_cjk(run[0]):
            terms.add(_latin(run))
            continue
        terms.update(w[:MAX_TERM] for w in _search_words(run) if len(w) >= 2)
        for group in _single_groups(_precise(run)):
            terms.update(_bigrams(group))
    return terms


@dataclass(frozen=True)
class QueryPlan:
    """`terms` must all be in a message's index; `phrases` must all occur in its text."""

    terms: tuple[str, ...]
    phrases: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases


def plan_query(query: str) -> QueryPlan:
    terms: dict[str, None] = {}
    phrases: dict[str, None] = {}
    for match in _RUN_RE.finditer(normalize(query)):
        run = match.group()
        if not is_cjk(run[0]):
            terms[_latin(run)] = None
            continue
        words = _precise(run)
        for word in words:
            if len(word) >= 2:
                terms[word[:MAX_TERM]] = None
        for group in _single_groups(words):
            if len(group) == 1:
                phrases[group] = None  # a character alone is not in the index: the text must contain it
            terms.update(dict.fromkeys(_bigrams(group)))
    return QueryPlan(tuple(terms), tuple(phrases))


def mention_term(entity_id: str) -> str:
    return (MENTION_PREFIX + entity_id)[:MAX_TERM]


def kind_term(kind: str) -> str:
    return KIND_PREFIX + kind


def chat_term(chat_key: str) -> str:
    return (CHAT_PREFIX + chat_key)[:MAX_TERM]


def chat_term_exact(chat_key: str) -> bool:
    """False when the chat id is too long for a term, so that its term may be shared with another chat."""
    return len(CHAT_PREFIX + chat_key) <= MAX_TERM
