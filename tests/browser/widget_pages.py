"""What the widget's browser tests need besides Chromium: a Huida server (SQLite) with the demo shop's robot and a
widget key, and a company's web site on another origin (another port of 127.0.0.1) whose pages embed the tag."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.channels.widget.helpers import demo_robot, new_key
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer, start_server

ROBOT = '[data-huida="message"][data-from="robot"]'
VISITOR = '[data-huida="message"][data-from="visitor"]'


def wait_loaded(page: Any, picture: Any) -> None:
    """Until the picture has really loaded (a signed link the browser opens without a token)."""
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())


def thumb_down(page: Any, answer: Any, reason: str) -> str:
    """Thumbs an answer down with a reason through the widget; returns the answer's msgId once it shows pressed."""
    answer.locator('[data-kind="thumb-down"]').click()
    page.locator('[data-huida="reason"]').fill(reason)
    page.locator('[data-kind="reason"]').click()
    answer.locator('[data-kind="thumb-down"][aria-pressed="true"]').wait_for()
    msg_id: str = answer.get_attribute("data-msg-id")
    return msg_id


PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>回答商城</title><style>body {{ font-family: serif; margin: 0; padding: 24px; background: #fdfaf3; }}
{css}</style></head>
<body><h1>回答商城 · Huida Shop</h1><p>{body}</p>
<script src="{huida}/widget.js" data-robot="{robot}" data-key="{key}" defer></script></body></html>
"""
BODY = "欢迎光临！这是一家嵌入了回答客服小组件的示例商店。The chat button sits at the bottom right."
# The page of a site that resets every element of its own, the widget's host included.
HOSTILE_CSS = "* { all: unset !important; } div { position: relative; transform: scale(1); }"


@dataclass(frozen=True)
class Site:
    """A web site on its own origin that serves the pages of `pages` (path -> html)."""

    origin: str


@dataclass
class Shop:
    server: LiveServer
    api: Api
    robot: str
    key: str

    def page_html(self, *, lang: str = "zh-CN", css: str = "") -> str:
        return PAGE.format(lang=lang, css=css, body=BODY, huida=self.server.base_url, robot=self.robot, key=self.key)


@contextmanager
def site(pages: dict[str, str]) -> Iterator[Site]:
    """Serves `pages` on 127.0.0.1 (a free port: an origin of its own) until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            html = pages.get(self.path.split("?")[0])
            data = (html or "not found").encode()
            self.send_response(200 if html else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def shop_server(data_dir: Path, allowed: list[str]) -> Iterator[Shop]:
    """A SQLite Huida with the demo robot, and a widget key for `allowed` whose welcome shows the help menu."""
    with start_server(f"sqlite:///{data_dir / 'huida.db'}", data_dir, run_worker=False) as live, \
            new_tenant(live) as api:
        robot = demo_robot(api)
        key = new_key(api, robot, allowed, welcomeMenu="menu-help")["key"]
        yield Shop(live, api, robot, key)
