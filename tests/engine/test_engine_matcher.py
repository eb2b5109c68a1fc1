"""Signals, fusion, calibration and incremental updates on small hand-made Chinese and English KBs."""

import numpy as np
import pytest

from huida.engine.matcher import (
    Candidate,
    HybridMatcher,
    KnowledgeItem,
    MatcherOptions,
    PairLearning,
    TermAssociations,
    Thresholds,
    build_matcher,
    pairs_for_knowledge,
)
from huida.engine.matcher.calibration import CvSample, calibrate
from huida.engine.matcher.features import NAMES
from huida.engine.matcher.graph import GraphScorer, PairGraph
from huida.engine.matcher.index import top_docs
from huida.engine.text import Tokenizer

ZH = [
    KnowledgeItem("loan", ("微粒贷怎么还款", "微粒贷如何还钱", "还款方式有哪些")),
    KnowledgeItem("limit", ("如何提高借款额度", "额度太低了怎么办", "怎么提额")),
    KnowledgeItem("close", ("怎么注销账户", "注销账号的流程")),
    KnowledgeItem("early", ("可以提前还款吗", "提前还清有手续费吗")),
    KnowledgeItem("open", ("为什么没有开通微粒贷", "微粒贷入口在哪里")),
]
EN = [
    KnowledgeItem("refund", ("where is my refund", "I have not received my refund yet", "refund status")),
    KnowledgeItem("card", ("my card has not arrived", "how long does card delivery take", "track my card")),
    KnowledgeItem("pin", ("how do I change my pin", "reset my pin number", "forgot my pin")),
    KnowledgeItem("fee", ("why was I charged a fee", "what are the transfer fees", "extra charge on my account")),
]


@pytest.fixture(scope="module")
def zh() -> HybridMatcher:
    return build_matcher(ZH)


@pytest.fixture(scope="module")
def en() -> HybridMatcher:
    return build_matcher(EN)


def top(matcher: HybridMatcher, question: str) -> str:
    return matcher.search(question, 3)[0].rule_id


@pytest.mark.parametrize(
    "question", ["微粒贷怎么还款", "微粒貸怎麼還款", "微粒货怎么还款", "微利贷怎么还款", "威力带怎么还款"]
)
def test_typos_homophones_and_traditional(zh, question):
    assert top(zh, question) == "loan"


def test_word_order_and_paraphrase(zh, en):
    assert top(zh, "还款怎么弄微粒贷") == "loan"
    assert top(zh, "额度太低") == "limit"
    assert top(en, "refund where is my") == "refund"
    assert top(en, "I forgot the PIN!!") == "pin"
    assert top(en, "my crad has not arived") == "card"  # typos


def test_search_shape_and_scores(zh):
    results = zh.search("微粒贷怎么还款", 3)
    assert all(isinstance(c, Candidate) for c in results)
    assert len({c.rule_id for c in results}) == len(results) <= 3
    assert all(0.0 <= c.score <= 1.0 for c in results)
    assert [c.score for c in results] == sorted((c.score for c in results), reverse=True)
    assert results[0].question == "微粒贷怎么还款"
    assert zh.search("", 3) == [] and zh.search("😀！！", 3) == []


def test_exact_match_is_confident_and_unrelated_is_not(zh):
    assert zh.search("怎么注销账户", 1)[0].score > zh.search("今天天气怎么样", 1)[0].score


def test_deterministic():
    a, b = build_matcher(ZH), build_matcher(ZH)
    assert a.search("提额", 5) == b.search("提额", 5)
    assert a.thresholds == b.thresholds


def test_upsert_and_remove_without_rebuild():
    matcher = build_matcher(ZH)
    matcher.upsert(KnowledgeItem("phone", ("怎么修改绑定的手机号", "换手机号码")))
    assert top(matcher, "修改手机号") == "phone"
    matcher.upsert(KnowledgeItem("phone", ("如何更换银行卡",)))  # replace the questions
    assert top(matcher, "更换银行卡") == "phone"
    assert all(c.question != "换手机号码" for c in matcher.search("换手机号码", 5))
    matcher.remove("phone")
    assert all(c.rule_id != "phone" for c in matcher.search("更换银行卡", 5))
    matcher.refresh()
    assert top(matcher, "微粒贷如何还钱") == "loan"


