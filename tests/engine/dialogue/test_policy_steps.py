"""Each step of the policy (engine/dialogue/policy.py) on its own, with a fake in-memory Knowledge."""

from __future__ import annotations

import random

import pytest

from huida.engine.dialogue import policy
from huida.engine.dialogue import types as t
from tests.engine.dialogue.fakes import NOW_MS, FakeKnowledge, answer, rule, situation

REFUND = rule("refund", "怎么申请退款", answer("refund-a", "在订单详情页点击申请退款。"))
ORDERS = rule("orders", "订单问题", answer("orders-a", type="MENU", content={"title": "订单问题", "items": []}))
OFF = rule("off", "已经下线的规则", status="DISABLE")
LATER = rule("later", "明天才上线的规则", enable_time=NOW_MS + 86_400_000)
EXPIRED = rule("expired", "昨天已经过期的规则", disable_time=NOW_MS - 1)
SHOWN_MENU = (("refund", "申请退款"), ("orders", "订单问题"), ("off", "下线的菜单项"),
              ("MenuBtn-TransferToHuman-7f1c", "转人工"))


def knowledge(**results: list[tuple[str, float]]) -> FakeKnowledge:
    return FakeKnowledge([REFUND, ORDERS, OFF, LATER, EXPIRED], results)


# --- 2. menu clicks, transfer buttons, menu item texts ------------------------------------------------------
def test_menu_click_answers_with_the_clicked_rule() -> None:
    decision = policy.menu_step(situation(kind="MENU_CLICK", knowledge_id="refund", knowledge=knowledge()))
    assert decision is not None
    assert (decision.answer_type, decision.answer_source, decision.sub_type) == ("BEST_ANSWER", "MENU", "DEFAULT")
    assert decision.rule == REFUND and decision.answer == REFUND.answers[0]
    assert not decision.transfer


@pytest.mark.parametrize(("button", "sub_type"), [
    ("MenuBtn-TransferToHuman-46e6d385-38f2-4eac-a44f-18ff79b236ad", "HUMAN_MENU_CLICK"),
    ("DefaultBtn-TransferToHuman-0c730d1d-bf43-4bfd-9759-740070664b9c", "HUMAN_DEFAULT_CLICK"),
])
def test_transfer_buttons_hand_over_to_a_person(button: str, sub_type: str) -> None:
    decision = policy.menu_step(situation(kind="MENU_CLICK", knowledge_id=button, knowledge=knowledge()))
    assert decision is not None and decision.transfer
    assert (decision.answer_type, decision.answer_source, decision.sub_type) == ("BEST_ANSWER", "HUMAN", sub_type)
    assert decision.rule is None and decision.answer is None


@pytest.mark.parametrize("rule_id", ["off", "later", "expired", "no-such-rule"])
def test_clicking_a_rule_that_may_not_answer_gives_the_default_reply(rule_id: str) -> None:
    decision = policy.menu_step(situation(kind="MENU_CLICK", knowledge_id=rule_id, knowledge=knowledge()))
    assert decision is not None
    assert (decision.answer_type, decision.answer_source, decision.reply_kind) == ("DEFAULT", "DEFAULT", "default")
    assert decision.rule is None


@pytest.mark.parametrize("typed", ["申请退款", "  申请退款？", "申請退款", "申请退款!!"])
def test_a_menu_item_typed_as_a_question_resolves_to_its_rule(typed: str) -> None:
    s = situation(typed, knowledge=knowledge(), session=t.SessionView(False, (), SHOWN_MENU))
    decision = policy.menu_step(s)
    assert decision is not None
    assert (decision.answer_source, decision.rule) == ("MENU", REFUND)


def test_typed_text_that_is_not_an_item_of_the_last_menu_passes() -> None:
    s = situation("申请退款", knowledge=knowledge(), session=t.SessionView(False, (), ()))
    assert policy.menu_step(s) is None
    s = situation("申请退款要多久", knowledge=knowledge(), session=t.SessionView(False, (), SHOWN_MENU))
    assert policy.menu_step(s) is None


def test_typed_item_of_a_disabled_rule_or_of_the_transfer_button_passes() -> None:
    session = t.SessionView(False, (), SHOWN_MENU)
    assert policy.menu_step(situation("下线的菜单项", knowledge=knowledge(), session=session)) is None
    # The typed button label is left to the human-request step (it is one).
    assert policy.menu_step(situation("转人工", knowledge=knowledge(), session=session)) is None


