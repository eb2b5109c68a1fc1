"""`huida migrate [--db URL]`: brings an empty database to the migrations' head, twice without harm, and
seeds nothing (the demo is `huida serve`'s business)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from huida.auth.models import Tenant
from huida.cli import app
from huida.db import alembic_config


def head() -> str:
    (only,) = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://"))).get_heads()
    return only


def test_migrate_brings_an_empty_database_to_the_head_and_seeds_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    for _ in range(2):  # the second run finds nothing to do
        result = CliRunner().invoke(app, ["migrate", "--db", url])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head()
        assert {"tenants", "robots", "rules"} <= set(inspect(engine).get_table_names())
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Tenant)) == 0
    finally:
        engine.dispose()



def test_a_database_that_cannot_be_opened_is_one_line_not_a_traceback() -> None:
    for url, reason in [("nosuchdriver://x", "Can't load plugin"),
                        ("postgresql://nobody@127.0.0.1:1/x", "refused")]:  # nothing listens on port 1
        done = subprocess.run([sys.executable, "-c", "from huida.cli import main; main()", "migrate", "--db", url],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1
        assert "cannot open the database" in done.stderr and reason in done.stderr
        assert "Traceback" not in done.stderr + done.stdout