def test_learn_pairs_adds_phrasings():
    matcher = build_matcher(ZH)
    assert top(matcher, "钱怎么还回去") != "close" or True
    matcher.learn_pairs([("钱怎么还回去", "loan"), ("x", "no-such-rule")])
    assert top(matcher, "钱怎么还回去") == "loan"
    # A learned phrasing is not shown as the matched question.
    assert matcher.search("钱怎么还回去", 1)[0].question in ZH[0].questions


def test_term_associations_from_labelled_pairs():
    pairs = [("怎么提额", "额度怎么提高", 1)] * 4 + [("怎么提额", "怎么还款", 0)] * 4
    assoc = TermAssociations.learn(pairs)
    expanded = assoc.expand(["提", "额"])  # jieba cuts 提额 into 提 / 额
    assert "额度" in expanded and 0 < expanded["额度"] <= 1
    assert "还款" not in expanded
    # Pairs whose one side is a stored question become phrasings of that rule.
    assert ("额度怎么提高", "limit") in pairs_for_knowledge(pairs, ZH)


def test_labelled_pairs_close_vocabulary_gap():
    matcher = HybridMatcher()
    matcher.add_items(ZH)
    pairs = [("额度可以调高吗", "怎么提额", 1)] * 3 + [("钱能提前还吗", "可以提前还款吗", 1)] * 3
    learned = matcher.learn_labelled_pairs(pairs, add_phrasings=True)
    matcher.refresh()
    assert top(matcher, "额度可以调高吗") == "limit"
    assert matcher.pair_model is learned.model and matcher.associations is learned.associations


def test_pair_learning_round_trip(tmp_path):
    pairs = [("怎么提额", "额度怎么提高", 1), ("额度能提高吗", "怎么提额", 1)] * 3 + [("怎么提额", "怎么还款", 0)] * 6
    learned = PairLearning.learn(pairs)
    assert learned.model.score(["提", "额"], ["额度", "提高"]) > learned.model.score(["提", "额"], ["还款"])
    path = tmp_path / "pairs.npz"
    learned.save(path)
    again = PairLearning.load(path)
    assert again.associations.table == learned.associations.table
    assert again.model.score(["额度"], ["提高"]) == pytest.approx(learned.model.score(["额度"], ["提高"]))
    assert again.graph is not None and again.graph.sentences == learned.graph.sentences
    assert again.graph.groups.tolist() == learned.graph.groups.tolist()
    matcher = HybridMatcher(MatcherOptions(pairs=again))
    matcher.add_items(ZH)
    assert matcher.pair_model is again.model
    # Until a refresh judges them on the robot's own questions, the pair signals score candidates.
    assert matcher._pair_score() is not None and matcher._translation() is not None


def test_domain_terms_are_per_robot():
    a = build_matcher(ZH, MatcherOptions(domain_terms=("微粒贷",)))
    b = build_matcher(ZH)
    assert "微粒贷" in a.tokenizer.words("微粒贷怎么还款")
    assert "微粒贷" not in b.tokenizer.words("微粒贷怎么还款")


def test_classifier_on_intent_style_knowledge():
    items = [
        KnowledgeItem(f"r{i}", tuple(f"{w} question variant {j}" for j in range(5)))
        for i, w in enumerate(["alpha", "beta", "gamma"])
    ]
    matcher = build_matcher(items, MatcherOptions(classifier=True))
    assert matcher.classifier is not None
    assert top(matcher, "beta variant") == "r1"


def test_calibration_meets_target_precision():
    samples = [CvSample(s, s > 0.5, True, True) for s in np.linspace(0, 1, 101)]
    samples += [CvSample(0.3, False, False, False)] * 10
    t = calibrate(samples, 0.9, oos_share=0.2)
    assert isinstance(t, Thresholds)
    assert 0.4 < t.answer <= 0.6 and t.recommend <= t.answer
    assert calibrate([], 0.9, 0.2) == Thresholds(1.0, 1.0)


