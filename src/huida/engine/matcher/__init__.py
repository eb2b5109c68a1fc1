"""The matching engine: multi-signal, self-calibrating, pure Python (no web or database imports).

matcher = build_matcher(items)            # index + classifier + fusion + thresholds
matcher.search("微利贷怎么还款")            # [Candidate(rule_id, question, score), ...]
matcher.thresholds                        # Thresholds(answer, recommend), calibrated
matcher.explain("微利贷怎么还款")           # the same candidates, each with every signal's own score
"""


from huida.engine.matcher.dense import Embedder, HttpEmbedder, LocalEmbedder, OptionalFeatureError
from huida.engine.matcher.engine import HybridMatcher, build_matcher
from huida.engine.matcher.pairs import (
    PairLearning,
    PairModel,
    TermAssociations,
    pairs_for_knowledge,
    read_labelled_pairs,
)
from huida.engine.matcher.types import (
    Candidate,
    Explained,
    KnowledgeItem,
    Matcher,
    MatcherOptions,
    Signal,
    Thresholds,
)

__all__ = [
    "Candidate",
    "Embedder",
    "Explained",
    "HttpEmbedder",
    "HybridMatcher",
    "KnowledgeItem",
    "LocalEmbedder",
    "Matcher",
    "OptionalFeatureError",
    "MatcherOptions",
    "PairLearning",
    "PairModel",
    "TermAssociations",
    "Signal",
    "Thresholds",
    "build_matcher",
    "pairs_for_knowledge",
    "read_labelled_pairs",
]
