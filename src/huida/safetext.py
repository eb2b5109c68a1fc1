"""Which characters Huida stores, and how a log line shows the rest. Pure functions, no Huida imports.

The storage rule, the same on SQLite and PostgreSQL and for every way text gets in (API bodies, stored query
and path parameters, import files; Feishu events drop them, see channels/feishu/events.py):

- Refused: the control characters of Unicode (category Cc: U+0000-U+001F and U+007F-U+009F) except tab,
  line feed and carriage return, and lone surrogates (U+D800-U+DFFF, which no UTF-8 database can store).
- Why: PostgreSQL refuses NUL outright while SQLite stores it, so the two backends disagreed and a robot's
  own export did not import again. The other controls have no meaning in a question, an answer or an id;
  nobody types them, and they hide or rewrite text (BS; VT and FF end lines for some readers) or drive
  terminals (ESC, and CSI U+009B in its 8-bit form) when an operator looks at them. DEL and the C1 range
  are controls as much as NUL is (NEL U+0085 ends a line for some readers), so they are refused too.
- Kept: tab, line feed, carriage return (answers are multi-line, and CSV/XLSX carry them), every printable
  character, emoji, and the Unicode line separators U+2028/U+2029 (text, though logs escape them).

Logs escape instead of refusing (see `log_escape`): whatever a client sends can be written to a log, and
no log line may be split or forged by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
ALLOWED_CONTROLS = "tab, line feed and carriage return"

# Everything that can end, rewrite or hide a line of a log: C0 (tab included: harmless, but a log line is
# plainer without), DEL, C1 (NEL U+0085, CSI U+009B) and the Unicode line and paragraph separators.
_LOG_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LOG_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    found = REFUSED.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"contains invalid Unicode (a lone surrogate, U+{code:04X})"
    return f"contains a control character (U+{code:04X}); only {ALLOWED_CONTROLS} are allowed"


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every string in a JSON value, dict keys included (they are stored as well)."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key in item:
                yield f"{where} (a key)" if where else "body (a key)", str(key)
            # Reversed onto the stack, so that the first bad field in the document is the one reported.
            stack.extend((child, f"{where}.{key}" if where else str(key)) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((child, f"{where}.{index}" if where else str(index))
                         for index, child in reversed(list(enumerate(item))))


def value_problem(value: Any, path: str = "") -> tuple[str, str] | None:
    """(field path, reason) of the first string in a JSON value that cannot be stored, or None.

    Paths are dotted like the validation errors' (`questions.0.question`)."""
    for where, text in _walk(value, path):
        problem = text_problem(text)
        if problem is not None:
            return where or "body", problem
    return None


def strip_refused(text: str) -> str:
    """`text` without the characters Huida refuses (for input nobody can be told about, such as Feishu's)."""
    return REFUSED.sub("", text)


def _log_escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _LOG_SHORT.get(char) or f"\\u{ord(char):04x}"


def log_escape(text: str) -> str:
    """`text` on one line: line breaks and other controls as JSON-style escapes (`\\n`, `\\u0000`, `\\u2028`),
    so a JSON log line stays valid JSON after escaping. Backslashes are left alone: a client typing a literal
    `\\n` forges nothing, and doubling them would garble every Windows path and JSON line in the log."""
    return _LOG_UNSAFE.sub(_log_escape_char, text) if _LOG_UNSAFE.search(text) else text
