"""The browser harness itself: Debian's Chromium renders a page Huida serves, and runs its script."""

from __future__ import annotations

from typing import Any

from tests.support.server import LiveServer


def test_chromium_renders_a_page_from_a_real_huida_server(page: Any, server: LiveServer) -> None:
    response = page.goto(f"{server.base_url}/healthz")
    assert response is not None and response.status == 200
    assert "ok" in page.content().lower()
    assert page.evaluate("1 + 1") == 2
