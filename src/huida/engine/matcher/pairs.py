"""Learning from pairs: labelled question pairs (q1, q2, same-meaning label) and clicked/confirmed
(question, rule) pairs.

Labelled pairs teach *term associations*: how much seeing word a on one side and word b on the other raises
the chance that two questions mean the same (额度 <-> 提额, 还款 <-> 还钱). At query time the question is
translated through them, which closes the vocabulary gap between how visitors ask and how the knowledge is
written. Pairs whose one side is a stored question also become extra phrasings of that rule.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from huida.engine.matcher.encoder import PairEncoder
from huida.engine.matcher.graph import PairGraph
from huida.engine.matcher.types import KnowledgeItem
from huida.engine.text import Tokenizer, normalize

_MIN_SUPPORT = 3  # positive pairs that must show an association before it is trusted
_PER_TERM = 8  # associations kept per term (memory and query cost stay bounded)


def read_labelled_pairs(path: str | Path) -> Iterator[tuple[str, str, int]]:
    """Rows of a `q1 \\t q2 \\t label` file (label 1 = same meaning); malformed rows are skipped."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[2].strip() in ("0", "1"):
                yield parts[0], parts[1], int(parts[2].strip())


@dataclass(slots=True)
class TermAssociations:
    """term -> [(associated term, weight in (0, 1])], learned from labelled pairs."""

    table: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.table)

    def expand(self, words: Iterable[str]) -> dict[str, float]:
        """Associated terms of a question's words (the words themselves excluded), strongest weight wins."""
        words = list(words)
        own = set(words)
        out: dict[str, float] = {}
        for word in words:
            for other, weight in self.table.get(word, ()):
                if other not in own and weight > out.get(other, 0.0):
                    out[other] = weight
        return out

    @classmethod
    def learn(cls, pairs: Iterable[tuple[str, str, int]], tokenizer: Tokenizer | None = None) -> TermAssociations:
        tokenizer = tokenizer or Tokenizer()
        vocab: dict[str, int] = {}
        codes: dict[int, list[np.ndarray]] = {0: [], 1: []}
        for q1, q2, label in pairs:
            a = _ids(tokenizer.words(normalize(q1)), vocab)
            b = _ids(tokenizer.words(normalize(q2)), vocab)
            if len(a) and len(b):
                codes[label].append(_cross(a, b))
                codes[label].append(_cross(b, a))
        return cls(_associations(codes, vocab))


def _ids(words: list[str], vocab: dict[str, int]) -> np.ndarray:
    return np.unique(np.array([vocab.setdefault(w, len(vocab)) for w in words], dtype=np.int64))


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    crossed: np.ndarray = (a[:, None] * (1 << 32) + b[None, :]).ravel()
    return crossed


def _associations(codes: dict[int, list[np.ndarray]], vocab: dict[str, int]) -> dict[str, list[tuple[str, float]]]:
    """weight(a, b) = how far P(same meaning | a on one side, b on the other) rises above the base rate."""
    pos = np.concatenate(codes[1]) if codes[1] else np.zeros(0, dtype=np.int64)
    neg = np.concatenate(codes[0]) if codes[0] else np.zeros(0, dtype=np.int64)
    if not len(pos):
        return {}
    base = len(codes[1]) / max(len(codes[1]) + len(codes[0]), 1)
    keys, n_pos = np.unique(pos, return_counts=True)
    neg_keys, n_neg_all = np.unique(neg, return_counts=True)
    at = np.searchsorted(neg_keys, keys)
    at_ok = at < len(neg_keys)
    n_neg = np.zeros(len(keys))
    n_neg[at_ok] = np.where(neg_keys[at[at_ok]] == keys[at_ok], n_neg_all[at[at_ok]], 0)
    # One pseudo-observation at the base rate keeps rare pairs modest.
    rate = (n_pos + base) / (n_pos + n_neg + 1.0)
    weight = (rate - base) / (1.0 - base) if base < 1.0 else rate
    a_ids, b_ids = keys >> 32, keys & ((1 << 32) - 1)
    keep = (n_pos >= _MIN_SUPPORT) & (weight > 0) & (a_ids != b_ids)
    words = np.array(list(vocab), dtype=object)
    table: dict[str, list[tuple[str, float]]] = {}
    for a, b, w in zip(a_ids[keep], b_ids[keep], weight[keep], strict=True):
        table.setdefault(words[a], []).append((words[b], float(w)))
    for term, assoc in table.items():
        assoc.sort(key=lambda x: (-x[1], x[0]))
        table[term] = assoc[:_PER_TERM]
    return table


def pairs_for_knowledge(pairs: Iterable[tuple[str, str, int]], items: Iterable[KnowledgeItem]) -> list[tuple[str, str]]:
    """(question, rule_id) training pairs: the other side of a positive pair whose one side is a stored
    question becomes a phrasing of that question's rule."""
    owner: dict[str, str] = {}
    for item in items:
        for q in item.questions:
            owner.setdefault(normalize(q), item.rule_id)
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for q1, q2, label in pairs:
        if label != 1:
            continue
        for known, other in ((q1, q2), (q2, q1)):
            rule = owner.get(normalize(known))
            if rule and normalize(other) not in owner and (other, rule) not in seen:
                seen.add((other, rule))
                out.append((other, rule))
    return out


_HASH_BITS = 20


