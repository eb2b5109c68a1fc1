"""A robot's knowledge health report: its rules from the database, its own matcher and answer threshold.

It measures the robot as visitors meet it, so it sits with the other measurements of a robot (evaluation), above
both the knowledge it reads and the conversation service it asks; the pure findings are huida.knowledge.health.

The matcher is the conversation service's snapshot of the robot (the one that answers visitors), so an
overlap found here is one visitors meet. Nothing is logged and no hit count moves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.service import ConversationService
from huida.db import now_ms
from huida.knowledge.health import DEFAULT_DAYS, LIST_CAP, HealthInput, RuleFacts, health_report
from huida.knowledge.models import Question, Rule


def read_rule_facts(session: Session, robot_id: str) -> list[RuleFacts]:
    """Every rule of the robot (in creation order) with its questions, standard question first."""
    rows = session.execute(
        select(Rule.pk, Rule.rule_id, Rule.status, Rule.hit_count, Rule.last_hit_time, Rule.create_time)
        .where(Rule.robot_id == robot_id).order_by(Rule.pk)).all()
    questions: dict[int, list[str]] = {}
    for rule_pk, text in session.execute(
            select(Question.rule_pk, Question.question).join(Rule, Rule.pk == Question.rule_pk)
            .where(Rule.robot_id == robot_id).order_by(Question.rule_pk, Question.position)):
        questions.setdefault(rule_pk, []).append(text)
    return [RuleFacts(rule_id, tuple(questions.get(pk, ())), status == "ENABLE", hit_count or 0, last_hit, created)
            for pk, rule_id, status, hit_count, last_hit, created in rows]


def robot_health(service: ConversationService, tenant_id: int, robot_id: str, *, days: int = DEFAULT_DAYS,
                 limit: int = LIST_CAP) -> dict[str, Any]:
    """The report of one robot of the tenant (404 ROBOT_NOT_FOUND for another tenant's robot)."""
    view = service.robot_view(tenant_id, robot_id)
    with service.ctx.db.read() as session:
        rules = read_rule_facts(session, robot_id)
    answer, _ = view.thresholds()
    given = HealthInput(rules, view.knowledge.search, answer, now_ms(), days, limit,
                        extra={"robotId": robot_id, "tenantId": tenant_id})
    return health_report(given)
