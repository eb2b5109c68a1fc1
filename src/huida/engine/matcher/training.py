"""Held-out evidence from the robot's own knowledge, for learning the fusion and calibrating thresholds.

In scope: a similar question is held out and asked against the rest of the knowledge (its own rule keeps
its other phrasings); no rule gives more of them than the median rule has, so big rules do not dominate.
Out of scope: a question's whole rule is hidden, so any answer is wrong - the best stand-in for visitors
asking what the robot does not know; these come from a third of the rules, which the classifier of the
held-out evidence never sees (as it never sees a visitor's unknown intent). Robots whose rules have a
single question get perturbed questions (words dropped, added, replaced or swapped, homophones, typos) as
in-scope evidence instead; that evidence teaches the fusion but is not trusted for precision (see calibration.py).
Verbatim: with perturbed evidence, also a few stored questions asked as they are, which visitors do; only
the fusion learns from them (what a word-for-word match is worth), never the calibration (how often
visitors ask so is unknown). Real paraphrases teach that already; there they only blunted confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from huida.engine.matcher.store import DocStore
from huida.engine.text import Tokenizer, has_cjk, is_cjk, pinyin_syllables

_MIN_HELD = 200  # fewer held-out paraphrases than this: add perturbed questions
_MIN_VERBATIM = 20


@dataclass(slots=True)
class CvPlan:
    held: np.ndarray  # doc ids asked with only themselves removed
    oos: np.ndarray  # doc ids asked with their whole rule removed
    synthetic: list[tuple[str, int]]  # (perturbed text, rule code)
    verbatim: np.ndarray  # doc ids asked as they are (nothing removed)
    hidden: np.ndarray  # every doc of the rules out-of-scope samples come from (no learned model sees them)


def plan(store: DocStore, max_queries: int, oos_share: float, seed: int, tokenizer: Tokenizer | None = None) -> CvPlan:
    rng = np.random.default_rng(seed)
    live = store.live.view & ~store.learned.view
    docs = np.flatnonzero(live)
    if not len(docs):
        none = np.zeros(0, dtype=np.int64)
        return CvPlan(none, none, [], none, none)
    rules = store.doc_rule.view[docs]
    sizes = np.bincount(rules, minlength=len(store.rule_ids))
    in_hidden = np.isin(rules, _hidden_rules(rng, np.unique(rules)))
    held = _sample(rng, _balanced(rng, store, docs[(sizes[rules] >= 2) & ~in_hidden]), max_queries)
    if len(held) < _MIN_HELD:  # few real paraphrases: every question may be simulated out of scope (below)
        in_hidden[:] = False
        held = _sample(rng, _balanced(rng, store, docs[sizes[rules] >= 2]), max_queries)
    known = docs[~in_hidden]
    synthetic: list[tuple[str, int]] = []
    if len(held) < _MIN_HELD:
        synthetic = _synthetic(store, known, rng, max(_MIN_HELD, max_queries // 4), tokenizer or Tokenizer())
    n_in = len(held) + len(synthetic)
    # As many out-of-scope samples as in-scope ones at most (weights make up the share, calibration.py):
    # more would cost refresh time for little precision.
    sampled_share = min(oos_share, 0.5)
    pool = docs[in_hidden] if in_hidden.any() else docs
    n_oos = min(len(pool), max(50, int(round(n_in * sampled_share / (1.0 - sampled_share)))))
    if synthetic:
        # Without real paraphrases the answer threshold sits above the highest simulated out-of-scope score
        # (calibration.py): a maximum, which a small sample underestimates, so simulate all the budget allows.
        n_oos = min(len(pool), max(n_oos, max_queries))
    oos = np.sort(rng.choice(pool, n_oos, replace=False))
    verbatim = oos[:0]
    if synthetic:  # perturbed copies never match word for word: say what an exact match is worth
        verbatim = np.sort(rng.choice(known, min(len(known), max(_MIN_VERBATIM, n_in // 10)), replace=False))
    return CvPlan(held, oos, synthetic, verbatim, docs[in_hidden] if in_hidden.any() else oos)


_HIDDEN_SHARE = 1 / 3


def _balanced(rng: np.random.Generator, store: DocStore, docs: np.ndarray) -> np.ndarray:
    """At most as many docs of a rule as the median rule has: on uneven knowledge (one rule with sixty
    phrasings, the rest with two) the evidence would otherwise be mostly the big rule's, and the fusion
    would learn to favour big rules over the right one."""
    if not len(docs):
        return docs
    owners = store.doc_rule.view[docs]
    counts = np.bincount(owners)
    cap = max(2, int(np.median(counts[counts > 0])))
    shuffled = rng.permutation(docs)
    owners = store.doc_rule.view[shuffled]
    order = np.argsort(owners, kind="stable")
    shuffled, owners = shuffled[order], owners[order]
    rank = np.arange(len(owners)) - np.searchsorted(owners, owners, side="left")
    kept: np.ndarray = shuffled[rank < cap]
    return kept


def _sample(rng: np.random.Generator, docs: np.ndarray, n: int) -> np.ndarray:
    return np.sort(rng.choice(docs, min(n, len(docs)), replace=False)) if len(docs) else docs


def _hidden_rules(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    """The rules out-of-scope questions are drawn from: a visitor's unknown intent is unknown to every
    learned model too, so the classifier of the held-out evidence is trained without them (a classifier
    that saw a rule spreads that rule's questions thinly over the others, and out-of-scope questions then
    look safer than they are). Robots of fewer than three rules hide none."""
    if len(codes) < 3:
        return codes[:0]
    return rng.choice(codes, max(1, int(len(codes) * _HIDDEN_SHARE)), replace=False)


def _synthetic(
    store: DocStore, docs: np.ndarray, rng: np.random.Generator, n: int, tokenizer: Tokenizer
) -> list[tuple[str, int]]:
    sample = docs[:20_000]
    homophones = _homophones(store, sample)
    # Visitors type words, not stems: edits are made of the knowledge's own surface words (refunding, not
    # refund; verify, not verifi), or the perturbed questions would teach the fusion about text nobody types.
    tokenizer = Tokenizer(tokenizer.domain_terms, stem_latin=False)
    words = sorted({w for d in sample for w in tokenizer.words(store.texts[d])})
    out = []
    for doc in np.sort(rng.choice(docs, min(n, len(docs)), replace=False)):
        text = perturb(store.texts[doc], tokenizer.words(store.texts[doc]), rng, words, homophones)
        if text:
            out.append((text, int(store.doc_rule.view[doc])))
    return out


def _homophones(store: DocStore, docs: np.ndarray) -> dict[str, list[str]]:
    """Characters of the knowledge grouped by pinyin: the pool a homophone typo draws from."""
    by_sound: dict[str, set[str]] = {}
    for doc in docs:
        for ch in store.texts[doc]:
            if is_cjk(ch):
                by_sound.setdefault(pinyin_syllables(ch)[0], set()).add(ch)
    return {s: sorted(chars) for s, chars in by_sound.items() if len(chars) > 1}


def perturb(
    text: str, words: list[str], rng: np.random.Generator, vocab: list[str], homophones: dict[str, list[str]]
) -> str:
    """Two or three edits of the kinds that separate a visitor's question from the stored one: a word
    dropped, added or replaced (by a word of the knowledge), two words swapped, a homophone or a typo."""
    words = list(words)
    if len(words) < 2:
        return ""
    for _ in range(int(rng.integers(2, 4))):
        op = int(rng.integers(0, 6))
        i = int(rng.integers(0, len(words)))
        if op == 0 and len(words) > 2:
            del words[i]
        elif op == 1 and i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
        elif op == 2 and vocab:
            words.insert(i, vocab[int(rng.integers(0, len(vocab)))])
        elif op == 3 and vocab:
            words[i] = vocab[int(rng.integers(0, len(vocab)))]
        elif op == 4:
            words[i] = _homophone(words[i], rng, homophones)
        elif len(words[i]) > 1:
            j = int(rng.integers(0, len(words[i])))
            words[i] = words[i][:j] + words[i][j + 1 :]
    return ("" if has_cjk(text) else " ").join(words)


def _homophone(word: str, rng: np.random.Generator, homophones: dict[str, list[str]]) -> str:
    chars = list(word)
    j = int(rng.integers(0, len(chars)))
    if is_cjk(chars[j]):
        pool = [c for c in homophones.get(pinyin_syllables(chars[j])[0], []) if c != chars[j]]
        if pool:
            chars[j] = pool[int(rng.integers(0, len(pool)))]
    return "".join(chars)
