"""The hit test: what the robot would do with a question, without logging or counting anything."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from huida.conversation.service import ConversationService
from huida.conversation.snapshots import expected_view, signal_views
from huida.db import now_ms
from huida.engine.dialogue.policy import decide
from huida.engine.text import normalize


def hit_test(service: ConversationService, tenant_id: int, robot_id: str, question: str, top_k: int) -> dict[str, Any]:
    view = service.robot_view(tenant_id, robot_id)
    now = now_ms()
    candidates = []
    if normalize(question):
        for explained in view.knowledge.explain(question, max(top_k, 10)):
            candidate = explained.candidate
            rule = view.knowledge.rule(candidate.rule_id)
            if rule is not None and rule.answerable_at(now):
                candidates.append({"ruleId": candidate.rule_id, "question": candidate.question,
                                   "standardQuestion": rule.standard_question, "score": round(candidate.score, 6),
                                   "exact": candidate.exact, "signalScores": _scores(explained.scores)})
    candidates = candidates[:top_k]
    # The policy's own decision for a new visitor (the steps before matching included: small talk, a
    # request for a person, a stored question asked word for word).
    decision = decide(view.first_turn(question))
    answer, recommend = view.thresholds()
    calibrated = view.knowledge.thresholds
    return {"decision": decision.answer_type, "answerSource": decision.answer_source,
            "ruleId": decision.rule.rule_id if decision.rule else None,
            "thresholds": {"answer": answer, "recommend": recommend},
            "calibrated": {"answer": calibrated.answer, "recommend": calibrated.recommend},
            "expected": expected_view(calibrated), "signals": signal_views(view.knowledge),
            "candidates": candidates}


def _scores(scores: Mapping[str, float]) -> dict[str, float]:
    # Six decimals, as the score: enough to compare candidates, and float noise (1.0000000155) reads as 1.0.
    return {name: round(value, 6) for name, value in scores.items()}
