"""The hit test: what the robot would do with a question, without logging or counting anything."""

from __future__ import annotations

from typing import Any

from huida.conversation.service import ConversationService
from huida.db import now_ms
from huida.engine.dialogue.policy import match_verdict
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
                                   "standardQuestion": rule.standard_question, "score": round(candidate.score, 6)})
    candidates = candidates[:top_k]
    answer, recommend = view.thresholds()
    verdict = match_verdict(candidates[0]["score"] if candidates else None, view.config())
    return {"decision": verdict, "thresholds": {"answer": answer, "recommend": recommend},
            "calibrated": {"answer": view.knowledge.thresholds.answer,
                           "recommend": view.knowledge.thresholds.recommend},
            "candidates": candidates}
