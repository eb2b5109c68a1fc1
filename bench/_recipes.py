"""The reference recipes other FAQ bots ship, each as `rank(text) -> candidates` (best per rule)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from huida.engine.matcher import KnowledgeItem


@dataclass(frozen=True, slots=True)
class Scored:
    rule_id: str
    score: float


Ranker = Callable[[str], list[Scored]]


def _flatten(items: list[KnowledgeItem]) -> tuple[list[str], np.ndarray, list[str]]:
    texts, owners = [], []
    for code, item in enumerate(items):
        texts.extend(item.questions)
        owners.extend([code] * len(item.questions))
    return texts, np.asarray(owners), [i.rule_id for i in items]


def _best_per_rule(scores: np.ndarray, owners: np.ndarray, rule_ids: list[str], k: int = 5) -> list[Scored]:
    per_rule = np.full(len(rule_ids), -np.inf)
    np.maximum.at(per_rule, owners, scores)
    top = np.argsort(-per_rule, kind="stable")[:k]
    return [Scored(rule_ids[i], float(per_rule[i])) for i in top]


def edit_distance(items: list[KnowledgeItem]) -> Ranker:
    """ChatterBot-style: Levenshtein similarity (rapidfuzz ratio) to every stored question."""
    from rapidfuzz import fuzz, process

    texts, owners, rule_ids = _flatten(items)
    lowered = [t.lower() for t in texts]

    def rank(text: str) -> list[Scored]:
        scores = process.cdist([text.lower()], lowered, scorer=fuzz.ratio, workers=1)[0] / 100.0
        return _best_per_rule(scores.astype(np.float64), owners, rule_ids)

    return rank


def bm25_jieba(items: list[KnowledgeItem]) -> Ranker:
    """Most tutorials and MaxKB's keyword mode: BM25 (rank-bm25) over jieba words."""
    import jieba
    from rank_bm25 import BM25Okapi

    texts, owners, rule_ids = _flatten(items)

    def words(text: str) -> list[str]:
        return [w for w in jieba.lcut(text.lower()) if w.strip()]

    bm25 = BM25Okapi([words(t) or [""] for t in texts])

    def rank(text: str) -> list[Scored]:
        return _best_per_rule(np.asarray(bm25.get_scores(words(text))), owners, rule_ids)

    return rank


def tfidf_char(items: list[KnowledgeItem]) -> Ranker:
    """TF-IDF over character 1-3 grams, cosine similarity."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts, owners, rule_ids = _flatten(items)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=True)
    matrix = vectorizer.fit_transform(texts).T.tocsr()

    def rank(text: str) -> list[Scored]:
        scores = (vectorizer.transform([text]) @ matrix).toarray()[0]
        return _best_per_rule(scores, owners, rule_ids)

    return rank


RECIPES: dict[str, Callable[[list[KnowledgeItem]], Ranker]] = {
    "edit distance": edit_distance,
    "BM25 jieba": bm25_jieba,
    "TF-IDF char 1-3": tfidf_char,
}
