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
        scores: np.ndarray = ((feats - self.mean) / self.scale) @ self.rank_coef
        return scores

    def predict(self, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ranking score, confidence in [0, 1]) per candidate."""
        std = (feats - self.mean) / self.scale
        rank = std @ self.rank_coef
        z = np.column_stack([std, rank, gap(rank)]) @ self.conf_coef + self.conf_intercept
        return rank, 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    @classmethod
    def fit(cls, groups: list[Group], drop: tuple[str, ...] = ()) -> Fusion:
        """`drop`: signals left out (their weights stay exactly zero, so they never move a score)."""
        if drop:
            cols = [NAMES.index(name) for name in drop]
            groups = [(_zeroed(f, cols), y) for f, y in groups]
        feats = np.vstack([f for f, _ in groups])
        mean = feats.mean(axis=0)
        scale = feats.std(axis=0)
        scale[scale < 1e-9] = 1.0
        rank_coef = _pairwise(groups, mean, scale)
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


def _zeroed(feats: np.ndarray, cols: list[int]) -> np.ndarray:
    out = feats.copy()
    out[:, cols] = 0.0
    return out


_FOLDS = 4
_Z = 1.0  # the gain must clear one standard deviation of a sign test (calibration.py trusts precision alike)


def worth_it(groups: list[Group], optional: tuple[str, ...], seed: int = 0, absent: tuple[str, ...] = ()) -> bool:
    """Whether the `optional` signals (e.g. what labelled pairs from elsewhere taught) rank the robot's own
    held-out questions better: fusions with and without them (both without the `absent` ones) are learned on
    part of the held-out evidence and compared on the rest (k folds) by the questions only one of them puts
    right first. The gain must stand clear of noise (a sign test), so a signal that does not carry to this
    robot's knowledge cannot make it worse: it must earn its place."""
    scored = [i for i, (_, y) in enumerate(groups) if y.sum() == 1]
    if len(scored) < 2 * _FOLDS:
        return False
    fold = np.random.default_rng(seed).permutation(len(groups)) % _FOLDS
    won = lost = 0
    for k in range(_FOLDS):
        train = [g for g, f in zip(groups, fold, strict=True) if f != k]
        test = [groups[i] for i in scored if fold[i] == k]
        if not test or not any(0 < y.sum() < len(y) for _, y in train):
            continue
        with_them, without = Fusion.fit(train, absent), Fusion.fit(train, absent + optional)
        for f, y in test:
            a, b = y[int(np.argmax(with_them.rank(f)))], y[int(np.argmax(without.rank(f)))]
            won += int(a > b)
            lost += int(b > a)
    return bool(won - lost > _Z * np.sqrt(won + lost))


_WRONG_PER_GROUP = 10  # wrong candidates paired with the right one: the best-placed ones, which are the
# ones a ranker must beat (the rest add training time, not information)


def _pairwise(groups: list[Group], mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
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
