"""Issue 17's end-to-end scenario, in one test, through the real UI on both sides: an admin prepares an answer in
the console and publishes the widget on a site of another origin; a visitor uses it there; the admin finds the
conversation and the visitor's thumbs-down in the console."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.console_pages import Console, console_server, png_file, shoot_clean
from tests.browser.widget_pages import BODY, PAGE, ROBOT, VISITOR, Site, site, thumb_down, wait_loaded

PARAPHRASE = "我的礼品卡丢了怎么补办"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Console, Site, dict[str, str]]]:
    pages: dict[str, str] = {}
    with console_server(tmp_path_factory.mktemp("scenario")) as console, site(pages) as shop:
        yield console, shop, pages


def test_admin_prepares_an_answer_a_visitor_uses_it_on_another_site_and_the_admin_sees_the_feedback(
        world: tuple[Console, Site, dict[str, str]], new_page: Callable[..., Any], tmp_path: Path) -> None:
    console, shop, pages = world
    admin = new_page()
    errors: list[str] = []
    admin.on("pageerror", lambda error: errors.append(f"console: {error}"))
    # The admin signs in to the console.
    admin.goto(f"{console.base}/console")
    admin.fill("input[name=username]", console.api.username)
    admin.fill("input[name=password]", console.api.password)
    admin.click("button[type=submit]")
    admin.locator("[data-action=new-rule]").wait_for()  # lands on the knowledge of the tenant's robot

    # A rule with two similar questions and an image answer.
    admin.click("[data-action=new-rule]")
    admin.fill("[data-field=standard-question]", "礼品卡丢了怎么办")
    admin.locator("[data-field=similar-question]").fill("礼品卡丢失如何补办")
    admin.locator("[data-field=similar-question]").press("Enter")
    admin.locator("[data-field=similar-question]").nth(1).fill("礼品卡不见了")
    admin.select_option("[data-field=answer-type]", "PIC")
    admin.set_input_files("[data-field=image-file]", str(png_file(tmp_path / "礼品卡补办流程.png")))
    admin.locator("[data-uploaded]").wait_for()
    admin.click("[data-action=save-rule]")
    admin.locator("[data-rule]", has_text="礼品卡丢了怎么办").wait_for()
    rule_id = admin.locator("[data-rule]", has_text="礼品卡丢了怎么办").get_attribute("data-rule")

    # The hit test answers a paraphrase with that rule.
    admin.click("[data-nav=hit-test]")
    admin.fill("[data-field=hit-question]", PARAPHRASE)
    admin.press("[data-field=hit-question]", "Enter")
    admin.locator(f"[data-hit-rule='{rule_id}']").wait_for()
    assert admin.locator("[data-decision=BEST_ANSWER]").count() == 1

    # A widget key for the shop's site (another origin), its welcome showing the help menu.
    admin.click("[data-nav=integrations]")
    admin.locator(".tabs a", has_text="网页挂件").click()
    admin.click("[data-action=new-widget-key]")
    admin.fill("[data-field=origins]", shop.origin)
    admin.locator("[data-field=welcome-menu] option[value=menu-help]").wait_for(state="attached")
    admin.select_option("[data-field=welcome-menu]", "menu-help")
    admin.locator("dialog button[type=submit]").click()
    snippet = admin.locator("[data-snippet]").inner_text()
    assert f"data-robot=\"{console.robot}\"" in snippet
    pages["/"] = PAGE.format(lang="zh-CN", css="", body=BODY, huida=console.base, robot=console.robot, key="K") \
        .replace(f'<script src="{console.base}/widget.js" data-robot="{console.robot}" data-key="K" defer></script>',
                 snippet)  # the site pastes the console's tag as it is

    # A visitor on the shop's site: the welcome with its menu, a menu click, the paraphrase, the picture.
    visitor = new_page()
    visitor.on("pageerror", lambda error: errors.append(f"site: {error}"))
    visitor.goto(f"{shop.origin}/")
    visitor.locator('[data-huida="launcher"]').click()
    welcome = visitor.locator(ROBOT).first
    menu = welcome.locator('[data-huida="option"][data-kind="menu"]')
    menu.first.wait_for()
    label = menu.first.inner_text()
    menu.first.click()
    visitor.locator(VISITOR, has_text=label).wait_for()
    visitor.locator(ROBOT).nth(1).locator('[data-huida="option"]').first.wait_for()
    visitor.locator('[data-huida="input"]').fill(PARAPHRASE)
    visitor.locator('[data-huida="input"]').press("Enter")
    answer = visitor.locator(ROBOT).nth(2)
    picture = answer.locator("img")
    picture.wait_for()
    wait_loaded(visitor, picture)
    msg_id = thumb_down(visitor, answer, "图片看不清")
    # A reload keeps the conversation.
    said = visitor.locator(VISITOR).all_inner_texts()
    visitor.reload()
    visitor.locator(VISITOR).nth(len(said) - 1).wait_for()
    assert visitor.locator(VISITOR).all_inner_texts() == said
    visitor.locator(ROBOT).last.locator("img").wait_for()
    shoot_clean(visitor, "scenario-visitor")

    # The admin finds the conversation, and the thumbs-down with its reason.
    admin.click("[data-nav=conversations]")
    admin.fill("[data-field=conv-search]", "礼品卡")
    admin.click("[data-action=conv-search]")
    admin.locator("[data-chat]").first.click()
    found = admin.locator(f"[data-message='{msg_id}']")
    found.locator("[data-thumb=thumb-down]").wait_for()
    assert "图片看不清" in found.inner_text()
    admin.wait_for_function("[...document.querySelectorAll('.chat-image')].some((i) => i.naturalWidth > 0)")
    assert admin.locator("[data-message][data-from=visitor]", has_text=PARAPHRASE).count() == 1
    shoot_clean(admin, "scenario-console-conversation")
    assert not errors, errors
