"""The console's sign-in, robots list and robot settings, driven in Chromium against the real API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.console_pages import (
    Console,
    no_script_errors,
    shoot_clean,
)


def test_sign_in_shows_the_apis_error_then_lands_on_the_robot_and_signs_out(
        console: Console, new_page: Callable[..., Any]) -> None:
    page = new_page(locale="zh-CN")
    page.goto(f"{console.base}/console/robots")
    assert "/console/login?next=" in page.url
    page.fill("input[name=username]", console.api.username)
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    page.get_by_role("alert").wait_for()
    assert "wrong username or password" in page.get_by_role("alert").inner_text()
    shoot_clean(page, "console-login")
    page.fill("input[name=password]", console.api.password)
    page.click("button[type=submit]")
    page.get_by_role("heading", name="机器人").wait_for()  # back where the visitor wanted to go
    assert page.url.endswith("/console/robots")
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('huida.console.session'))")
    assert stored["tenantId"] == console.api.tenant_id
    page.click("[data-action=sign-out]")
    page.locator("input[name=username]").wait_for()
    assert page.evaluate("sessionStorage.getItem('huida.console.session')") is None


def test_create_a_robot_switch_language_and_change_its_settings(console: Console, new_page: Callable[..., Any]) -> None:
    # A first question makes the robot calibrate its thresholds, which the settings page then shows.
    console.api.ok("POST", f"/knowledge/robots/{console.robot}/hit-test", json={"question": "退款多久到账"})
    page = console.signed_in(new_page, locale="en-US")
    page.goto(f"{console.base}/console/robots")
    page.get_by_role("heading", name="Robots").wait_for()  # English from the browser
    page.click("[data-lang=zh]")
    page.get_by_role("heading", name="机器人").wait_for()
    page.locator("table").get_by_text("小答").wait_for()
    # With the keyboard only: the dialog takes the focus, Tab walks its fields and buttons.
    page.locator("header [data-action=new-robot]").focus()
    page.keyboard.press("Enter")
    page.locator("dialog input").wait_for()
    page.keyboard.type("售后机器人")
    page.keyboard.press("Tab")
    page.keyboard.type("退换货专用")
    page.keyboard.press("Tab")  # Cancel
    page.keyboard.press("Tab")  # Create
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="设置 · 售后机器人").wait_for()
    created = [r for r in console.api.ok("GET", "/robots") if r["name"] == "售后机器人"]
    assert len(created) == 1 and created[0]["description"] == "退换货专用"

    page.goto(console.url("settings"))
    page.locator("textarea[name=welcomeText]").wait_for()
    settings = console.api.ok("GET", f"/robots/{console.robot}")["settings"]
    calibrated = f"{settings['calibratedAnswerThreshold']:.3f}"
    assert page.locator(".stats").get_by_text(calibrated).count() == 1  # the calibrated value is shown
    page.fill("textarea[name=welcomeText]", "您好，我是售后小答。")
    page.fill("input[name=answerThreshold]", "0.75")
    page.locator("label.check", has_text="闲聊").locator("input").uncheck()
    page.fill("textarea[name=humanKeywords]", "转人工\n找客服")
    page.locator("fieldset", has_text="匹配与阈值").scroll_into_view_if_needed()
    page.evaluate("document.querySelectorAll('fieldset')[2].scrollIntoView()")
    shoot_clean(page, "console-robot-settings")
    page.click("[data-action=save]")
    page.locator(".toast", has_text="已保存").wait_for()
    saved = console.api.ok("GET", f"/robots/{console.robot}")["settings"]
    assert saved["welcomeText"] == "您好，我是售后小答。"
    assert saved["answerThreshold"] == 0.75 and saved["smallTalkEnabled"] is False
    assert saved["humanKeywords"] == ["转人工", "找客服"]
    assert saved["defaultReply"] == settings["defaultReply"]  # untouched settings stay as they were

    page.fill("textarea[name=welcomeVariants]", "[{\"text\": \"x\", \"strategies\": [{\"type\": \"NOPE\"}]}]")
    page.click("[data-action=save]")
    assert "strategy type must be one of CHANNEL" in page.get_by_role("alert").inner_text()  # the API's own words
    page.goto(f"{console.base}/console/robots")
    page.locator("table").get_by_text("售后机器人").wait_for()
    shoot_clean(page, "console-robots")
    no_script_errors(page)
