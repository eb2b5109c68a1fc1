"""The modules that define job handlers; workers import them all before claiming anything.

Add a module here when a package gets a job type (the Feishu channel, ingestion, ...).
"""

from __future__ import annotations

import importlib

HANDLER_MODULES = (
    "huida.webhooks.delivery",
    "huida.channels.aily.run_job",
    "huida.channels.feishu.jobs",
    "huida.conversation.sweeper",
)


def load_handlers() -> None:
    for module in HANDLER_MODULES:
        importlib.import_module(module)
