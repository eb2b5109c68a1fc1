"""Text normalisation and tokens for matching (pure; no Huida imports outside the engine).

`normalize` is the one canonical form every stored question and every visitor question goes through
before matching: NFKC (full-width to half-width), case fold, traditional to simplified Chinese, emoji and
noise punctuation removed, whitespace collapsed, while digits and amounts (``¥1,000.50``, ``3.5%``,
``7:30``) survive.

Tokens: `Tokenizer.words` (jieba for Chinese, a simple word split with the Snowball stemmer for Latin text,
plus a robot's own domain terms kept whole), `char_ngrams`, and pinyin helpers for homophone typos.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import ahocorasick

from huida.engine.textcache import short_text_cache

if TYPE_CHECKING:
    import jieba

__all__ = [
    "Tokenizer",
    "char_ngrams",
    "has_cjk",
    "is_cjk",
    "normalize",
    "normalize_many",
    "pinyin_fuzzy",
    "pinyin_syllables",
    "stem",
]

_KEEP_PUNCT = {"%", ".", ",", ":", "+", "-"}  # kept only inside numbers (decided by _PUNCT below)
_DROP_JOINED = {"'", "\u2019", "\u2018", "\u02bc"}  # apostrophes: "don't" -> "dont", as people type it
_VARIATION = range(0xFE00, 0xFE10)


class _CharTable(dict[int, str | None]):
    """`str.translate` table computed lazily per code point (fast after the first sight of a char)."""

    def __missing__(self, code: int) -> str | None:
        value = _classify(chr(code))
        self[code] = value
        return value


def _classify(ch: str) -> str | None:
    if ch in _DROP_JOINED or ord(ch) in _VARIATION:
        return None
    cat = unicodedata.category(ch)
    if ch in _KEEP_PUNCT or cat == "Sc":  # currency symbols are part of amounts
        return ch
    if cat[0] in "PS" or cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        # Punctuation, emoji (So), modifiers (Sk, skin tones), ZWJ (Cf), controls: a word break.
        return None if cat in ("Sk", "Cf") else " "
    if cat[0] == "Z" or ch.isspace():
        return " "
    return ch


_TABLE = _CharTable()
# Punctuation that is kept by the table, but only where it belongs to a number: 1,000 / 3.5 / 7:30 / 5% / -3.
_PUNCT = re.compile(r"[.,:%+\-]")
_DIGIT = re.compile(r"\d")  # the characters str.isdecimal() accepts
_PUNCT_SPACE = str.maketrans(dict.fromkeys(".,:%+-", " "))
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

_converter_lock = threading.Lock()
_converter = None


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    simplified: str = _converter.convert(text)
    return simplified


def normalize(text: str) -> str:
    """Canonical form of a question for matching; idempotent (normalize(normalize(x)) == normalize(x))."""
    if not text:
        return ""
    text = _fold(text)
    if has_cjk(text):
        text = _t2s(text)
    return " ".join(text.split())


def normalize_many(texts: Sequence[str]) -> list[str]:
    """`normalize` of each text (the same results), with the traditional-to-simplified conversion run once
    over all the Chinese texts joined by newlines (one OpenCC call instead of one per text; its phrases
    never span a newline, and no text holds one any more: the table makes every control a space)."""
    parts = [_fold(t) for t in texts]
    chinese = [i for i, part in enumerate(parts) if has_cjk(part)]
    if chinese:
        converted = _t2s("\n".join(parts[i] for i in chinese)).split("\n")
        if len(converted) != len(chinese):  # not expected; the one-by-one definition stays the reference
            return [normalize(t) for t in texts]
        for i, part in zip(chinese, converted, strict=True):
            parts[i] = part
    return [" ".join(part.split()) for part in parts]


def _fold(text: str) -> str:
    """Every step of `normalize` before the traditional-to-simplified conversion and the spacing."""
    return _number_punct(unicodedata.normalize("NFKC", text).casefold().translate(_TABLE))


def _number_punct(text: str) -> str:
    """Drops . , : % + - except inside numbers (3.5, 1,000, 7:30, 5%, -3); thousands separators go."""
    if not _PUNCT.search(text):
        return text
    if not _DIGIT.search(text):  # no number: every one of them goes (the common case, and much faster)
        return text.translate(_PUNCT_SPACE)
    return _THOUSANDS.sub("", _PUNCT.sub(_keep_in_number, text))


def _keep_in_number(match: re.Match[str]) -> str:
    # A callback on a plain character class is several times faster than lookaround alternatives: the
    # regex engine can skip straight to the next candidate character.
    s, i = match.string, match.start()
    ch = s[i]
    before = i > 0 and s[i - 1].isdecimal()
    after = i + 1 < len(s) and s[i + 1].isdecimal()
    if ch == "%":
        return ch if before else " "
    if ch in "+-":
        return ch if after else " "
    return ch if before and after else " "


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code >= 0x20000


# CJK ideographs, as the body of a regex character class (shared by the matcher, bulk.py and reading)
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_CJK_RE = re.compile(f"[{CJK}]")
# Runs: a CJK run, a Latin/digit word (numbers keep their inner punctuation: 3.5%, 7:30), or one symbol.
RUN_RE = re.compile(f"[{CJK}]+|[^\\W_{CJK}]+(?:[.,:%][^\\W_{CJK}]+)*%?|\\S")


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


_stemmer_lock = threading.Lock()


@short_text_cache(maxsize=65536, longest=32)
def stem(word: str) -> str:
    """English Snowball (Porter2) stem of a Latin word: refunds/refunded/refunding -> refund."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    with _stemmer_lock:  # a PyStemmer object is not safe to share between threads
        stemmed: str = _english().stemWord(word)
        return stemmed


