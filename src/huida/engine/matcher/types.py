"""Public value types of the matcher and the protocol the rest of Huida calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from huida.engine.candidate import Candidate as Candidate  # re-exported with the matcher types

if TYPE_CHECKING:
    from huida.engine.matcher.dense import Embedder
    from huida.engine.matcher.pairs import PairLearning


@dataclass(frozen=True, slots=True)
class KnowledgeItem:
    rule_id: str
    questions: tuple[str, ...]  # standard question first, then similar questions


@dataclass(frozen=True, slots=True)
class Thresholds:
    answer: float  # >= answer -> answer directly
    recommend: float  # recommend <= score < answer -> recommend top questions
    # What the held-out evidence expects at these thresholds, at the calibration's out-of-scope share:
    # the share of direct answers that are right, and the share of questions answered directly.
    expected_precision: float | None = None
    expected_answer_rate: float | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal of the matcher: whether it takes part in this robot's matching, and why."""

    name: str
    on: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Explained:
    """A ranked candidate with each signal's own score for its rule, for the signals on for the robot:
    the values the fusion combined into the candidate's one confidence (the hit test shows them)."""

    candidate: Candidate
    scores: Mapping[str, float]  # signal -> score, in the matcher's fixed signal order


@dataclass(frozen=True, slots=True)
class MatcherOptions:
    """How a robot's matcher is built. Defaults suit any robot; nothing here is tuned per data set."""

    domain_terms: tuple[str, ...] = ()  # the robot's own words, kept whole by the word tokenizer
    classifier: bool | None = None  # None: on when rules carry enough similar questions
    classifier_min_questions: float = 4.0  # mean questions per rule needed to train the classifier
    classifier_max_questions: int = 300_000  # beyond this, training cost outweighs the lift
    classifier_max_rules: int = 500  # intent-style robots have tens to hundreds of rules; the model is
    # one weight row per rule, so thousands of rules would cost memory and training time for little lift
    fusion: bool = True  # learn signal weights from the knowledge itself (leave-one-out)
    embedder: Embedder | None = None  # optional dense embeddings (local model or /v1/embeddings)
    pairs: PairLearning | None = None  # what labelled pairs taught (term associations, pair model)
    target_precision: float = 0.9  # direct-answer precision the calibration aims for
    # Direct-answer precision must hold however many visitors ask what the knowledge does not hold; live
    # customer-service traffic has 35-70% such questions, and precision only falls as the share grows, so
    # the thresholds are calibrated at the high end.
    oos_share: float = 0.7
    # At most this share of (simulated) out-of-scope questions may get recommendations: a recommendation
    # says "did you mean one of these"; for unrelated questions the default reply (with its transfer button)
    # is the honest answer (issue 22).
    oos_recommend_budget: float = 0.3
    cv_queries: int = 3000  # at most this many held-out questions for fusion and calibration
    seed: int = 0


class Matcher(Protocol):
    def search(self, question: str, k: int = 5) -> list[Candidate]: ...

    def explain(self, question: str, k: int = 5) -> list[Explained]: ...

    def upsert(self, item: KnowledgeItem) -> None: ...

    def remove(self, rule_id: str) -> None: ...

    def learn_pairs(self, pairs: Iterable[tuple[str, str]]) -> None: ...

    def calibrate(self, target_precision: float = 0.9, oos_share: float | None = None) -> Thresholds: ...

    def signals(self) -> tuple[Signal, ...]: ...
