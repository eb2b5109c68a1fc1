"""The console's hit test in Chromium: a paraphrase finds its rule; the decision, candidates, each candidate's
signal scores, thresholds and signals shown are the API's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.console_pages import (
    Console,
    no_script_errors,
    shoot_clean,
)


def test_a_paraphrase_is_answered_by_its_rule_and_nonsense_gets_the_default(
        console: Console, new_page: Callable[..., Any]) -> None:
    question = "退款要几天到账"
    expected = console.api.ok("POST", f"/knowledge/robots/{console.robot}/hit-test", json={"question": question})
    assert expected["ruleId"] == "refund-time"
    page = console.signed_in(new_page)
    page.goto(console.url("hit-test"))
    page.fill("[data-field=hit-question]", question)
    page.press("[data-field=hit-question]", "Enter")
    page.locator("[data-hit-rule=refund-time]").wait_for()
    assert page.locator(f"[data-decision={expected['decision']}]").count() == 1
    candidates = page.locator("[data-candidate]")
    assert candidates.count() == len(expected["candidates"])
    assert candidates.first.get_attribute("data-candidate") == "refund-time"
    top = f"{expected['candidates'][0]['score']:.3f}"
    assert page.locator("tr.highlight").get_by_text(top).count() == 1  # the candidate's confidence
    assert page.locator(".stats").get_by_text(f"{expected['thresholds']['answer']:.3f}").count() == 1
    for i, candidate in enumerate(expected["candidates"]):  # each candidate's signal scores, as the API gave them
        row = page.locator("tbody tr").nth(i)
        shown = row.locator("[data-signal-score]")
        assert shown.count() == len(candidate["signalScores"]) >= 4
        for name, value in candidate["signalScores"].items():
            assert row.locator(f"[data-signal-score='{name}'] .sig-value").inner_text() == f"{value:.3f}"
    assert page.locator("tr.highlight [data-signal-score=word] .sig-name").inner_text() in {"词语", "Words"}
    assert {page.locator("[data-signal]").nth(i).get_attribute("data-signal")
            for i in range(page.locator("[data-signal]").count())} == {s["name"] for s in expected["signals"]}
    shoot_clean(page, "console-hit-test")

    page.fill("[data-field=hit-question]", "火星上的天气怎么样")
    page.press("[data-field=hit-question]", "Enter")
    page.locator("[data-decision]:not([data-decision=BEST_ANSWER])").wait_for()
    assert page.locator("[data-hit-rule]").count() == 0
    no_script_errors(page)
