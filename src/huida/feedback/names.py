"""Tag names: visitors send several as one string separated by commas (ASCII `,` or full-width `，`)."""

from __future__ import annotations

import re

from huida.errors import bad_request

SEPARATORS = re.compile(r"[,，]")
MAX_NAME = 50


def split_names(value: str | None) -> list[str]:
    """The distinct names in `value`, in order, blanks dropped."""
    names: list[str] = []
    for part in SEPARATORS.split(value or ""):
        name = part.strip()
        if name and name not in names:
            names.append(name)
    return names


def clean_name(value: str, what: str = "name") -> str:
    """A tag name an admin gives: 1-50 characters, and no separator (it could never be picked alone)."""
    name = (value or "").strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise bad_request(f"{what} must be 1-{MAX_NAME} characters")
    if SEPARATORS.search(name):
        raise bad_request(f"{what} must not contain a comma (, or ，): visitors send tags comma-separated")
    return name


def unknown_names(given: list[str], known: set[str]) -> list[str]:
    return [name for name in given if name not in known]