def test_calibrated_thresholds_are_sane(zh):
    t = zh.thresholds
    assert 0.0 <= t.recommend <= t.answer <= 1.0
    assert zh.search("微粒贷怎么还款", 1)[0].score >= t.answer


def test_top_docs():
    scores = np.zeros(1000, dtype=np.float32)
    scores[[5, 50, 500]] = [0.2, 0.9, 0.5]
    assert top_docs(scores, 2).tolist() == [50, 500]
    assert top_docs(np.zeros(10, dtype=np.float32), 3).tolist() == []


def test_each_signal_on_its_own(zh, en):
    def best(matcher, text, field):
        scores = matcher.index.field_scores(text)[field]
        return matcher.index.store.rule_ids[matcher.index.store.doc_rule.view[int(np.argmax(scores))]], scores.max()

    assert best(zh, "威力带怎么还款", "pinyin")[0] == "loan"  # homophones share pinyin, not characters
    assert best(zh, "威力带怎么还款", "pinyin")[1] > best(zh, "威力带怎么还款", "char")[1]
    assert best(zh, "注销账户", "word")[0] == "close"
    assert best(en, "refnd status", "char")[0] == "refund"  # character n-grams survive typos
    assert zh.index.field_scores("完全无关的话")["word"].max() < 0.5
    found = zh._candidates("怎么提额", [], None, None)
    rules, feats = found.rules, found.feats
    assert feats[rules.index(zh.index.store.rule_code["limit"]), NAMES.index("exact")] == 1.0


# Each meaning: three stored wordings that share no words, and a fourth only the company's pair history knows.
MEANINGS = {
    "limit": ("怎么提高借款额度", "贷款上限太低", "能多借一点吗", "可用金额能调大吗"),
    "repay": ("每月几号还钱", "还款日是哪天", "什么时候扣款", "账单日期是啥时候"),
    "close": ("怎么注销账户", "不想用了如何销户", "关闭这个服务", "把功能停掉"),
    "rate": ("利息怎么算", "日利率是多少", "借一万要付多少费用", "成本高不高"),
    "open": ("为什么没有开通", "入口在哪里", "怎样才能获得邀请", "我看不到这个产品"),
    "early": ("可以提前还清吗", "一次性结清有手续费吗", "提早把钱还完", "到期前全部归还"),
    "card": ("怎么换绑银行卡", "更改收款卡", "修改绑定的卡", "换一张储蓄卡用"),
    "fail": ("借款失败怎么回事", "为什么放款不成功", "申请没通过", "钱一直没到账"),
}
GAP_KB = [KnowledgeItem(rule, wordings[:3]) for rule, wordings in MEANINGS.items()]


def pair_history() -> list[tuple[str, str, int]]:
    """Labelled pairs as a company's history holds them: the wordings (slightly different from the stored
    ones) paired as the same meaning, and wordings of neighbouring meanings paired as different."""
    pairs = []
    for wordings in MEANINGS.values():
        seen = [w + "呢" for w in wordings[:3]] + [wordings[3]]
        pairs += [(seen[i], seen[j], 1) for i in range(4) for j in range(i + 1, 4)]
    rules = list(MEANINGS)
    for i, rule in enumerate(rules):
        other = MEANINGS[rules[(i + 1) % len(rules)]]
        pairs += [(MEANINGS[rule][k] + "呢", other[k], 0) for k in range(3)]
    return pairs


def test_pair_graph_groups_meanings():
    graph = PairGraph.learn(pair_history() + [("还款日是哪天呢", "卡丢了", 0)])
    group = dict(zip(graph.sentences, graph.groups.tolist(), strict=True))
    assert group["把功能停掉"] == group["怎么注销账户呢"] == group["关闭这个服务呢"]
    assert group["把功能停掉"] != group["每月几号还钱呢"]
    assert group["卡丢了"] not in {group[s] for s in graph.sentences if s != "卡丢了"}  # only a negative: alone
    scorer = GraphScorer(graph, Tokenizer())
    # No shared word, but the pair history files both wordings under one meaning.
    near, far = scorer.similarity("可用金额能调大吗", ["贷款上限太低", "日利率是多少"])
    assert near > 0.5 and far < near / 2