@lru_cache(maxsize=1)
def _english() -> Any:  # PyStemmer has no type information
    import Stemmer

    return Stemmer.Stemmer("english")


# --- Chinese words --------------------------------------------------------------------------------------
# One private jieba tokenizer for all robots: jieba's global dictionary (jieba.dt) is shared by anything in
# the process, and one Tokenizer per robot costs ~100 MB. A robot's own terms are kept whole by cutting the
# text around them (Aho-Corasick, leftmost-longest), which is what adding them to the dictionary would do.
_jieba_lock = threading.Lock()
_jieba = None


def base_jieba() -> jieba.Tokenizer:
    """The process's one plain jieba tokenizer (no user words), loaded on first use."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                _jieba = tk
    return _jieba


@short_text_cache(maxsize=50_000, longest=32)
def cut_cjk(run: str) -> tuple[str, ...]:
    """jieba's words of one CJK run: the reference cut (wordcut.py reproduces it for many runs at once)."""
    return tuple(w for w in base_jieba().cut(run, HMM=False) if w.strip())


class Tokenizer:
    """Word tokens of normalised text; per-robot domain terms, one shared base dictionary."""

    def __init__(self, domain_terms: Iterable[str] = (), stem_latin: bool = True) -> None:
        self.stem_latin = stem_latin
        terms = sorted({normalize(t) for t in domain_terms if t and normalize(t)})
        self.domain_terms: tuple[str, ...] = tuple(terms)
        self._automaton = None
        if terms:
            automaton = ahocorasick.Automaton()
            for term in terms:
                automaton.add_word(term, len(term))
            automaton.make_automaton()
            self._automaton = automaton

    def words(self, text: str) -> list[str]:
        """Tokens of already normalised text."""
        out: list[str] = []
        for start, end, is_term in self._spans(text):
            piece = text[start:end]
            if is_term:
                out.append(piece)
            else:
                self._plain_words(piece, out)
        return out

    def has_term(self, text: str) -> bool:
        """Whether one of the robot's domain terms occurs in the text."""
        return self._automaton is not None and next(self._automaton.iter(text), None) is not None

    def _spans(self, text: str) -> list[tuple[int, int, bool]]:
        if self._automaton is None:
            return [(0, len(text), False)]
        spans: list[tuple[int, int, bool]] = []
        pos = 0
        for start, end in _leftmost_longest(self._automaton, text):
            if start > pos:
                spans.append((pos, start, False))
            spans.append((start, end, True))
            pos = end
        if pos < len(text):
            spans.append((pos, len(text), False))
        return spans

    def _plain_words(self, text: str, out: list[str]) -> None:
        for match in RUN_RE.finditer(text):
            run = match.group()
            if is_cjk(run[0]):
                out.extend(cut_cjk(run))
            elif run[0].isalnum():
                out.append(stem(run) if self.stem_latin else run)


def _leftmost_longest(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int]]:
    found = sorted(((end - length + 1, end + 1) for end, length in automaton.iter(text)), key=lambda s: (s[0], -s[1]))
    spans: list[tuple[int, int]] = []
    pos = 0
    for start, end in found:
        if start >= pos:
            spans.append((start, end))
            pos = end
    return spans


def char_ngrams(text: str, n_min: int = 1, n_max: int = 3, boundary: bool = True) -> list[str]:
    """Character n-grams of normalised text; spaces become word boundaries for Latin text.

    Chinese has no spaces, so n-grams run across CJK characters; for Latin words a padded form ``" ab "``
    makes prefixes and suffixes distinct (typos inside a word keep most grams).
    """
    grams: list[str] = []
    for chunk in text.split(" "):
        if not chunk:
            continue
        padded = f" {chunk} " if boundary and not is_cjk(chunk[0]) else chunk
        size = len(padded)
        for n in range(n_min, n_max + 1):
            for i in range(size - n + 1):
                gram = padded[i : i + n]
                if gram != " ":
                    grams.append(gram)
    return grams


# --- pinyin ---------------------------------------------------------------------------------------------
# Homophone typos (微粒货 / 微利贷 / 威力带 for 微粒贷) share pinyin. `pinyin_fuzzy` also folds the pairs
# that speakers of many dialects and pinyin input methods mix up (zh/z, ch/c, sh/s, n/l, -ng/-n), so that
# a typo one initial or final away still meets the right syllable.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("r", "n"), ("f", "h"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


@lru_cache(maxsize=65536)
def _char_pinyin(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(ch, style=Style.NORMAL, errors="default")[0]


def pinyin_syllables(text: str) -> list[str]:
    """One toneless syllable per CJK character; Latin words and digits pass through as one token each.

    Characters are looked up one by one (cached): a homophone typo rarely forms a dictionary phrase, so
    phrase-level polyphone disambiguation would make typo and original disagree more, not less.
    """
    out: list[str] = []
    for match in RUN_RE.finditer(text):
        run = match.group()
        if is_cjk(run[0]):
            out.extend(_char_pinyin(ch) for ch in run)
        elif run[0].isalnum():
            out.append(run)
    return out


@lru_cache(maxsize=65536)
def _fuzzy(syllable: str) -> str:
    if not syllable.isascii() or not syllable.isalpha():
        return syllable
    for src, dst in _FUZZY_INITIALS:
        if syllable.startswith(src):
            syllable = dst + syllable[len(src) :]
            break
    for src, dst in _FUZZY_FINALS:
        if syllable.endswith(src):
            syllable = syllable[: -len(src)] + dst
            break
    return syllable


def pinyin_fuzzy(syllables: Sequence[str]) -> list[str]:
    return [_fuzzy(s) for s in syllables]
