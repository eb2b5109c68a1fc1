"""The `huida` command. Each module registers its commands on the shared Typer app."""

from __future__ import annotations

from huida.cli import accounts, ask, feishu, knowledge, learning, mcp, reading, serve, worker  # noqa: F401
from huida.cli.base import app


def main() -> None:
    app()
