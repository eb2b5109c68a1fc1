"""Import: read the file, check every row (shape, duplicate ids, references), write all or nothing.

A rule repeating a question, or a question filed under several rules, is no error: the result reports
them as `warnings` and `conflicts` (overlaps.py).

Export: the robot's rules as canonical records (records.py) in the requested format. The API and the
CLI both call these, inside a transaction they open (`with db.session()`), so an import that fails at
any point writes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huida.db import new_id
from huida.errors import InvalidInput
from huida.knowledge.importexport.formats import Format
from huida.knowledge.importexport.overlaps import Conflict, ImportWarning, find_conflicts, repeated_questions
from huida.knowledge.importexport.records import load_records
from huida.knowledge.importexport.rows import FileError, RowError, SourceRow, text_problem
from huida.knowledge.models import Rule
from huida.knowledge.references import check_references
from huida.knowledge.schemas import RuleDraft, RuleIn, to_drafts
from huida.knowledge.service import bulk_write
from huida.robots.models import Robot

MODES = ("append", "replace")
MAX_TIME_MS = 253402300799999  # 9999-12-31T23:59:59.999Z; larger epochs overflow 64-bit columns sooner or later
MAX_CATEGORY_NAME = 200  # categories.name is VARCHAR(200)
CHECK_CHUNK = 2000  # rows validated (and their questions normalised) at a time, between progress reports
_BRANCH = re.compile(r"^(str|[A-Z]\w*)$")  # pydantic's union-branch tags in error locations ('str', 'QuestionIn')

# (stage, done, total): "read", "check" and "write" in that order; the CLI draws a progress bar from it.
Progress = Callable[[str, int, int], None]


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class ImportResult:
    imported: int  # rules in the file
    replaced: int  # of those, how many overwrote a rule with the same id
    deleted: int  # rules removed because mode=replace and the file does not hold them
    total: int  # rules the robot has now
    knowledge_version: int
    warnings: tuple[ImportWarning, ...] = ()  # questions a rule repeats, stored once
    conflicts: tuple[Conflict, ...] = ()  # questions filed under several rules, stored under each

    def entity(self) -> dict[str, Any]:
        return {"imported": self.imported, "replaced": self.replaced, "deleted": self.deleted, "total": self.total,
                "knowledgeVersion": self.knowledge_version,
                "warnings": [w.as_dict() for w in self.warnings], "warningCount": len(self.warnings),
                "conflicts": [c.as_dict() for c in self.conflicts], "conflictCount": len(self.conflicts)}


def import_invalid(errors: Sequence[RowError]) -> InvalidInput:
    first = errors[0]
    if first.line is None:
        summary = first.reason
    else:
        summary = f"{len(errors)} bad row{'s' if len(errors) > 1 else ''} (first: line {first.line}: {first.reason})"
    return InvalidInput("IMPORT_INVALID", f"{summary}; nothing was imported",
                    entity={"errors": [e.as_dict() for e in errors], "errorCount": len(errors)})


def describe(exc: ValidationError) -> str:
    """Pydantic errors as `field.path: message`, without the union-branch noise."""
    seen: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and _BRANCH.match(p)))
        seen.setdefault(loc, str(err["msg"]).removeprefix("Value error, "))
    return "; ".join(f"{loc}: {msg}" if loc else msg for loc, msg in seen.items())


def _limits(draft: RuleDraft) -> list[str]:
    """What RuleIn lets through but the database columns would refuse."""
    problems = [f"category name longer than {MAX_CATEGORY_NAME} characters: {name[:30]}..."
                for name in draft.category_names if len(name) > MAX_CATEGORY_NAME]
    problems += [f"{field} is after the year 9999" for field, value in
                 (("enableTime", draft.enable_time), ("disableTime", draft.disable_time)) if value > MAX_TIME_MS]
    return problems


def _rule(row: SourceRow) -> tuple[RuleIn | None, list[str]]:
    if row.error or row.data is None:
        return None, [row.error or "empty row"]
    bad_text = text_problem(row.data)
    if bad_text:
        return None, [bad_text]
    try:
        return RuleIn.model_validate(row.data), []
    except ValidationError as exc:
        return None, [describe(exc)]


def _duplicate_ids(rows: Sequence[SourceRow]) -> dict[int, str]:
    first: dict[str, int] = {}
    found: dict[int, str] = {}
    for row in rows:
        rule_id = row.rule_id
        if rule_id is None:
            continue
        if rule_id in first:
            found[row.line] = f"duplicate id {rule_id} (first on line {first[rule_id]})"
        else:
            first[rule_id] = row.line
    return found


@dataclass(frozen=True)
class CheckedRow:
    line: int
    draft: RuleDraft


def _check_chunk(rows: Sequence[SourceRow], reasons: dict[int, list[str]]) -> list[CheckedRow]:
    """The chunk's good rows as drafts; the reasons of the bad ones added to `reasons`."""
    valid: list[tuple[int, RuleIn]] = []
    for row in rows:
        rule, problems = _rule(row)
        reasons[row.line].extend(problems)
        if rule is not None:
            valid.append((row.line, rule))
    checked = [CheckedRow(line, draft) for (line, _), draft in zip(valid, to_drafts([r for _, r in valid]),
                                                                    strict=True)]
    for good in checked:
        reasons[good.line].extend(_limits(good.draft))
    return checked


