"""Rules of a robot: write drafts (one at a time or in bulk), read them in the seed's shape, delete.

Every write bumps the robot's knowledge version in the same transaction, so indexes everywhere
notice the change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from huida.db import new_id, now_ms
from huida.errors import InvalidInput, conflict, not_found
from huida.knowledge.categories import resolve_names
from huida.knowledge.models import Answer, Question, Rule, RuleCategory
from huida.knowledge.references import DEFAULT_CATEGORY, check_references
from huida.knowledge.schemas import RuleDraft
from huida.robots.service import bump_knowledge_version


def get_rule(session: Session, robot_id: str, rule_id: str) -> Rule:
    rule = session.scalar(select(Rule).where(Rule.robot_id == robot_id, Rule.rule_id == rule_id))
    if rule is None:
        raise not_found("rule", rule_id)
    return rule


def validate_drafts(session: Session, tenant_id: int, robot_id: str, drafts: Sequence[RuleDraft],
                    batch_rule_ids: set[str] | None = None) -> None:
    problems = check_references(session, tenant_id, robot_id, drafts, batch_rule_ids)
    if problems:
        raise InvalidInput("INVALID_REFERENCE", "; ".join(reason for _, reason in problems))


def _merge_categories(draft: RuleDraft, by_name: dict[str, str]) -> list[str]:
    ids = [*draft.category_ids, *(by_name[n] for n in draft.category_names)]
    return list(dict.fromkeys(ids)) or [DEFAULT_CATEGORY]


def _category_ids(session: Session, robot_id: str, draft: RuleDraft) -> list[str]:
    return _merge_categories(draft, resolve_names(session, robot_id, set(draft.category_names)))


def _rule_values(draft: RuleDraft) -> dict[str, Any]:
    return {
        "status": draft.status, "enable_time": draft.enable_time, "disable_time": draft.disable_time,
        "strategy_group_id": draft.strategy_group_id, "ext_info": draft.ext_info, "topic": draft.topic,
        "answer_mode": draft.answer_mode,
    }


def _children(rule_pk: int, draft: RuleDraft, category_ids: list[str], stamp: int) -> tuple[list, list, list]:
    questions = [
        {"id": new_id(), "rule_pk": rule_pk, "position": i, "question": text, "attributes": attrs,
         "create_time": stamp, "update_time": stamp}
        for i, (text, attrs) in enumerate(draft.questions)
    ]
    answers = [
        {"id": new_id(), "rule_pk": rule_pk, "position": i, "type": a.type, "answer": a.answer, "content": a.content,
         "display": a.display, "strategies": a.strategies, "create_time": stamp, "update_time": stamp}
        for i, a in enumerate(draft.answers)
    ]
    categories = [{"rule_pk": rule_pk, "category_id": c, "position": i} for i, c in enumerate(category_ids)]
    return questions, answers, categories


def _insert_children(session: Session, rows: tuple[list, list, list]) -> None:
    for model, values in zip((Question, Answer, RuleCategory), rows, strict=True):
        if values:
            session.execute(insert(model), values)


def create_rule(session: Session, tenant_id: int, robot_id: str, draft: RuleDraft) -> Rule:
    validate_drafts(session, tenant_id, robot_id, [draft], {draft.rule_id} if draft.rule_id else None)
    rule_id = draft.rule_id or new_id()
    if session.scalar(select(Rule.pk).where(Rule.robot_id == robot_id, Rule.rule_id == rule_id)):
        raise conflict(f"rule id already exists: {rule_id}", "RULE_EXISTS")
    stamp = now_ms()
    rule = Rule(robot_id=robot_id, rule_id=rule_id, create_time=stamp, update_time=stamp, **_rule_values(draft))
    session.add(rule)
    session.flush()
    _insert_children(session, _children(rule.pk, draft, _category_ids(session, robot_id, draft), stamp))
    bump_knowledge_version(session, robot_id, [rule_id])
    session.expire(rule)
    return rule


def replace_rule(session: Session, tenant_id: int, robot_id: str, rule_id: str, draft: RuleDraft) -> Rule:
    """Full update: questions, answers and categories are replaced; hit statistics are kept."""
    rule = get_rule(session, robot_id, rule_id)
    validate_drafts(session, tenant_id, robot_id, [draft], {rule_id})
    category_ids = _category_ids(session, robot_id, draft)
    for model in (Question, Answer, RuleCategory):
        session.execute(delete(model).where(model.rule_pk == rule.pk))
    for key, value in _rule_values(draft).items():
        setattr(rule, key, value)
    stamp = now_ms()
    rule.update_time = stamp
    _insert_children(session, _children(rule.pk, draft, category_ids, stamp))
    bump_knowledge_version(session, robot_id, [rule_id])
    session.flush()
    session.expire(rule)
    return rule


def menus_pointing_at(session: Session, robot_id: str, rule_id: str) -> list[str]:
    """Ids of the robot's other rules whose MENU answers list `rule_id` as an item."""
    rows = session.execute(select(Rule.rule_id, Answer.content).join(Answer, Answer.rule_pk == Rule.pk)
                           .where(Rule.robot_id == robot_id, Answer.type == "MENU")).all()
    return sorted({owner for owner, content in rows if owner != rule_id and any(
        item.get("knowledgeId") == rule_id for item in (content or {}).get("items", []))})


