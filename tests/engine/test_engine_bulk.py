"""The bulk build path (many questions at once) against its one-question twins: the same words, the same
normalised text, the same term counts, the same index."""

import random
from collections import Counter

import numpy as np
import pytest

from huida.engine.matcher import bulk, store
from huida.engine.matcher.index import LexicalIndex
from huida.engine.matcher.postings import Postings
from huida.engine.matcher.store import _BLOCK, GrowArray, TextColumn
from huida.engine.matcher.terms import query_keys
from huida.engine.text import Tokenizer, cut_cjk, normalize, normalize_many
from huida.engine.wordcut import batch_cutter

_ZH = [
    "微粒贷的借款额度怎么提高",
    "为什么我的额度被降低了",
    "还款日可以修改吗",
    "提前还款有没有手续费",
    "我想咨询一下花呗分期的利率",
    "借呗逾期了会影响征信吗",
    "怎么开通信用卡的自动还款功能",
    "中华人民共和国国务院总理",
    "研究生命起源的科学家们",
    "结婚的和尚未结婚的",
    "南京市长江大桥",
]
_EN = [
    "how do i reset my card pin",
    "what is the interest rate on savings",
    "my refund has not arrived yet",
    "can i change the delivery address",
    "transfer 1,000.50 to my account at 7:30",
]
_ODD = ["iphone13怎么样", "微粒贷2万 ok", "𠀀𠀁测试", "䶮䶮", "鿕鿖鿿", "﨑崎"]
_ODD += ["¥ 100", "+5 -3 5%", "a", "的", "e-mail"]


