"""Per-candidate signals: what the fusion model sees for one (question, rule) pair.

Every feature is a similarity in about [0, 1], a margin or a small count, so the same fusion form works for
every robot; its weights are learned per robot (fusion.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, LCSseq

from huida.engine.matcher.index import COLUMNS

NAMES = (
    "word",
    "char",
    "pinyin",
    "assoc",
    "dense",
    "top3",
    "exact",
    "ratio",
    "length",
    "gap",
    "clf",
    "clf_gap",
    "dense_gap",
    "q_words",
    "d_words",
    "q_chars",
    "d_chars",
    "pairs",
    "lcs_mean",
    "trans",
    "trans_gap",
    "enc",
    "enc_gap",
)
_COL = {name: i for i, name in enumerate(NAMES)}
_MEAN_DOCS = 3  # rule-level means look at the rule's best few questions only (intent rules hold hundreds)


@dataclass(slots=True)
class Query:
    """What the features need to know about the question beyond per-doc scores."""

    text: str
    coverage: Callable[[np.ndarray], np.ndarray]  # docs -> (q_words, d_words, q_chars, d_chars) per doc
    clf: dict[int, float] | None = None  # rule code -> classifier margin
    pair_score: Callable[[str, str], float] | None = None  # P(same meaning) from a learned pair model
    translation: Callable[[str, list[str]], np.ndarray] | None = None  # per doc text: similarity via pair graph
    dense: bool = False
    encoding: Callable[[str, list[str]], np.ndarray] | None = None  # per doc text: cosine of pair-encoder vectors


def rule_features(
    query: Query,
    rules: list[int],
    docs: np.ndarray,
    sizes: np.ndarray,
    per_doc: np.ndarray,
    texts: Callable[[int], str],
) -> tuple[np.ndarray, list[int]]:
    """Feature matrix (one row per candidate rule) and the best doc of each rule.

    `docs`: the rules' questions, concatenated (`sizes` per rule); `per_doc`: their COLUMNS scores."""
    n = len(rules)
    feats = np.zeros((n, len(NAMES)))
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    for col, name in enumerate(COLUMNS):
        feats[:, _COL[name]] = np.maximum.reduceat(per_doc[:, col], starts)
    comb = per_doc[:, 0] + per_doc[:, 1] + per_doc[:, 2] + per_doc[:, 4]
    segment = np.repeat(np.arange(n), sizes)
    order = np.lexsort((docs, -comb, segment))  # by rule, best doc first
    best = docs[order[starts]]
    top = (np.arange(len(docs)) - np.repeat(starts, sizes)) < _MEAN_DOCS
    sorted_comb = comb[order]
    feats[:, _COL["top3"]] = np.bincount(segment[top], sorted_comb[top], n) / np.minimum(sizes, _MEAN_DOCS)
    feats[:, _COL["gap"]] = gap(sorted_comb[starts])
    # Texts of each rule's best few questions, best first: the first of each rule is its best question.
    shown = docs[order][top].tolist()
    shown_texts = [texts(d) for d in shown]
    shown_rule = segment[top]
    firsts = np.flatnonzero(np.concatenate([[True], shown_rule[1:] != shown_rule[:-1]]))
    best_texts = [shown_texts[i] for i in firsts.tolist()]
    lcs = process.cpdist([query.text] * len(shown_texts), shown_texts, scorer=LCSseq.normalized_similarity)
    feats[:, _COL["lcs_mean"]] = np.bincount(shown_rule, lcs, n) / np.minimum(sizes, _MEAN_DOCS)
    feats[:, _COL["exact"]] = [float(t == query.text) for t in best_texts]
    _text_features(query, feats, best_texts)
    feats[:, [_COL["q_words"], _COL["d_words"], _COL["q_chars"], _COL["d_chars"]]] = query.coverage(best)
    _pair_features(query, feats, best_texts, shown_texts, firsts)
    if query.clf is not None:
        feats[:, _COL["clf"]] = [query.clf.get(r, -1.5) for r in rules]
        feats[:, _COL["clf_gap"]] = gap(feats[:, _COL["clf"]])
    if query.dense:
        feats[:, _COL["dense_gap"]] = gap(feats[:, _COL["dense"]])
    return feats, best.tolist()


def _pair_features(
    query: Query, feats: np.ndarray, best_texts: list[str], shown_texts: list[str], firsts: np.ndarray
) -> None:
    """What labelled pairs teach, per candidate rule: the pair model, the pair graph and the pair encoder."""
    if query.pair_score is not None:
        feats[:, _COL["pairs"]] = [query.pair_score(query.text, t) for t in best_texts]
    # Pair signals look at the texts the lexical features already chose (the best question, the best few):
    # each unseen stored text costs a side-index search or an encoding, and at a million questions nearly
    # every candidate's text is unseen. Scoring every question of every candidate rule was 2-3x the cost
    # for the same quality (bq-dev with the bq-train pairs, five seeds: hit@1 0.282 vs 0.284 mean).
    if query.translation is not None:
        feats[:, _COL["trans"]] = query.translation(query.text, best_texts)
        feats[:, _COL["trans_gap"]] = gap(feats[:, _COL["trans"]])
    if query.encoding is not None:
        per_text_enc = query.encoding(query.text, shown_texts)
        feats[:, _COL["enc"]] = np.maximum.reduceat(per_text_enc, firsts)
        feats[:, _COL["enc_gap"]] = gap(feats[:, _COL["enc"]])


def _text_features(query: Query, feats: np.ndarray, best_texts: list[str]) -> None:
    """Edit similarity and length ratio against each rule's best stored question."""
    text = query.text
    n = len(best_texts)
    feats[:, _COL["ratio"]] = process.cpdist([text] * n, best_texts, scorer=Indel.normalized_similarity)
    lengths = np.fromiter((len(t) for t in best_texts), dtype=np.float64, count=n)
    qlen = max(len(text), 1)
    feats[:, _COL["length"]] = np.minimum(qlen, lengths) / np.maximum(np.maximum(qlen, lengths), 1)


def gap(values: np.ndarray) -> np.ndarray:
    """Each value minus the best of the others: how clearly this candidate stands out."""
    if len(values) < 2:
        return values.copy()
    order = np.argsort(-values, kind="stable")
    first, second = values[order[0]], values[order[1]]
    out: np.ndarray = values - first
    out[order[0]] = first - second
    return out
