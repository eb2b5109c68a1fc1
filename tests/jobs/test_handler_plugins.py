"""Job handlers are found through entry points: the job system names no channel or package."""

from __future__ import annotations

import importlib
from pathlib import Path

from huida.jobs import registry as jobs_registry
from huida.jobs.handlers import handler_modules, load_handlers


def test_every_registered_module_brings_its_job_types() -> None:
    load_handlers()
    names = set(jobs_registry.registry.names())
    assert {"webhook.deliver", "aily.run", "feishu.reply", "sessions.sweep"} <= names
    for module in handler_modules():
        source = Path(importlib.import_module(module).__file__ or "").read_text()
        assert "@handler(" in source or "periodic(" in source, module


def test_the_job_system_names_no_package_that_uses_it() -> None:
    package = Path(jobs_registry.__file__).parent
    for path in package.glob("*.py"):
        text = path.read_text()
        for name in ("channels", "feishu", "aily", "webhooks.delivery", "sweeper"):
            assert f"huida.{name}" not in text and f'"{name}' not in text, (path.name, name)
