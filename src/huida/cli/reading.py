"""`huida reindex`: rebuild the conversation search index (after an upgrade that changes how text is cut)."""

from __future__ import annotations

from typing import Annotated

import typer

from huida.cli.base import DbOption, app, console, open_context, setup_logging


@app.command()
def reindex(
    tenant: Annotated[int | None, typer.Option("--tenant", help="Only this tenant (default: every tenant)")] = None,
    db: DbOption = None,
) -> None:
    """Rebuild the search terms of every stored message, in one transaction (searches see the old index until
    it commits)."""
    from huida.reading.indexing import reindex as rebuild

    setup_logging()
    ctx = open_context(db)
    with ctx.db.session() as session:
        count = rebuild(session.connection(), tenant_id=tenant)
    console.print(f"indexed {count:,} messages for search")
    ctx.db.dispose()
