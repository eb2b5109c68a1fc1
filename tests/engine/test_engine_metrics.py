from dataclasses import dataclass

import pytest

from huida.engine.metrics import (
    Decision,
    LabelledQuery,
    coverage_at_precision,
    evaluate,
    threshold_decider,
)


@dataclass(frozen=True)
class C:
    rule_id: str
    score: float


RANKS = {
    "a": [C("r1", 0.9), C("r2", 0.1)],  # right, confident
    "b": [C("r3", 0.8), C("r2", 0.5)],  # right rule second
    "c": [C("r3", 0.4), C("r9", 0.3)],  # right, unsure
    "d": [C("r1", 0.7)],  # out of scope, answered if threshold <= 0.7
}
QUERIES = [LabelledQuery("a", "r1"), LabelledQuery("b", "r2"), LabelledQuery("c", "r3"), LabelledQuery("d", None)]


def test_hits_and_coverage():
    report = evaluate(QUERIES, RANKS.__getitem__)
    assert report.n_in_scope == 3 and report.n_out_of_scope == 1
    assert report.hit1 == pytest.approx(2 / 3) and report.hit3 == 1.0
    # Answering only "a" is 100% precise; going lower adds wrong answers (b at 0.8, d at 0.7).
    assert report.coverage_at_precision[0.9] == pytest.approx(1 / 3)
    assert report.breakdown is None


def test_coverage_sweeps_ties_together():
    assert coverage_at_precision([(1.0, True), (1.0, False)], 2, 0.9) == 0.0
    assert coverage_at_precision([(1.0, True), (0.5, True), (0.4, False)], 2, 0.6) == 1.0
    assert coverage_at_precision([], 0, 0.9) == 0.0


def test_breakdown_with_thresholds():
    report = evaluate(QUERIES, RANKS.__getitem__, threshold_decider(answer=0.75, recommend=0.35))
    b = report.breakdown
    assert (b.answered_right, b.answered_wrong, b.recommended_right, b.recommended_without, b.default_reply) == (
        1,
        1,
        1,
        0,
        0,
    )
    assert (b.oos_answered, b.oos_recommended, b.oos_default) == (0, 1, 0)
    assert b.answered == 2 and b.wrong_share == 0.5


def test_custom_decider_from_a_conversation_engine():
    def decide(text, ranked):
        return Decision("default") if text == "d" else Decision("answer", (ranked[0].rule_id,))

    b = evaluate(QUERIES, RANKS.__getitem__, decide).breakdown
    assert b.oos_default == 1 and b.answered_right == 2 and b.answered_wrong == 1