# --- 3. sensitive words -----------------------------------------------------------------------------------
def test_sensitive_words_intercept() -> None:
    config = t.PolicyConfig(sensitive_words=("赌博", "VPN"))
    for text in ("哪里可以赌博", "賭博網站", "赌 博", "赌.博", "ｖｐｎ怎么买", "VpN"):
        decision = policy.sensitive_step(situation(text, config=config))
        assert decision is not None, text
        assert (decision.answer_type, decision.answer_source, decision.reply_kind) == (
            "SENSITIVE_WORD_INTERCEPTION", "DEFAULT", "sensitive")
    assert policy.sensitive_step(situation("怎么申请退款", config=config)) is None
    assert policy.sensitive_step(situation("赌博", config=t.PolicyConfig())) is None


# --- 4. a request for a person ----------------------------------------------------------------------------
def test_a_request_for_a_person_in_the_first_round() -> None:
    config = t.PolicyConfig(human_keywords=("转人工", "人工"))
    decision = policy.human_step(situation("我要转人工", config=config, session=t.SessionView(True)))
    assert decision is not None and decision.transfer
    assert (decision.answer_type, decision.answer_source, decision.sub_type) == (
        "BEST_ANSWER", "HUMAN_FIRST_ROUND", "HUMAN_INTENTION")
    later = policy.human_step(situation("我要转人工", config=config, session=t.SessionView(False, ("你好",))))
    assert later is not None and later.answer_source == "HUMAN" and later.sub_type == "HUMAN_INTENTION"


def test_a_question_that_mentions_a_person_is_not_a_request() -> None:
    config = t.PolicyConfig(human_keywords=("转人工", "人工"))
    assert policy.human_step(situation("人工智能是什么", config=config)) is None


# --- 5. repeats -------------------------------------------------------------------------------------------
def test_the_same_question_three_times_in_a_row_is_a_repeat() -> None:
    config = t.PolicyConfig(repeat_limit=3)
    twice = t.SessionView(False, ("怎么申请退款", "怎么申请退款"))
    decision = policy.repeat_step(situation("怎么申请退款？", config=config, session=twice))
    assert decision is not None
    assert (decision.answer_type, decision.answer_source, decision.reply_kind) == ("REPEAT", "REPEAT", "repeat")
    broken = t.SessionView(False, ("怎么申请退款", "运费多少", "怎么申请退款"))
    assert policy.repeat_step(situation("怎么申请退款", config=config, session=broken)) is None


# --- 6. negative sentiment --------------------------------------------------------------------------------
def test_strong_negative_sentiment() -> None:
    decision = policy.sentiment_step(situation("你们的客服太垃圾了", knowledge=knowledge()))
    assert decision is not None
    assert (decision.answer_type, decision.answer_source, decision.reply_kind) == (
        "BEST_ANSWER", "NEG_SENTIMENT", "negative")
    assert decision.sentiment_labels == ("VER_NEG",)
    assert policy.sentiment_step(situation("你们的客服太垃圾了", config=t.PolicyConfig(negative_sentiment=False))) \
        is None
    assert policy.sentiment_step(situation("怎么申请退款", knowledge=knowledge())) is None


def test_sentiment_gives_way_to_a_rule_written_for_exactly_that_question() -> None:
    """An operator who wrote a rule for "我要投诉" wants that rule to answer, not the generic reply."""
    complaint = rule("complaint", "我要投诉", answer("complaint-a", type="HUMAN", content={}))
    kb = FakeKnowledge([complaint], {"我要投诉": [("complaint", 0.99)], "我要投诉你们这群骗子": [("complaint", 0.7)]})
    config = t.PolicyConfig(answer_threshold=0.8)
    assert policy.sentiment_step(situation("我要投诉", knowledge=kb, config=config)) is None
    # Not the exact question: the sentiment reply stands.
    assert policy.sentiment_step(situation("我要投诉你们这群骗子", knowledge=kb, config=config)) is not None
    # The exact question is the operator's rule whatever the thresholds (the stored-question invariant).
    strict = t.PolicyConfig(answer_threshold=1.0)
    assert policy.sentiment_step(situation("我要投诉", knowledge=kb, config=strict)) is None
    # Filed under two rules, the question is no longer one rule's: the sentiment reply stands.
    twice = FakeKnowledge([complaint, rule("complaint-2", "我要投诉")],
                          {"我要投诉": [("complaint", 0.99), ("complaint-2", 0.99)]})
    assert policy.sentiment_step(situation("我要投诉", knowledge=twice, config=config)) is not None


# --- 7/8. thresholds -> answer, recommend, default ------------------------------------------------------
@pytest.mark.parametrize(("score", "verdict"), [
    (0.95, "BEST_ANSWER"), (0.8, "BEST_ANSWER"), (0.79, "RECOMMENDATE_QUESTIONS"), (0.5, "RECOMMENDATE_QUESTIONS"),
    (0.49, "DEFAULT"), (0.0, "DEFAULT"), (None, "DEFAULT"),
])
def test_match_verdict_by_threshold(score: float | None, verdict: str) -> None:
    assert policy.match_verdict(score, t.PolicyConfig(answer_threshold=0.8, recommend_threshold=0.5)) == verdict


