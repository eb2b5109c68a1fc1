"""`huida serve` and `huida migrate`."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from huida.cli.base import DbOption, app, check_optional_features, console, settings_for, setup_logging, start_context
from huida.engine.matcher.classifier import preload as preload_learning
from huida.memory import limit_malloc_arenas, start_trimming


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    db: DbOption = None,
    feishu_connect: Annotated[bool, typer.Option("--feishu-connect", help="Also run the Feishu long connections "
                                                 "(channels in longConnection mode)")] = False,
) -> None:
    """Start the HTTP API (and the background worker) on one process."""
    import uvicorn

    from huida.app import create_app
    from huida.demo.seed import ensure_demo

    limit_malloc_arenas()  # first: before any thread allocates (huida/memory.py says why)
    setup_logging()
    check_optional_features()
    settings = settings_for(db)
    ctx = start_context(settings)
    demo = ensure_demo(ctx)
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    if demo is not None:
        console.rule("[bold]Huida is ready — first start[/bold]")
        console.print(f"demo tenant id : {demo.tenant_id}")
        console.print(f"demo robot id  : {demo.robot_id}")
        console.print(f"admin login    : {demo.username}")
        console.print(f"admin password : {demo.password or '(the one you set in HUIDA_ADMIN_PASSWORD)'}")
        console.print(f"API docs       : {base}/docs")
        console.print(f"health         : {base}/healthz  (ready: {base}/readyz)")
        console.print("These credentials are printed only this once.")
        console.rule()
    else:
        console.print(f"Huida serving on {base} (API docs: {base}/docs)")
    # In the background: answering starts at once; memory reaches its working size at start, not hours later.
    threading.Thread(target=preload_learning, name="preload", daemon=True).start()
    start_trimming()  # free heap pages go back to the system once a minute (huida/memory.py)
    if feishu_connect:
        from huida.channels.feishu.longconn import start_alongside

        start_alongside(ctx)
    # log_config=None: uvicorn's own records go to the root handler setup_logging installed (escaped, one
    # format) instead of handlers of its own that would print request text unescaped.
    uvicorn.run(create_app(ctx=ctx), host=host, port=port, log_level="warning", log_config=None)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Apply database migrations (serve does this automatically)."""
    from huida.context import build_context

    build_context(settings_for(db))
    console.print("database is up to date")
