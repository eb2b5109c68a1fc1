"""Term counts of many normalised texts at once: the fast path for building an index of a million questions.

A text's character n-grams, pinyin and words come from its space-separated chunks (no term spans a space,
see terms.py), and questions share most chunks (English words above all), so each distinct chunk is
analysed once and a text's counts are the sum of its chunks': one sparse product, (texts x chunks) @
(chunks x terms). What does not split by chunk joins as extra (text, key) occurrences: the word pair across
a space, and every word key of a text holding one of the robot's domain terms (a term may span a space).
Chinese chunks are cut by `wordcut` (jieba's algorithm over all chunks at once). The counts equal those of
the one-question twin `terms.query_keys`, text by text (tests check it).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from huida.engine.matcher.terms import (
    SPARE_BITS,
    char_keys_many,
    pinyin_keys_many,
    query_keys,
    word_hash,
    word_hashes,
    word_keys,
    word_pair_keys,
    word_unit_keys,
)
from huida.engine.text import CJK, RUN_RE, Tokenizer, cut_cjk, is_cjk, stem
from huida.engine.wordcut import batch_cutter

_U = np.uint64
_CJK_CHUNK = re.compile(f"[{CJK}]+")
_MARK = "\x00"  # prefixes the chunks of texts with a domain term (never in normalised text: a control)
_CHUNK_BITS = SPARE_BITS  # chunk index in the packed (key << _CHUNK_BITS | chunk) integers
_CUTTER_MIN_RUNS = 20_000
_FEW = 64  # texts; fewer are counted one by one
_SPLIT = 50_000  # texts split into chunks at a time


@dataclass(slots=True)
class DocTerms:
    """Sparse term counts: text i holds terms `keys[cols[indptr[i]:indptr[i + 1]]]` (ascending) with
    counts `tf[...]`."""

    keys: np.ndarray  # uint64 distinct keys, ascending
    indptr: np.ndarray  # int64, len(texts) + 1
    cols: np.ndarray  # int32
    tf: np.ndarray  # int32

    @property
    def n_docs(self) -> int:
        return len(self.indptr) - 1


def doc_terms(tokenizer: Tokenizer, texts: Sequence[str]) -> DocTerms:
    """Term counts of normalised texts (what `Counter(query_keys(tokenizer, text))` gives, for all)."""
    if len(texts) <= _FEW:
        return _few(tokenizer, texts)
    pieces = [_mark(t) if tokenizer.has_term(t) else t for t in texts]
    chunks, ids = _chunk_ids(pieces)
    counts = np.fromiter((p.count(" ") + 1 for p in pieces), np.int64, len(pieces))
    word_chunk, hashes = _chunk_words(tokenizer, chunks)
    ext_doc, ext_keys = _extra(tokenizer, texts, pieces, ids, counts, word_chunk, hashes)
    rows = len(chunks) + len(ext_keys)  # chunks, then one row per extra occurrence
    if rows >= 1 << _CHUNK_BITS and len(texts) > 1:  # the packed chunk index would overflow
        half = len(texts) // 2
        return _merge(doc_terms(tokenizer, texts[:half]), doc_terms(tokenizer, texts[half:]))
    clean = [c[1:] if c.startswith(_MARK) else c for c in chunks]
    occurrences = [*_word_occurrences(word_chunk, hashes), char_keys_many(clean), pinyin_keys_many(clean)]
    occurrences.append((len(chunks) + np.arange(len(ext_keys), dtype=np.int64), ext_keys))
    keys, per_chunk = _chunk_matrix(occurrences, rows)
    del occurrences
    matrix = _text_matrix(ids, counts, ext_doc, len(chunks), rows) @ per_chunk
    matrix.sort_indices()  # per-text sums (norms) then run in key order, as they always did
    return DocTerms(keys, matrix.indptr.astype(np.int64), matrix.indices, matrix.data)


def _chunk_ids(pieces: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct chunks (first seen first) and the chunk id of every chunk of every text, in order.

    A slice of texts at a time, so that the millions of short-lived chunk strings reuse the same memory;
    `setdefault` with a running count hashes each chunk once, the value kept being the position of its
    first occurrence, renumbered afterwards."""
    first: dict[str, int] = {}
    raw, seen = [], 0
    for lo in range(0, len(pieces), _SPLIT):
        flat = " ".join(pieces[lo : lo + _SPLIT]).split(" ")
        raw.append(np.fromiter(map(first.setdefault, flat, itertools.count(seen)), np.int64, len(flat)))
        seen += len(flat)
    renumber = np.zeros(seen, dtype=np.int64)
    renumber[np.fromiter(first.values(), np.int64, len(first))] = np.arange(len(first))
    return list(first), renumber[np.concatenate(raw)]


