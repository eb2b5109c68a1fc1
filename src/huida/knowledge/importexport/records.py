"""The canonical record of a rule that every export writes: lossless, and free of volatile values.

No timestamps, generated question/answer ids, hit counts or robot id: exporting, importing into an
empty robot and exporting again gives the same bytes. Categories travel by name. The record is also a
valid `RuleIn` body, so JSONL files read back without translation.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from huida.knowledge.categories import DEFAULT_NAME
from huida.knowledge.models import Answer, Category, Question, Rule, RuleCategory
from huida.knowledge.references import DEFAULT_CATEGORY

_EMPTY_JSON: dict[str, Callable[[], Any]] = {"{}": dict, "[]": list, "null": lambda: None}


def _json(column: Any) -> Any:
    """A JSON column read without SQLAlchemy's per-row decoding (decoded by `_decoded`)."""
    return type_coerce(column, Text)


def _decoded(value: Any) -> Any:
    """SQLite hands JSON back as text, psycopg already parsed; most rows hold an empty value."""
    if not isinstance(value, str):
        return value
    empty = _EMPTY_JSON.get(value)
    return empty() if empty else json.loads(value)


def _grouped(session: Session, columns: tuple[Any, ...], position: Any, robot_id: str) -> dict[int, list[list]]:
    """Child rows of every rule of the robot, by rule pk, in their stored order."""
    stmt = (select(*columns).join(Rule, Rule.pk == columns[0]).where(Rule.robot_id == robot_id)
            .order_by(columns[0], position))
    out: dict[int, list[list]] = defaultdict(list)
    for rule_pk, *values in session.execute(stmt):
        out[rule_pk].append(values)
    return out


def _question(text: str, attributes: Any) -> str | dict[str, Any]:
    attributes = _decoded(attributes)
    return {"question": text, "attributes": attributes} if attributes else text


def answer_record(kind: str, text: str, content: Any, display: str | None, strategies: Any) -> dict[str, Any]:
    content, strategies = _decoded(content), _decoded(strategies)
    record: dict[str, Any] = {"type": kind, "answer": text}
    if content is not None:
        record["content"] = content
    if display is not None:
        record["display"] = display
    if strategies:
        record["strategies"] = strategies
    return record


def category_names(session: Session, robot_id: str) -> dict[str, str]:
    rows = session.execute(select(Category.category_id, Category.name).where(Category.robot_id == robot_id))
    names = {category_id: name for category_id, name in rows}
    names.setdefault(DEFAULT_CATEGORY, DEFAULT_NAME)
    return names


def load_records(session: Session, robot_id: str) -> list[dict[str, Any]]:
    """Every rule of the robot as a canonical record, in creation order (then pk)."""
    rules = session.execute(
        select(Rule.pk, Rule.rule_id, Rule.status, Rule.enable_time, Rule.disable_time, Rule.strategy_group_id,
               Rule.topic, Rule.ext_info, Rule.answer_mode)
        .where(Rule.robot_id == robot_id).order_by(Rule.create_time, Rule.pk)
    ).all()
    questions = _grouped(session, (Question.rule_pk, Question.question, _json(Question.attributes)),
                         Question.position, robot_id)
    answers = _grouped(session, (Answer.rule_pk, Answer.type, Answer.answer, _json(Answer.content), Answer.display,
                                 _json(Answer.strategies)), Answer.position, robot_id)
    categories = _grouped(session, (RuleCategory.rule_pk, RuleCategory.category_id), RuleCategory.position,
                          robot_id)
    names = category_names(session, robot_id)
    return [
        {
            "id": rule.rule_id,
            "questions": [_question(*q) for q in questions[rule.pk]],
            "answers": [answer_record(*a) for a in answers[rule.pk]],
            "categories": [names.get(c, c) for (c,) in categories[rule.pk]] or [DEFAULT_NAME],
            "status": rule.status,
            "enableTime": rule.enable_time,
            "disableTime": rule.disable_time,
            "strategyGroupId": rule.strategy_group_id,
            "topic": rule.topic,
            "extInfo": rule.ext_info or {},
            "answerMode": rule.answer_mode,
        }
        for rule in rules
    ]