def test_a_match_above_the_answer_threshold_answers_with_the_rule() -> None:
    kb = knowledge(**{"如何申请退款": [("refund", 0.9), ("orders", 0.3)]})
    decision = policy.decide(situation("如何申请退款", knowledge=kb))
    assert (decision.answer_type, decision.answer_source) == ("BEST_ANSWER", "RULE")
    assert decision.rule == REFUND and decision.answer == REFUND.answers[0] and decision.score == 0.9
    assert [c.rule_id for c in decision.candidates] == ["refund", "orders"]


def test_between_the_thresholds_the_top_questions_are_recommended() -> None:
    rules = [rule(f"r{i}", f"标准问题{i}") for i in range(8)]
    kb = FakeKnowledge(rules, {"问题": [(f"r{i}", 0.7 - i * 0.05) for i in range(8)]})
    config = t.PolicyConfig(answer_threshold=0.8, recommend_threshold=0.5, recommend_max=3)
    decision = policy.decide(situation("问题", knowledge=kb, config=config))
    assert (decision.answer_type, decision.answer_source) == ("RECOMMENDATE_QUESTIONS", "RECOMMENDATE")
    assert [(c.rule_id, c.question) for c in decision.recommendations] == [
        ("r0", "标准问题0"), ("r1", "标准问题1"), ("r2", "标准问题2")]
    # Only candidates at or above the recommend threshold are offered.
    config = t.PolicyConfig(answer_threshold=0.8, recommend_threshold=0.58, recommend_max=5)
    decision = policy.decide(situation("问题", knowledge=kb, config=config))
    assert [c.rule_id for c in decision.recommendations] == ["r0", "r1", "r2"]


def test_below_the_recommend_threshold_is_the_default_reply() -> None:
    kb = knowledge(**{"今天天气怎么样": [("refund", 0.2)]})
    decision = policy.decide(situation("今天天气怎么样", knowledge=kb))
    assert (decision.answer_type, decision.answer_source, decision.reply_kind) == ("DEFAULT", "DEFAULT", "default")
    assert decision.rule is None


def test_rules_that_may_not_answer_are_skipped_for_the_next_candidate() -> None:
    kb = knowledge(**{"规则": [("off", 0.99), ("later", 0.98), ("expired", 0.97), ("refund", 0.85)]})
    decision = policy.decide(situation("规则", knowledge=kb))
    assert decision.rule == REFUND and decision.score == 0.85
    assert [c.rule_id for c in decision.candidates] == ["refund"]


def test_a_rule_whose_answers_all_have_unmatched_strategies_gives_the_default_reply() -> None:
    vip = rule("vip", "会员专享价", answer("vip-a", strategies=[{"type": "BUSINESS", "labels": ["VIP"]}]))
    kb = FakeKnowledge([vip], {"会员专享价": [("vip", 0.99)]})
    decision = policy.decide(situation("会员专享价", knowledge=kb))
    assert (decision.answer_type, decision.answer_source, decision.rule) == ("DEFAULT", "DEFAULT", None)


def test_rule_reply_uses_the_given_random_source() -> None:
    many = rule("many", "多个答案", *(answer(f"a{i}") for i in range(5)))
    chosen = {policy.rule_reply(situation("多个答案"), many, "RULE", rng=random.Random(seed)).answer.id
              for seed in range(40)}
    assert chosen == {f"a{i}" for i in range(5)}
    again = [policy.rule_reply(situation("多个答案"), many, "RULE", rng=random.Random(7)).answer.id for _ in range(3)]
    assert len(set(again)) == 1


# --- 9. small talk ----------------------------------------------------------------------------------------
GREETING = t.SmallTalk(("你好", "hi", "hello"), "您好！")
THANKS = t.SmallTalk(("谢谢", "thanks"), "不客气")


def test_small_talk_answers_when_nothing_matched() -> None:
    config = t.PolicyConfig(small_talk=(GREETING, THANKS))
    decision = policy.decide(situation("你好呀", config=config, knowledge=knowledge()))
    assert (decision.answer_type, decision.answer_source, decision.text) == ("BEST_ANSWER", "FREECHAT", "您好！")
    assert policy.small_talk_step(situation("history", config=config)) is None
    assert policy.decide(situation("thanks!", config=config)).text == "不客气"


