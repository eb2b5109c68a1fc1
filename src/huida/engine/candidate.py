"""A ranked answer candidate: what the matcher returns and the dialogue policy decides from (one type for both)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    rule_id: str
    question: str  # the stored question that matched best (or the rule's standard question, when recommended)
    score: float  # calibrated confidence in [0, 1], comparable with the thresholds
    exact: bool = False  # the question is, word for word (normalised), one of this rule's own questions
