"""What an import accepts but reports: repeated questions kept once, questions filed under several rules.

Neither stops an import. A rule that repeats a question (the same up to case, width, punctuation,
spaces or traditional/simplified Chinese: see knowledge/similar.py) stores it once, and the result
warns per dropped question. A question filed under two or more rules is stored under each, and the
result lists it as a conflict with the rules it is filed under: the file's and, unless the import
replaces them all, the robot's other rules (not those the file overwrites by id).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.knowledge.models import Question, Rule
from huida.knowledge.schemas import RuleDraft
from huida.knowledge.similar import question_keys, shown_key

EXISTING_BATCH = 20000  # stored questions normalised per call


@dataclass(frozen=True)
class ImportWarning:
    line: int
    id: str | None
    question: str  # the question left out, as the file gives it
    kept: str  # the question of the same rule it repeats, which is stored
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "id": self.id, "question": self.question, "kept": self.kept,
                "reason": self.reason}


@dataclass(frozen=True)
class Conflict:
    question: str  # normalised
    rule_ids: tuple[str, ...]  # the file's rules in file order, then the robot's other rules
    lines: tuple[int, ...]  # the rows of the file filing it

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "ruleIds": list(self.rule_ids), "lines": list(self.lines)}


def repeated_questions(rows: Sequence[tuple[int, RuleDraft]]) -> list[ImportWarning]:
    """One warning per question a rule of the file repeats, in file order."""
    return [
        ImportWarning(line, draft.rule_id, d.question, d.kept,
                      f"question {d.position} repeats {d.kept!r} of the same rule (same text up to case, width, "
                      f"punctuation, spaces or traditional/simplified Chinese): stored once "
                      f"(与同一规则的问题重复，只保留一次)")
        for line, draft in rows for d in draft.dropped_questions
    ]


def _keys(draft: RuleDraft) -> list[str]:
    if len(draft.question_keys) == len(draft.questions):
        return draft.question_keys
    return question_keys([text for text, _ in draft.questions])


@dataclass
class _Owners:
    """Who files each key of the file. Plain ints and strings only: a 20,000-rule file has 100,000 keys,
    and an object per key would keep Python's garbage collector busy for seconds."""

    first: dict[str, int]  # key -> index of the first row filing it
    rows: dict[str, list[int]]  # key -> indexes of the rows filing it, for keys of more than one row
    stored: dict[str, list[str]]  # key -> ids of the robot's other rules filing it


def _file_owners(rows: Sequence[tuple[int, RuleDraft]]) -> _Owners:
    owners = _Owners({}, {}, {})
    for index, (_, draft) in enumerate(rows):
        for key in _keys(draft):
            seen = owners.first.setdefault(key, index)
            if seen != index:
                indexes = owners.rows.setdefault(key, [seen])
                if indexes[-1] != index:  # a rule's keys come one after the other
                    indexes.append(index)
    return owners


def _stored_questions(session: Session, robot_id: str, skipped: set[str]) -> Iterator[list[tuple[str, str]]]:
    """(rule id, question) of the robot's rules not in `skipped`, in batches."""
    stmt = (select(Rule.rule_id, Question.question).join(Question, Question.rule_pk == Rule.pk)
            .where(Rule.robot_id == robot_id).order_by(Rule.pk, Question.position))
    batch: list[tuple[str, str]] = []
    for rule_id, text in session.execute(stmt):
        if rule_id not in skipped:
            batch.append((rule_id, text))
        if len(batch) >= EXISTING_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _add_stored(session: Session, robot_id: str, owners: _Owners, skipped: set[str]) -> None:
    for batch in _stored_questions(session, robot_id, skipped):
        for (rule_id, _), key in zip(batch, question_keys([text for _, text in batch]), strict=True):
            if key in owners.first:
                ids = owners.stored.setdefault(key, [])
                if not ids or ids[-1] != rule_id:  # rows come rule by rule
                    ids.append(rule_id)


def _conflict(rows: Sequence[tuple[int, RuleDraft]], key: str, indexes: list[int], stored: list[str]) -> Conflict:
    draft = rows[indexes[0]][1]
    text = draft.questions[_keys(draft).index(key)][0]
    return Conflict(shown_key(text, key), tuple(rows[i][1].rule_id or "" for i in indexes) + tuple(stored),
                    tuple(rows[i][0] for i in indexes))


def find_conflicts(session: Session, robot_id: str, rows: Sequence[tuple[int, RuleDraft]], *,
                   replace_all: bool) -> list[Conflict]:
    """The file's questions filed under more than one rule that exists after the import, in file order.

    Every draft must have its rule id (import gives id-less rules theirs before). Call before writing:
    the robot's rules are read as they were."""
    owners = _file_owners(rows)
    if not replace_all:
        _add_stored(session, robot_id, owners, {draft.rule_id or "" for _, draft in rows})
    shared = sorted(set(owners.rows) | set(owners.stored), key=owners.first.__getitem__)
    return [_conflict(rows, key, owners.rows.get(key, [owners.first[key]]), owners.stored.get(key, []))
            for key in shared]