@dataclass(slots=True)
class PairModel:
    """A discriminative term-pair model learned from labelled pairs: a logistic regression over
    (word on one side, word on the other) features, so it learns which shared words matter in this
    domain (逾期 does, 微粒贷 hardly) and which different words mean the same (提额 / 额度)."""

    weights: np.ndarray  # one weight per hashed word pair
    intercept: float

    def score(self, a: list[str], b: list[str]) -> float:
        """P(same meaning) for two questions given as word lists."""
        if not a or not b:
            return 0.0
        keys = _pair_keys(a, b)
        z = float(self.weights[keys].sum()) / math.sqrt(len(keys)) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def learn(
        cls, pairs: Iterable[tuple[str, str, int]], tokenizer: Tokenizer | None = None, seed: int = 0
    ) -> PairModel:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        tokenizer = tokenizer or Tokenizer()
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        labels: list[int] = []
        for q1, q2, label in pairs:
            a, b = tokenizer.words(normalize(q1)), tokenizer.words(normalize(q2))
            if not a or not b:
                continue
            keys = _pair_keys(a, b)
            rows.extend([len(labels)] * len(keys))
            cols.extend(keys)
            vals.extend([1.0 / math.sqrt(len(keys))] * len(keys))
            labels.append(label)
        if len(set(labels)) < 2:
            return cls(np.zeros(1 << _HASH_BITS, dtype=np.float32), 0.0)
        x = csr_matrix((vals, (rows, cols)), shape=(len(labels), 1 << _HASH_BITS))
        x.sum_duplicates()
        model = LogisticRegression(C=1.0, solver="liblinear", random_state=seed).fit(x, labels)
        return cls(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


def _pair_keys(a: list[str], b: list[str]) -> list[int]:
    """Hashed features of a question pair (a stable hash: a saved model must load anywhere): each shared
    word, each word only one side has, and each (only-here, only-there) word pair - the last ones learn
    which different words mean the same."""
    sa, sb = set(a), set(b)
    shared, only_a, only_b = sa & sb, sa - sb, sb - sa
    keys = {_key("=", w) for w in shared} | {_key("-", w) for w in only_a | only_b}
    keys.update(_key(x, y) if x <= y else _key(y, x) for x in only_a for y in only_b)
    return sorted(keys)


@lru_cache(maxsize=1 << 18)
def _key(lo: str, hi: str) -> int:
    return zlib.crc32(f"{lo}\x00{hi}".encode()) & ((1 << _HASH_BITS) - 1)


@dataclass(slots=True)
class PairLearning:
    """Everything labelled pairs teach a robot: term associations (to find candidates a literal match
    misses), the pair model, the pair graph (meanings of the pair sentences, see graph.py) and the pair
    encoder (sentence vectors trained on the pairs, see encoder.py) to judge them. Learn once
    (`huida train --pairs FILE`), save, and hand it to every matcher of the robot through
    `MatcherOptions(pairs=...)`. The matcher's fusion decides from the robot's own held-out questions how
    far to trust each of them (and whether to use them at all)."""

    associations: TermAssociations
    model: PairModel
    graph: PairGraph | None = None
    encoder: PairEncoder | None = None

    @classmethod
    def learn(
        cls, pairs: Iterable[tuple[str, str, int]], tokenizer: Tokenizer | None = None, seed: int = 0
    ) -> PairLearning:
        pairs = list(pairs)
        tokenizer = tokenizer or Tokenizer()
        return cls(
            TermAssociations.learn(pairs, tokenizer),
            PairModel.learn(pairs, tokenizer, seed),
            PairGraph.learn(pairs),
            PairEncoder.learn(pairs, tokenizer, seed),
        )

    def save(self, path: str | Path) -> None:
        table = json.dumps(self.associations.table, ensure_ascii=False)
        graph = self.graph or PairGraph([], np.zeros(0, dtype=np.int32))
        sentences = json.dumps(graph.sentences, ensure_ascii=False)
        encoder = self.encoder or PairEncoder({}, np.zeros((0, 1), dtype=np.float16))
        features = json.dumps(sorted(encoder.vocab, key=encoder.vocab.__getitem__), ensure_ascii=False)  # row order
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                weights=self.model.weights,
                intercept=np.float64(self.model.intercept),
                associations=np.frombuffer(table.encode("utf-8"), dtype=np.uint8),
                sentences=np.frombuffer(sentences.encode("utf-8"), dtype=np.uint8),
                groups=graph.groups.astype(np.int32),
                encoder_features=np.frombuffer(features.encode("utf-8"), dtype=np.uint8),
                encoder_vectors=encoder.vectors.astype(np.float16),
            )

    @classmethod
    def load(cls, path: str | Path) -> PairLearning:
        with np.load(path) as data:
            table = json.loads(data["associations"].tobytes().decode("utf-8"))
            model = PairModel(data["weights"].astype(np.float32), float(data["intercept"]))
            graph = None
            if "sentences" in data.files:  # files saved before the pair graph carry none
                sentences = json.loads(data["sentences"].tobytes().decode("utf-8"))
                graph = PairGraph(sentences, data["groups"].astype(np.int32)) if sentences else None
            encoder = None
            if "encoder_features" in data.files:  # files saved before the pair encoder carry none
                features = json.loads(data["encoder_features"].tobytes().decode("utf-8"))
                vocab = {feature: row for row, feature in enumerate(features)}
                encoder = PairEncoder(vocab, data["encoder_vectors"]) if vocab else None
        assoc = TermAssociations({k: [(t, float(w)) for t, w in v] for k, v in table.items()})
        return cls(assoc, model, graph, encoder)
