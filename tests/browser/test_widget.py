"""The chat widget in Chromium, embedded by a page of another origin: welcome with its menu, a menu click, a text
answer, a picture that loads, thumbs down with a reason, the conversation kept across a reload, a 375-pixel
phone, a page that resets all CSS, and a page whose origin the key does not list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.conftest import PHONE, shoot
from tests.browser.widget_pages import HOSTILE_CSS, ROBOT, VISITOR, Shop, shop_server, site, thumb_down, wait_loaded


@dataclass
class World:
    shop: Shop
    home: str  # the shop's page (an allowed origin)
    hostile: str  # the same, with `* { all: unset }`
    english: str  # the same, <html lang="en">
    stranger: str  # a page of an origin the key does not list


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    pages: dict[str, str] = {}
    strange: dict[str, str] = {}
    with site(pages) as shop_site, site(strange) as other_site, \
            shop_server(tmp_path_factory.mktemp("widget"), [shop_site.origin]) as shop:
        pages["/"] = shop.page_html()
        pages["/hostile"] = shop.page_html(css=HOSTILE_CSS)
        pages["/en"] = shop.page_html(lang="en")
        strange["/"] = shop.page_html()
        yield World(shop, f"{shop_site.origin}/", f"{shop_site.origin}/hostile", f"{shop_site.origin}/en",
                    f"{other_site.origin}/")


def open_widget(page: Any, url: str) -> None:
    page.goto(url)
    page.locator('[data-huida="launcher"]').click()


def ask(page: Any, question: str) -> Any:
    """Types the question, presses Enter, and returns the robot's answer to it (the newest robot message)."""
    robots = page.locator(ROBOT)
    before = robots.count()
    page.locator('[data-huida="input"]').fill(question)
    page.locator('[data-huida="input"]').press("Enter")
    page.wait_for_function(
        "([n]) => document.querySelector('#huida-widget').shadowRoot"
        ".querySelectorAll('[data-huida=message][data-from=robot]').length > n", arg=[before])
    return robots.nth(before)


def test_a_visitor_talks_rates_and_comes_back(world: World, new_page: Callable[..., Any]) -> None:
    page = new_page()
    open_widget(page, world.home)
    welcome = page.locator(ROBOT).first
    assert "小答" in welcome.inner_text()
    menu = welcome.locator('[data-huida="option"][data-kind="menu"]')
    assert menu.count() >= 3 and welcome.locator('[data-kind="transfer"]').count() == 1
    # A menu click: the item is said by the visitor, the sub-menu comes back as buttons.
    label = menu.first.inner_text()
    menu.first.click()
    page.locator(VISITOR, has_text=label).wait_for()
    sub = page.locator(ROBOT).nth(1)
    sub.locator('[data-huida="option"][data-kind="menu"]').first.wait_for()
    # A text answer, and a picture that really loads (a signed link, no token).
    text = ask(page, "怎么查询订单状态？")
    assert "我的订单" in text.inner_text()
    picture = ask(page, "衣服尺码对照表").locator("img")
    wait_loaded(page, picture)
    # Thumbs down asks for a reason; the tenant sees it.
    msg_id = thumb_down(page, text, "没有说明退货入口在哪里")
    seen = world.shop.api.ok("GET", f"/knowledge/robots/{world.shop.robot}/messages/{msg_id}/feedback")
    assert seen["feedbackStatus"] == "thumb-down" and seen["feedback"] == "没有说明退货入口在哪里"
    shoot(page, "widget-desktop")
    # A reload keeps the conversation (the panel reopens by itself, the history comes from the API).
    said = page.locator(VISITOR).all_inner_texts()
    page.reload()
    page.locator(VISITOR).nth(len(said) - 1).wait_for()
    assert page.locator(VISITOR).all_inner_texts() == said
    page.locator(ROBOT).last.locator("img").wait_for()
    assert page.locator(f'[data-msg-id="{msg_id}"] [data-kind="thumb-down"]').get_attribute("aria-pressed") == "true"


def test_a_phone_screen(world: World, new_page: Callable[..., Any]) -> None:
    page = new_page(viewport=PHONE)
    open_widget(page, world.home)
    page.locator(ROBOT).first.wait_for()
    ask(page, "618 有什么活动")
    card = page.locator(ROBOT).last.locator("a.c")
    assert card.locator("b").inner_text().startswith("618")
    wait_loaded(page, card.locator("img"))
    box = page.locator('[role="dialog"]').bounding_box()
    assert box["width"] == PHONE["width"] and box["x"] == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "widget-phone")
    page.keyboard.press("Escape")  # closes the panel, back to the launcher
    assert page.locator('[role="dialog"]').is_hidden()
    assert page.locator('[data-huida="launcher"]').get_attribute("aria-expanded") == "false"


def test_a_page_that_resets_all_css_still_shows_the_widget(world: World, new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto(world.hostile)
    launcher = page.locator('[data-huida="launcher"]')
    box = launcher.bounding_box()
    assert box["width"] == 56 and box["height"] == 56
    assert box["x"] + 56 + 24 == pytest.approx(1280, abs=1)  # still fixed, bottom right
    launcher.click()
    page.locator(ROBOT).first.locator('[data-huida="option"]').first.wait_for()
    assert "我的订单" in ask(page, "怎么查询订单状态？").inner_text()


def test_english_pages_get_english_texts(world: World, new_page: Callable[..., Any]) -> None:
    page = new_page(locale="en-US")
    open_widget(page, world.english)
    assert page.locator('[data-huida="input"]').get_attribute("placeholder") == "Type your question"
    assert page.locator('[data-huida="send"]').inner_text() == "Send"


def test_a_page_of_another_origin_cannot_use_the_key(world: World, new_page: Callable[..., Any]) -> None:
    page = new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url) if "/widget/v1/" in r.url else None)
    open_widget(page, world.stranger)
    page.get_by_text("网络异常").wait_for()  # the widget says it could not reach the robot
    assert page.locator(ROBOT).count() == 0 and failed  # the browser refused: no CORS header for this origin
    # Even a request that needs no preflight is refused by the server, and its answer is not readable.
    outcome = page.evaluate("""([url, key]) => fetch(url, {method: 'POST', body: '{}', headers: {
        'content-type': 'text/plain', }}).then(r => 'read ' + r.status, e => 'refused: ' + e.name)""",
                            [world.shop.server.base_url + "/widget/v1/welcome", world.shop.key])
    assert outcome == "refused: TypeError"
