"""What the console's browser tests share: a SQLite Huida (one per test module) with a tenant whose robot holds
the demo shop's knowledge, and pages already signed in (the session the sign-in page would have stored)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from huida.demo.faq import load_demo_knowledge
from tests.browser.conftest import shoot
from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer, start_server


def png_file(path: Path) -> Path:
    """A small picture (a blue card with a white bar): what an admin uploads as an image answer."""
    image = Image.new("RGB", (240, 160), (47, 111, 237))
    ImageDraw.Draw(image).rectangle((30, 60, 210, 100), fill=(255, 255, 255))
    image.save(path, "PNG")
    return path


@dataclass
class Console:
    server: LiveServer
    api: Api
    robot: str  # the demo shop's robot

    @property
    def base(self) -> str:
        return self.server.base_url

    def url(self, path: str = "") -> str:
        """/console/robots/<robot>/<path>"""
        return f"{self.base}/console/robots/{self.robot}/{path}".rstrip("/")

    def signed_in(self, new_page: Callable[..., Any], **options: Any) -> Any:
        """A page whose tab holds the admin's token in sessionStorage, as after signing in."""
        page = new_page(**options)
        page.set_default_timeout(20_000)  # CI machines are slower than laptops
        session = {"token": self.api.token, "tenantId": self.api.tenant_id, "username": self.api.username,
                   "role": "admin", "expires": None}
        page.add_init_script(
            f"if (!sessionStorage.getItem('huida.console.session')) "
            f"sessionStorage.setItem('huida.console.session', {json.dumps(json.dumps(session))});")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.console_errors = errors  # a script error fails the test that looks at it (see no_script_errors)
        return page


def shoot_clean(page: Any, name: str) -> None:
    """A screenshot without the passing toast (docs/screenshots/NAME.png)."""
    page.evaluate("document.getElementById('toast') && document.getElementById('toast').replaceChildren()")
    shoot(page, name)


def no_script_errors(page: Any) -> None:
    assert not page.console_errors, page.console_errors


@contextmanager
def console_server(data_dir: Path) -> Iterator[Console]:
    """A SQLite Huida of its own, a fresh tenant, and its robot with the demo shop's knowledge."""
    with start_server(f"sqlite:///{data_dir / 'huida.db'}", data_dir) as live, console_tenant(live) as console:
        yield console


@contextmanager
def console_tenant(live: LiveServer) -> Iterator[Console]:
    """A fresh tenant on `live` whose robot holds the demo shop's knowledge, its matcher already built."""
    with new_tenant(live) as api:
        robot = api.new_robot("小答")
        with live.ctx.db.session() as session:
            load_demo_knowledge(session, api.tenant_id, robot)
        # The first question builds and calibrates the robot's matcher (seconds on a busy machine): here, not
        # inside a test's 10-second waits.
        api.ok("POST", f"/knowledge/robots/{robot}/hit-test", json={"question": "你好"})
        yield Console(live, api, robot)


@pytest.fixture(scope="session")
def console_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One SQLite server per test process for the console's modules; each module has its own tenant."""
    data_dir = tmp_path_factory.mktemp("console")
    with start_server(f"sqlite:///{data_dir / 'huida.db'}", data_dir) as live:
        yield live


@pytest.fixture(scope="module")
def console(console_live: LiveServer) -> Iterator[Console]:
    """A tenant of the test module's own on the session's console server (import it into the module)."""
    with console_tenant(console_live) as tenant:
        yield tenant
