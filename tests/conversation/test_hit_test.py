"""POST .../hit-test: what the robot would decide for a question, with its thresholds and candidates;
nothing is logged and no hit count moves."""

from __future__ import annotations

from tests.conversation.conftest import Shop
from tests.conversation.helpers import NONSENSE, hit_test, robot_path, rule, settings, stored
from tests.support.client import Api, expect_error


def test_hit_test_entity(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    before = stored(api)
    entity = hit_test(api, robot, "怎么申请退款", top_k=5)
    assert set(entity) >= {"decision", "thresholds", "candidates"}
    assert entity["decision"] == "BEST_ANSWER"
    assert entity["thresholds"] == {"answer": shop.threshold, "recommend": shop.threshold}
    candidates = entity["candidates"]
    assert 1 <= len(candidates) <= 5
    assert candidates[0]["ruleId"] == "refund" and candidates[0]["question"] == "怎么申请退款"
    assert candidates[0]["score"] >= shop.threshold
    for candidate in candidates:
        assert {"ruleId", "question", "score"} <= set(candidate)
        assert 0 <= candidate["score"] <= 1
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)  # best first
    rule_ids = [c["ruleId"] for c in candidates]
    assert len(rule_ids) == len(set(rule_ids))  # one per rule
    assert stored(api) == before  # no session, no message
    assert rule(api, robot, "refund")["hitCount"] == 0


LEXICAL = ("word", "char", "pinyin", "edit")


def test_each_candidate_has_the_score_of_each_signal_that_is_on(shop: Shop) -> None:
    entity = hit_test(shop.api, shop.robot, "怎么申请退款", top_k=5)
    on = {s["name"] for s in entity["signals"] if s["on"]}
    candidates = entity["candidates"]
    assert len(candidates) >= 2
    for candidate in candidates:
        scores = candidate["signalScores"]
        assert set(LEXICAL) | {"exact"} <= set(scores)  # lexical and exact matching are always on
        assert ("classifier" in scores) == ("classifier" in on)
        assert ("dense" in scores) == ("dense" in on)
        assert not any(name.startswith("pairs.") and name not in on for name in scores)
        for name in (*LEXICAL, "exact", "dense"):
            if name in scores:
                assert 0 <= scores[name] <= 1, (name, scores)
    best, weak = candidates[0], candidates[-1]
    assert best["ruleId"] == "refund" and best["exact"] and best["signalScores"]["exact"] == 1
    assert weak["signalScores"]["exact"] == 0
    for name in LEXICAL:  # asked word for word: the literal signals are at their top, a weak candidate's are not
        assert best["signalScores"][name] == 1
        assert weak["signalScores"][name] < best["signalScores"][name]


def test_a_paraphrase_scores_higher_on_the_literal_signals_for_its_rule(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["退款多久到账", "退款几天能到"], "1-3 个工作日。", id="refund-time")
    api.new_rule(robot, ["发票怎么开"], "确认收货后申请。", id="invoice")
    api.new_rule(robot, ["运费怎么算"], "满 99 元包邮。", id="shipping-fee")
    candidates = hit_test(api, robot, "退款要几天到账", top_k=3)["candidates"]
    assert candidates[0]["ruleId"] == "refund-time" and not candidates[0]["exact"]
    right = candidates[0]["signalScores"]
    for other in candidates[1:]:
        assert right["word"] > other["signalScores"]["word"]
        assert right["char"] > other["signalScores"]["char"]
    assert 0 < right["char"] < 1


def test_one_candidate_per_rule_even_when_several_of_its_questions_match(api: Api) -> None:
    robot = api.new_robot()
    questions = ["怎么申请退款", "如何申请退款", "申请退款的流程", "退款怎么申请"]
    api.new_rule(robot, questions, "在订单页申请。", id="refund")
    api.new_rule(robot, ["退款多久到账"], "1-3 个工作日。", id="refund-time")
    candidates = hit_test(api, robot, "申请退款", top_k=10)["candidates"]
    assert [c["ruleId"] for c in candidates].count("refund") == 1


def test_top_k_limits_the_candidates(shop: Shop) -> None:
    entity = hit_test(shop.api, shop.robot, "怎么查询订单状态和运费", top_k=1)
    assert len(entity["candidates"]) == 1


def test_decisions_follow_the_thresholds(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["怎么申请退款"], "在订单页申请。", id="refund")
    api.new_rule(robot, ["发票怎么开"], "确认收货后申请。", id="invoice")
    score = hit_test(api, robot, "退款申请")["candidates"][0]["score"]
    assert 0 < score < 1
    settings(api, robot, answerThreshold=score, recommendThreshold=score / 2)
    assert hit_test(api, robot, "退款申请")["decision"] == "BEST_ANSWER"  # at the threshold answers
    settings(api, robot, answerThreshold=(score + 1) / 2, recommendThreshold=score)
    entity = hit_test(api, robot, "退款申请")
    assert entity["decision"] == "RECOMMENDATE_QUESTIONS"
    assert entity["thresholds"] == {"answer": (score + 1) / 2, "recommend": score}
    settings(api, robot, recommendThreshold=(score + 1) / 2)
    assert hit_test(api, robot, "退款申请")["decision"] == "DEFAULT"
    assert hit_test(api, robot, NONSENSE) == {**hit_test(api, robot, NONSENSE), "decision": "DEFAULT",
                                                "candidates": []}
    assert hit_test(api, robot, "   ")["candidates"] == []


def test_calibrated_thresholds_are_used_when_none_is_set(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["怎么申请退款"], "在订单页申请。")
    entity = hit_test(api, robot, "怎么申请退款")
    assert entity["thresholds"]["recommend"] <= entity["thresholds"]["answer"]
    if "calibrated" in entity:
        assert entity["thresholds"] == entity["calibrated"]


def test_hit_test_bad_input(shop: Shop) -> None:
    api, path = shop.api, f"{robot_path(shop.robot)}/hit-test"
    expect_error(api.post(path, json={}), 400, "INVALID_PARAMETER")
    expect_error(api.post(path, json={"question": "x" * 2001}), 400, "INVALID_PARAMETER")
    expect_error(api.post(path, json={"question": "退款", "topK": 0}), 400, "INVALID_PARAMETER")
    expect_error(api.post(path, json={"question": "退款", "topK": 51}), 400, "INVALID_PARAMETER")