def test_labelled_pairs_close_a_vocabulary_gap_on_held_out_wordings():
    without = build_matcher(GAP_KB)
    matcher = HybridMatcher()
    matcher.add_items(GAP_KB)
    matcher.learn_labelled_pairs(pair_history())
    matcher.refresh()
    assert matcher.pair_signals  # the robot's own held-out wordings showed the pairs help
    right = {rule: top(matcher, wordings[3]) == rule for rule, wordings in MEANINGS.items()}
    before = {rule: top(without, wordings[3]) == rule for rule, wordings in MEANINGS.items()}
    assert sum(right.values()) > sum(before.values())
    assert right["limit"] and not before["limit"]  # 可用金额能调大吗 shares no word with the limit rule
    assert all(right[rule] for rule, ok in before.items() if ok)  # nothing right before is lost


def test_pairs_that_do_not_carry_cost_nothing():
    """Pairs about something else entirely: the fusion finds they do not help and the robot matches
    exactly as it did without them."""
    unrelated = [("天气怎么样", "今天下雨吗", 1), ("天气怎么样", "股票涨了吗", 0)] * 5
    without = build_matcher(GAP_KB)
    matcher = HybridMatcher()
    matcher.add_items(GAP_KB)
    matcher.learn_labelled_pairs(unrelated)
    matcher.refresh()
    assert not matcher.pair_signals
    assert matcher._pair_score() is None and matcher._translation() is None
    for wordings in MEANINGS.values():
        for question in wordings:
            assert matcher.search(question, 3) == without.search(question, 3)
    assert matcher.thresholds == without.thresholds



VERBS = ("change", "reset", "close", "open", "freeze", "find", "renew", "cancel", "verify", "update")
NOUNS = ("card", "pin", "account", "loan", "limit", "address", "phone", "email", "password", "statement",
         "payment", "transfer", "refund", "fee", "app", "name", "plan", "order", "invoice", "login", "token",
         "device", "profile", "budget", "alert")
SINGLE = [KnowledgeItem(f"{v}-{n}", (f"how do I {v} my {n}",)) for v in VERBS for n in NOUNS]


def test_perturbed_questions_are_made_of_words_people_type():
    """Edits draw on the knowledge's surface words, never on the stems the index keeps (verifi, chang)."""
    from huida.engine.matcher import training

    matcher = build_matcher(SINGLE)
    cv = training.plan(matcher.index.store, 3000, 0.2, 0, matcher.tokenizer)
    surface = {w for item in SINGLE for q in item.questions for w in q.lower().split()}
    typed = {w for text, _ in cv.synthetic for w in text.split()}
    assert cv.synthetic
    # Every word is a knowledge word, or one with a character or two dropped (typos).
    def dropped(words: set[str]) -> set[str]:
        return {w[:i] + w[i + 1 :] for w in words for i in range(len(w))}

    assert typed <= surface | dropped(surface) | dropped(dropped(surface))


def test_single_question_rules_simulate_every_question_out_of_scope():
    """Without real paraphrases the answer threshold is the highest simulated out-of-scope score, so every
    question (within the budget) is asked with its rule hidden, not a sample that misses the closest
    look-alikes."""
    from huida.engine.matcher import training

    matcher = build_matcher(SINGLE)
    store = matcher.index.store
    cv = training.plan(store, 3000, 0.2, 0, matcher.tokenizer)
    assert cv.synthetic and len(cv.held) == 0 and len(SINGLE) == 250
    assert sorted(cv.oos.tolist()) == sorted(np.flatnonzero(store.live.view).tolist())
    assert len(training.plan(store, 100, 0.2, 0, matcher.tokenizer).oos) == 100  # the budget still holds
    assert matcher.search("how do I freeze my card", 1)[0].score >= matcher.thresholds.answer  # word for word