def delete_rule(session: Session, robot_id: str, rule_id: str) -> None:
    rule = get_rule(session, robot_id, rule_id)
    # A menu never points at a rule that does not exist: creating one is refused, so is deleting its target.
    owners = menus_pointing_at(session, robot_id, rule_id)
    if owners:
        raise conflict(f"rule {rule_id} is an item of the menu of rule(s) {', '.join(owners)}; "
                       "remove it from those menus first", "RULE_IN_USE")
    session.delete(rule)
    bump_knowledge_version(session, robot_id, [rule_id])


# Bulk writes (imports) go straight to the driver with executemany: SQLAlchemy's per-row parameter
# processing, RETURNING (row at a time on SQLite) and uuid.uuid4() were most of a 20,000-rule import.
BULK_CHUNK = 500  # rules per batch (and per IN list: old SQLite builds allow 999 variables)
BULK_COLUMNS = {
    Rule.__tablename__: ("robot_id", "rule_id", "status", "enable_time", "disable_time", "strategy_group_id",
                         "ext_info", "topic", "answer_mode", "create_time", "update_time", "hit_count",
                         "last_hit_time"),
    Question.__tablename__: ("id", "rule_pk", "position", "question", "attributes", "create_time", "update_time"),
    Answer.__tablename__: ("id", "rule_pk", "position", "type", "answer", "content", "display", "strategies",
                           "create_time", "update_time"),
    RuleCategory.__tablename__: ("rule_pk", "category_id", "position"),
}
_EMPTY_JSON = {type(None): "null", dict: "{}", list: "[]"}


def _json(value: Any) -> str:
    """A JSON column's value as SQLAlchemy would write it; the empty ones most rows hold, without json.dumps."""
    return json.dumps(value) if value else _EMPTY_JSON.get(type(value)) or json.dumps(value)


def _uuid4s(count: int) -> Iterator[str]:
    """Random (version 4) UUID strings, many at once."""
    data = os.urandom(16 * count).hex()
    for start in range(0, len(data), 32):
        h = data[start:start + 32]
        yield f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _driver_insert(session: Session, table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    connection = session.connection()
    columns = ", ".join(BULK_COLUMNS[table])
    if connection.dialect.name == "postgresql":  # COPY: twice as fast as executemany there
        driver = connection.connection.driver_connection
        assert driver is not None  # a pooled connection that is checked out has its driver connection
        cursor = driver.cursor()
        with cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["?" if connection.dialect.paramstyle == "qmark" else "%s"] * len(BULK_COLUMNS[table]))
    connection.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _kept_stats(session: Session, robot_id: str, rule_ids: Sequence[str]) -> dict[str, tuple[int, int, int, Any]]:
    """(pk, create_time, hit_count, last_hit_time) of the rules about to be overwritten, by rule id."""
    kept: dict[str, tuple[int, int, int, Any]] = {}
    for start in range(0, len(rule_ids), 500):
        rows = session.execute(
            select(Rule.rule_id, Rule.pk, Rule.create_time, Rule.hit_count, Rule.last_hit_time)
            .where(Rule.robot_id == robot_id, Rule.rule_id.in_(rule_ids[start:start + 500]))
        )
        kept.update({r.rule_id: (r.pk, r.create_time, r.hit_count, r.last_hit_time) for r in rows})
    return kept


def _delete_rules(session: Session, robot_id: str, pks: list[int] | None) -> None:
    """Deletes the given rules (all of the robot's when `pks` is None), children first: much cheaper
    than leaning on ON DELETE CASCADE row by row."""
    if pks is None:
        owned = select(Rule.pk).where(Rule.robot_id == robot_id)
        for model in (Question, Answer, RuleCategory):
            session.execute(delete(model).where(model.rule_pk.in_(owned)))
        session.execute(delete(Rule).where(Rule.robot_id == robot_id))
        return
    for start in range(0, len(pks), 500):
        chunk = pks[start:start + 500]
        for model in (Question, Answer, RuleCategory):
            session.execute(delete(model).where(model.rule_pk.in_(chunk)))
        session.execute(delete(Rule).where(Rule.pk.in_(chunk)))


