"""Hostile JSON values for "never a 500" tests: NUL characters and lone surrogates (PostgreSQL refuses
what SQLite stores), numbers beyond 64 bits, wrong JSON types and oversized strings."""

from __future__ import annotations

import json
from typing import Any

# Raw JSON fragments: a lone surrogate cannot go through json.dumps into UTF-8, so bodies are built by hand.
HOSTILE = ['"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"%00"', str(2**70), str(-(2**70)), "1e400", "-1", "0.5", "true",
           "null", "[]", '["a", 1]', "{}", '"' + "长" * 5000 + '"', '" "']
# Path and query ids: NUL, an invalid UTF-8 sequence (a surrogate), a number beyond 64 bits, a negative, a long one.
PATH_IDS = ["%00", "a%00b", "%ED%A0%80", str(2**70), "-1", "x" * 300]


def raw_body(base: dict[str, Any], field: str, fragment: str) -> bytes:
    """`base` as JSON with the value of `field` replaced by the raw JSON `fragment`."""
    parts = [f"{json.dumps(k)}: {fragment if k == field else json.dumps(v, ensure_ascii=False)}" for k, v in
             base.items()]
    return ("{" + ", ".join(parts) + "}").encode("utf-8", "surrogatepass")
