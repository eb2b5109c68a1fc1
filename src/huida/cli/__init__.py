"""The `huida` command. Each module registers its commands on the shared Typer app."""

from __future__ import annotations

import sys

from rich.markup import escape
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from huida.cli import accounts, ask, feishu, health, knowledge, learning, mcp, reading, serve, worker  # noqa: F401
from huida.cli.base import app, err_console
from huida.engine.matcher import OptionalFeatureError

# A database that cannot be opened is the operator's input, not a bug: one line, not a traceback.
_DATABASE_ERRORS = (ArgumentError, NoSuchModuleError, OperationalError)


def main() -> None:
    try:
        app()
    except _DATABASE_ERRORS as exc:
        first = str(exc.orig if isinstance(exc, OperationalError) else exc).strip().splitlines()[0]
        err_console.print(f"[red]error:[/red] cannot open the database: {first}")
        sys.exit(1)
    except OptionalFeatureError as exc:  # configured but not installed: say which extra, not a traceback
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        sys.exit(2)
