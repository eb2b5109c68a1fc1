"""Single sign-on (seed 004 §7.1) lands in the console, driven in Chromium against the real API.

A partner system signs a JWT for its user and sends the browser to GET /v10/commons/access; the server sets
its httponly session cookie and redirects to the console, which trades the cookie for a token (POST
/v10/commons/session/token with the console header) and signs the user in without a password. Signing out
expires the cookie: the next visit shows the sign-in page.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest

from tests.browser.console_pages import (
    Console,
    console_tenant,
    no_script_errors,
)

SECRET = "the-partner-systems-shared-secret-for-the-console-test"


@pytest.fixture(scope="module")
def console(request: pytest.FixtureRequest) -> Iterator[Console]:
    """A tenant of this module's own whose SSO users are admins."""
    with console_tenant(request.getfixturevalue("console_live")) as tenant:
        tenant.api.ok("PUT", "/sso", json={"secret": SECRET, "allowedOrigins": [], "defaultRole": "admin"})
        yield tenant


def sso_url(console: Console, external_id: str, return_to: str | None = None) -> str:
    """The link the partner system gives its user: a fresh HS256 JWT with iat and jti (seed 004 §7.1)."""
    token = jwt.encode({"iat": int(time.time()), "jti": str(uuid.uuid4()), "externalId": external_id,
                        "email": f"{external_id}@crm.example.com", "name": "单点登录管理员", "state": "Enable"},
                       SECRET, algorithm="HS256")
    params = {"jwt": token, "tenantId": console.api.tenant_id, **({"returnTo": return_to} if return_to else {})}
    return f"{console.base}/v10/commons/access?{urlencode(params)}"


def stored_session(page: Any) -> dict[str, Any] | None:
    return json.loads(page.evaluate("sessionStorage.getItem('huida.console.session') || 'null'"))


def test_sso_lands_signed_in_in_the_console_creates_a_robot_and_signs_out(
        console: Console, new_page: Callable[..., Any]) -> None:
    page = new_page(locale="zh-CN")
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors

    page.goto(sso_url(console, "crm-console-admin"))  # no returnTo: the console
    page.wait_for_url(f"**/console/robots/{console.robot}/knowledge")
    page.locator(".user", has_text="crm-console-admin").wait_for()
    session = stored_session(page)
    assert session is not None and (session["tenantId"], session["username"], session["role"]) == (
        console.api.tenant_id, "crm-console-admin", "admin")
    assert "huida_session" not in page.evaluate("document.cookie")  # httponly: no script ever reads it

    # A write, with the token the cookie was traded for (the cookie alone authorises reads only).
    page.click("[data-nav=robots]")
    page.get_by_role("heading", name="机器人").wait_for()
    page.click("header [data-action=new-robot]")
    page.locator("dialog input").first.fill("单点登录建的机器人")
    page.locator("dialog").get_by_role("button", name="创建").click()
    page.get_by_role("heading", name="设置 · 单点登录建的机器人").wait_for()
    assert [r["name"] for r in console.api.ok("GET", "/robots")].count("单点登录建的机器人") == 1

    page.click("[data-action=sign-out]")
    page.locator("input[name=username]").wait_for()
    assert stored_session(page) is None
    assert not [c for c in page.context.cookies() if c["name"] == "huida_session"]  # expired by the server
    # A new visit finds no session to trade: the sign-in page, and no silent sign-in.
    page.goto(f"{console.base}/console/robots")
    page.locator("input[name=username]").wait_for()
    assert "/console/login?next=" in page.url and stored_session(page) is None
    no_script_errors(page)


def test_sso_follows_returnTo_to_a_console_page(console: Console, new_page: Callable[..., Any]) -> None:
    page = new_page(locale="en-US")
    page.set_default_timeout(20_000)
    page.goto(sso_url(console, "crm-console-deep-link", return_to=f"/console/robots/{console.robot}/hit-test"))
    page.wait_for_url(f"**/console/robots/{console.robot}/hit-test")
    page.locator(".user", has_text="crm-console-deep-link").wait_for()
    # A tab opened later in the same browser has no token of its own: it trades the cookie again.
    other = page.context.new_page()
    other.goto(f"{console.base}/console/robots")
    other.get_by_role("heading", name="Robots").wait_for()
    assert stored_session(other)["username"] == "crm-console-deep-link"  # type: ignore[index]
