"""The console's integrations in Chromium against the real API: a webhook with its delivery log, its sent body and
a redelivery; a Feishu channel with the event URL to paste into Feishu; an Aily API key shown once and revoked;
a widget key with its tag and live preview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.browser.console_pages import (
    Console,
    no_script_errors,
    shoot_clean,
)
from tests.support.receiver import Receiver, wait_until


def test_create_a_webhook_ping_it_read_the_delivery_and_redeliver(
        console: Console, new_page: Callable[..., Any]) -> None:
    with Receiver() as receiver:
        page = console.signed_in(new_page)
        page.goto(console.url("integrations"))
        page.click("[data-action=new-webhook]")
        page.fill("[data-field=webhook-url]", receiver.url())
        page.fill("[data-field=webhook-secret]", "short")  # the API says how long a secret must be
        page.locator("dialog button[type=submit]").click()
        page.locator("dialog .alert.error").wait_for()  # the API's own reason, in the dialog
        page.locator("dialog button", has_text="随机生成").click()
        page.locator("dialog label.check", has_text="会话评价").locator("input").uncheck()
        page.locator("dialog button[type=submit]").click()
        hook = page.locator("[data-webhook]")
        hook.wait_for()
        [created] = console.api.ok("GET", f"/robots/{console.robot}/webhooks")
        assert created["url"] == receiver.url() and "comment" not in created["events"]

        hook.locator("[data-action=ping]").click()
        wait_until(lambda: receiver.delivery_ids())
        delivery = hook.locator("[data-delivery]")
        delivery.wait_for()
        for _ in range(50):  # the log shows what the worker did, read again on demand
            if "已送达" in delivery.inner_text():
                break
            hook.locator("[data-action=deliveries]").click()
            hook.locator("[data-action=deliveries]").click()
            page.wait_for_timeout(100)
        assert "已送达" in delivery.inner_text() and "HTTP 200" in delivery.inner_text()
        shoot_clean(page, "console-integrations")

        delivery.locator("[data-action=view-delivery]").click()
        assert '"event": "ping"' in page.locator("dialog pre").inner_text()
        page.locator("dialog button[type=submit]").click()
        delivery.locator("[data-action=redeliver]").click()
        page.locator(".toast", has_text="已重新排队投递").wait_for()
        wait_until(lambda: len(receiver.hits_on("/hook")) >= 2)
    no_script_errors(page)


def test_feishu_channel_shows_the_event_url_to_paste(console: Console, new_page: Callable[..., Any]) -> None:
    page = console.signed_in(new_page)
    page.goto(console.url("integrations") + "?tab=feishu")
    page.click("[data-action=new-feishu]")
    page.fill("[data-field=app-id]", "cli_console_test")
    page.fill("[data-field=app-secret]", "app-secret-value")
    page.locator("dialog button[type=submit]").click()
    url = page.locator("[data-event-url]")
    url.wait_for()
    [channel] = console.api.ok("GET", f"/v10/tenants/{console.api.tenant_id}/channels/feishu")
    assert url.inner_text() == f"{console.base}/channels/feishu/{channel['channelId']}/events"
    assert channel["appId"] == "cli_console_test" and channel["robotId"] == console.robot
    shoot_clean(page, "console-feishu")
    no_script_errors(page)


def test_an_aily_key_is_shown_once_and_revoked(console: Console, new_page: Callable[..., Any]) -> None:
    page = console.signed_in(new_page)
    page.goto(console.url("integrations") + "?tab=aily")
    page.click("[data-action=new-aily-key]")
    page.fill("[data-field=key-name]", "官网 App")
    page.locator("dialog button[type=submit]").click()
    key = page.locator("[data-new-key]").inner_text()
    [listed] = console.api.ok("GET", f"/robots/{console.robot}/api-keys")
    assert key.startswith(listed["prefix"]) and listed["name"] == "官网 App"
    sessions = httpx.post(f"{console.base}/open-apis/aily/v1/sessions", json={},
                          headers={"Authorization": f"Bearer {key}"})
    assert sessions.status_code == 200, sessions.text  # the key shown works
    page.locator(f"[data-key-id='{listed['id']}'] [data-action=revoke]").click()
    page.locator("dialog [data-confirm]").click()
    page.locator(f"[data-key-id='{listed['id']}']", has_text="已吊销").wait_for()
    assert console.api.ok("GET", f"/robots/{console.robot}/api-keys")[0]["revoked"] is True
    no_script_errors(page)


def test_a_widget_key_gives_the_tag_to_paste_and_a_live_preview(console: Console, new_page: Callable[..., Any]) -> None:
    page = console.signed_in(new_page)
    page.goto(console.url("integrations") + "?tab=widget")
    page.click("[data-action=new-widget-key]")
    page.fill("[data-field=origins]", "https://shop.example\nhttps://www.shop.example")
    page.locator("[data-field=welcome-menu] option[value=menu-help]").wait_for(state="attached")
    page.select_option("[data-field=welcome-menu]", "menu-help")
    page.locator("dialog button[type=submit]").click()
    snippet = page.locator("[data-snippet]")
    snippet.wait_for()
    [key] = console.api.ok("GET", f"/robots/{console.robot}/widget-keys")
    assert key["allowedOrigins"] == ["https://shop.example", "https://www.shop.example", console.base]
    assert key["welcomeMenu"] == "menu-help"
    assert snippet.inner_text() == (f'<script src="{console.base}/widget.js" data-robot="{console.robot}" '
                                    f'data-key="{key["key"]}" defer></script>')
    frame = page.frame_locator(f"[data-preview='{key['id']}']")
    assert frame.locator("script[data-key]").get_attribute("data-key") == key["key"]
    frame.locator("#huida-widget").wait_for(state="attached")  # the widget runs in the preview
    page.locator("[data-preview]").scroll_into_view_if_needed()
    frame.locator('[data-huida="launcher"]').click()
    frame.locator('[data-huida="message"][data-from="robot"]').first.wait_for()  # the welcome, through the key
    shoot_clean(page, "console-widget-keys")
    page.locator(f"[data-widget-key='{key['id']}'] [data-action=revoke]").click()
    page.locator("dialog [data-confirm]").click()
    page.locator(f"[data-widget-key='{key['id']}']", has_text="已吊销").wait_for()
    no_script_errors(page)
