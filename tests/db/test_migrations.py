"""The migrations are the schema: one head, and after `upgrade head` the database holds exactly what the
models declare (a model changed without its migration fails here, not in a user's database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine

import huida.models  # noqa: F401  registers every table
from huida.db import Base, alembic_config, migrate
from tests.support.backends import postgres_database


def test_the_migrations_have_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    assert len(script.get_heads()) == 1, script.get_heads()


def _differences(engine: Engine) -> list[object]:
    migrate(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        return [d for d in compare_metadata(context, Base.metadata) if d[0] != "remove_table"]


def test_sqlite_schema_matches_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_postgres_schema_matches_the_models() -> None:
    server_url = os.environ.get("HUIDA_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("PostgreSQL tests need HUIDA_TEST_POSTGRES_URL")
    with postgres_database(server_url) as url:
        engine = create_engine(url)
        try:
            assert _differences(engine) == []
        finally:
            engine.dispose()
