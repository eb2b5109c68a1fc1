"""The console's knowledge pages in Chromium against the real API: rules (search, categories, create with
similar questions and every answer type, edit, delete), import with its per-row report, export, and health."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser.console_pages import (
    Console,
    no_script_errors,
    png_file,
    shoot_clean,
)


def rule_of(console: Console, question: str) -> dict[str, Any]:
    found = console.api.ok("GET", f"/knowledge/robots/{console.robot}/rules/search", params={"q": question})
    matches = [r for r in found if r["questionsArray"][0] == question]
    assert len(matches) == 1, found
    return matches[0]


def test_create_a_rule_with_two_similar_questions_and_an_image_answer(
        console: Console, new_page: Callable[..., Any], tmp_path: Path) -> None:
    page = console.signed_in(new_page)
    page.goto(console.url("knowledge"))
    page.click("[data-action=new-rule]")
    page.fill("[data-field=standard-question]", "发票怎么开具？")
    page.locator("[data-field=similar-question]").fill("能开发票吗")
    page.locator("[data-field=similar-question]").press("Enter")  # Enter adds the next similar question
    page.locator("[data-field=similar-question]").nth(1).fill("怎么申请电子发票")
    page.locator("label.check", has_text="发票").locator("input").check()
    page.select_option("[data-field=answer-type]", "PIC")
    page.set_input_files("[data-field=image-file]", str(png_file(tmp_path / "发票示例.png")))
    page.locator("[data-uploaded]").wait_for()
    page.wait_for_function("document.querySelector('[data-field=image-preview]').naturalWidth > 0")
    shoot_clean(page, "console-rule-edit")
    page.click("[data-action=save-rule]")
    page.locator("[data-rule]", has_text="发票怎么开具？").wait_for()

    rule = rule_of(console, "发票怎么开具？")
    assert rule["questionsArray"] == ["发票怎么开具？", "能开发票吗", "怎么申请电子发票"]
    assert [a["type"] for a in rule["answers"]] == ["PIC"]
    media = console.api.ok("GET", f"/material/medias/{rule['answers'][0]['content']['mediaId']}")
    assert media["filename"] == "发票示例.png" and media["width"] == 240
    categories = {c["name"]: c["id"] for c in console.api.ok("GET", f"/knowledge/robots/{console.robot}/categories")}
    assert rule["categoryIds"] == [categories["发票"]]
    no_script_errors(page)


def test_search_filter_by_category_edit_and_delete_with_confirmation(
        console: Console, new_page: Callable[..., Any]) -> None:
    page = console.signed_in(new_page)
    page.goto(console.url("knowledge"))
    page.locator("[data-rule]").first.wait_for()
    page.fill("input[name=q]", "尺码")
    page.press("input[name=q]", "Enter")
    page.locator("[data-rule=size-chart]").wait_for()
    assert page.locator("[data-rule=return-policy]").count() == 0
    assert "q=%E5%B0%BA%E7%A0%81" in page.url  # the search is in the address: reload and share keep it

    page.fill("input[name=q]", "")
    page.press("input[name=q]", "Enter")
    page.locator(".categories button", has_text="退换货").click()
    page.locator("[data-rule=return-policy]").wait_for()
    assert page.locator("[data-rule=order-status]").count() == 0
    shoot_clean(page, "console-knowledge")

    page.click("[data-rule=return-policy]")
    page.locator("[data-field=answer-text]").fill("支持七天无理由退货（定制商品除外）。")
    page.click("[data-action=add-similar]")
    page.locator("[data-field=similar-question]").last.fill("可以无理由退吗")
    page.click("[data-action=save-rule]")
    page.locator("[data-rule=return-policy]").wait_for()
    rule = console.api.ok("GET", f"/knowledge/robots/{console.robot}/rules/return-policy")
    assert rule["answers"][0]["answer"] == "支持七天无理由退货（定制商品除外）。"
    assert rule["questionsArray"][-1] == "可以无理由退吗"

    page.click("[data-delete=return-policy]")
    page.locator("dialog").get_by_role("button", name="取消").click()  # cancelling deletes nothing
    assert console.api.get(f"/knowledge/robots/{console.robot}/rules/return-policy").status_code == 200
    page.click("[data-delete=return-policy]")
    page.locator("dialog [data-confirm]").click()  # a menu item: the API refuses, and says why
    page.locator(".toast.error", has_text="remove it from those menus first").wait_for()
    assert console.api.get(f"/knowledge/robots/{console.robot}/rules/return-policy").status_code == 200

    page.locator(".categories button", has_text="全部分类").click()
    page.fill("input[name=q]", "运费")
    page.press("input[name=q]", "Enter")
    page.click("[data-delete=shipping-fee]")
    page.locator("dialog [data-confirm]").click()
    page.locator(".toast", has_text="已删除").wait_for()
    assert console.api.get(f"/knowledge/robots/{console.robot}/rules/shipping-fee").status_code == 404
    page.locator("[data-rule=shipping-fee]").wait_for(state="detached")  # the list is read again
    no_script_errors(page)


def test_article_menu_and_transfer_answers(console: Console, new_page: Callable[..., Any]) -> None:
    page = console.signed_in(new_page)
    page.goto(console.url("knowledge/rules/new"))
    page.fill("[data-field=standard-question]", "新人有什么福利")
    page.select_option("[data-field=answer-type]", "NEWS")
    page.click("[data-action=new-article]")
    dialog = page.locator("dialog")
    dialog.locator("input").first.fill("新人礼包")
    dialog.locator("textarea").first.fill("注册即送 20 元券")
    dialog.locator("button[type=submit]").click()
    page.locator("label.check", has_text="新人礼包").locator("input:checked").wait_for()

    page.click("[data-action=add-answer]")
    page.locator("[data-field=answer-type]").nth(1).select_option("MENU")
    page.fill("[data-field=menu-title]", "您还可以了解：")
    page.click("[data-action=add-menu-item]")
    page.click("[data-action=add-menu-item]")
    targets = page.locator("[data-field=menu-target]")
    targets.nth(0).locator("option[value=member-levels]").wait_for(state="attached")
    targets.nth(0).select_option("member-levels")
    targets.nth(1).select_option("member-points")
    page.click("[data-action=add-answer]")
    page.locator("[data-field=answer-type]").nth(2).select_option("HUMAN")
    page.fill("[data-field=transfer-prompt]", "正在为您转接新人专员")
    page.click("[data-action=save-rule]")
    page.locator("[data-rule]", has_text="新人有什么福利").wait_for()

    answers = rule_of(console, "新人有什么福利")["answers"]
    assert [a["type"] for a in answers] == ["NEWS", "MENU", "HUMAN"]
    articles = {a["id"]: a for a in console.api.ok("GET", "/material/news/articles", params={"size": 100})}
    assert articles[answers[0]["content"]["articleIds"][0]]["title"] == "新人礼包"
    assert [i["knowledgeId"] for i in answers[1]["content"]["items"]] == ["member-levels", "member-points"]
    assert answers[2]["content"]["transferPrompt"] == "正在为您转接新人专员"
    # A menu without items is refused before anything is sent, in plain words.
    page.goto(console.url("knowledge/rules/new"))
    page.fill("[data-field=standard-question]", "空菜单")
    page.select_option("[data-field=answer-type]", "MENU")
    page.click("[data-action=save-rule]")
    assert page.get_by_role("alert").inner_text() == "菜单至少需要一项"
    no_script_errors(page)


def test_import_lists_every_bad_row_then_imports_and_exports(
        console: Console, new_page: Callable[..., Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer\n,没有问题\n有问题没答案,\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("standardQuestion,answer,similarQuestions\n"
                    "门店几点开门,每天 9:00-22:00,营业时间\n可以自提吗,支持门店自提,\n", encoding="utf-8")
    page = console.signed_in(new_page)
    page.goto(console.url("knowledge/import"))
    page.set_input_files("[data-field=import-file]", str(bad))
    page.click("[data-action=import]")
    report = page.locator("[data-import-report] table")
    report.wait_for()
    rows = report.locator("tbody tr")
    assert rows.count() == 2
    assert "standardQuestion is empty" in rows.nth(0).inner_text() and "answer is empty" in rows.nth(1).inner_text()
    assert "nothing was imported" in page.get_by_role("alert").inner_text()
    shoot_clean(page, "console-import")

    page.set_input_files("[data-field=import-file]", str(good))
    page.click("[data-action=import]")
    page.locator("[data-import-report] .alert.ok").wait_for()
    assert "导入 2 条" in page.locator("[data-import-report] .alert.ok").inner_text()
    assert rule_of(console, "门店几点开门")["answersArray"] == ["每天 9:00-22:00"]

    with page.expect_download() as download:
        page.click("[data-export=jsonl]")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert any(json.loads(line)["questions"][0] == "门店几点开门" for line in lines)
    no_script_errors(page)


def test_knowledge_health(console: Console, new_page: Callable[..., Any]) -> None:
    console.api.new_rule(console.robot, ["只有一个问题的规则"], "答案")
    page = console.signed_in(new_page)
    page.goto(console.url("knowledge/health"))
    single = page.locator("section", has_text="只有一个问题的规则")
    single.locator("a", has_text="只有一个问题的规则").first.wait_for()
    assert page.locator(".stat", has_text="规则").first.locator(".stat-value").inner_text().isdigit()
    shoot_clean(page, "console-health")
    no_script_errors(page)
