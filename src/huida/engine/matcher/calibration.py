"""Thresholds from held-out evidence: answer when the top candidate is right often enough.

Each sample is the top candidate's fused score for a held-out question, whether it was right, and whether
the right rule was among the top three. Simulated out-of-scope questions (their rule removed) are weighted
so they make up `oos_share` of the traffic, since a robot's knowledge says nothing about how often
visitors ask things it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from huida.engine.matcher.types import Thresholds

_MIN_ANSWERED = 5.0  # never trust a precision measured on fewer answered samples
_RECOMMEND_USEFUL = 0.5  # a recommendation list should hold the right rule at least half the time
# Usefulness of recommendations is judged at a moderate out-of-scope share: how many unrelated questions
# may be recommended is bounded separately, by the budget (at the high share, the band would vanish).
_RECOMMEND_OOS_SHARE = 0.2
_Z = 1.0  # precision must hold at the lower end of a one-sigma (Wilson) interval: CV estimates are noisy


@dataclass(frozen=True, slots=True)
class CvSample:
    score: float
    correct: bool  # top candidate is the right rule (always False out of scope)
    in_top3: bool
    in_scope: bool


def calibrate(
    samples: list[CvSample], target_precision: float, oos_share: float, paraphrases: bool = True,
    oos_recommend_budget: float = 1.0,
) -> Thresholds:
    """`paraphrases=False`: the in-scope evidence is only perturbed copies of stored questions, which say
    nothing about how real rephrasings and their look-alikes score; then answer only above every simulated
    out-of-scope score (near-verbatim questions).
    Recommendations need the right rule among them often enough, and may reach at most
    `oos_recommend_budget` of the simulated out-of-scope questions (the rest get the default reply)."""
    if not samples:
        return Thresholds(answer=1.0, recommend=1.0)
    scores = np.array([s.score for s in samples])
    correct = np.array([s.correct for s in samples], dtype=np.float64)
    top3 = np.array([s.in_top3 for s in samples], dtype=np.float64)
    weights = _weights(np.array([s.in_scope for s in samples]), oos_share)
    order = np.argsort(-scores, kind="stable")
    scores, correct, top3, weights = scores[order], correct[order], top3[order], weights[order]
    answer = _deepest(scores, correct, weights, target_precision, 0, _MIN_ANSWERED)
    if not paraphrases:
        oos_scores = [s.score for s in samples if not s.in_scope]
        answer = max(answer, min(1.0, max(oos_scores, default=0.0) + 1e-6))
    start = int(np.searchsorted(-scores, -answer, side="right"))
    expected = _expected(scores, correct, weights, answer)
    moderate = _weights(np.array([s.in_scope for s in samples]), min(oos_share, _RECOMMEND_OOS_SHARE))[order]
    recommend = _deepest(scores, top3, moderate, _RECOMMEND_USEFUL, start, 1.0)
    recommend = max(recommend, _budget_cut([s.score for s in samples if not s.in_scope], oos_recommend_budget))
    return Thresholds(answer, min(recommend, answer), *expected)


def _expected(scores: np.ndarray, correct: np.ndarray, weights: np.ndarray, answer: float) -> tuple[float, float]:
    """(precision of direct answers, share of questions answered directly) on the weighted evidence
    (questions the robot's own words answer verbatim come on top: they are not in the evidence)."""
    answered = scores >= answer
    mass = float(weights[answered].sum())
    precision = float((correct * weights)[answered].sum() / mass) if mass else 1.0
    return round(precision, 4), round(mass / float(weights.sum()), 4)


def _budget_cut(oos_scores: list[float], budget: float) -> float:
    """The lowest threshold at which at most `budget` of the out-of-scope scores reach it."""
    if budget >= 1.0 or not oos_scores:
        return 0.0
    ordered = sorted(oos_scores, reverse=True)
    allowed = int(budget * len(ordered))  # this many may be recommended
    return min(1.0, ordered[allowed] + 1e-9) if allowed < len(ordered) else 0.0


def _weights(in_scope: np.ndarray, oos_share: float) -> np.ndarray:
    n_in, n_out = int(in_scope.sum()), int((~in_scope).sum())
    weights = np.ones(len(in_scope))
    if n_in and n_out:
        weights[~in_scope] = oos_share / (1.0 - oos_share) * n_in / n_out
    return weights


def _deepest(
    scores: np.ndarray, good: np.ndarray, weights: np.ndarray, target: float, start: int, min_weight: float
) -> float:
    """Lowest score s such that samples in [s, scores[start]] are good at rate >= target."""
    cum_w = np.cumsum(weights[start:])
    cum_g = np.cumsum(good[start:] * weights[start:])
    ok = (_wilson_lower(cum_g, cum_w) >= target - 1e-12) & (cum_w >= min_weight)
    # Thresholds sit between distinct scores: a tie cannot be split, so only ends of tie runs count.
    last_of_run = np.append(scores[start + 1 :] != scores[start:-1], True) if len(scores) > start else ok
    ok &= last_of_run
    if not ok.any():
        return float(min(1.0, scores[start] + 1e-6)) if len(scores) > start else 1.0
    return float(scores[start + int(np.flatnonzero(ok)[-1])])


def _wilson_lower(good: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Lower Wilson bound of the rate good / total (weighted counts used as counts)."""
    total = np.maximum(total, 1e-12)
    p = np.clip(good / total, 0.0, 1.0)
    z2 = _Z * _Z
    centre = p + z2 / (2 * total)
    spread = _Z * np.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    bound: np.ndarray = (centre - spread) / (1 + z2 / total)
    return bound