def _texts(n: int, seed: int = 0) -> list[str]:
    """Varied questions, as a robot owner types them: prefixes, dropped and swapped characters, mixes."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        base = rng.choice(_ZH + _EN + _ODD)
        chars = list(base)
        if len(chars) > 3 and i % 3:
            j = rng.randrange(len(chars) - 1)
            chars[j], chars[j + 1] = chars[j + 1], chars[j]
        if i % 5 == 0:
            chars += [" ", *rng.choice(_ZH + _EN)]
        if i % 7 == 0:
            chars = [*"请问 ", *chars, *rng.choice(["？", "!", " 谢谢", " thanks"])]
        out.append("".join(chars))
    return out


def test_batch_cutter_gives_jiebas_words():
    rng = random.Random(1)
    runs = [r for t in _texts(400) for r in normalize(t).split(" ") if r and all("\u4e00" <= c <= "\u9fff" for c in r)]
    # random characters from every CJK block the runs may hold, in and out of jieba's dictionary
    blocks = [(0x4E00, 0x9FFF), (0x4E00, 0x4FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF)]
    for _ in range(300):
        runs.append("".join(chr(rng.randint(*rng.choice(blocks))) for _ in range(rng.randint(1, 40))))
    runs.append("".join(_ZH) * 3)  # a long run
    cuts = batch_cutter().cut(runs)
    joined = "".join(runs)
    got = [[] for _ in runs]
    for run, start, length in zip(cuts.run.tolist(), cuts.start.tolist(), cuts.length.tolist(), strict=True):
        got[run].append(joined[start : start + length])
    assert [tuple(g) for g in got] == [cut_cjk(r) for r in runs]


def test_normalize_many_equals_normalize():
    texts = [*_texts(300), "", "\n", "a\n\u0308b", "1,000\n5", "５％\n", "臺\n灣", "❤️\u200d🔥《微粒貸》"]
    assert normalize_many(texts) == [normalize(t) for t in texts]


@pytest.mark.parametrize("terms", [(), ("微粒贷", "credit card", "花呗", "reset my")])
@pytest.mark.parametrize("cutter", [False, True])
def test_doc_terms_equal_the_one_question_keys(monkeypatch, terms, cutter):
    if cutter:  # the numpy cutter, not jieba, for the Chinese chunks
        monkeypatch.setattr(bulk, "_CUTTER_MIN_RUNS", 0)
    tokenizer = Tokenizer(terms)
    texts = normalize_many(_texts(500) + ["credit card reset my pin", "微粒贷 花呗"])
    counts = bulk.doc_terms(tokenizer, texts)
    assert counts.n_docs == len(texts)
    for i, text in enumerate(texts):
        lo, hi = counts.indptr[i], counts.indptr[i + 1]
        assert (np.diff(counts.cols[lo:hi]) > 0).all()
        got = dict(zip(counts.keys[counts.cols[lo:hi]].tolist(), counts.tf[lo:hi].tolist(), strict=True))
        assert got == dict(Counter(query_keys(tokenizer, text))), text
    few = bulk.doc_terms(tokenizer, texts[:5])
    assert few.n_docs == 5 and set(few.keys.tolist()) <= set(counts.keys.tolist())


def test_one_build_equals_many_small_adds():
    """The first big batch builds the index in one go; small batches go through the delta segment and
    compaction. Both must score alike."""
    tokenizer = Tokenizer()
    rules = [(f"r{i}", _texts(3, seed=i)) for i in range(600)]
    once = LexicalIndex(tokenizer)
    once.add_many(rules)
    steps = LexicalIndex(tokenizer)
    for lo in range(0, len(rules), 50):
        steps.add_many(rules[lo : lo + 50])
    steps.compact()
    for question in ["微粒贷额度怎么提高", "reset card pin", "还款日修改"]:
        a, b = once.field_scores(normalize(question)), steps.field_scores(normalize(question))
        for field in a:
            np.testing.assert_allclose(a[field], b[field], atol=1e-6)


def test_compaction_after_removals_scores_like_a_fresh_build_of_the_survivors():
    """Compaction rebuilds the postings from the surviving rows (removed docs keep their ids, empty)."""
    tokenizer = Tokenizer()
    rules = [(f"r{i}", _texts(3, seed=i)) for i in range(400)]
    changed = LexicalIndex(tokenizer)
    changed.add_many(rules[:300])
    changed.add_many(rules[300:])
    gone = {f"r{i}" for i in range(0, 400, 7)}
    for rule_id in sorted(gone):
        changed.remove_rule(rule_id)
    changed.compact()
    survivors = [rule for rule in rules if rule[0] not in gone]
    fresh = LexicalIndex(tokenizer)
    fresh.add_many(survivors)
    live = np.flatnonzero(changed.store.live.view)
    assert len(live) == fresh.store.n_docs and changed.postings.delta() is None
    base = changed.postings.base
    for term in range(0, len(base.ptr) - 1, 97):  # docs ascending within a term, no removed doc left
        docs = base.docs[base.ptr[term] : base.ptr[term + 1]]
        assert (np.diff(docs) > 0).all() and changed.store.live.view[docs].all()
    for question in ["微粒贷额度怎么提高", "reset card pin", "还款日修改"]:
        a, b = fresh.field_scores(normalize(question)), changed.field_scores(normalize(question))
        for field in a:
            np.testing.assert_allclose(a[field], b[field][live], atol=1e-6)


def test_postings_build_is_exact_for_the_first_batch():
    tokenizer = Tokenizer()
    texts = normalize_many(_texts(1500))
    postings = Postings()
    postings.add(0, bulk.doc_terms(tokenizer, texts))
    assert postings.base_end == len(texts) and postings.delta() is None
    for doc in (0, 7, 1499):
        terms = postings.row_terms.view[postings.row_ptr.view[doc] : postings.row_ptr.view[doc + 1]]
        assert set(postings.keys[terms].tolist()) == set(query_keys(tokenizer, texts[doc]))
        for term in terms[:5].tolist():
            seg = postings.base
            assert doc in seg.docs[seg.ptr[term] : seg.ptr[term + 1]].tolist()


def test_text_column_round_trip():
    rng = random.Random(2)
    alphabet = ["a", "é", "中", "𠀀", " ", "\u0800", "\u07ff", "\uffff"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(3 * _BLOCK + 77)]
    column = TextColumn()
    column.extend(texts[:5])
    column.extend(texts[5 : 2 * _BLOCK + 9])
    column.append(texts[2 * _BLOCK + 9])
    column.extend(texts[2 * _BLOCK + 10 :])
    assert len(column) == len(texts)
    assert column.many(range(len(texts))) == texts


def test_grow_array_grows_in_place_or_by_copy():
    n = store._BIG + 10
    grow = GrowArray.of(np.arange(n, dtype=np.int32)[:])  # a whole-array view, as scipy hands out
    grow.reserve()  # in place (realloc)
    grow.extend([-1, -2])
    assert grow.size == n + 2 and (grow.view[:n] == np.arange(n)).all() and grow.view[-2:].tolist() == [-1, -2]
    held = grow.view  # a live view: the next growth must copy, not move the buffer under it
    grow.extend(np.full(n // 16, 7, np.int32))
    assert held[n - 1] == n - 1 and grow.view[n - 1] == n - 1 and grow.view[-1] == 7
