"""What every format reader yields, and the errors an import reports."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from huida.safetext import REFUSED, value_problem


@dataclass
class SourceRow:
    """One rule as read from a file: a dict for `RuleIn`, or the reason it could not be read."""

    line: int
    data: dict[str, Any] | None = None
    error: str | None = None

    @property
    def rule_id(self) -> str | None:
        value = (self.data or {}).get("id")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class RowError:
    line: int | None  # None when the problem is the file as a whole
    id: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "id": self.id, "reason": self.reason}


class FileError(Exception):
    """The file as a whole cannot be read: empty, not the format it claims, a bad header."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text}")
    return value


def loads_strict(text: str) -> Any:
    """json.loads without NaN/Infinity, which the databases' JSON columns would refuse later."""
    return json.loads(text, parse_constant=_no_constants, parse_float=_finite)


def json_problem(text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, a readable reason)."""
    try:
        return loads_strict(text), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} (column {exc.colno})"
    except ValueError as exc:
        return None, f"invalid JSON: {exc}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 with or without BOM; GB18030 as well, the encoding Excel on Chinese Windows saves CSV in."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Many NULs: UTF-16 (or binary) read as UTF-8. A stray one is a bad row, reported with the others.
        if text.count("\x00") * 10 > len(text):
            break
        return text
    raise FileError(f"not a {what} text file (expected UTF-8 text)")


def text_problem(value: Any) -> str | None:
    """`field: reason` of the first text Huida does not store (huida.safetext: control characters other than
    tab and line breaks, lone surrogates), the same rule the API applies; None for a good row."""
    # One C-speed pass rules out nearly every row: json.dumps writes C0 controls as escapes (\u00XX, \b, \f)
    # and leaves DEL, C1 and lone surrogates as they are. Only suspects get walked value by value.
    dumped = json.dumps(value, ensure_ascii=False)
    if not REFUSED.search(dumped) and not any(escape in dumped for escape in ("\\u00", "\\b", "\\f")):
        return None
    found = value_problem(value)
    return None if found is None else f"{found[0]}: {found[1]}"
