"""The lexical index of one robot (stored questions plus postings), and the scores of one question.

Candidates come from the question's rarer terms: terms held by more than `COMMON_SHARE` of the stored
questions (the, 怎么, 吗; common English character bigrams) are left out, which keeps the cost of a
question near-constant in the size of the knowledge; a real match always shares a rarer term. A doc's
field score is its cosine with the question over those terms: exact for small robots, where no term is
left out, and the same definition in training and at query time either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from huida.engine.matcher.bulk import doc_terms
from huida.engine.matcher.postings import N_FIELDS, SLOTS, Postings, Terms
from huida.engine.matcher.store import DocStore
from huida.engine.matcher.terms import CHAR, FIELDS, WORD, query_keys
from huida.engine.text import Tokenizer, normalize_many

COMMON_SHARE = 0.005  # at a million questions: terms in more than 5,000 of them
_COMMON_MIN_DF = 1000  # small robots: every term counts
_DELTA_SHARE = 0.1  # the delta segment is merged into the base beyond this share of the base

COLUMNS = ("word", "char", "pinyin", "assoc", "dense")  # per-doc signals; all but assoc are combined


class LexicalIndex:
    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.store = DocStore()
        self.postings = Postings()
        self._dead: np.ndarray | None = None

    # --- changes ----------------------------------------------------------------------------------------
    def add_many(self, rules: Sequence[tuple[str, Sequence[str]]], learned: bool = False) -> list[int]:
        """Add the questions of several rules in one batch (fast path for building)."""
        first = self.store.n_docs
        normal = iter(normalize_many([q for _, questions in rules for q in questions]))
        kept: list[tuple[str, int]] = []
        texts: list[str] = []
        originals: list[str] = []
        for rule_id, questions in rules:
            size = len(texts)
            for q in questions:
                if n := next(normal):
                    texts.append(n)
                    originals.append(q)
            if len(texts) > size:
                kept.append((rule_id, len(texts) - size))
        self.store.add_rules(kept, texts, originals, learned)
        self.postings.add(first, doc_terms(self.tokenizer, texts))
        p = self.postings
        if p.delta_size() > max(5000, _DELTA_SHARE * p.base_end):
            self.compact()
        return list(range(first, first + len(texts)))

    def remove_rule(self, rule_id: str, learned_too: bool = True) -> list[int]:
        gone = self.store.remove_rule(rule_id, learned_too)
        if gone:
            self._dead = None
            self.postings.remove(gone)
        return gone

    def compact(self) -> None:
        if self.postings.delta_size() or self.store.n_dead:
            self.postings.compact(self.store.live.view)

    def dead_docs(self) -> np.ndarray:
        if self._dead is None or len(self._dead) != self.store.n_dead:
            self._dead = np.flatnonzero(~self.store.live.view)
        return self._dead

    # --- querying ---------------------------------------------------------------------------------------
    def query_terms(self, text: str) -> Terms:
        return self.postings.query(query_keys(self.tokenizer, text))

    def field_scores(self, text: str) -> dict[str, np.ndarray]:
        """Cosine of a normalised question with every doc, per field (removed docs score 0)."""
        q = self.query_terms(text)
        docs, vals, which = self.postings.postings(q.ids, q.weights)
        n = self.store.n_docs
        out = {}
        for f, name in enumerate(FIELDS):
            mine = q.fields[which] == f
            vec = _sums(docs[mine], vals[mine], n)
            vec[self.dead_docs()] = 0.0
            out[name] = vec
        return out


@dataclass
class DocScores:
    """One question against the index: the postings of its rarer terms, summed into a score per doc (the
    candidates), and per-field scores, coverage and dense similarity of chosen docs on demand."""

    index: LexicalIndex
    terms: Terms
    exclude: list[int] = field(default_factory=list)  # docs that must not match (held-out questions)
    dense_vec: np.ndarray | None = None  # embeddings: similarity with every doc
    assoc: Terms | None = None  # the question translated through learned term associations
    combined: np.ndarray = field(init=False)
    _hits: tuple[np.ndarray, np.ndarray, np.ndarray] = field(init=False)  # docs, values, column

    def __post_init__(self) -> None:
        p = self.index.postings
        n = self.index.store.n_docs
        q = self.terms
        rare = p.df.view[q.ids] <= max(_COMMON_MIN_DF, COMMON_SHARE * n)
        if not rare.all():
            q = Terms(q.ids[rare], q.weights[rare], q.fields[rare], q.singles, q.mass)
        docs, vals, which = p.postings(q.ids, q.weights)
        columns = q.fields[which]
        combined = _sums(docs, vals, n)
        if self.assoc is not None and len(self.assoc.ids):
            a_docs, a_vals, _ = p.postings(self.assoc.ids, self.assoc.weights)
            docs, vals = np.concatenate([docs, a_docs]), np.concatenate([vals, a_vals])
            columns = np.concatenate([columns, np.full(len(a_docs), COLUMNS.index("assoc"))])
        if self.dense_vec is not None:
            combined += self.dense_vec
        combined[self.index.dead_docs()] = 0.0
        if self.exclude:
            combined[self.exclude] = 0.0
        self.combined = combined
        self._hits = (docs, vals, columns)

    def top(self, k: int, column: str | None = None) -> np.ndarray:
        """The k best docs by the combined score (or by one column), best first."""
        if column is None:
            return top_docs(self.combined, k)
        docs, vals, columns = self._hits
        mine = columns == COLUMNS.index(column)
        vec = _sums(docs[mine], vals[mine], self.index.store.n_docs)
        vec[self.index.dead_docs()] = 0.0
        if self.exclude:
            vec[self.exclude] = 0.0
        return top_docs(vec, k)

    def at(self, docs: np.ndarray) -> np.ndarray:
        """(len(docs), len(COLUMNS)) per-doc scores of the given docs."""
        slot = SLOTS.get(self.index.store.n_docs)
        slot[docs] = np.arange(len(docs), dtype=np.int32)
        p_docs, vals, columns = self._hits
        at = slot[p_docs]
        slot[docs] = -1
        hit = at >= 0
        width = len(COLUMNS)
        out = _sums(at[hit] * width + columns[hit], vals[hit], len(docs) * width).reshape(len(docs), width)
        if self.dense_vec is not None:
            out[:, COLUMNS.index("dense")] = self.dense_vec[docs]
        return out

    def coverage(self, docs: np.ndarray) -> np.ndarray:
        """(len(docs), 4): word coverage of the question and of the doc, then the same for Chinese
        characters (word coverage again when the question has none)."""
        cov = self.index.postings.coverage(self.terms, docs, (WORD, CHAR))  # q_w, q_c, d_w, d_c
        if self.terms.mass[CHAR] > 0:
            return cov[:, [0, 2, 1, 3]]
        return cov[:, [0, 2, 0, 2]]


def _sums(index: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Weights summed per index, always as floats (numpy answers an empty input with integers, which the
    dense signal's in-place add and assignment would then truncate)."""
    return np.bincount(index, weights, n).astype(np.float64, copy=False)


def top_docs(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best docs, best first; a threshold pass first so a million docs stay cheap."""
    if len(scores) <= 4 * k:
        order = np.argsort(-scores, kind="stable")[:k]
        return order[scores[order] > 0]
    best = float(scores.max())
    if best <= 0:
        return np.zeros(0, dtype=np.int64)
    cut = best * 0.5
    pool = np.flatnonzero(scores >= cut)
    while len(pool) < k and cut > 1e-6:
        cut *= 0.5
        pool = np.flatnonzero(scores >= cut)
    pool = pool[scores[pool] > 0]
    if len(pool) > k:
        pool = pool[np.argpartition(-scores[pool], k - 1)[:k]]
    return pool[np.lexsort((pool, -scores[pool]))]


assert len(FIELDS) == N_FIELDS and COLUMNS[: len(FIELDS)] == FIELDS
