"""The one-row-per-rule layout CSV and XLSX share: columns, header aliases, cells <-> rule dicts.

Similar questions and category names sit in one cell each, one per line. Anything a plain cell cannot
carry losslessly goes into a JSON column instead: `answersJson` for several answers, non-TEXT answers,
strategies or display texts; `questionsJson` for question attributes or questions with line breaks.
A row gives its questions either plainly or as JSON, never both (same for answers).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from huida.knowledge.importexport.rows import FileError, SourceRow, dumps, json_problem
from huida.knowledge.models import FOREVER_MS
from huida.timefmt import DISPLAY_ZONE

# Canonical name (what exports write) -> other spellings accepted on import (compared case-insensitively,
# ignoring spaces, '_' and '-').
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("ruleid", "规则id", "知识id", "编号"),
    "standardQuestion": ("question", "标准问题", "标准问", "标准问法", "主问题", "问题"),
    "similarQuestions": ("similarquestion", "相似问题", "相似问", "相似问法", "扩展问题", "扩展问"),
    "answer": ("答案", "回答", "答复", "回复"),
    "answersJson": ("答案json",),
    "categories": ("category", "分类", "类别", "分类名称", "问题分类", "知识分类"),
    "status": ("状态",),
    "enableTime": ("生效时间", "开始时间"),
    "disableTime": ("失效时间", "结束时间"),
    "strategyGroupId": ("策略组id", "策略组"),
    "topic": ("主题",),
    "extInfo": ("扩展信息",),
    "questionsJson": ("问题json",),
    "answerMode": ("答案模式", "回复方式"),
}
HEADER = list(COLUMNS)
STATUSES = {"enable": "ENABLE", "disable": "DISABLE", "启用": "ENABLE", "开启": "ENABLE", "停用": "DISABLE",
            "禁用": "DISABLE", "关闭": "DISABLE"}
_FOLD = re.compile(r"[\s_\-]+")


def _fold(name: str) -> str:
    return _FOLD.sub("", name).lower()


_ALIASES = {_fold(alias): name for name, aliases in COLUMNS.items() for alias in (name, *aliases)}


def missing_header(has_data: bool) -> FileError:
    if has_data:
        return FileError("the first row must hold the column names (it is empty)", line=1)
    return FileError("the file is empty")


def read_header(cells: list[str]) -> list[str | None]:
    """The field of each column (None for trailing blank headers); a FileError for anything unclear."""
    fields: list[str | None] = []
    problems: list[str] = []
    for cell in cells:
        text = cell.strip()
        field = _ALIASES.get(_fold(text)) if text else None
        if text and field is None:
            problems.append(f"unknown column {text!r}")
        elif field is not None and field in fields:
            problems.append(f"column {field} appears twice")
        fields.append(field)
    if not any(f in fields for f in ("standardQuestion", "questionsJson")):
        problems.append("no question column (standardQuestion / 标准问题)")
    if not any(f in fields for f in ("answer", "answersJson")):
        problems.append("no answer column (answer / 答案)")
    if problems:
        raise FileError("bad header: " + "; ".join(problems) + f". Known columns: {', '.join(HEADER)}", line=1)
    return fields


def split_lines(cell: str) -> list[str]:
    return [line.strip() for line in cell.split("\n") if line.strip()]


def _json_cell(cells: dict[str, str], field: str, kind: type, problems: list[str]) -> Any:
    text = cells.get(field, "").strip()
    if not text:
        return None
    value, problem = json_problem(text)
    if problem is None and not isinstance(value, kind):
        problem = f"must be a JSON {'array' if kind is list else 'object'}"
    if problem:
        problems.append(f"{field}: {problem}")
        return None
    return value


def _questions(cells: dict[str, str], rule: dict[str, Any], problems: list[str]) -> None:
    before = len(problems)
    listed = _json_cell(cells, "questionsJson", list, problems)
    standard = cells.get("standardQuestion", "").strip()
    similar = split_lines(cells.get("similarQuestions", ""))
    if listed is not None and (standard or similar):
        problems.append("give the questions in standardQuestion/similarQuestions or in questionsJson, not both")
    elif listed is not None:
        rule["questions"] = listed
    elif standard:
        rule["questions"] = [standard, *similar]
    elif len(problems) == before:  # an unreadable questionsJson was reported already
        problems.append("standardQuestion is empty")


def _answers(cells: dict[str, str], rule: dict[str, Any], problems: list[str]) -> None:
    before = len(problems)
    listed = _json_cell(cells, "answersJson", list, problems)
    text = cells.get("answer", "").strip()
    if listed is not None and text:
        problems.append("give the answer in answer or in answersJson, not both")
    elif listed is not None:
        rule["answers"] = listed
    elif text:
        rule["answer"] = text
    elif len(problems) == before:
        problems.append("answer is empty")


def _epoch_ms(text: str) -> int | None:
    """Epoch milliseconds (also as a spreadsheet writes them: 1.7E+12), or a date-time an operator typed
    (`2024-06-01 09:00:00`, ISO 8601; without an offset in HUIDA_TIMEZONE). Exports write milliseconds."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
        return int(number) if number.is_integer() else None
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return round((moment if moment.tzinfo else moment.replace(tzinfo=DISPLAY_ZONE)).timestamp() * 1000)


