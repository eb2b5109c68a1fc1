"""The detectors behind the policy steps: sensitive words, requests for a person, repeats, sentiment, small talk."""

from __future__ import annotations

import pytest

from huida.engine.dialogue.intents import asks_for_human
from huida.engine.dialogue.repeat import is_repeat
from huida.engine.dialogue.sensitive import find_sensitive
from huida.engine.dialogue.sentiment import load_lexicon, sentiment_labels
from huida.engine.dialogue.smalltalk import match_small_talk
from huida.engine.dialogue.types import SmallTalk
from huida.engine.text import normalize
from huida.robots.settings import DEFAULT_HUMAN_KEYWORDS, DEFAULT_SMALL_TALK


# --- sensitive words --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "found"), [
    ("你是傻瓜吗", ["傻瓜"]),
    ("你是 傻 瓜 吗", ["傻瓜"]),  # spaces inside the word
    ("傻-瓜", ["傻瓜"]),  # punctuation inside the word
    ("哪裡可以賭博", ["賭博"]),  # traditional text, word listed in traditional too
    ("哪里可以赌博", ["賭博"]),  # simplified text
    ("ＶＰＮ哪里买", ["VPN"]),  # full-width Latin
    ("vpn and VPN", ["VPN"]),  # each word once
    ("赌博用vpn", ["賭博", "VPN"]),
    ("怎么申请退款", []),
])
def test_sensitive_words(text: str, found: list[str]) -> None:
    assert sorted(find_sensitive(normalize(text), ("傻瓜", "賭博", "VPN"))) == sorted(found)


def test_sensitive_words_edge_cases() -> None:
    assert find_sensitive(normalize("赌博"), ()) == []
    assert find_sensitive("", ("赌博",)) == []
    assert find_sensitive(normalize("赌博"), ("", "  ", "!!")) == []  # words that normalise to nothing


# --- requests for a person --------------------------------------------------------------------------------
KEYWORDS = tuple(DEFAULT_HUMAN_KEYWORDS)


@pytest.mark.parametrize("text", [
    "转人工", "人工", "人工客服", "人工服务", "我要转人工", "给我转人工吧", "请帮我转接人工", "快点转人工！",
    "我要找人工客服", "找真人", "人工在吗", "有人工吗", "轉人工", "human agent", "I want a human agent please",
    "talk to a human", "Real person?",
])
def test_requests_for_a_person(text: str) -> None:
    assert asks_for_human(normalize(text), KEYWORDS)


@pytest.mark.parametrize("text", [
    "人工智能", "人工智能是什么", "人工智能客服", "人工费多少", "人工湖在哪", "真人秀", "人工客服几点上班",
    "怎么申请退款", "humans are great at negotiating prices",
])
def test_questions_that_merely_mention_a_person(text: str) -> None:
    assert not asks_for_human(normalize(text), KEYWORDS)


def test_custom_human_keywords() -> None:
    assert asks_for_human(normalize("找客服小姐姐"), ("客服小姐姐",))
    assert not asks_for_human(normalize("转人工"), ("客服小姐姐",))
    assert not asks_for_human(normalize("转人工"), ())


# --- repeats ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("recent", "limit", "repeat"), [
    (("退款",) * 2, 3, True),
    (("退款",) * 5, 3, True),
    (("退款",), 3, False),  # only the second time
    (("退款", "运费", "退款"), 3, False),  # a different question broke the sequence
    (("运费", "退款", "退款"), 3, True),
    (("退款",), 2, True),
    (("退款",) * 3, 5, False),
    (("退款",) * 4, 5, True),
    ((), 2, False),
])
def test_repeats(recent: tuple[str, ...], limit: int, repeat: bool) -> None:
    assert is_repeat("退款", recent, limit) is repeat


def test_an_empty_question_is_never_a_repeat() -> None:
    assert not is_repeat("", ("", ""), 3)


# --- sentiment --------------------------------------------------------------------------------------------
def labels(text: str) -> tuple[str, ...]:
    return sentiment_labels(normalize(text), text)


@pytest.mark.parametrize("text", [
    "垃圾", "你们就是骗子", "什么破系统", "我要投诉你们", "This is a scam", "terrible service", "WORST shop ever",
])
def test_a_strong_term_alone_is_very_negative(text: str) -> None:
    assert labels(text) == ("VER_NEG",)


@pytest.mark.parametrize("text", [
    "太慢了", "物流太慢了", "非常失望", "我很不满意", "真的很生气", "好差", "so bad", "really slow",
    "I am so frustrated", "快递慢，客服也差",  # two weak terms
    "发货慢!!", "it is slow！！",  # shouting
])
def test_a_weak_term_with_an_intensifier_a_second_term_or_shouting(text: str) -> None:
    assert labels(text) == ("VER_NEG",)


@pytest.mark.parametrize("text", [
    "发货慢", "差", "bad", "slow delivery", "我不满意",  # a weak term alone
    "不慢", "不太慢", "一点也不差", "没有很差", "not bad", "not so bad", "isn't bad", "never slow",  # negated
    "not terrible",
    "价格差不多", "好的", "我很好", "谢谢", "thank you so much",
    "慢慢来", "好的我慢慢看", "请慢慢说",  # 慢慢 is "take your time", not a complaint
])
def test_not_very_negative(text: str) -> None:
    assert labels(text) == ()


def test_the_lexicon_has_every_kind_of_entry() -> None:
    lexicon = load_lexicon()
    assert {"垃圾", "scam"} <= set(lexicon.strong)
    assert {"慢", "bad"} <= set(lexicon.weak)
    assert {"太", "so"} <= set(lexicon.intensifiers)
    assert {"不", "not"} <= set(lexicon.negations)


# --- small talk -------------------------------------------------------------------------------------------
ENTRIES = tuple(SmallTalk(tuple(e["patterns"]), e["reply"]) for e in DEFAULT_SMALL_TALK)


def reply(text: str) -> str | None:
    entry = match_small_talk(normalize(text), ENTRIES)
    return entry.reply if entry else None


@pytest.mark.parametrize(("text", "kind"), [
    ("你好", "您好"), ("您好！", "您好"), ("你好呀", "您好"), ("在吗？", "您好"), ("hi", "Hello"), ("Hi!", "Hello"),
    ("hello", "Hello"), ("Good morning", "Hello"), ("谢谢", "不客气"), ("谢谢你", "不客气"),
    ("Thank you!", "You're welcome"), ("再见", "再见"), ("bye", "Goodbye"), ("你是谁", "我是"),
])
def test_small_talk(text: str, kind: str) -> None:
    answer = reply(text)
    assert answer is not None and answer.startswith(kind), (text, answer)


@pytest.mark.parametrize("text", ["history", "high", "hint", "his order", "hide", "你好，我想申请退款",
                                  "谢谢你们的退款政策是什么", "", "？", "thanksgiving sale"])
def test_not_small_talk(text: str) -> None:
    assert reply(text) is None


def test_small_talk_with_no_entries() -> None:
    assert match_small_talk(normalize("你好"), ()) is None
