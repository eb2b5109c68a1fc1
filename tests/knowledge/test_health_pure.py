"""The pure knowledge health functions on small hand-made knowledge and a scripted search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from huida.engine.matcher import KnowledgeItem
from huida.knowledge.health import (
    DAY_MS,
    HealthInput,
    RuleFacts,
    duplicate_questions,
    health_report,
    never_hit_rules,
    overlapping_pairs,
    question_key,
    single_question_rules,
)


@dataclass(frozen=True)
class Hit:
    rule_id: str
    score: float


class Scripted:
    """A search that answers from a table (question -> ranked (rule, score)) and counts its calls."""

    def __init__(self, table: dict[str, list[tuple[str, float]]]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []

    def __call__(self, question: str, k: int) -> Sequence[Hit]:
        self.calls.append((question, k))
        return [Hit(r, s) for r, s in self.table.get(question, [])][:k]


RULES = [
    KnowledgeItem("a", ("退款多久到账", "退款什么时候到")),
    KnowledgeItem("b", ("退款几天能到账", "钱多久退回来")),
    KnowledgeItem("c", ("运费怎么算",)),
]


def test_question_key_ignores_spaces_punctuation_width_and_script() -> None:
    assert question_key("怎么 修改密码！") == question_key("怎么修改密码") == question_key("怎麼修改密碼?")
    assert question_key("ＡＰＰ 怎么退款") == question_key("app怎么退款")
    assert question_key("退款") != question_key("退货")


def test_duplicates_are_questions_under_more_than_one_rule() -> None:
    rules = [KnowledgeItem("a", ("怎么修改密码", "怎么修改密码。")), KnowledgeItem("b", ("怎麼 修改密碼",)),
             KnowledgeItem("c", ("运费怎么算",)), KnowledgeItem("d", ("怎么修改密码", "运费 怎么算？"))]
    found = duplicate_questions(rules)
    assert [(d.question, d.rule_ids) for d in found] == [("怎么修改密码", ("a", "b", "d")), ("运费怎么算", ("c", "d"))]
    assert duplicate_questions(RULES) == []  # a rule repeating its own question is not a duplicate


def test_overlap_skips_the_own_rule_wherever_it_ranks_and_counts_each_pair_once() -> None:
    search = Scripted({
        "退款多久到账": [("b", 0.95), ("a", 0.9), ("c", 0.99)],  # own rule second; c above threshold too
        "退款什么时候到": [("a", 1.0), ("b", 0.5)],  # below the threshold
        "退款几天能到账": [("b", 1.0), ("a", 0.8)],  # exactly at the threshold counts
        "钱多久退回来": [("b", 1.0), ("a", 0.7), ("a", 0.85)],  # a rule shown twice counts once
        "运费怎么算": [("c", 1.0), ("a", 0.1)],
    })
    result = overlapping_pairs(RULES, search, 0.8)
    assert [(p.rule_ids, p.crossing, p.best_score, p.example_question, p.example_rule_id) for p in result.pairs] == [
        (("a", "b"), 3, 0.95, "退款多久到账", "a"),
        (("a", "c"), 1, 0.99, "退款多久到账", "a"),
    ]
    assert not result.sampled and result.questions_checked == result.questions_total == 5
    assert all(k == 5 for _, k in search.calls)


def test_overlap_ignores_shared_questions_and_rules_it_was_not_given() -> None:
    rules = [KnowledgeItem("a", ("怎么修改密码", "密码忘了")), KnowledgeItem("b", ("怎么 修改密码!", "积分怎么用"))]
    search = Scripted({"怎么修改密码": [("a", 1.0), ("b", 1.0)], "怎么 修改密码!": [("b", 1.0), ("a", 1.0)],
                       "密码忘了": [("a", 1.0), ("disabled", 0.99)], "积分怎么用": [("b", 1.0), ("a", 0.2)]})
    assert overlapping_pairs(rules, search, 0.5).pairs == []  # the duplicate is reported as a duplicate
    # The same pair crossing through a question that is not shared is an overlap.
    search.table["积分怎么用"] = [("b", 1.0), ("a", 0.6)]
    assert [p.rule_ids for p in overlapping_pairs(rules, search, 0.5).pairs] == [("a", "b")]


def test_a_big_robot_is_sampled_deterministically() -> None:
    rules = [KnowledgeItem(f"r{i}", (f"问题{i}甲", f"问题{i}乙")) for i in range(50)]
    first, second = Scripted({}), Scripted({})
    result = overlapping_pairs(rules, first, 0.5, max_questions=7)
    overlapping_pairs(rules, second, 0.5, max_questions=7)
    assert result.sampled and result.questions_checked == 7 and result.questions_total == 100
    assert len(first.calls) == 7 and first.calls == second.calls
    assert len({q for q, _ in first.calls}) == 7


def test_single_question_and_never_hit_rules() -> None:
    now = 1_000 * DAY_MS
    rules = [
        RuleFacts("one", ("运费怎么算",), hit_count=5, last_hit_time=now - DAY_MS),
        RuleFacts("same-twice", ("运费怎么算", "运费 怎么算？"), last_hit_time=now - 10 * DAY_MS),
        RuleFacts("off", ("旧活动",), enabled=False),
        RuleFacts("new", ("新问题", "新的问题"), create_time=now - DAY_MS),
        RuleFacts("stale", ("老问题", "老的问题"), hit_count=2, last_hit_time=now - 31 * DAY_MS),
        RuleFacts("edge", ("边界", "边界问题"), hit_count=1, last_hit_time=now - 30 * DAY_MS),
    ]
    assert [r.rule_id for r in single_question_rules(rules)] == ["one", "same-twice"]
    assert [r.rule_id for r in never_hit_rules(rules, now, 30)] == ["new", "stale"]
    assert [r.rule_id for r in never_hit_rules(rules, now, 5)] == ["new", "stale", "edge", "same-twice"]


def test_report_shape_caps_lists_and_keeps_totals() -> None:
    rules = [RuleFacts(f"r{i}", (f"问题{i}",)) for i in range(5)] + [RuleFacts("x", ("问题0", "别的"), enabled=False)]
    search = Scripted({"问题1": [("r1", 1.0), ("r2", 0.9)]})
    report = health_report(HealthInput(rules, search, 0.8, now_ms=10 * DAY_MS, limit=2, extra={"robotId": "R"}))
    assert report["robotId"] == "R" and report["answerThreshold"] == 0.8 and report["days"] == 30
    assert report["summary"] == {"rules": 6, "enabledRules": 5, "questions": 7, "duplicateQuestions": 1,
                                 "overlappingPairs": 1, "singleQuestionRules": 5, "neverHitRules": 5,
                                 "questionsChecked": 5, "sampled": False}
    assert report["duplicateQuestions"]["items"][0]["rules"][1] == {"ruleId": "x", "standardQuestion": "问题0",
                                                                    "enabled": False}
    pair = report["overlappingPairs"]["items"][0]
    assert pair == {"ruleIds": ["r1", "r2"], "rules": [{"ruleId": "r1", "standardQuestion": "问题1", "enabled": True},
                                                       {"ruleId": "r2", "standardQuestion": "问题2", "enabled": True}],
                    "crossingQuestions": 1, "bestScore": 0.9, "exampleQuestion": "问题1", "exampleRuleId": "r1",
                    "suggestion": "merge"}
    for key in ("singleQuestionRules", "neverHitRules"):
        assert report[key]["total"] == 5 and len(report[key]["items"]) == 2
    assert set(search.calls) == {(f"问题{i}", 5) for i in range(5)}  # the disabled rule is not searched


@pytest.mark.parametrize("threshold", [1.01, 2.0])
def test_a_threshold_no_score_reaches_finds_no_overlap(threshold: float) -> None:
    search = Scripted({q: [("a", 1.0), ("b", 1.0)] for q in ("退款多久到账", "退款什么时候到")})
    assert overlapping_pairs(RULES, search, threshold).pairs == []
