"""Fusion: all signals of a candidate -> one ranking score -> one calibrated confidence.

Two small linear models are learned from the robot's own knowledge (held-out similar questions and
simulated out-of-scope questions, see training.py), so the weights fit the robot's kind of knowledge
(intents with many phrasings, or single FAQ questions) without hand tuning:

1. a ranker, trained on pairs (right candidate minus a wrong one of the same question), which is what
   ranking needs: only the order within one question matters;
2. a confidence model, a logistic regression of "this candidate is right" on the ranker score, its margin
   over the other candidates and the signals, which turns scores into probabilities that thresholds can
   be calibrated on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from huida.engine.matcher.features import NAMES, gap
from huida.engine.matcher.linear import logistic

Group = tuple[np.ndarray, np.ndarray]  # (features of one question's candidates, 1 for the right rule)


@dataclass(frozen=True, slots=True)
class Fusion:
    mean: np.ndarray
    scale: np.ndarray
    rank_coef: np.ndarray
    conf_coef: np.ndarray  # over [standardised features, rank score, rank gap]
    conf_intercept: float

    def rank(self, feats: np.ndarray) -> np.ndarray:
        return ((feats - self.mean) / self.scale) @ self.rank_coef

    def predict(self, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ranking score, confidence in [0, 1]) per candidate."""
        std = (feats - self.mean) / self.scale
        rank = std @ self.rank_coef
        z = np.column_stack([std, rank, gap(rank)]) @ self.conf_coef + self.conf_intercept
        return rank, 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    @classmethod
    def fit(cls, groups: list[Group], seed: int = 0) -> Fusion:
        feats = np.vstack([f for f, _ in groups])
        mean = feats.mean(axis=0)
        scale = feats.std(axis=0)
        scale[scale < 1e-9] = 1.0
        rank_coef = _pairwise(groups, mean, scale, seed)
        rows, labels = [], []
        for f, y in groups:
            std = (f - mean) / scale
            rank = std @ rank_coef
            rows.append(np.column_stack([std, rank, gap(rank)]))
            labels.append(y)
        coef, intercept = logistic(np.vstack(rows), np.concatenate(labels), c=1.0)
        return cls(mean, scale, rank_coef, coef, intercept)

    @classmethod
    def prior(cls) -> Fusion:
        """Before any knowledge to learn from: confidence grows with surface similarity and its margin."""
        coef = np.zeros(len(NAMES))
        for name, weight in (("word", 2.0), ("char", 3.0), ("ratio", 2.0), ("gap", 2.0), ("exact", 4.0)):
            coef[NAMES.index(name)] = weight
        conf = np.concatenate([coef, [0.0, 0.0]])
        return cls(np.zeros(len(NAMES)), np.ones(len(NAMES)), coef, conf, -5.0)


_WRONG_PER_GROUP = 10  # wrong candidates paired with the right one: the best-placed ones, which are the
# ones a ranker must beat (the rest add training time, not information)


def _pairwise(groups: list[Group], mean: np.ndarray, scale: np.ndarray, seed: int) -> np.ndarray:
    """Ranking weights from (right - wrong) feature differences, both signs (a symmetric problem)."""
    diffs = []
    for f, y in groups:
        if y.sum() != 1 or len(y) < 2:
            continue
        std = (f - mean) / scale
        diffs.append(std[y == 1] - std[y == 0][:_WRONG_PER_GROUP])
    if not diffs:
        return np.zeros(len(mean))
    x = np.vstack(diffs)
    x = np.vstack([x, -x])
    y = np.concatenate([np.ones(len(x) // 2), np.zeros(len(x) // 2)])
    coef, _ = logistic(x, y, c=1.0, intercept=False)
    return coef
