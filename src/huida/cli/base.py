"""The shared Typer app and helpers every command uses."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer
from rich.console import Console

from huida.config import Settings, load_settings
from huida.context import AppContext, build_context
from huida.logformat import log_handler

app = typer.Typer(help="Huida (回答): a self-hosted customer-service robot server.", no_args_is_help=True,
                  add_completion=False)
console = Console(soft_wrap=True)
err_console = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: HUIDA_DATABASE_URL or ./data)")]


def settings_for(db: str | None) -> Settings:
    return load_settings().with_overrides(database_url=db)


def start_context(settings: Settings) -> AppContext:
    """A command's AppContext, after what every process that may store messages installs: their search
    terms written in the same transaction (huida.reading.indexing)."""
    from huida.reading.indexing import install_search_index  # here: `huida --help` need not load reading

    install_search_index()
    return build_context(settings)


def open_context(db: str | None) -> AppContext:
    return start_context(settings_for(db))


def setup_logging(level: int = logging.INFO) -> None:
    # Escaped records (huida/logformat.py): text from a request can never start a log line of its own.
    logging.basicConfig(level=level, handlers=[log_handler(sys.stderr)])
    for noisy in ("jieba", "alembic.runtime.plugins", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def check_optional_features() -> None:
    """Load what the environment configures (the dense model) now, so that a missing extra or model is one
    line at start-up rather than a traceback at the first question (raises OptionalFeatureError)."""
    from huida.conversation.snapshots import process_embedder

    process_embedder()


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)
