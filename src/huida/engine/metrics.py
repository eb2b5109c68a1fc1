"""Pure matching metrics over a labelled query set (no Huida imports outside the engine).

Rankings and decisions come from callables, so the same code scores a bare matcher, a reference recipe,
or the real conversation engine (`huida eval`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

Action = Literal["answer", "recommend", "default"]


class Scored(Protocol):
    """A ranked rule (read-only, so that frozen candidates qualify)."""

    @property
    def rule_id(self) -> str: ...

    @property
    def score(self) -> float: ...


S = TypeVar("S", bound=Scored)


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    text: str
    expect: str | None  # the right rule id, or None when the robot must not answer


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    rule_ids: tuple[str, ...] = ()  # the answered rule, or the recommended rules


@dataclass(slots=True)
class Breakdown:
    """Decision counts, in scope (expect set) and out of scope (expect None)."""

    answered_right: int = 0
    answered_wrong: int = 0
    recommended_right: int = 0  # the right rule is among the recommendations
    recommended_without: int = 0
    default_reply: int = 0
    oos_answered: int = 0
    oos_recommended: int = 0
    oos_default: int = 0

    @property
    def answered(self) -> int:
        return self.answered_right + self.answered_wrong + self.oos_answered

    @property
    def wrong_share(self) -> float:
        """Wrong direct answers (wrong rule, or answering out of scope) over all direct answers."""
        return (self.answered_wrong + self.oos_answered) / self.answered if self.answered else 0.0


@dataclass(slots=True)
class Report:
    n_in_scope: int
    n_out_of_scope: int
    hit1: float
    hit3: float
    coverage_at_precision: dict[float, float]  # {0.9: C@P90, 0.95: C@P95}
    breakdown: Breakdown | None = None
    extra: dict[str, float] = field(default_factory=dict)


def evaluate(
    queries: Iterable[LabelledQuery],
    rank: Callable[[str], Sequence[S]],
    decide: Callable[[str, Sequence[S]], Decision] | None = None,
    precisions: Sequence[float] = (0.9, 0.95),
) -> Report:
    """Rank every query once; hit@k over in-scope queries, C@P over all, and decisions if `decide` is given."""
    tops: list[tuple[float, bool]] = []  # (top score, top is right) per query, out of scope included
    hits1 = hits3 = n_in = n_out = 0
    breakdown = Breakdown() if decide else None
    for query in queries:
        ranked = list(rank(query.text))
        ids = [c.rule_id for c in ranked]
        in_scope = query.expect is not None
        n_in += in_scope
        n_out += not in_scope
        right = in_scope and bool(ids) and ids[0] == query.expect
        hits1 += right
        hits3 += in_scope and query.expect in ids[:3]
        tops.append((ranked[0].score if ranked else float("-inf"), right))
        if breakdown is not None and decide is not None:
            _count(breakdown, decide(query.text, ranked), query.expect)
    coverage = {p: coverage_at_precision(tops, n_in, p) for p in precisions}
    return Report(n_in, n_out, hits1 / max(n_in, 1), hits3 / max(n_in, 1), coverage, breakdown)


def coverage_at_precision(tops: Sequence[tuple[float, bool]], n_in_scope: int, precision: float) -> float:
    """Largest share of in-scope queries answered right while >= `precision` of direct answers are right,
    sweeping the answer threshold over the top scores (ties are answered together)."""
    ordered = sorted(tops, key=lambda t: -t[0])
    best = answered = correct = 0
    for i, (score, right) in enumerate(ordered):
        answered += 1
        correct += right
        if i + 1 < len(ordered) and ordered[i + 1][0] == score:
            continue
        if correct >= precision * answered:
            best = max(best, correct)
    return best / max(n_in_scope, 1)


def threshold_decider(answer: float, recommend: float, k: int = 3) -> Callable[[str, Sequence[Scored]], Decision]:
    """Decisions of a bare matcher with thresholds: answer, recommend the top k, or the default reply."""

    def decide(_text: str, ranked: Sequence[Scored]) -> Decision:
        exact = [c.rule_id for c in ranked if getattr(c, "exact", False)]
        if exact:  # a stored question word for word: its one rule answers, several are recommended
            return Decision("answer", tuple(exact)) if len(exact) == 1 else Decision("recommend", tuple(exact))
        if ranked and ranked[0].score >= answer:
            return Decision("answer", (ranked[0].rule_id,))
        if ranked and ranked[0].score >= recommend:
            return Decision("recommend", tuple(c.rule_id for c in ranked[:k] if c.score >= recommend))
        return Decision("default")

    return decide


def _count(b: Breakdown, decision: Decision, expect: str | None) -> None:
    if expect is None:
        if decision.action == "answer":
            b.oos_answered += 1
        elif decision.action == "recommend":
            b.oos_recommended += 1
        else:
            b.oos_default += 1
    elif decision.action == "answer":
        if decision.rule_ids[:1] == (expect,):
            b.answered_right += 1
        else:
            b.answered_wrong += 1
    elif decision.action == "recommend":
        if expect in decision.rule_ids:
            b.recommended_right += 1
        else:
            b.recommended_without += 1
    else:
        b.default_reply += 1
