"""Rule search (seed 004 §3.1): text in questions or answers, category and answer-type filters, sorting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from huida.errors import bad_request
from huida.knowledge.models import Answer, Question, Rule, RuleCategory
from huida.knowledge.references import DEFAULT_CATEGORY

SORT_COLUMNS = {
    "createTime": Rule.create_time, "updateTime": Rule.update_time, "hitCount": Rule.hit_count,
    "lastHitTime": Rule.last_hit_time, "id": Rule.rule_id, "status": Rule.status,
}


@dataclass(frozen=True)
class RuleQuery:
    page: int = 0
    per_page: int = 10
    q: str | None = None
    sort_order: str = "DESC"
    sort_property: str = "createTime"
    category_ids: tuple[str, ...] = ()
    answer_type: str | None = None
    status: str | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(robot_id: str, query: RuleQuery) -> Select:
    stmt = select(Rule.pk).where(Rule.robot_id == robot_id)
    if query.q:
        pattern = _like(query.q.strip())
        in_questions = exists().where(Question.rule_pk == Rule.pk, Question.question.ilike(pattern, escape="\\"))
        in_answers = exists().where(Answer.rule_pk == Rule.pk, Answer.answer.ilike(pattern, escape="\\"))
        stmt = stmt.where(in_questions | in_answers)
    if query.category_ids:
        wanted = set(query.category_ids)
        in_category: ColumnElement[bool] = exists().where(RuleCategory.rule_pk == Rule.pk,
                                                          RuleCategory.category_id.in_(wanted))
        if DEFAULT_CATEGORY in wanted:  # rules without any category are in "default"
            in_category = in_category | ~exists().where(RuleCategory.rule_pk == Rule.pk)
        stmt = stmt.where(in_category)
    if query.answer_type:
        stmt = stmt.where(exists().where(Answer.rule_pk == Rule.pk, Answer.type == query.answer_type))
    if query.status:
        stmt = stmt.where(Rule.status == query.status)
    return stmt


def search_rules(session: Session, robot_id: str, query: RuleQuery) -> tuple[list[Rule], int]:
    column = SORT_COLUMNS.get(query.sort_property)
    if column is None:
        raise bad_request(f"sortProperty must be one of {', '.join(SORT_COLUMNS)}")
    direction = query.sort_order.upper()
    if direction not in ("ASC", "DESC"):
        raise bad_request("sortOrder must be ASC or DESC")
    pks = _filtered(robot_id, query)
    total = session.scalar(select(func.count()).select_from(pks.subquery())) or 0
    # A rule never hit (NULL lastHitTime) sorts as the oldest, the same on SQLite and PostgreSQL.
    order = column.asc().nulls_first() if direction == "ASC" else column.desc().nulls_last()
    tie = Rule.pk.asc() if direction == "ASC" else Rule.pk.desc()
    rules = session.scalars(
        select(Rule).where(Rule.pk.in_(pks)).order_by(order, tie)
        .offset(query.page * query.per_page).limit(query.per_page)
    ).all()
    return list(rules), total
