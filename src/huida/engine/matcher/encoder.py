"""A small sentence encoder learned from labelled pairs (contrastive, StarSpace / fastText style).

A sentence is the unit-normalised mean of the embeddings of its features (character 1-3-grams and words),
so encoding costs a few dictionary look-ups and one small sum, with no model to download or run. The
embeddings are trained so that the two sides of a positive pair are closer than the other sentences of the
same batch (a softmax over the batch, InfoNCE) and closer than a sentence the labels call different
(labelled negatives: the hard cases, 怎么提额 vs 怎么还款). Words and n-grams that mean the same in the
company's history end up near each other, so two questions with few words in common can still meet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from threadpoolctl import threadpool_limits

from huida.engine.text import Tokenizer, char_ngrams, normalize

DIM = 64  # enough for the few thousand meanings of a company's pair history; 128 measured no better
_MIN_SENTENCES = 2  # a feature seen in one sentence only cannot generalise to unseen questions
_BATCH = 128  # positive pairs per step: the other right sides of the batch are each anchor's easy negatives
_SCALE = 20.0  # inverse softmax temperature (0.05, the usual value for contrastive training of unit vectors)
_LR = 0.1  # Adagrad: rare n-grams, updated seldom, keep larger steps than frequent ones
_DROPOUT = 0.5  # share of a sentence's features dropped at each step: with ~60 features a sentence is
# otherwise identified by its rare n-grams alone, and the model memorises sentences (measured on pairs of
# held-out sentences: AUC 0.84 without, 0.86 with)
_MAX_EPOCHS = 20
_PATIENCE = 2  # epochs without a better held-out score before training stops
_HOLD_OUT = 0.1  # share of the sentences held out to choose the number of epochs...
_HOLD_OUT_MAX = 5000  # ...at most this many (the held-out score compares them all with each other)
_MIN_HELD_PAIRS = 20  # fewer held-out positive pairs than this: no early stopping, train _MAX_EPOCHS


def features(text: str, tokenizer: Tokenizer) -> list[str]:
    """Distinct features of a normalised text: character 1-3-grams and words (words marked apart)."""
    grams = set(char_ngrams(text))
    grams.update("w:" + w for w in tokenizer.words(text))
    return sorted(grams)


@dataclass(slots=True)
class PairEncoder:
    vocab: dict[str, int]  # feature -> row of `vectors`
    vectors: np.ndarray  # (features, dim); float16 on disk, float32 in memory (summed at every question)

    def __post_init__(self) -> None:
        self.vectors = np.asarray(self.vectors, dtype=np.float32)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def encode(self, texts: Sequence[str], tokenizer: Tokenizer) -> np.ndarray:
        """Unit vectors (float32) of normalised texts; a text with no known feature encodes as zeros."""
        return _unit(_matrix([features(t, tokenizer) for t in texts], self.vocab) @ self.vectors)

    @classmethod
    def learn(
        cls, pairs: Iterable[tuple[str, str, int]], tokenizer: Tokenizer | None = None, seed: int = 0, dim: int = DIM
    ) -> PairEncoder | None:
        """Train on labelled pairs (same seed, same model); None when they hold too few positive pairs."""
        data = _Data.build(pairs, tokenizer or Tokenizer())
        if data is None:
            return None
        # The steps multiply small matrices, where BLAS threads cost more than they bring (5x slower on 2 cores).
        with threadpool_limits(1):
            trainer = _Trainer(data, data.pos, dim, seed)
            for _ in range(_epochs(data, dim, seed)):
                trainer.epoch()
        return PairEncoder(data.vocab, trainer.emb)


def _epochs(data: _Data, dim: int, seed: int) -> int:
    """How long to train, chosen on the pairs themselves: train without a sample of the sentences and stop
    when the pairs among them stop getting better (then the model is trained again on every pair)."""
    rng = np.random.default_rng(seed)
    share = min(_HOLD_OUT, _HOLD_OUT_MAX / len(data.sentences))
    held = rng.random(len(data.sentences)) < share
    train = data.pos[~held[data.pos].any(axis=1)]
    test = data.pos[held[data.pos].all(axis=1)]
    if len(test) < _MIN_HELD_PAIRS or len(train) < 2:
        return _MAX_EPOCHS
    trainer = _Trainer(data, train, dim, seed)
    best, epochs = -1.0, 1
    for epoch in range(1, _MAX_EPOCHS + 1):
        trainer.epoch()
        score = held_out_mrr(trainer.unit(np.flatnonzero(held)), np.flatnonzero(held), test, data.group)
        if score > best:
            best, epochs = score, epoch
        elif epoch - epochs >= _PATIENCE:
            break
    return epochs


def held_out_mrr(unit: np.ndarray, sentences: np.ndarray, pairs: np.ndarray, group: np.ndarray) -> float:
    """Mean reciprocal rank of each positive pair's partner among the held-out sentences (the anchor's own
    meaning, its positive component, left out): how the encoder will be used, finding a paraphrase among
    questions it has never seen."""
    at = np.full(int(sentences.max()) + 1, -1, dtype=np.int64)
    at[sentences] = np.arange(len(sentences))
    both = np.concatenate([pairs, pairs[:, ::-1]])
    total = 0.0
    for start in range(0, len(both), 1000):  # bounded memory: 1000 anchors x held-out sentences at a time
        chunk = both[start : start + 1000]
        sims = unit[at[chunk[:, 0]]] @ unit.T
        partner = sims[np.arange(len(chunk)), at[chunk[:, 1]]]
        same = group[chunk[:, 0]][:, None] == group[sentences][None, :]
        total += float(np.sum(1.0 / (1 + ((sims > partner[:, None]) & ~same).sum(axis=1))))
    return total / len(both)


@dataclass(slots=True)
class _Data:
    sentences: list[str]  # normalised, distinct
    x: csr_matrix  # sentence -> its features (binary)
    vocab: dict[str, int]
    pos: np.ndarray  # (n, 2) sentence ids of positive pairs
    neg: np.ndarray  # (m, 2) sentence ids of negative pairs
    group: np.ndarray  # connected component of positive pairs: a sentence of the anchor's own meaning is
    # never its negative

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str, int]], tokenizer: Tokenizer) -> _Data | None:
        ids: dict[str, int] = {}
        rows: dict[int, list[tuple[int, int]]] = {0: [], 1: []}
        for q1, q2, label in pairs:
            a, b = normalize(q1), normalize(q2)
            if a and b and a != b:
                rows[label].append((ids.setdefault(a, len(ids)), ids.setdefault(b, len(ids))))
        if len(rows[1]) < 2:
            return None
        sentences = list(ids)
        feats = [features(s, tokenizer) for s in sentences]
        counts: dict[str, int] = {}
        for f in feats:
            for g in f:
                counts[g] = counts.get(g, 0) + 1
        kept = sorted(g for g, c in counts.items() if c >= _MIN_SENTENCES)
        if not kept:
            return None
        vocab = {g: i for i, g in enumerate(kept)}
        pos, neg = (np.array(rows[k], dtype=np.int64).reshape(-1, 2) for k in (1, 0))
        n = len(sentences)
        graph = csr_matrix((np.ones(len(pos)), (pos[:, 0], pos[:, 1])), shape=(n, n))
        group = connected_components(graph, directed=False)[1]
        return cls(sentences, _matrix(feats, vocab), vocab, pos, neg, group)


def _matrix(feats: list[list[str]], vocab: dict[str, int]) -> csr_matrix:
    cols = [[vocab[g] for g in f if g in vocab] for f in feats]
    indptr = np.zeros(len(cols) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in cols], out=indptr[1:])
    indices = np.fromiter((c for cs in cols for c in cs), dtype=np.int64, count=int(indptr[-1]))
    return csr_matrix((np.ones(len(indices), np.float32), indices, indptr), shape=(len(cols), len(vocab)))


def _unit(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class _Trainer:
    """Adagrad over the embedding rows a batch touches (the others stay as they are)."""

    def __init__(self, data: _Data, pos: np.ndarray, dim: int, seed: int) -> None:
        self.data = data
        self.pos = np.concatenate([pos, pos[:, ::-1]])  # both directions: each side is once the anchor
        self.rng = np.random.default_rng(seed)
        self.emb = self.rng.normal(0.0, 1.0 / np.sqrt(dim), (len(data.vocab), dim)).astype(np.float32)
        self.acc = np.full(len(data.vocab), 1e-8, dtype=np.float32)  # Adagrad's sum of squares, one per row
        # Each sentence's labelled negatives (either side), so an anchor can bring one as a hard negative.
        neg = np.concatenate([data.neg, data.neg[:, ::-1]])
        neg = neg[np.argsort(neg[:, 0], kind="stable")]
        self.neg_of = neg[:, 1]
        self.neg_start = np.searchsorted(neg[:, 0], np.arange(len(data.sentences) + 1))

    def epoch(self) -> None:
        order = self.rng.permutation(len(self.pos))
        for start in range(0, len(order) - 1, _BATCH):
            batch = self.pos[order[start : start + _BATCH]]
            if len(batch) >= 2:
                self._step(batch[:, 0], batch[:, 1])

    def unit(self, sentences: np.ndarray) -> np.ndarray:
        return _unit(self.data.x[sentences] @ self.emb)

    def _hard_negatives(self, anchors: np.ndarray) -> np.ndarray:
        """One labelled negative of each anchor that has any."""
        lo, hi = self.neg_start[anchors], self.neg_start[anchors + 1]
        has = hi > lo
        pick = lo[has] + (self.rng.random(int(has.sum())) * (hi - lo)[has]).astype(np.int64)
        negatives: np.ndarray = self.neg_of[pick]
        return negatives

    def _step(self, anchors: np.ndarray, rights: np.ndarray) -> None:
        n = len(anchors)
        cands = np.concatenate([rights, self._hard_negatives(anchors)])
        sent, at = np.unique(np.concatenate([anchors, cands]), return_inverse=True)
        a_at, c_at = at[:n], at[n:]
        x = self.data.x[sent]
        cols, local = np.unique(x.indices, return_inverse=True)
        keep = (self.rng.random(len(x.data)) >= _DROPOUT).astype(np.float32)
        x = csr_matrix((x.data * keep, local, x.indptr), shape=(len(sent), len(cols)))
        m = x @ self.emb[cols]
        norms = np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-6)
        u = m / norms
        logits = _SCALE * (u[a_at] @ u[c_at].T)
        group = self.data.group
        same = group[anchors][:, None] == group[cands][None, :]
        same[np.arange(n), np.arange(n)] = False
        logits[same] = -np.inf  # another sentence of the anchor's own meaning is no negative
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(n), np.arange(n)] -= 1.0  # softmax cross-entropy gradient, the right side at column i
        dz = _SCALE * p / n
        g = np.zeros_like(u)
        np.add.at(g, a_at, dz @ u[c_at])
        np.add.at(g, c_at, dz.T @ u[a_at])
        gm = (g - u * np.sum(g * u, axis=1, keepdims=True)) / norms  # through the normalisation
        ge = np.asarray(x.T @ gm)
        self.acc[cols] += np.mean(ge * ge, axis=1)
        self.emb[cols] -= _LR * ge / np.sqrt(self.acc[cols])[:, None]


_CACHE = 50_000


class EncoderScorer:
    """The encoder at work in one matcher: encodings of the question and of the stored questions its
    candidates show (cached: stored questions recur from question to question)."""

    def __init__(self, encoder: PairEncoder, tokenizer: Tokenizer) -> None:
        self.encoder = encoder
        self.tokenizer = tokenizer
        self._cache: dict[str, np.ndarray] = {}

    def vectors(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if len(self._cache) + len(missing) > _CACHE:
            self._cache.clear()
            missing = list(dict.fromkeys(texts))
        if missing:
            self._cache.update(zip(missing, self.encoder.encode(missing, self.tokenizer), strict=True))
        return np.array([self._cache[t] for t in texts]).reshape(len(texts), self.encoder.dim)

    def similarity(self, query: str, texts: list[str]) -> np.ndarray:
        """Cosine of the question's encoding with each text's."""
        vectors = self.vectors([query, *texts])
        cosines: np.ndarray = (vectors[1:] @ vectors[0]).astype(np.float64)
        return cosines
