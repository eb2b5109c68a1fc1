"""Meanings taught by labelled pairs: the pair sentences grouped by positive pairs (connected components).

Two questions that sit near the same group of a company's labelled history very likely mean the same, even
when they share no words with each other (额度不够用 and 怎么提高借款上限 both land among the 提额 pairs).
A question is represented by the groups of its nearest pair sentences (a small lexical side index, the same
scoring as the knowledge's), and a question and a stored question are compared by the cosine of those
group vectors. Negative pairs keep their sentences as groups of their own: a question near them is
recognised as near something else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from huida.engine.matcher.index import DocScores, LexicalIndex
from huida.engine.text import Tokenizer, normalize

_NEIGHBOURS = 10  # nearest pair sentences that describe a question
_CACHE = 50_000


@dataclass(slots=True)
class PairGraph:
    sentences: list[str]  # normalised, distinct
    groups: np.ndarray  # group (connected component of positive pairs) of each sentence

    def __len__(self) -> int:
        return len(self.sentences)

    @classmethod
    def learn(cls, pairs: Iterable[tuple[str, str, int]]) -> PairGraph:
        ids: dict[str, int] = {}
        edges: list[tuple[int, int]] = []
        for q1, q2, label in pairs:
            a, b = normalize(q1), normalize(q2)
            if not a or not b:
                continue
            i, j = ids.setdefault(a, len(ids)), ids.setdefault(b, len(ids))
            if label == 1 and i != j:
                edges.append((i, j))
        n = len(ids)
        links = np.array(edges, dtype=np.int64).reshape(-1, 2)
        graph = csr_matrix((np.ones(len(links)), (links[:, 0], links[:, 1])), shape=(n, n))
        groups = connected_components(graph, directed=False)[1]  # numbered in order of first sentence
        return cls(list(ids), groups.astype(np.int32))


class GraphScorer:
    """Group vectors of questions through a side index of the pair sentences (built once per matcher)."""

    def __init__(self, graph: PairGraph, tokenizer: Tokenizer) -> None:
        self.graph = graph
        self.index = LexicalIndex(tokenizer)
        order = np.argsort(graph.groups, kind="stable")
        bounds = np.flatnonzero(np.diff(graph.groups[order])) + 1
        members = np.split(order, bounds) if len(order) else []
        rules = [(str(int(graph.groups[g[0]])), [graph.sentences[i] for i in g.tolist()]) for g in members]
        self.index.add_many(rules)
        self.index.compact()
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(groups ascending, unit weights) of a normalised question: the groups of its nearest pair
        sentences, each weighted by their scores (group numbers are the side index's rule codes)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        scores = DocScores(self.index, self.index.query_terms(text))
        docs = scores.top(_NEIGHBOURS)
        store = self.index.store
        rules = store.doc_rule.view[docs]
        groups, at = np.unique(rules, return_inverse=True)
        weights = np.bincount(at, scores.combined[docs], len(groups)) if len(groups) else np.zeros(0)
        norm = float(np.sqrt(weights @ weights))
        out = (groups, weights / norm if norm > 0 else weights)
        if len(self._cache) >= _CACHE:
            self._cache.clear()
        self._cache[text] = out
        return out

    def similarity(self, query: str, texts: list[str]) -> np.ndarray:
        """Cosine of the question's group vector with each text's."""
        qg, qw = self.vector(query)
        if not len(qg) or not texts:
            return np.zeros(len(texts))
        vectors = [self.vector(text) for text in texts]
        groups = np.concatenate([g for g, _ in vectors])
        weights = np.concatenate([w for _, w in vectors])
        owner = np.repeat(np.arange(len(texts)), [len(g) for g, _ in vectors])
        at = np.minimum(np.searchsorted(qg, groups), len(qg) - 1)
        shared = qg[at] == groups  # all texts against the question at once, not one intersection each
        return np.bincount(owner[shared], qw[at[shared]] * weights[shared], len(texts))
