"""A hand-made, in-memory Knowledge and builders for the policy's inputs (no matcher, no database)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from huida.engine.dialogue import types as t
from huida.engine.strategies import StrategyContext
from huida.engine.text import normalize

NOW = datetime(2024, 3, 6, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday morning
NOW_MS = int(NOW.timestamp() * 1000)


def answer(answer_id: str, text: str = "", *, type: str = "TEXT", content: dict[str, Any] | None = None,
           strategies: Iterable[dict[str, Any]] = ()) -> t.AnswerView:
    return t.AnswerView(answer_id, type, text or answer_id, content, tuple(strategies))


def rule(rule_id: str, question: str, *answers: t.AnswerView, status: str = "ENABLE", enable_time: int = 0,
         disable_time: int = 4102444800000) -> t.RuleView:
    return t.RuleView(rule_id, question, answers or (answer(f"{rule_id}-a", f"answer of {rule_id}"),), status,
                      enable_time, disable_time)


class FakeKnowledge:
    """Rules by id, and search results fixed per question: the test says what the matcher "found"."""

    def __init__(self, rules: Iterable[t.RuleView] = (), results: dict[str, Sequence[tuple[str, float]]] | None = None):
        self.rules = {r.rule_id: r for r in rules}
        self.results = results or {}
        self.searches: list[str] = []

    def rule(self, rule_id: str) -> t.RuleView | None:
        return self.rules.get(rule_id)

    def search(self, question: str, k: int) -> list[t.Candidate]:
        self.searches.append(question)
        found = self.results.get(question, ())
        return [self._candidate(question, rid, score) for rid, score in found][:k]

    def _candidate(self, question: str, rule_id: str, score: float) -> t.Candidate:
        """As the matcher marks it: exact when the question is the rule's (standard) question word for word."""
        stored = self.rules[rule_id].standard_question if rule_id in self.rules else rule_id
        return t.Candidate(rule_id, stored, score, normalize(stored) == normalize(question))


def situation(question: str = "", *, kind: str = "TEXT", knowledge_id: str | None = None,
              knowledge: FakeKnowledge | None = None, config: t.PolicyConfig | None = None,
              session: t.SessionView | None = None, context: StrategyContext | None = None,
              now_ms: int = NOW_MS) -> t.Situation:
    return t.Situation(
        turn=t.Turn(kind, question, knowledge_id), normalized=normalize(question),
        session=session or t.SessionView(), config=config or t.PolicyConfig(),
        knowledge=knowledge or FakeKnowledge(), strategy_context=context or StrategyContext(now=NOW),
        now_ms=now_ms,
    )
