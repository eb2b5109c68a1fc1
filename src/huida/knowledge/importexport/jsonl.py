"""JSONL: one rule per line, the simple FAQ line or the full rule object (seed 004 §3.1 read shape)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from huida.knowledge.importexport.rows import FileError, SourceRow, decode_text, dumps, json_problem


def read(data: bytes) -> list[SourceRow]:
    text = decode_text(data, "JSONL")
    if not text.strip():
        raise FileError("the file is empty")
    rows: list[SourceRow] = []
    # Split on "\n" only: str.splitlines() would also break at U+2028 and friends, which JSON strings may hold.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        value, problem = json_problem(line)
        if problem:
            rows.append(SourceRow(number, error=problem))
        elif not isinstance(value, dict):
            rows.append(SourceRow(number, error="a line must be a JSON object (one rule)"))
        else:
            rows.append(SourceRow(number, data=value))
    if not rows:
        raise FileError("the file holds no rules")
    return rows


def write(records: Iterable[dict[str, Any]]) -> bytes:
    return "".join(dumps(record) + "\n" for record in records).encode("utf-8")
