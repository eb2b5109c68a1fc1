"""The pair encoder (encoder.py): sentence vectors trained contrastively on labelled pairs."""

import numpy as np

from huida.engine.matcher import (
    HybridMatcher,
    KnowledgeItem,
    MatcherOptions,
    PairLearning,
    PairModel,
    TermAssociations,
    build_matcher,
)
from huida.engine.matcher.encoder import EncoderScorer, PairEncoder
from huida.engine.text import Tokenizer
from tests.engine.test_engine_matcher import GAP_KB, MEANINGS, pair_history, top

# Four meanings, four wordings each, as a company's history holds them. The wordings of one meaning share
# few characters, so only the pairs tell the encoder which words mean the same (额度/上限, 还钱/扣款...).
WORDINGS = {
    "limit": ("怎么提高借款额度", "贷款上限太低", "能多借一点吗", "可用金额能调大吗"),
    "repay": ("每月几号还钱", "还款日是哪天", "什么时候扣款", "账单日期是啥时候"),
    "close": ("怎么注销账户", "不想用了如何销户", "关闭这个服务", "把功能停掉"),
    "rate": ("利息怎么算", "日利率是多少", "借一万要付多少费用", "成本高不高"),
}
TOKENIZER = Tokenizer()


def history() -> list[tuple[str, str, int]]:
    """Every wording also asked with a trailing particle (so its words occur in two sentences), wordings of
    one meaning paired as the same, wordings of the next meaning as different."""
    pairs = []
    groups = [[w + tail for w in wordings for tail in ("", "呢")] for wordings in WORDINGS.values()]
    for group in groups:
        pairs += [(a, b, 1) for i, a in enumerate(group) for b in group[i + 1 :]]
    for i, group in enumerate(groups):
        other = groups[(i + 1) % len(groups)]
        pairs += [(a, b, 0) for a, b in zip(group, other, strict=True)]
    return pairs


def cosine(encoder: PairEncoder, a: str, b: str) -> float:
    u, v = encoder.encode([a, b], TOKENIZER)
    return float(u @ v)


def test_unseen_paraphrases_meet_through_what_the_pairs_taught():
    encoder = PairEncoder.learn(history(), TOKENIZER, seed=0)
    assert encoder is not None
    # Never seen, no character in common: 额度 and 上限 met only in the pairs.
    first, second, unrelated = "借款额度", "上限太低", "还款日期"
    assert cosine(encoder, first, second) > cosine(encoder, first, unrelated) + 0.2
    assert cosine(encoder, second, first) > cosine(encoder, second, unrelated) + 0.2
    assert cosine(encoder, "注销账户吧", "关闭服务") > cosine(encoder, "注销账户吧", "利息多少")


def test_same_seed_same_encoder_and_too_few_pairs_none():
    a, b = PairEncoder.learn(history(), TOKENIZER, seed=3), PairEncoder.learn(history(), TOKENIZER, seed=3)
    assert a is not None and b is not None and np.array_equal(a.vectors, b.vectors)
    assert PairEncoder.learn([("怎么还款", "如何还钱", 1)], TOKENIZER) is None
    assert PairEncoder.learn([("怎么还款", "如何还钱", 0)] * 5, TOKENIZER) is None


def test_unknown_text_encodes_as_zeros_and_scorer_caches():
    encoder = PairEncoder.learn(history(), TOKENIZER)
    assert encoder is not None
    assert not encoder.encode(["qqq"], TOKENIZER).any()
    scorer = EncoderScorer(encoder, TOKENIZER)
    sims = scorer.similarity("借款额度", ["贷款上限太低", "qqq", "借款额度"])
    assert sims[1] == 0.0 and abs(sims[2] - 1.0) < 1e-5
    assert np.allclose(scorer.similarity("借款额度", ["贷款上限太低"]), sims[:1])


def test_round_trip_and_files_saved_before_the_encoder(tmp_path):
    learned = PairLearning.learn(history())
    assert learned.encoder is not None
    path = tmp_path / "pairs.npz"
    learned.save(path)
    again = PairLearning.load(path)
    assert again.encoder is not None and again.encoder.vocab == learned.encoder.vocab
    texts = ["借款额度", "每月几号还钱"]
    assert np.allclose(again.encoder.encode(texts, TOKENIZER), learned.encoder.encode(texts, TOKENIZER), atol=2e-3)
    # A file written before the encoder existed: same arrays, no encoder_* ones.
    with np.load(path) as data:
        old = {k: data[k] for k in data.files if not k.startswith("encoder_")}
    old_path = tmp_path / "old.npz"
    with open(old_path, "wb") as fh:
        np.savez_compressed(fh, **old)
    loaded = PairLearning.load(old_path)
    assert loaded.encoder is None and loaded.graph is not None
    assert "encoder" not in HybridMatcher(MatcherOptions(pairs=loaded)).pair_signals


# The robot stores three wordings of each meaning; the fourth reaches it only through the pair history.
KB = [KnowledgeItem(rule, wordings[:3]) for rule, wordings in WORDINGS.items()]


def encoder_only(pairs: list[tuple[str, str, int]]) -> PairLearning:
    empty_model = PairModel(np.zeros(1 << 20, dtype=np.float32), 0.0)
    return PairLearning(TermAssociations(), empty_model, None, PairEncoder.learn(pairs, TOKENIZER))


def test_unrelated_pairs_leave_the_robot_unchanged():
    unrelated = [
        ("天气怎么样", "今天下雨吗", 1),
        ("天气怎么样呢", "明天下雨吗", 1),
        ("天气怎么样", "股票涨了吗", 0),
    ] * 5
    learned = encoder_only(unrelated)
    assert learned.encoder is not None
    without = build_matcher(KB)
    matcher = HybridMatcher(MatcherOptions(pairs=learned))
    matcher.add_items(KB)
    assert "encoder" in matcher.pair_signals  # until a refresh judges it
    matcher.refresh()
    assert "encoder" not in matcher.pair_signals and matcher._encoding() is None
    for wordings in WORDINGS.values():
        for question in wordings:
            assert matcher.search(question, 3) == without.search(question, 3)
    assert matcher.thresholds == without.thresholds


def test_encoder_alone_closes_a_vocabulary_gap():
    """The eight-meaning history of test_engine_matcher: the encoder alone, kept by the robot's own held-out
    wordings, finds more of the wordings only the pair history knows."""
    matcher = HybridMatcher(MatcherOptions(pairs=encoder_only(pair_history())))
    matcher.add_items(GAP_KB)
    matcher.refresh()
    assert matcher.pair_signals == {"encoder"}
    without = build_matcher(GAP_KB)
    right = {rule: top(matcher, wordings[3]) == rule for rule, wordings in MEANINGS.items()}
    before = {rule: top(without, wordings[3]) == rule for rule, wordings in MEANINGS.items()}
    assert sum(right.values()) > sum(before.values())
    assert all(right[rule] for rule, ok in before.items() if ok)