def check_rows(session: Session, tenant_id: int, robot_id: str, rows: Sequence[SourceRow], *, replace_all: bool,
               progress: Progress = _silent) -> tuple[list[CheckedRow], list[RowError]]:
    """Every row checked; the errors list one entry per bad row (its reasons joined), in file order."""
    reasons: dict[int, list[str]] = defaultdict(list)
    checked: list[CheckedRow] = []
    for start in range(0, len(rows), CHECK_CHUNK):
        checked += _check_chunk(rows[start:start + CHECK_CHUNK], reasons)
        progress("check", min(start + CHECK_CHUNK, len(rows)), len(rows))
    for line, reason in _duplicate_ids(rows).items():
        reasons[line].append(reason)
    # Menus may point at any rule of the file, even one that is bad for another reason: reporting
    # "unknown rule" there as well would only confuse.
    batch_ids = {row.rule_id for row in rows if row.rule_id}
    drafts = [c.draft for c in checked]
    for index, reason in check_references(session, tenant_id, robot_id, drafts, batch_ids,
                                          existing_rules=not replace_all):
        reasons[checked[index].line].append(reason)
    progress("check", len(rows), len(rows))
    ids = {row.line: row.rule_id for row in rows}
    errors = [RowError(line, ids[line], "; ".join(found)) for line, found in sorted(reasons.items()) if found]
    return checked, errors


def _count(session: Session, robot_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Rule).where(Rule.robot_id == robot_id)) or 0


def _existing_ids(session: Session, robot_id: str, wanted: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(session.scalars(select(Rule.rule_id).where(Rule.robot_id == robot_id, Rule.rule_id.in_(chunk))))
    return found


def write_rules(session: Session, robot_id: str, drafts: Sequence[RuleDraft], *, replace_all: bool,
                progress: Progress = _silent) -> ImportResult:
    before = _count(session, robot_id)
    replaced = len(_existing_ids(session, robot_id, [d.rule_id for d in drafts if d.rule_id]))
    bulk_write(session, robot_id, drafts, replace_all=replace_all,
               progress=lambda done, total: progress("write", done, total))
    version = session.scalar(select(Robot.knowledge_version).where(Robot.robot_id == robot_id)) or 0
    return ImportResult(imported=len(drafts), replaced=replaced, deleted=before - replaced if replace_all else 0,
                        total=_count(session, robot_id), knowledge_version=version)


def import_rules(session: Session, tenant_id: int, robot_id: str, data: bytes, fmt: Format, mode: str = "append",
                 progress: Progress = _silent) -> ImportResult:
    """Imports a whole file or nothing; raises IMPORT_INVALID listing every bad row. The robot must exist."""
    if mode not in MODES:
        raise InvalidInput("INVALID_PARAMETER", f"mode must be one of {', '.join(MODES)}")
    # Imports into one robot take turns (PostgreSQL; SQLite's write lock does this already): two at once
    # would both insert the same new ids and one would fail on the unique key.
    session.execute(select(Robot.id).where(Robot.robot_id == robot_id).with_for_update())
    progress("read", 0, len(data))
    try:
        rows = fmt.read(data)
    except FileError as exc:
        raise import_invalid([RowError(exc.line, None, exc.reason)]) from exc
    progress("read", len(data), len(data))
    checked, errors = check_rows(session, tenant_id, robot_id, rows, replace_all=mode == "replace",
                                 progress=progress)
    if errors:
        raise import_invalid(errors)
    return _write_checked(session, robot_id, checked, replace_all=mode == "replace", progress=progress)


def _write_checked(session: Session, robot_id: str, checked: Sequence[CheckedRow], *, replace_all: bool,
                   progress: Progress) -> ImportResult:
    """Writes the checked rows; the result also names the repeated questions and the conflicts."""
    lines = [(c.line, c.draft) for c in checked]
    for _, draft in lines:  # ids now rather than at insert time, so that the result can name every rule
        draft.rule_id = draft.rule_id or new_id()
    conflicts = find_conflicts(session, robot_id, lines, replace_all=replace_all)  # before the write
    result = write_rules(session, robot_id, [c.draft for c in checked], replace_all=replace_all, progress=progress)
    return replace(result, warnings=tuple(repeated_questions(lines)), conflicts=tuple(conflicts))


def export_rules(session: Session, robot_id: str, fmt: Format) -> bytes:
    return fmt.write(load_records(session, robot_id))