def test_small_talk_comes_after_an_answer_and_before_recommendations() -> None:
    """A greeting is no reason to recommend rules; a rule matched well enough to answer still answers."""
    config = t.PolicyConfig(small_talk=(GREETING,), answer_threshold=0.8, recommend_threshold=0.5)
    doubtful = knowledge(**{"你好": [("refund", 0.6)]})
    assert policy.decide(situation("你好", config=config, knowledge=doubtful)).answer_source == "FREECHAT"
    confident = knowledge(**{"你好": [("refund", 0.9)]})
    assert policy.decide(situation("你好", config=config, knowledge=confident)).answer_source == "RULE"


# --- 10. empty questions, and the order of the steps -------------------------------------------------------
@pytest.mark.parametrize("question", ["", "   ", "？？？", "!!", "😀"])
def test_an_empty_question_gets_the_default_reply(question: str) -> None:
    config = t.PolicyConfig(small_talk=(GREETING,), sensitive_words=("赌博",), human_keywords=("转人工",))
    kb = knowledge(**{question: [("refund", 0.99)]})
    session = t.SessionView(False, ("", ""))
    decision = policy.decide(situation(question, config=config, knowledge=kb, session=session))
    assert (decision.answer_type, decision.answer_source, decision.reply_kind) == ("DEFAULT", "DEFAULT", "default")
    assert kb.searches == []


def test_steps_run_in_the_order_of_the_issue() -> None:
    config = t.PolicyConfig(sensitive_words=("赌博",), human_keywords=("转人工",), repeat_limit=2,
                            small_talk=(GREETING,))
    kb = knowledge(**{"转人工": [("refund", 0.99)]})
    menu = t.SessionView(False, ("转人工 赌博",), (("refund", "转人工 赌博"),))
    # 2 before 3: a typed menu item wins over a sensitive word in it.
    assert policy.decide(situation("转人工 赌博", config=config, knowledge=kb, session=menu)).answer_source == "MENU"
    # A click is never intercepted.
    click = situation("赌博", kind="MENU_CLICK", knowledge_id="refund", config=config, knowledge=kb)
    assert policy.decide(click).answer_source == "MENU"
    # 3 before 4.
    assert policy.decide(situation("转人工 赌博", config=config, knowledge=kb)).answer_type == \
        "SENSITIVE_WORD_INTERCEPTION"
    # 4 before 5 and before matching.
    repeated = t.SessionView(False, ("转人工",))
    assert policy.decide(situation("转人工", config=config, knowledge=kb, session=repeated)).sub_type == \
        "HUMAN_INTENTION"
    # 5 before 6.
    angry = t.SessionView(False, ("垃圾",))
    assert policy.decide(situation("垃圾", config=config, knowledge=kb, session=angry)).answer_type == "REPEAT"
    # 6 before 7: a very negative message is not matched.
    kb = knowledge(**{"退款太慢了垃圾": [("refund", 0.99)]})
    assert policy.decide(situation("退款太慢了垃圾", config=config, knowledge=kb)).answer_source == "NEG_SENTIMENT"


# --- the stored-question invariant (issue 13) -------------------------------------------------------------
def test_a_stored_question_of_one_rule_is_answered_whatever_the_thresholds() -> None:
    refund = rule("refund", "怎么申请退款")
    kb = FakeKnowledge([refund, rule("fee", "运费怎么算")], {"怎么申请退款！": [("refund", 0.3), ("fee", 0.2)]})
    strict = t.PolicyConfig(answer_threshold=1.0, recommend_threshold=1.0)
    decision = policy.decide(situation("怎么申请退款！", knowledge=kb, config=strict))
    assert (decision.answer_type, decision.answer_source, decision.rule) == ("BEST_ANSWER", "RULE", refund)


def test_a_question_filed_under_two_rules_recommends_both() -> None:
    kb = FakeKnowledge([rule("a", "退款"), rule("b", "退款"), rule("c", "退货")],
                       {"退款": [("a", 1.0), ("b", 1.0), ("c", 0.9)]})
    decision = policy.decide(situation("退款", knowledge=kb, config=t.PolicyConfig(answer_threshold=0.5)))
    assert decision.answer_type == "RECOMMENDATE_QUESTIONS"
    assert [c.rule_id for c in decision.recommendations] == ["a", "b"]


def test_of_two_owners_only_the_live_one_answers() -> None:
    later = rule("b", "退款", enable_time=NOW_MS + 60_000)
    kb = FakeKnowledge([rule("a", "退款"), later], {"退款": [("a", 1.0), ("b", 1.0)]})
    decision = policy.decide(situation("退款", knowledge=kb))
    assert (decision.answer_type, decision.rule.rule_id) == ("BEST_ANSWER", "a")
