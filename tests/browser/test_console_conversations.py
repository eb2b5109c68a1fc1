"""The console's conversations in Chromium: conversations asked through the open API are listed and found by
keyword (the reading API); one opens with its messages, the thumbs down with its reason, and its ratings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.console_pages import (
    Console,
    no_script_errors,
    shoot_clean,
)


def ask(console: Console, user: str, question: str) -> dict[str, Any]:
    return console.api.ok("POST", f"/knowledge/robots/{console.robot}/ask",
                          json={"question": question, "type": "TEXT", "userId": user})


def test_search_conversations_open_one_and_see_its_thumbs_and_ratings(
        console: Console, new_page: Callable[..., Any]) -> None:
    first = ask(console, "visitor-li", "退款多久到账")
    ask(console, "visitor-li", "怎么选尺码")  # an image answer
    ask(console, "visitor-wang", "运费怎么算")
    ask(console, "visitor-zhao", "你们发什么快递")
    console.api.ok("POST", f"/knowledge/robots/{console.robot}/messages/{first['msgId']}/feedback",
                   json={"feedbackStatus": "thumb-down", "feedback": "到账太慢了", "userId": "visitor-li"})
    console.api.ok("POST", f"/comment/robots/{console.robot}/satisfactionComments",
                   json={"sessionId": first["sessionId"], "msgId": first["msgId"], "type": 2})

    page = console.signed_in(new_page)
    page.goto(console.url("conversations"))
    page.locator("[data-chat]").first.wait_for()
    assert page.locator("[data-chat]").count() == 3  # one row per conversation, not per message
    shoot_clean(page, "console-conversations")

    page.fill("[data-field=conv-search]", "退款")
    page.click("[data-action=conv-search]")
    page.locator("[data-chat]").first.wait_for()
    page.wait_for_function("document.querySelectorAll('[data-chat]').length === 1")
    assert page.locator("[data-chat]").inner_text() == "visitor-li"
    page.locator("[data-chat]").click()

    thread = page.locator("[data-message]")
    thread.first.wait_for()
    assert thread.count() == 4
    assert thread.nth(0).get_attribute("data-from") == "visitor" and "退款多久到账" in thread.nth(0).inner_text()
    answer = page.locator(f"[data-message='{first['msgId']}']")
    answer.locator("[data-thumb=thumb-down]").wait_for()
    assert "到账太慢了" in answer.inner_text()
    page.wait_for_function("[...document.querySelectorAll('.chat-image')].some((i) => i.naturalWidth > 0)")
    page.locator("[data-rating=answer]").wait_for()
    assert "未解决" in page.locator("[data-rating=answer]").inner_text()
    shoot_clean(page, "console-conversation")
    no_script_errors(page)