def _insert_rules(session: Session, robot_id: str, chunk: Sequence[RuleDraft], kept: dict[str, tuple],
                  stamp: int) -> list[int]:
    """Inserts the chunk's rule rows; their pks in chunk order."""
    rows, rule_ids = [], []
    for draft in chunk:
        rule_id = draft.rule_id or new_id()
        _pk, created, hits, last_hit = kept.get(rule_id, (None, stamp, 0, None))
        rule_ids.append(rule_id)
        rows.append((robot_id, rule_id, draft.status, draft.enable_time, draft.disable_time, draft.strategy_group_id,
                     _json(draft.ext_info), draft.topic, draft.answer_mode, created, stamp, hits, last_hit))
    _driver_insert(session, Rule.__tablename__, rows)
    found = session.execute(select(Rule.rule_id, Rule.pk).where(Rule.robot_id == robot_id, Rule.rule_id.in_(rule_ids)))
    pks = {rule_id: pk for rule_id, pk in found}
    return [pks[rule_id] for rule_id in rule_ids]


def _insert_children_bulk(session: Session, chunk: Sequence[RuleDraft], pks: list[int], by_name: dict[str, str],
                          stamp: int) -> None:
    ids = _uuid4s(sum(len(d.questions) + len(d.answers) for d in chunk))
    questions: list[tuple] = []
    answers: list[tuple] = []
    categories: list[tuple] = []
    for draft, pk in zip(chunk, pks, strict=True):
        questions += [(next(ids), pk, i, text, _json(attrs), stamp, stamp) for i, (text, attrs) in
                      enumerate(draft.questions)]
        answers += [(next(ids), pk, i, a.type, a.answer, _json(a.content), a.display, _json(a.strategies), stamp,
                     stamp) for i, a in enumerate(draft.answers)]
        categories += [(pk, c, i) for i, c in enumerate(_merge_categories(draft, by_name))]
    for model, rows in ((Question, questions), (Answer, answers), (RuleCategory, categories)):
        _driver_insert(session, model.__tablename__, rows)


def bulk_write(session: Session, robot_id: str, drafts: Sequence[RuleDraft], *, replace_all: bool,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Writes many validated drafts in few statements (import), reporting (done, total) per chunk.

    `replace_all` deletes the robot's other rules first. A draft whose id exists replaces that rule
    (questions, answers and categories), keeping its creation time and hit statistics, as PUT does.
    """
    kept = _kept_stats(session, robot_id, [d.rule_id for d in drafts if d.rule_id])
    if replace_all or kept:
        _delete_rules(session, robot_id, None if replace_all else [k[0] for k in kept.values()])
    by_name = resolve_names(session, robot_id, {n for d in drafts for n in d.category_names})
    stamp = now_ms()
    for start in range(0, len(drafts), BULK_CHUNK):
        chunk = drafts[start:start + BULK_CHUNK]
        _insert_children_bulk(session, chunk, _insert_rules(session, robot_id, chunk, kept, stamp), by_name, stamp)
        if progress is not None:
            progress(start + len(chunk), len(drafts))
    written = [d.rule_id for d in drafts]
    small_append = not replace_all and all(written)
    bump_knowledge_version(session, robot_id, written if small_append else None)  # type: ignore[arg-type]
    return len(drafts)


def rule_entity(rule: Rule) -> dict[str, Any]:
    """A rule in the seed's §3.1 shape (plus hit statistics)."""
    questions = [
        {"id": q.id, "robotId": rule.robot_id, "ruleId": rule.rule_id, "question": q.question,
         "createTime": q.create_time, "updateTime": q.update_time, "attributes": q.attributes or {}}
        for q in rule.questions
    ]
    answers = []
    for a in rule.answers:
        answer: dict[str, Any] = {"id": a.id, "answer": a.answer, "display": a.display, "type": a.type,
                                  "createTime": a.create_time, "updateTime": a.update_time,
                                  "strategies": a.strategies or []}
        if a.content is not None:
            answer["content"] = a.content
        answers.append(answer)
    category_ids = [c.category_id for c in rule.categories] or [DEFAULT_CATEGORY]
    return {
        "id": rule.rule_id, "robotId": rule.robot_id, "topic": rule.topic, "strategyGroupId": rule.strategy_group_id,
        "questions": questions, "answers": answers, "createTime": rule.create_time, "updateTime": rule.update_time,
        "status": rule.status, "enableTime": rule.enable_time, "disableTime": rule.disable_time,
        "categoryIds": category_ids, "extInfo": rule.ext_info or {}, "answerMode": rule.answer_mode,
        "questionsIdArray": [q["id"] for q in questions], "questionsArray": [q["question"] for q in questions],
        "answersArray": [a["answer"] for a in answers], "categoryIDsArray": category_ids,
        "answerType": [a["type"] for a in answers], "hitCount": rule.hit_count, "lastHitTime": rule.last_hit_time,
    }
