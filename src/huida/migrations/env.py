"""Alembic environment: runs against the engine handed over by huida.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import huida.models  # noqa: F401  registers every table on Base.metadata
from huida.config import load_settings
from huida.db import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(load_settings().resolved_database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
