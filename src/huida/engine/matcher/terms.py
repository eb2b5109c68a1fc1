"""Terms of normalised texts as 40-bit keys: words, character n-grams and pinyin.

A term is never stored as a string: it is a stable 64-bit polynomial hash of its code points, mixed down
to 40 bits (about one collision per robot at a million questions, harmless for matching), so a million
questions are analysed with a few numpy passes instead of millions of Python string operations. The three
lowest key bits say which field a term belongs to and whether it is a single unit (a word, a Chinese
character, a syllable) rather than a pair or an n-gram: coverage features sum the idf of single units.
The batch functions here (characters, pinyin) and bulk.py (words, and the counts of whole texts) have
Python twins for the one question asked at query time; the two give the same keys (tests check it).

Fields:
- word: jieba words (Chinese) and Snowball-stemmed Latin words, plus adjacent word pairs (some order);
- char: character 1-3 grams of chunks holding Chinese, padded 2-4 grams of Latin words (typos,
  segmentation errors);
- pinyin: fuzzy toneless syllables of Chinese characters and adjacent syllable pairs (homophone typos).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from huida.engine.text import Tokenizer, is_cjk, pinyin_fuzzy, pinyin_syllables
from huida.engine.textcache import short_text_cache

KEY_BITS = 40
SPARE_BITS = 64 - KEY_BITS  # below a key in one uint64: bulk.py packs (key, chunk) so that one sort orders both
_MASK = (1 << 64) - 1
_P = 0x100000001B3  # polynomial base (FNV prime): odd, so no information is lost modulo 2**64
_MIX = 0x9E3779B97F4A7C15  # Fibonacci hashing: the top bits of h * _MIX are well mixed
_SHIFT = SPARE_BITS  # a key is the top KEY_BITS bits of the mixed hash
_SALT_WORD, _SALT_PAIR, _SALT_GRAM, _SALT_SYL, _SALT_SYL2 = 3, 5, 7, 11, 13
_U = np.uint64

FIELDS = ("word", "char", "pinyin")
WORD, CHAR, PINYIN = 0, 1, 2
_TAG_BITS = 3  # bit 0: single unit; bits 1-2: field
_HASH_MASK = ((1 << KEY_BITS) - 1) & ~((1 << _TAG_BITS) - 1)
Occurrences = tuple[np.ndarray, np.ndarray]  # (text index of each term occurrence, uint64 key)


def mix(h: int, field: int, single: bool) -> int:
    return ((((h * _MIX) & _MASK) >> _SHIFT) & _HASH_MASK) | (field << 1) | single


def _mix_array(h: np.ndarray, field: int, single: bool) -> np.ndarray:
    return ((h * _U(_MIX)) >> _U(_SHIFT)) & _U(_HASH_MASK) | _U((field << 1) | single)


def field_of(keys: np.ndarray) -> np.ndarray:
    return ((keys >> _U(1)) & _U(3)).astype(np.int64)


def _poly(salt: int, codes: Iterable[int]) -> int:
    h = salt
    for c in codes:
        h = (h * _P + c) & _MASK
    return h


# --- words ----------------------------------------------------------------------------------------------
@short_text_cache(maxsize=1 << 17, longest=32)
def word_hash(word: str) -> int:
    return _poly(_SALT_WORD, map(ord, word))


def word_keys(words: Sequence[str]) -> list[int]:
    hashes = [word_hash(w) for w in words]
    keys = [mix(h, WORD, True) for h in hashes]
    pairs = zip(hashes, hashes[1:], strict=False)
    keys.extend(mix(((a * _P + b) * _P + _SALT_PAIR) & _MASK, WORD, False) for a, b in pairs)
    return keys


def word_hashes(codes: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """`word_hash` of many words at once: word i is `codes[start[i]:start[i] + length[i]]` (bulk.py)."""
    hashes = np.full(len(start), _SALT_WORD, dtype=_U)
    codes = codes.astype(_U)
    with np.errstate(over="ignore"):
        for i in range(int(length.max(initial=0))):
            longer = np.flatnonzero(length > i)
            hashes[longer] = hashes[longer] * _U(_P) + codes[start[longer] + i]
    return hashes


def word_unit_keys(hashes: np.ndarray) -> np.ndarray:
    """`word_keys`' key of each single word (word hashes), for many at once (bulk.py)."""
    return _mix_array(hashes, WORD, True)


def word_pair_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`word_keys`' key of each adjacent pair (word hashes a, b), for many at once (bulk.py)."""
    with np.errstate(over="ignore"):
        return _mix_array((a * _U(_P) + b) * _U(_P) + _U(_SALT_PAIR), WORD, False)


# --- character n-grams ------------------------------------------------------------------------------------
def char_keys(text: str) -> list[int]:
    keys: list[int] = []
    for chunk in text.split(" "):
        if chunk:
            keys.extend(_chunk_keys(chunk))
    return keys


