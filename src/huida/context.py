"""What a running Huida process holds: its settings, its database and the token secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from huida.config import Settings
from huida.db import Database
from huida.system import SystemValue, generate_secret


@dataclass
class AppContext:
    settings: Settings
    db: Database
    secret_key: str
    # Long-lived per-process services (index cache, worker, ...) registered by their packages.
    services: dict[str, Any] = field(default_factory=dict)
    startup: list[Callable[[], None]] = field(default_factory=list)
    shutdown: list[Callable[[], None]] = field(default_factory=list)


def resolve_secret_key(db: Database, configured: str | None) -> str:
    """HUIDA_SECRET_KEY if set; otherwise one generated on first start and shared through the database."""
    if configured:
        return configured
    with db.session() as session:
        stored = session.scalar(select(SystemValue).where(SystemValue.key == "token_secret"))
        if stored:
            return stored.value
        value = generate_secret()
        session.add(SystemValue(key="token_secret", value=value))
        return value


def build_context(settings: Settings, *, migrate: bool = True) -> AppContext:
    db = Database(settings.resolved_database_url)
    if migrate:
        db.migrate()
    return AppContext(settings=settings, db=db, secret_key=resolve_secret_key(db, settings.secret_key))
