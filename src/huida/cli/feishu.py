"""`huida feishu-connect`: Feishu events over the long connection, for one channel or all of them."""

from __future__ import annotations

from typing import Annotated

import typer

from huida.cli.base import DbOption, app, fail, open_context, setup_logging


@app.command("feishu-connect")
def feishu_connect(
    channel: Annotated[list[str] | None, typer.Option("--channel", help="Channel id (repeat for several)")] = None,
    all_channels: Annotated[bool, typer.Option("--all", help="Every enabled channel in longConnection mode, "
                                                             "following changes")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between checks of the channel list", min=0.1)] = 5.0,
    exit_with_parent: Annotated[bool, typer.Option("--exit-with-parent", hidden=True)] = False,
    db: DbOption = None,
) -> None:
    """Receive a Feishu app's events over Feishu's long connection (no public callback URL needed)."""
    from huida.channels.feishu import longconn

    if bool(channel) == all_channels:
        raise fail("give --channel ID (one or more) or --all")
    setup_logging()
    ctx = open_context(db)
    if all_channels or len(channel or []) > 1:
        longconn.supervise(ctx, None if all_channels else channel, interval, exit_with_parent=exit_with_parent)
        return
    try:
        longconn.connect(ctx, (channel or [""])[0], exit_with_parent=exit_with_parent)
    except LookupError as exc:
        raise fail(str(exc), code=2) from exc
