"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

`browser` is one headless Chromium per test module (Playwright's sync API keeps an asyncio loop running in
the thread while it is started: for a whole session it broke later tests that run their own loop); `page` a
fresh context (its own storage) per test, with the viewport a test asks for through `new_page`. Screenshots
go to `docs/screenshots/` (the README shows some), saved by `shoot(page, name)`. The whole folder skips, with
the reason, where Chromium or Playwright is absent; CI installs Debian's chromium (.ci/run), so it runs there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def chromium_path() -> str | None:
    """HUIDA_CHROMIUM, else Debian's chromium on PATH."""
    return os.environ.get("HUIDA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("browser tests need Chromium (Debian: apt-get install -y chromium; or set HUIDA_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need Playwright for Python (the dev extra installs it)")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """new_page(viewport=DESKTOP, locale="zh-CN") -> a page in its own context, closed after the test."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, locale: str = "zh-CN", **options: Any) -> Any:
        context = browser.new_context(viewport=viewport or DESKTOP, locale=locale, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def shoot(page: Any, name: str) -> Path:
    """Saves a screenshot of the page under docs/screenshots/NAME.png and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# The console tests' fixtures (a session's console server, a tenant per module). Imported last: that module
# imports `shoot` from this one.
from tests.browser.console_pages import console, console_live  # noqa: E402, F401
