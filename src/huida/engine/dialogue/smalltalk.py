"""Small talk: greetings, thanks, goodbyes, "are you a robot?", praise, complaints, laughter, "好的", emoji.

A message is small talk when it *is* one of an entry's patterns, give or take what visitors add without
changing what they mean:

- particles and punctuation: "你好呀！", "Hi!";
- an address or a filler after it, at most MAX_EXTRA characters in Chinese: "谢谢你们", "在吗亲", "hi there",
  "thanks a lot";
- repeated characters or words: "哈哈哈哈", "在吗在吗", "嗯嗯", "bye bye bye";
- an interjection in front: "嗯嗯好的", "oh ok";
- a few such phrases in a row: "好的，谢谢", "thanks, bye" (the last one is answered).

A question that merely starts with one is not small talk ("你好，退款多久到账", "hi, how do I reset my pin"),
nor is a word that only begins like a pattern ("history" is not "hi"). When several entries fit, the one
whose pattern is the whole message wins over one that only starts it, then the longer pattern: "你好笨" is a
complaint, not "你好" with a character added.

`normalize` drops emoji and emoticons, so patterns made of them ("👍", ":)") are matched on the raw text:
a message of nothing but emoji gets the entry of its first known one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from huida.engine.dialogue.types import SmallTalk
from huida.engine.text import CJK, has_cjk, normalize

__all__ = ["MAX_EXTRA", "match_small_talk", "small_talk_reply"]

MAX_EXTRA = 2  # Chinese characters a visitor may add after a pattern ("谢谢你们"); more is another sentence
MAX_PARTS = 4  # "嗯嗯，好的，谢谢，再见": more phrases than this is not a reply to small talk
MAX_PARTS_CHARS = 40

_TRAILING = re.compile(r"[啊呀呢吧哈嘛哦噢啦哟喔哇咯~!！。.,，?？\s]+$")
_LEADING = re.compile(r"^(?:[嗯哦噢喔啊额呃诶哎唉]+|(?:oh|ah|um|uh|hm) )")  # not "well": "well done"
_CJK_SPACE = re.compile(f"(?<=[{CJK}]) | (?=[{CJK}])")  # "好的 谢谢" (from "好的，谢谢") reads as "好的谢谢"
_REPEATED_WORD = re.compile(r"\b([a-z]+)(?: \1\b)+")
_REPEATED_UNIT = re.compile(r"(\D{1,4}?)\1+")  # 哈哈哈 -> 哈, 在吗在吗 -> 在吗, haha -> ha
# Digits only lose long runs (23333 -> 2333): 88 (bye) must not become 8.
_REPEATED_DIGIT = re.compile(r"(\d)\1{3,}")
_PARTS = re.compile(f"[^\\w\\s'\u2019]+|(?<=[{CJK}])\\s+|\\s+(?=[{CJK}])")
# Whatever joins an emoji without being one: variation selectors, skin tones, the zero-width joiner.
_EMOJI_GLUE = re.compile("[\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\u200d\\s]")

_ZH_FILLERS = frozenset("你您们啦了哈亲哟喔哒滴呀啊")
_ZH_FILLER_WORDS = frozenset({"客服", "大家", "各位", "朋友"})
_EN_FILLERS = frozenset({
    "there", "guys", "all", "everyone", "again", "so", "much", "very", "a", "lot", "lots", "you", "bot", "robot",
    "dear", "team", "friend", "mate", "buddy", "too", "then", "now", "for", "that", "it", "sir", "madam",
})


def _squeeze(text: str) -> str:
    """One copy of whatever visitors repeat; patterns go through the same, so "谢谢" and "谢" both match."""
    text = _REPEATED_WORD.sub(r"\1", text)
    text = _REPEATED_UNIT.sub(r"\1", text)
    return _REPEATED_DIGIT.sub(r"\1\1\1", text)


def _strip(pattern: re.Pattern[str], text: str) -> str:
    # "哈哈" and "嗯" are nothing but particles: they stay what they are rather than become nothing.
    return pattern.sub("", text).strip() or text


def _canon(normalized: str) -> str:
    """The form messages and patterns are compared in."""
    text = _squeeze(_CJK_SPACE.sub("", normalized.strip()))
    return _strip(_LEADING, _strip(_TRAILING, text))


_FILLER_WORDS = frozenset(_squeeze(w) for w in _EN_FILLERS | _ZH_FILLER_WORDS)


def _is_filler(extra: str) -> bool:
    """What may follow a pattern: an address or a particle ("你们", "there", "a lot"), nothing with content."""
    extra = extra.strip()
    if not extra:
        return True
    if has_cjk(extra):
        return len(extra) <= MAX_EXTRA and (all(ch in _ZH_FILLERS for ch in extra) or extra in _FILLER_WORDS)
    return all(word in _FILLER_WORDS for word in extra.split())


def _closeness(text: str, key: str) -> int:
    """2: the message is the pattern; 1: the pattern and fillers; 0: something else."""
    if text == key:
        return 2
    if not text.startswith(key):
        return 0
    extra = text[len(key):]
    # "hi" must not match "history": a Latin pattern needs a word break after it.
    if key[-1].isascii() and key[-1].isalnum() and extra[0].isascii() and extra[0].isalnum():
        return 0
    return 1 if _is_filler(extra) else 0


@dataclass(frozen=True)
class _Table:
    # (compared form of a pattern, index of its entry). Indices, not entries: the cache is shared by equal
    # lists, and the caller gets back its own entry objects.
    words: tuple[tuple[str, int], ...]  # in the entries' order
    symbols: tuple[tuple[str, int], ...]  # emoji and emoticon patterns, longest first


def _is_symbolic(normalized: str) -> bool:
    """Emoji and emoticons: nothing, or a single letter (":D" -> "d"), is left of them once normalised."""
    return not has_cjk(normalized) and sum(ch.isalnum() for ch in normalized) <= 1


def _symbols(raw: str) -> str:
    return _REPEATED_UNIT.sub(r"\1", _EMOJI_GLUE.sub("", unicodedata.normalize("NFKC", raw).casefold()))


@lru_cache(maxsize=256)
def _table(entries: tuple[SmallTalk, ...]) -> _Table:
    """Every pattern in its compared form, computed once per list of entries (not once per message)."""
    words: list[tuple[str, int]] = []
    symbols: list[tuple[str, int]] = []
    for i, entry in enumerate(entries):
        for pattern in entry.patterns:
            normalized = normalize(pattern)
            if _is_symbolic(normalized):
                if key := _symbols(pattern):
                    symbols.append((key, i))
            elif key := _canon(normalized):
                words.append((key, i))
    symbols.sort(key=lambda item: -len(item[0]))  # stable: among equally long keys the first entry wins
    return _Table(tuple(words), tuple(symbols))


def _match_words(normalized: str, table: _Table) -> int | None:
    text = _canon(normalized)
    best, best_rank = None, (0, 0)
    for key, i in table.words:
        closeness = _closeness(text, key)
        if closeness and (closeness, len(key)) > best_rank:
            best, best_rank = i, (closeness, len(key))
    return best


def _match_symbols(raw: str, table: _Table, whole: bool) -> int | None:
    """The entry of the first emoji or emoticon of the message; with `whole`, only if nothing else is in it."""
    text, pos, first = _symbols(raw), 0, None
    while pos < len(text):
        found = next(((key, entry) for key, entry in table.symbols if text.startswith(key, pos)), None)
        if found is None:
            if whole:
                return None
            pos += 1
            continue
        first = found[1] if first is None else first
        pos += len(found[0])
    return first


def _match_parts(raw: str, table: _Table) -> int | None:
    """"好的，谢谢", "thanks, bye": every phrase small talk on its own; the last one is answered."""
    if len(raw) > MAX_PARTS_CHARS:
        return None
    parts = [p for p in _PARTS.split(raw) if p.strip()]
    if not 2 <= len(parts) <= MAX_PARTS:
        return None
    last = None
    for part in parts:
        last = _match_words(normalize(part), table) if normalize(part) else _match_symbols(part, table, True)
        if last is None:
            return None
    return last


def small_talk_reply(raw_text: str, normalized_text: str, entries: Sequence[SmallTalk]) -> SmallTalk | None:
    """The small-talk entry that answers the message, or None when it is not small talk.

    `raw_text` is the message as sent (emoji live only there), `normalized_text` its `normalize` form.
    """
    if not entries or not raw_text.strip():
        return None
    entries = tuple(entries)
    table = _table(entries)
    emoji_only = not normalized_text.strip()
    # A message of emoji and emoticons only (":D" keeps a letter, hence the check before the words).
    found = _match_symbols(raw_text, table, whole=not emoji_only)
    if found is None and not emoji_only:
        found = _match_words(normalized_text, table)
        if found is None:
            found = _match_parts(raw_text, table)
    return None if found is None else entries[found]


def match_small_talk(normalized_text: str, entries: tuple[SmallTalk, ...]) -> SmallTalk | None:
    """The entry whose pattern is the message (no emoji: the raw text is unknown). Kept for callers that
    only have the normalised text; `small_talk_reply` is the full check."""
    return small_talk_reply(normalized_text, normalized_text, entries)
