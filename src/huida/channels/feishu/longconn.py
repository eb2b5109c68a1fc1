"""Receiving events over Feishu's long connection (no public URL needed), with the SDK's `lark.ws.Client`.

The SDK's client blocks forever in `start()`, has no `stop()`, and runs on an event loop captured when its
module is imported; two clients cannot share a process (see feishu.md §5). So each channel gets a process of
its own (`huida feishu-connect --channel ID`) with a fresh loop, and a supervisor (`--all`, or
`huida serve --feishu-connect`) keeps one such process per enabled long-connection channel, restarting it when
the channel changes or the process dies. Frames go through the same intake as the HTTP callback.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import lark_oapi as lark
from sqlalchemy import select

from huida.channels.feishu import inbound
from huida.channels.feishu.apps import load_channel
from huida.channels.feishu.client import base_url
from huida.channels.feishu.events import CARD_ACTION
from huida.channels.feishu.models import LONG_CONNECTION, FeishuChannel
from huida.channels.feishu.verify import Rejection, parse_json
from huida.context import AppContext
from huida.db import Database

log = logging.getLogger("huida.feishu")

MAX_BACKOFF_SECONDS = 300.0


class Intake(lark.EventDispatcherHandler):
    """What the SDK's ws client calls with each frame's payload (plaintext JSON; the connection is the
    authentication). Answers a card click with its toast; everything else with an empty 200."""

    def __init__(self, db: Database, channel_id: str) -> None:
        super().__init__()
        self._db = db
        self._channel_id = channel_id

    def _do_without_validation(self, payload: bytes) -> Any:
        channel = load_channel(self._db, self._channel_id)
        if channel is None:
            log.warning("feishu long connection: channel %s no longer exists", self._channel_id)
            return None
        try:
            data = parse_json(payload, "frame")
            result = inbound.handle(self._db, channel, data)
        except Rejection as rejection:
            log.warning("feishu long connection: channel %s refused an event: %s", channel.channel_id,
                        rejection.reason)
            return None
        header = data["header"] if isinstance(data.get("header"), dict) else {}
        return result if header.get("event_type") == CARD_ACTION else None


def _watch_parent() -> None:
    """Exits when the parent process (a supervisor or `huida serve`) is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        log.info("feishu long connection: parent process gone, exiting")
        os._exit(0)

    threading.Thread(target=watch, name="huida-parent-watch", daemon=True).start()


def connect(ctx: AppContext, channel_id: str, *, exit_with_parent: bool = False) -> None:
    """Runs the channel's long connection in this process until it is killed or interrupted."""
    channel = load_channel(ctx.db, channel_id)
    if channel is None:
        raise LookupError(f"no Feishu channel {channel_id}")
    if exit_with_parent:
        _watch_parent()
    import lark_oapi.ws.client as ws_client

    # The SDK runs on a module-level loop captured at import time; give it a fresh one owned by this thread.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    ws_client.loop = loop
    client = ws_client.Client(channel.app_id, channel.app_secret, event_handler=Intake(ctx.db, channel_id),
                              domain=base_url(channel.domain), auto_reconnect=True, log_level=lark.LogLevel.INFO)
    log.info("feishu long connection: channel %s (app %s) connecting", channel_id, channel.app_id)
    try:
        client.start()
    except KeyboardInterrupt:  # Ctrl-C in a terminal reaches every process of the group
        log.info("feishu long connection: channel %s stopped", channel_id)


# -- supervising one process per channel -------------------------------------------------------------

def command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from huida.cli import main; main()", *args]


def spawn(args: Sequence[str], database_url: str) -> subprocess.Popen[bytes]:
    # The database URL goes through the environment, not argv (it may hold a password).
    env = {**os.environ, "HUIDA_DATABASE_URL": database_url}
    return subprocess.Popen(command(*args), env=env)


def terminate(process: subprocess.Popen[bytes] | None, timeout: float = 10.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@dataclass
class Child:
    process: subprocess.Popen[bytes]
    version: int


@dataclass
class Supervisor:
    """Keeps one `feishu-connect --channel` process per wanted channel, in step with the database."""

    db: Database
    database_url: str
    channel_ids: Sequence[str] | None = None  # None: every enabled long-connection channel
    interval: float = 5.0
    exit_with_parent: bool = False  # started by `huida serve`: do not outlive it
    children: dict[str, Child] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    not_before: dict[str, float] = field(default_factory=dict)

    def wanted(self) -> dict[str, int]:
        """channel id -> version (updated_at): a changed channel gets a new process."""
        query = select(FeishuChannel.channel_id, FeishuChannel.updated_at)
        if self.channel_ids is None:
            query = query.where(FeishuChannel.enabled.is_(True), FeishuChannel.mode == LONG_CONNECTION)
        else:
            query = query.where(FeishuChannel.channel_id.in_(list(self.channel_ids)))
        with self.db.read() as session:
            return {channel_id: version for channel_id, version in session.execute(query)}

    def reconcile(self) -> None:
        wanted = self.wanted()
        now = time.monotonic()
        for channel_id, child in list(self.children.items()):
            died = child.process.poll() is not None
            if died or wanted.get(channel_id) != child.version:
                terminate(child.process)
                del self.children[channel_id]
                if died:
                    count = self.failures[channel_id] = self.failures.get(channel_id, 0) + 1
                    self.not_before[channel_id] = now + min(MAX_BACKOFF_SECONDS, self.interval * 2 ** count)
                    log.warning("feishu long connection of channel %s exited (%d time(s))", channel_id, count)
        for channel_id, version in wanted.items():
            if channel_id not in self.children and now >= self.not_before.get(channel_id, 0.0):
                args = ("feishu-connect", "--channel", channel_id, "--exit-with-parent")
                self.children[channel_id] = Child(spawn(args, self.database_url), version)
                log.info("feishu long connection of channel %s started", channel_id)

    def run(self, stop: threading.Event) -> None:
        parent = os.getppid()
        try:
            while not stop.is_set():
                try:
                    self.reconcile()
                except Exception:  # the database may be restarting: try again next round
                    log.exception("feishu supervisor: reconcile failed")
                if stop.wait(self.interval) or (self.exit_with_parent and os.getppid() != parent):
                    break
        finally:
            for child in self.children.values():
                terminate(child.process)


def supervise(ctx: AppContext, channel_ids: Sequence[str] | None, interval: float, *,
              exit_with_parent: bool = False) -> None:
    """Runs the supervisor until SIGTERM or Ctrl-C."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Supervisor(ctx.db, ctx.settings.resolved_database_url, channel_ids, interval, exit_with_parent).run(stop)


def start_alongside(ctx: AppContext) -> None:
    """`huida serve --feishu-connect`: a supervisor process started and stopped with the app."""
    holder: dict[str, subprocess.Popen[bytes]] = {}

    def start() -> None:
        holder["process"] = spawn(("feishu-connect", "--all", "--exit-with-parent"),
                                  ctx.settings.resolved_database_url)

    def stop() -> None:
        terminate(holder.pop("process", None))

    ctx.startup.append(start)
    ctx.shutdown.append(stop)
