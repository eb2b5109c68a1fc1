"""`explain`: search's candidates, each with every signal's own score for its rule (what the hit test shows)."""

from collections.abc import Sequence

import numpy as np
import pytest

from huida.engine.matcher import HybridMatcher, KnowledgeItem, MatcherOptions, build_matcher
from huida.engine.matcher.judging import SCORED

SHOP = [
    KnowledgeItem("refund", ("怎么申请退款", "如何申请退款", "退款流程是什么")),
    KnowledgeItem("refund-time", ("退款多久到账", "退款几天能到")),
    KnowledgeItem("invoice", ("发票怎么开", "可以开发票吗")),
    KnowledgeItem("shipping", ("运费多少钱", "包邮吗", "快递费怎么算")),
    KnowledgeItem("password", ("忘记密码怎么办", "怎么修改密码")),
]
LEXICAL = ("word", "char", "pinyin", "edit")
SIMILARITIES = (*LEXICAL, "exact")  # scores in [0, 1]; the classifier's is a margin, any sign


@pytest.fixture(scope="module")
def shop() -> HybridMatcher:
    return build_matcher(SHOP)


@pytest.mark.parametrize("question", ["怎么申请退款", "退款要几天到账", "开发票", "运费", "忘了密码咋办", "火星天气"])
def test_the_candidates_are_searchs(shop, question):
    explained = shop.explain(question, 5)
    assert [e.candidate for e in explained] == shop.search(question, 5)


def test_scores_of_the_lexical_signals_only_when_nothing_else_is_on(shop):
    explained = shop.explain("退款要几天到账", 5)
    assert len(explained) >= 2
    for e in explained:
        assert tuple(e.scores) == (*LEXICAL, "exact")  # the matcher's fixed order
        for name in SIMILARITIES:
            assert -1e-6 <= e.scores[name] <= 1 + 1e-6, (name, e.scores)


def test_the_asked_rule_scores_higher_on_every_literal_signal_than_a_weak_one(shop):
    best, *rest = shop.explain("怎么申请退款", 5)
    weak = rest[-1]
    assert best.candidate.rule_id == "refund" and best.candidate.exact
    assert best.scores["exact"] == 1.0 and weak.scores["exact"] == 0.0
    for name in LEXICAL:
        assert best.scores[name] == pytest.approx(1.0, abs=1e-6)
        assert weak.scores[name] < best.scores[name] - 0.3, (name, weak.scores)


def test_a_paraphrase_shares_words_with_its_rule_more_than_with_the_others(shop):
    right, *others = shop.explain("退款要几天到账", 5)
    assert right.candidate.rule_id == "refund-time"
    assert not right.candidate.exact and right.scores["exact"] == 0.0
    for other in others:
        assert right.scores["word"] > other.scores["word"]
        assert right.scores["char"] > other.scores["char"]


def test_nothing_to_explain():
    assert build_matcher(SHOP).explain("   ", 5) == []
    assert build_matcher([]).explain("退款", 5) == []


def test_the_classifier_margin_is_shown_when_the_classifier_is_on():
    matcher = build_matcher(SHOP, MatcherOptions(classifier=True))
    assert any(s.name == "classifier" and s.on for s in matcher.signals())
    explained = matcher.explain("退款要几天到账", 5)
    assert all("classifier" in e.scores for e in explained)
    margins = [e.scores["classifier"] for e in explained]
    assert margins[0] == max(margins)  # the classifier agrees on the paraphrase's rule
    without = build_matcher(SHOP, MatcherOptions(classifier=False))
    assert "classifier" not in without.explain("退款要几天到账", 5)[0].scores


class CharEmbedder:
    """A stand-in embedding model: a hashed bag of characters (no model download in the engine tests)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for char in text:
                out[row, ord(char) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


def test_the_dense_score_is_shown_when_an_embedding_model_is_configured():
    matcher = build_matcher(SHOP, MatcherOptions(embedder=CharEmbedder()))
    best, *rest = matcher.explain("怎么申请退款", 5)
    assert best.scores["dense"] == pytest.approx(1.0, abs=1e-5)  # the stored question itself
    assert all(e.scores["dense"] < best.scores["dense"] for e in rest)


def test_every_signal_that_is_on_has_a_score_except_the_fusion_of_them(shop):
    belongs = {name: signal for name, signal, _ in SCORED}
    for matcher in (shop, build_matcher(SHOP, MatcherOptions(classifier=True, embedder=CharEmbedder()))):
        on = {s.name for s in matcher.signals() if s.on} - {"fusion"}
        scores = matcher.explain("怎么申请退款", 1)[0].scores
        assert {belongs[name] for name in scores} == on