def _scalars(cells: dict[str, str], rule: dict[str, Any], problems: list[str]) -> None:
    names = split_lines(cells.get("categories", ""))
    if names:
        rule["categories"] = names
    status = cells.get("status", "").strip()
    if status:
        rule["status"] = STATUSES.get(status.lower(), status)  # RuleIn names the allowed values otherwise
    for field in ("enableTime", "disableTime"):
        text = cells.get(field, "").strip()
        if text and _epoch_ms(text) is None:
            problems.append(f"{field} must be epoch milliseconds or a date-time like 2024-06-01 09:00:00, "
                            f"got {text!r}")
        elif text:
            rule[field] = _epoch_ms(text)
    for field in ("id", "strategyGroupId", "topic", "answerMode"):
        text = cells.get(field, "")
        if text.strip():
            rule[field] = text.strip() if field == "id" else text
    ext = _json_cell(cells, "extInfo", dict, problems)
    if ext is not None:
        rule["extInfo"] = ext


def source_row(line: int, fields: list[str | None], cells: list[str]) -> SourceRow | None:
    """The rule in one data row (None for a blank row)."""
    if not any(cell.strip() for cell in cells):
        return None
    values: dict[str, str] = {}
    problems: list[str] = []
    for index, cell in enumerate(cells):
        field = fields[index] if index < len(fields) else None
        if field is not None:
            values[field] = cell
        elif cell.strip():
            problems.append(f"a value in column {index + 1}, which has no header")
    rule: dict[str, Any] = {}
    for part in (_questions, _answers, _scalars):
        part(values, rule, problems)
    if problems:
        return SourceRow(line, data={"id": rule["id"]} if "id" in rule else None, error="; ".join(problems))
    return SourceRow(line, data=rule)


def _plain_questions(questions: list[Any]) -> bool:
    return all(isinstance(q, str) for q in questions) and not any("\n" in q or "\r" in q for q in questions[1:])


def _plain_answer(answers: list[dict[str, Any]]) -> bool:
    return len(answers) == 1 and answers[0]["type"] == "TEXT" and set(answers[0]) == {"type", "answer"}


def record_cells(record: dict[str, Any]) -> list[Any]:
    """A canonical record (see records.py) as one row of cells, in HEADER order."""
    questions, answers = record["questions"], record["answers"]
    plain_q, plain_a = _plain_questions(questions), _plain_answer(answers)
    values = {
        "id": record["id"],
        "standardQuestion": questions[0] if plain_q else "",
        "similarQuestions": "\n".join(questions[1:]) if plain_q else "",
        "answer": answers[0]["answer"] if plain_a else "",
        "answersJson": "" if plain_a else dumps(answers),
        # A line break inside a category name cannot survive a one-name-per-line cell.
        "categories": "\n".join(" ".join(n.splitlines()) for n in record["categories"]),
        "status": record["status"],
        "enableTime": record["enableTime"] or "",
        "disableTime": "" if record["disableTime"] == FOREVER_MS else record["disableTime"],
        "strategyGroupId": record["strategyGroupId"] or "",
        "topic": record["topic"] or "",
        "extInfo": dumps(record["extInfo"]) if record["extInfo"] else "",
        "questionsJson": "" if plain_q else dumps(questions),
        "answerMode": record["answerMode"],
    }
    return [values[name] for name in HEADER]
