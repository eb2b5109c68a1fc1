"""The hit test: what the robot would do with a question, without logging or counting anything."""

from __future__ import annotations

from typing import Any

from huida.conversation.service import ConversationService, strategy_context
from huida.db import now_ms
from huida.engine.dialogue import types as t
from huida.engine.dialogue.policy import decide
from huida.engine.text import normalize


def hit_test(service: ConversationService, tenant_id: int, robot_id: str, question: str, top_k: int) -> dict[str, Any]:
    view = service.robot_view(tenant_id, robot_id)
    now = now_ms()
    candidates = []
    if normalize(question):
        for candidate in view.knowledge.search(question, max(top_k, 10)):
            rule = view.knowledge.rule(candidate.rule_id)
            if rule is not None and rule.answerable_at(now):
                candidates.append({"ruleId": candidate.rule_id, "question": candidate.question,
                                   "standardQuestion": rule.standard_question, "score": round(candidate.score, 6),
                                   "exact": candidate.exact})
    candidates = candidates[:top_k]
    # The policy's own decision for a new visitor (the steps before matching included: small talk, a
    # request for a person, a stored question asked word for word).
    situation = t.Situation(t.Turn("TEXT", question), normalize(question), t.SessionView(), view.config(),
                            view.knowledge, strategy_context(view.settings, None, None), now)
    decision = decide(situation)
    answer, recommend = view.thresholds()
    calibrated = view.knowledge.thresholds
    return {"decision": decision.answer_type, "answerSource": decision.answer_source,
            "ruleId": decision.rule.rule_id if decision.rule else None,
            "thresholds": {"answer": answer, "recommend": recommend},
            "calibrated": {"answer": calibrated.answer, "recommend": calibrated.recommend},
            "expected": {"precision": calibrated.expected_precision, "answerRate": calibrated.expected_answer_rate},
            "signals": [{"name": s.name, "on": s.on, "reason": s.reason} for s in view.knowledge.matcher.signals()],
            "candidates": candidates}