def _text_matrix(ids: np.ndarray, counts: np.ndarray, ext_doc: np.ndarray, n_chunks: int, rows: int) -> sp.csr_matrix:
    """(texts x rows): each text's chunks, then its extra occurrences (row n_chunks + their index)."""
    n_texts = len(counts)
    n_ext = np.bincount(ext_doc, minlength=n_texts)
    indptr = np.concatenate([[0], np.cumsum(counts + n_ext)])
    cols = np.empty(int(indptr[-1]), dtype=np.int32)
    # a chunk's place: its text's row start + its rank among the text's chunks
    shift = np.repeat(indptr[:-1] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    cols[shift + np.arange(len(ids))] = ids
    order = np.argsort(ext_doc, kind="stable")  # two sorted runs (pairs, term texts): a linear merge
    doc = ext_doc[order]
    at = indptr[doc] + counts[doc] + np.arange(len(doc)) - np.repeat(np.cumsum(n_ext) - n_ext, n_ext)
    cols[at] = n_chunks + order
    return sp.csr_matrix((np.ones(len(cols), np.int32), cols, indptr), shape=(n_texts, rows))


def _extra(tokenizer: Tokenizer, texts: Sequence[str], pieces: list[str], ids: np.ndarray, counts: np.ndarray,
           word_chunk: np.ndarray, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (text, key) occurrences that do not split by chunk."""
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    parts = [_cross_pairs(ids, text_of, word_chunk, hashes), _term_text_words(tokenizer, texts, pieces)]
    return np.concatenate([d for d, _ in parts]), np.concatenate([k for _, k in parts])


def _few(tokenizer: Tokenizer, texts: Sequence[str]) -> DocTerms:
    """The counts of a handful of texts (one rule changed) straight from the one-question twin."""
    counts = [Counter(query_keys(tokenizer, t)) for t in texts]
    keys = np.unique(np.fromiter((k for c in counts for k in c), dtype=_U))
    cols = [np.searchsorted(keys, np.array(sorted(c), dtype=_U)).astype(np.int32) for c in counts]
    tf = np.fromiter((c[k] for c in counts for k in sorted(c)), dtype=np.int32)
    indptr = np.concatenate([[0], np.cumsum([len(c) for c in counts], dtype=np.int64)])
    return DocTerms(keys, indptr, np.concatenate([np.zeros(0, np.int32), *cols]), tf)


def _mark(text: str) -> str:
    return " ".join(_MARK + c for c in text.split(" "))


def _chunk_words(tokenizer: Tokenizer, chunks: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word hashes of the distinct chunks, in order, and the chunk of each (marked chunks have none)."""
    runs: dict[str, int] = {}
    segs: list[tuple[int, int, int]] = []  # (chunk, 1 + Chinese run index or 0, hash of a Latin word or 0)
    stem_latin = tokenizer.stem_latin
    for i, chunk in enumerate(chunks):
        if not chunk or chunk[0] == _MARK:
            continue
        if chunk.isascii() and chunk.isalnum():  # an English word: the common case
            segs.append((i, 0, word_hash(stem(chunk) if stem_latin else chunk)))
        elif _CJK_CHUNK.fullmatch(chunk):
            segs.append((i, 1 + runs.setdefault(chunk, len(runs)), 0))
        else:
            for match in RUN_RE.finditer(chunk):
                run = match.group()
                if is_cjk(run[0]):
                    segs.append((i, 1 + runs.setdefault(run, len(runs)), 0))
                elif run[0].isalnum():
                    segs.append((i, 0, word_hash(stem(run) if stem_latin else run)))
    table = np.array(segs, dtype=_U).reshape(-1, 3)
    run_ptr, run_hashes = _cut_hashes(list(runs))
    run_of = table[:, 1].astype(np.int64) - 1  # each segment's Chinese run, or -1
    is_run = run_of >= 0
    n = np.ones(len(run_of), dtype=np.int64)
    n[is_run] = np.diff(run_ptr)[run_of[is_run]]
    first = np.zeros(len(run_of), dtype=np.int64)
    first[is_run] = run_ptr[run_of[is_run]]
    src = np.repeat(first, n) + np.arange(int(n.sum()), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
    from_run = np.repeat(is_run, n)
    hashes = np.repeat(table[:, 2], n)
    hashes[from_run] = run_hashes[src[from_run]]
    return np.repeat(table[:, 0].astype(np.int64), n), hashes


def _cut_hashes(runs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word hashes (terms.word_hash) of jieba's words of each run, as (run pointers, hashes)."""
    if len(runs) < _CUTTER_MIN_RUNS:  # jieba itself (cached per run): the cutter's trie takes a second to build
        words = [cut_cjk(run) for run in runs]
        hashes = np.fromiter((word_hash(w) for ws in words for w in ws), dtype=_U)
        return np.concatenate([[0], np.cumsum([len(ws) for ws in words], dtype=np.int64)]), hashes
    cuts = batch_cutter().cut(runs)
    hashes = word_hashes(cuts.codes, cuts.start, cuts.length)
    return np.searchsorted(cuts.run, np.arange(len(runs) + 1)), hashes


def _word_occurrences(chunk: np.ndarray, hashes: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    same = chunk[1:] == chunk[:-1]
    pairs = word_pair_keys(hashes[:-1][same], hashes[1:][same])
    return [(chunk, word_unit_keys(hashes)), (chunk[:-1][same], pairs)]


def _cross_pairs(ids: np.ndarray, text_of: np.ndarray, word_chunk: np.ndarray,
                 hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Word pairs across a space: the last word of a chunk and the first of the next chunk with words."""
    first = np.searchsorted(word_chunk, np.arange(int(ids.max(initial=-1)) + 2))
    has = first[ids + 1] > first[ids]
    ids, text_of = ids[has], text_of[has]
    same = text_of[1:] == text_of[:-1]
    last_word, first_word = hashes[first[ids[:-1][same] + 1] - 1], hashes[first[ids[1:][same]]]
    return text_of[:-1][same], word_pair_keys(last_word, first_word)


def _term_text_words(tokenizer: Tokenizer, texts: Sequence[str], pieces: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word keys of the texts holding a domain term, one by one (terms are cut out before jieba)."""
    docs, keys = [], []
    for i, (text, piece) in enumerate(zip(texts, pieces, strict=True)):
        if piece is not text:
            mine = word_keys(tokenizer.words(text))
            docs.extend([i] * len(mine))
            keys.extend(mine)
    return np.array(docs, dtype=np.int64), np.array(keys, dtype=_U)


def _chunk_matrix(occurrences: list[tuple[np.ndarray, np.ndarray]], n_rows: int) -> tuple[np.ndarray, sp.csr_matrix]:
    """Distinct keys (ascending) and the (chunks x keys) count matrix, from one sort of packed integers.
    Takes the occurrences over (empties the list) to free each part once it is packed."""
    packed = np.empty(sum(len(k) for _, k in occurrences), dtype=_U)
    at = 0
    while occurrences:
        chunk, key = occurrences.pop()
        packed[at : at + len(key)] = (key << _U(_CHUNK_BITS)) | chunk.astype(_U)
        at += len(key)
        del chunk, key
    packed.sort()
    if not len(packed):
        return np.zeros(0, _U), sp.csr_matrix(np.zeros((n_rows, 0), dtype=np.int32))  # no keys: no columns
    new = np.empty(len(packed), dtype=bool)
    new[0], new[1:] = True, packed[1:] != packed[:-1]
    starts = np.flatnonzero(new)
    del new
    tf = np.diff(np.append(starts, len(packed))).astype(np.int32)
    packed = packed[starts]
    del starts
    chunk = (packed & _U((1 << _CHUNK_BITS) - 1)).astype(np.int32)
    packed >>= _U(_CHUNK_BITS)  # now the keys
    new_key = np.empty(len(packed), dtype=bool)
    new_key[0], new_key[1:] = True, packed[1:] != packed[:-1]
    ptr = np.append(np.flatnonzero(new_key), len(packed))
    keys = packed[new_key]
    del packed, new_key
    return keys, sp.csc_matrix((tf, chunk, ptr), shape=(n_rows, len(ptr) - 1)).tocsr()


def _merge(a: DocTerms, b: DocTerms) -> DocTerms:
    keys = np.union1d(a.keys, b.keys)
    cols = [np.searchsorted(keys, x.keys)[x.cols].astype(np.int32) for x in (a, b)]
    indptr = np.concatenate([a.indptr, a.indptr[-1] + b.indptr[1:]])
    return DocTerms(keys, indptr, np.concatenate(cols), np.concatenate([a.tf, b.tf]))
