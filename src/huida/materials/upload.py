"""The display name of an uploaded file: no directories, no control characters, at most 255 characters.

Reading the upload from a request is HTTP and lives with the routes (huida/materials/deps.py).
"""

from __future__ import annotations

import os

MAX_FILENAME = 255


def clean_filename(name: str | None, extension: str) -> str:
    """A display name without directories or control characters, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().strip(".")
    if not base:
        return f"image.{extension}"
    if len(base) > MAX_FILENAME:
        stem, ext = os.path.splitext(base)
        base = stem[: MAX_FILENAME - len(ext)] + ext if len(ext) <= 16 else base[:MAX_FILENAME]
    return base