@short_text_cache(maxsize=1 << 15, longest=24)
def _chunk_keys(chunk: str) -> tuple[int, ...]:
    """Keys of one space-free chunk (cached: Latin words recur in nearly every question)."""
    keys: list[int] = []
    add = keys.append
    codes = [ord(c) for c in chunk]
    if any(is_cjk(c) for c in chunk):
        sizes = 3
    else:
        sizes, codes = 4, [32, *codes, 32]
    last = len(codes)
    for i in range(last):
        h = _SALT_GRAM
        for n in range(1, min(sizes, last - i) + 1):
            h = (h * _P + codes[i + n - 1]) & _MASK
            if sizes == 3 or n >= 2:
                add(((((h * _MIX) & _MASK) >> _SHIFT) & _HASH_MASK) | _CHAR_TAG | (n == 1))
    return tuple(keys)


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of ' ' + texts joined by ' ' + ' ', and the text index of every position (-1 on the
    separators)."""
    codes = np.frombuffer((" " + " ".join(texts) + " ").encode("utf-32-le"), dtype=np.uint32).astype(_U)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths)
    starts = 1 + np.arange(len(texts)) + ends - lengths  # first position of each text
    offsets = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - np.repeat(ends - lengths, lengths)
    doc = np.full(len(codes), -1, dtype=np.int64)
    doc[np.repeat(starts, lengths) + offsets] = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    return codes, doc


def _cjk_mask(codes: np.ndarray) -> np.ndarray:
    c = codes
    return (
        ((c >= 0x4E00) & (c <= 0x9FFF)) | ((c >= 0x3400) & (c <= 0x4DBF)) | ((c >= 0xF900) & (c <= 0xFAFF))
    ) | (c >= 0x20000)


_CHAR_TAG = CHAR << 1


def char_keys_many(texts: Sequence[str]) -> Occurrences:
    codes, doc = _codes(texts)
    space = (doc < 0) | (codes == 32)
    # chunk id of a position = number of spaces up to and including it: the space before a chunk and the
    # chunk's characters share it, the space after the chunk starts the next one.
    chunk = np.cumsum(space)
    cjk = _cjk_mask(codes) & ~space
    chunk_cjk = np.bincount(chunk, weights=cjk, minlength=int(chunk[-1]) + 1) > 0
    in_cjk = chunk_cjk[chunk]  # the window starting here lies in a chunk holding Chinese
    latin = ~in_cjk
    spaces_before = np.concatenate([[0], np.cumsum(space)])  # spaces in codes[:i]
    doc_after_space = np.where(space[:-1], doc[1:], doc[:-1])  # a padded window's text
    docs, keys = [], []
    hashes = np.full(len(codes), _SALT_GRAM, dtype=_U)
    with np.errstate(over="ignore"):
        for n in (1, 2, 3, 4):
            m = len(codes) - n + 1
            if m <= 1:
                break
            hashes = hashes[:m] * _U(_P) + codes[n - 1 : n - 1 + m]
            if n <= 3:  # Chinese chunks: whole windows inside the chunk
                ok = (spaces_before[n : n + m] == spaces_before[:m]) & in_cjk[:m]
                docs.append(doc[:m][ok])
                keys.append(_mix_array(hashes[ok], CHAR, n == 1))
            if n >= 2:  # Latin chunks: padded windows, a space allowed only at either end
                ok = (spaces_before[n - 1 : n - 1 + m] == spaces_before[1 : 1 + m]) & latin[:m]
                if n == 2:  # two spaces (around an empty text) hold no character
                    ok &= ~(space[:m] & space[1 : 1 + m])
                docs.append(doc_after_space[:m][ok])
                keys.append(_mix_array(hashes[ok], CHAR, False))
    return np.concatenate(docs), np.concatenate(keys)


# --- pinyin ---------------------------------------------------------------------------------------------
_CHAR_HASH: dict[int, int] = {}  # code point -> hash of its fuzzy syllable (grows with the characters seen)


def _syllable_hash(code: int) -> int:
    h = _CHAR_HASH.get(code)
    if h is None:
        syllable = pinyin_fuzzy(pinyin_syllables(chr(code)))[0]
        h = _CHAR_HASH[code] = _poly(_SALT_SYL, map(ord, syllable))
    return h


def pinyin_keys(text: str) -> list[int]:
    keys: list[int] = []
    prev_pos, prev_h = -2, 0
    for pos, ch in enumerate(text):
        if not is_cjk(ch):
            continue
        h = _syllable_hash(ord(ch))
        keys.append(mix(h, PINYIN, True))
        if prev_pos == pos - 1:
            keys.append(mix(((prev_h * _P + h) * _P + _SALT_SYL2) & _MASK, PINYIN, False))
        prev_pos, prev_h = pos, h
    return keys


def pinyin_keys_many(texts: Sequence[str]) -> Occurrences:
    codes, doc = _codes(texts)
    cjk = _cjk_mask(codes) & (doc >= 0)
    pos = np.flatnonzero(cjk)
    if not len(pos):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=_U)
    chars = codes[pos].astype(np.int64)
    seen = np.flatnonzero(np.bincount(chars))  # distinct characters (a table lookup, not a sort)
    table = np.zeros(int(seen[-1]) + 1, dtype=_U)
    table[seen] = np.array([_syllable_hash(c) for c in seen.tolist()], dtype=_U)
    hashes = table[chars]
    adjacent = pos[1:] == pos[:-1] + 1
    with np.errstate(over="ignore"):
        pairs = (hashes[:-1][adjacent] * _U(_P) + hashes[1:][adjacent]) * _U(_P) + _U(_SALT_SYL2)
    docs = np.concatenate([doc[pos], doc[pos[:-1][adjacent]]])
    return docs, np.concatenate([_mix_array(hashes, PINYIN, True), _mix_array(pairs, PINYIN, False)])


def query_keys(tokenizer: Tokenizer, text: str) -> list[int]:
    """Keys of one normalised question, every field."""
    return word_keys(tokenizer.words(text)) + char_keys(text) + pinyin_keys(text)
