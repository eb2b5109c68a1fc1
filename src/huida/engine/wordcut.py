"""jieba's dictionary segmentation (`cut(run, HMM=False)`) of many Chinese runs at once, with numpy.

Building a million-question index spent most of its time in jieba's per-character Python loops. This is
the same algorithm over all runs together: the same prefix dictionary (as a trie, one level per word
length), the same DAG (a word is a dictionary entry with a non-zero count; a character without one is a
word on its own), the same dynamic programme from the end of the block (the same floating-point sums in
the same order; ties go to the longer word, as Python's `max` over `(score, end)` does), and the same
blocks (jieba cuts only `[\\u4e00-\\u9fd5]` spans, every other character is a word alone). The words are
identical to jieba's (tests compare them on every benchmark text); single questions at query time still
go through jieba itself.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

_HAN_LO, _HAN_HI = 0x4E00, 0x9FD5  # jieba's re_han_default, restricted to characters our CJK runs hold
_CHAR_BITS = 21  # code points fit in 21 bits: a trie edge is (parent node << 21) | code point
_SPAN = 1 << 18  # characters cut per numpy pass (bounds the (word length x characters) weight table)


@dataclass(frozen=True, slots=True)
class Cuts:
    """Words of many runs, in order: the run of each word, its start in the concatenated runs, its
    length, and the code points of the concatenated runs."""

    run: np.ndarray
    start: np.ndarray
    length: np.ndarray
    codes: np.ndarray


class BatchCutter:
    """jieba's prefix dictionary as a trie: sorted edge keys, child node and log weight of each edge."""

    def __init__(self, freq: dict[str, int], total: int) -> None:
        words = [w for w in freq if w]  # node i + 1 is words[i]; words with other characters are never reached
        node = dict(zip(words, range(1, len(words) + 1), strict=True))
        node[""] = 0
        parent = np.array([node.get(w[:-1], -1) for w in words], dtype=np.int64)  # jieba adds every prefix
        last = np.frombuffer("".join(w[-1] for w in words).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        counts, inverse = np.unique(np.array([freq[w] for w in words], dtype=np.int64), return_inverse=True)
        logtotal = math.log(total)
        # jieba's own expression in Python floats, log(count) - log(total), once per distinct count
        logs = np.array([math.log(f) - logtotal if f else -math.inf for f in counts.tolist()])
        ok = parent >= 0
        keys = ((parent << _CHAR_BITS) | last)[ok].astype(np.uint64)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.child = (np.arange(len(words), dtype=np.int64) + 1)[ok][order]
        self.weight = logs[inverse.ravel()][ok][order]
        self.single = math.log(1) - logtotal  # a character that is no word: log(FREQ.get(c) or 1) - logtotal
        self.max_len = max(map(len, words), default=1)
        # first characters by direct lookup (every han position asks): edge index, -1 for none
        code = (self.keys & np.uint64((1 << _CHAR_BITS) - 1)).astype(np.int64)
        root = np.flatnonzero(((self.keys >> np.uint64(_CHAR_BITS)) == 0) & (code <= _HAN_HI))
        self.first = np.full(_HAN_HI + 1, -1, dtype=np.int64)
        self.first[code[root]] = root

    def cut(self, runs: list[str]) -> Cuts:
        """Words of each run (runs hold only CJK characters, as `text.RUN_RE` splits them)."""
        codes = np.frombuffer("".join(runs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        lengths = np.fromiter(map(len, runs), dtype=np.int64, count=len(runs))
        run_of = np.repeat(np.arange(len(runs), dtype=np.int64), lengths)
        starts, sizes = [], []
        for lo, hi in _spans(np.cumsum(lengths), len(codes)):
            s, n = self._cut_span(codes[lo:hi], run_of[lo:hi])
            starts.append(s + lo)
            sizes.append(n)
        start = np.concatenate(starts) if starts else np.zeros(0, np.int64)
        length = np.concatenate(sizes) if sizes else np.zeros(0, np.int64)
        return Cuts(run_of[start], start, length, codes)

    def _cut_span(self, codes: np.ndarray, run_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(codes)
        han = (codes >= _HAN_LO) & (codes <= _HAN_HI)
        first = np.ones(n, dtype=bool)  # a block starts at a run start, at a change of kind, at non-han
        first[1:] = (run_of[1:] != run_of[:-1]) | (han[1:] != han[:-1]) | ~han[1:]
        block = np.cumsum(first) - 1
        block_start = np.flatnonzero(first)
        block_end = np.append(block_start[1:], n)[block]  # per position: end of its block
        weights, longest = self._dag(codes, han, block_end)
        choice = self._route(weights, longest, block, block_end)
        return _words(choice, block_start, np.append(block_start[1:], n))

    def _dag(self, codes: np.ndarray, han: np.ndarray, block_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(max_len, n) log weight of the word of length L + 1 starting at each position (-inf: none), and
        the length of the longest word starting there."""
        n = len(codes)
        weights = np.full((self.max_len, n), -np.inf)
        longest = np.ones(n, dtype=np.int64)
        pos = np.flatnonzero(han)
        at = self.first[codes[pos]]
        pos, at = pos[at >= 0], at[at >= 0]
        for size in range(1, self.max_len + 1):
            if size > 1:
                inside = pos + size <= block_end[pos]
                pos, node = pos[inside], self.child[at[inside]]
                key = ((node << _CHAR_BITS) | codes[pos + size - 1]).astype(np.uint64)
                at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
                found = self.keys[at] == key
                pos, at = pos[found], at[found]
            if not len(pos):
                break
            w = self.weight[at]
            word = np.isfinite(w)
            weights[size - 1, pos[word]] = w[word]
            longest[pos[word]] = size
        none = ~np.isfinite(weights).any(axis=0)  # jieba's DAG falls back to the character alone
        weights[0, none] = self.single
        return weights, longest

    def _route(self, weights: np.ndarray, longest: np.ndarray, block: np.ndarray, block_end: np.ndarray) -> np.ndarray:
        """Length of the best word starting at each position (jieba's `calc`), all blocks at once: the
        positions at distance d from their block's end are decided together, d = 0, 1, ..."""
        n = weights.shape[1]
        if not n:
            return np.zeros(0, dtype=np.int64)
        slot = np.arange(n) + block  # one empty slot after each block holds route = 0
        route = np.zeros(n + int(block[-1]) + 1)
        choice = np.ones(n, dtype=np.int64)
        dist = block_end - np.arange(n) - 1
        order = np.argsort(dist, kind="stable")
        bounds = np.searchsorted(dist[order], np.arange(int(dist.max()) + 2))
        for d in range(len(bounds) - 1):
            at = order[bounds[d] : bounds[d + 1]]
            top = min(d + 1, int(longest[at].max()))
            # longest word first, so that argmax (the first best) takes the longer word on a tie, as
            # Python's max((score, end)) does
            sizes = np.arange(top, 0, -1)
            w = weights[(sizes - 1)[:, None], at]
            score = np.where(np.isfinite(w), w + route[slot[at] + sizes[:, None]], -np.inf)
            best = np.argmax(score, axis=0)
            route[slot[at]] = score[best, np.arange(len(at))]
            choice[at] = sizes[best]
        return choice


def _words(choice: np.ndarray, block_start: np.ndarray, block_stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and lengths of the words along the best route of each block."""
    is_start = np.zeros(len(choice), dtype=bool)
    cur, stop = block_start, block_stop
    while len(cur):
        is_start[cur] = True
        cur = cur + choice[cur]
        keep = cur < stop
        cur, stop = cur[keep], stop[keep]
    start = np.flatnonzero(is_start)
    return start, choice[start]


def _spans(run_ends: np.ndarray, n: int) -> list[tuple[int, int]]:
    """Ranges of whole runs of about `_SPAN` characters each."""
    out, lo = [], 0
    while lo < n:
        hi = int(run_ends[min(int(np.searchsorted(run_ends, lo + _SPAN)), len(run_ends) - 1)])
        out.append((lo, hi))
        lo = hi
    return out


_lock = threading.Lock()
_cutter: BatchCutter | None = None


def batch_cutter() -> BatchCutter:
    """The process's one cutter, built from the shared jieba dictionary on first use (about a second)."""
    global _cutter
    if _cutter is None:
        with _lock:
            if _cutter is None:
                from huida.engine.text import base_jieba

                tk = base_jieba()
                _cutter = BatchCutter(tk.FREQ, tk.total)
    return _cutter
