"""`huida mcp`: serve conversation reading and search to an AI agent over MCP (stdio)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from huida.cli.base import DbOption, app, fail, settings_for, setup_logging


@app.command()
def mcp(
    tenant: Annotated[int, typer.Option("--tenant", min=1, max=2**63 - 1,
                                        help="The tenant whose conversations the agent may read")],
    db: DbOption = None,
) -> None:
    """Run an MCP server on stdin/stdout with the tools huida_get_messages, huida_get_thread_messages,
    huida_search_messages and huida_fetch_resource (configure it as a stdio server in your agent)."""
    from sqlalchemy import select

    from huida.auth.models import Tenant
    from huida.context import build_context
    from huida.mcp.server import build_server

    setup_logging(logging.WARNING)  # stdout carries the protocol; logs go to stderr
    ctx = build_context(settings_for(db))
    with ctx.db.read() as session:
        if session.scalar(select(Tenant.id).where(Tenant.id == tenant)) is None:
            raise fail(f"no tenant {tenant} in this database")
    try:
        build_server(ctx.db, tenant).run("stdio")
    finally:
        ctx.db.dispose()
