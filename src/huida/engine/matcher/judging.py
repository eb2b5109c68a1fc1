"""Judging the learned signals on the robot's own held-out questions, and saying which ones match.

A learned signal (the classifier, what labelled pairs taught) takes part in a robot's matching only where it
ranks that robot's held-out questions better than the signals without it (fusion.worth_it: a sign test,
so a gain must stand clear of noise). The verdicts, with their reasons, are shown with the robot's settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from huida.engine.matcher.features import NAMES
from huida.engine.matcher.fusion import Fusion, worth_it
from huida.engine.matcher.types import MatcherOptions, Signal

if TYPE_CHECKING:
    from huida.engine.matcher.engine import HybridMatcher

Rows = list[tuple[np.ndarray, np.ndarray, bool]]  # (candidate features, 1 for the right rule, in scope)

CLASSIFIER_SIGNALS = ("clf", "clf_gap")
# What labelled pairs add, by source: term associations (extra candidates and a feature), the pair model, the
# pair graph, the pair encoder.
PAIR_SIGNALS = {
    "assoc": ("assoc",),
    "model": ("pairs",),
    "graph": ("trans", "trans_gap"),
    "encoder": ("enc", "enc_gap"),
}

# Each signal's own score of a candidate rule, as `explain` names it: (name, signal of `describe` it belongs
# to, feature). Lexical matching is shown as its parts (words, characters, pinyin, and the edit similarity
# of the best question), since which of them matched is what an admin wants to see; the classifier's is its
# margin (not a similarity, may be negative); each pair signal's is its first feature (the others are gaps).
SCORED = (
    ("word", "lexical", "word"),
    ("char", "lexical", "char"),
    ("pinyin", "lexical", "pinyin"),
    ("edit", "lexical", "ratio"),
    ("exact", "exact", "exact"),
    ("classifier", "classifier", CLASSIFIER_SIGNALS[0]),
    *((f"pairs.{name}", f"pairs.{name}", features[0]) for name, features in PAIR_SIGNALS.items()),
    ("dense", "dense", "dense"),
)


def scored_signals(matcher: HybridMatcher) -> tuple[tuple[str, int], ...]:
    """(name, feature column) of each signal score of the signals on for this robot (`describe`)."""
    on = {signal.name for signal in describe(matcher) if signal.on}
    return tuple((name, NAMES.index(feature)) for name, signal, feature in SCORED if signal in on)


def has_both_labels(rows: Rows) -> bool:
    """Whether held-out evidence holds right and wrong candidates both (else no fusion can be learned)."""
    if not rows:
        return False
    labels = np.concatenate([y for _, y, _ in rows])
    return bool(0 < labels.sum() < len(labels))


def classifier_helps(matcher: HybridMatcher, rows: Rows) -> bool:
    """Whether the classifier ranks the robot's held-out questions better than the lexical signals alone: on
    uneven knowledge (a few rules with dozens of phrasings, many with one) it pulls questions towards the big
    rules, and then it must not be used."""
    if not matcher.options.fusion or not has_both_labels(rows):
        return False  # no evidence that it helps
    pairs = tuple(col for name in matcher.pair_signals for col in PAIR_SIGNALS[name])
    return worth_it([(f, y) for f, y, _ in rows], CLASSIFIER_SIGNALS, matcher.options.seed, absent=pairs)


def helpful_pair_signals(matcher: HybridMatcher, rows: Rows) -> frozenset[str]:
    """The pair signals that, each on its own, rank the robot's held-out questions better than none of them:
    pairs from another split, product or wording may not carry, and then they must not cost anything."""
    if not matcher.options.fusion or not has_both_labels(rows):
        return frozenset()
    groups = [(f, y) for f, y, _ in rows]
    every = tuple(col for name in matcher.pair_signals for col in PAIR_SIGNALS[name])
    helpful = set()
    for name in sorted(matcher.pair_signals):
        mine = PAIR_SIGNALS[name]
        others = tuple(col for col in every if col not in mine)
        if worth_it(groups, mine, matcher.options.seed, absent=others):
            helpful.add(name)
    return frozenset(helpful)


_FOLDS = 4


def fusion_helps(rows: Rows, seed: int) -> bool:
    """Whether weights learned from part of the held-out evidence rank the rest at least as well as the
    prior weights (surface similarity) do, over k folds: with little or lopsided evidence (a few rules, one
    of them with most of the phrasings) learned weights can favour the wrong things."""
    groups = [(f, y) for f, y, _ in rows]
    fold = np.random.default_rng(seed).permutation(len(groups)) % _FOLDS
    prior = Fusion.prior()
    won = lost = 0
    for k in range(_FOLDS):
        train = [g for g, f in zip(groups, fold, strict=True) if f != k]
        test = [g for g, f in zip(groups, fold, strict=True) if f == k and g[1].sum() == 1]
        if not test or not any(0 < y.sum() < len(y) for _, y in train):
            continue
        learned = Fusion.fit(train)
        for f, y in test:
            a, b = y[int(np.argmax(learned.rank(f)))], y[int(np.argmax(prior.rank(f)))]
            won += int(a > b)
            lost += int(b > a)
    return won >= lost


def classifier_reason(options: MatcherOptions, on: bool, left_out: bool) -> str:
    if options.classifier is not None:
        return "switched " + ("on" if options.classifier else "off") + " in the matcher options"
    if left_out:
        return "left out: ranks the robot's held-out questions no better than the lexical signals"
    if on:
        return "ranks the robot's held-out questions better than the lexical signals"
    return (f"needs {options.classifier_min_questions:g}+ questions a rule on average and "
            f"2-{options.classifier_max_rules} rules")


def describe(matcher: HybridMatcher) -> tuple[Signal, ...]:
    """Every signal of the matcher: on or off, and why."""
    learned = matcher.fusion_learned
    out = [Signal("lexical", True, "words, characters and pinyin: always on"),
           Signal("exact", True, "a stored question asked word for word answers with its rule"),
           Signal("classifier", matcher.classifier is not None, matcher.classifier_reason),
           Signal("fusion", learned, "weights learned from the robot's held-out questions" if learned
                  else "prior weights: learned ones would rank the held-out questions no better, or no "
                       "evidence to learn from")]
    for name in sorted(matcher.available_pair_signals()):
        on = name in matcher.pair_signals
        out.append(Signal(f"pairs.{name}", on, "ranks held-out questions better" if on
                          else "left out: no better on the robot's held-out questions"))
    dense = matcher.dense is not None
    out.append(Signal("dense", dense, "an embedding model is configured" if dense else "no embedding model"))
    return tuple(out)
