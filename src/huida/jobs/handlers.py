"""The modules that define job handlers, found through the `huida.jobs` entry points (pyproject.toml).

Workers import them all before claiming anything. The job system names no package: the webhook deliveries,
the channels and the session sweeper register their modules as entry points, and so can a plugin.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

GROUP = "huida.jobs"


def handler_modules() -> list[str]:
    return sorted(ep.value for ep in entry_points(group=GROUP))


def load_handlers() -> None:
    for module in handler_modules():
        importlib.import_module(module)
