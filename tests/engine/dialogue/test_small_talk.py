"""Small talk with the default entries: which entry (topic and language) each message gets, or none.

The must-not-fire rows matter as much as the others: a real question that starts with a greeting, or a
word that starts with a pattern, belongs to matching, not to small talk.
"""

from __future__ import annotations

import pytest

from huida.engine.dialogue.smalltalk import match_small_talk, small_talk_reply
from huida.engine.dialogue.types import SmallTalk
from huida.engine.text import has_cjk, normalize
from huida.robots.settings import DEFAULT_SMALL_TALK

ENTRIES = tuple(SmallTalk(tuple(e["patterns"]), e["reply"]) for e in DEFAULT_SMALL_TALK)
NAMES = {id(entry): spec["name"] for entry, spec in zip(ENTRIES, DEFAULT_SMALL_TALK, strict=True)}


def topic(text: str, entries: tuple[SmallTalk, ...] = ENTRIES) -> str | None:
    """The name of the default entry that answers `text`, as the policy will call the matcher."""
    entry = small_talk_reply(text, normalize(text), entries)
    return None if entry is None else NAMES.get(id(entry), entry.reply)


CASES = [
    # greetings
    ("你好", "greeting-zh"), ("您好！", "greeting-zh"), ("你好呀", "greeting-zh"), ("你好啊~", "greeting-zh"),
    ("嗨", "greeting-zh"), ("哈喽", "greeting-zh"), ("早上好", "greeting-zh"), ("晚上好！", "greeting-zh"),
    ("你好你好", "greeting-zh"), ("你好，客服", "greeting-zh"), ("大家好", "greeting-zh"),
    ("hi", "greeting-en"), ("Hi!", "greeting-en"), ("hello", "greeting-en"), ("Hey", "greeting-en"),
    ("hi there", "greeting-en"), ("Hello there!", "greeting-en"), ("Good morning", "greeting-en"),
    ("good evening everyone", "greeting-en"), ("hi hi", "greeting-en"),
    ("你好吗", "how-are-you-zh"), ("How are you?", "how-are-you-en"),
    # thanks
    ("谢谢", "thanks-zh"), ("谢谢你", "thanks-zh"), ("谢谢你们", "thanks-zh"), ("谢谢啦", "thanks-zh"),
    ("多谢", "thanks-zh"), ("非常感谢！", "thanks-zh"), ("感谢感谢", "thanks-zh"), ("好的谢谢", "thanks-zh"),
    ("好的，谢谢！", "thanks-zh"), ("辛苦了", "thanks-zh"),
    ("thanks", "thanks-en"), ("Thank you!", "thanks-en"), ("thanks a lot", "thanks-en"), ("thx", "thanks-en"),
    ("thank you so much", "thanks-en"), ("thanks for your help", "thanks-en"), ("ok, thanks", "thanks-en"),
    # goodbye
    ("再见", "goodbye-zh"), ("拜拜", "goodbye-zh"), ("拜拜了", "goodbye-zh"), ("88", "goodbye-zh"),
    ("谢谢，再见", "goodbye-zh"), ("没事了", "goodbye-zh"),
    ("bye", "goodbye-en"), ("Goodbye!", "goodbye-en"), ("bye bye", "goodbye-en"), ("see you", "goodbye-en"),
    ("thanks, bye", "goodbye-en"),
    # presence
    ("在吗", "presence-zh"), ("在吗？", "presence-zh"), ("在吗在吗", "presence-zh"), ("在不在", "presence-zh"),
    ("有人吗", "presence-zh"), ("在吗亲", "presence-zh"), ("人呢？", "presence-zh"),
    ("are you there?", "presence-en"), ("Anyone there?", "presence-en"),
    # identity
    ("你是谁", "identity-zh"), ("你是机器人吗", "identity-zh"), ("你是真人吗？", "identity-zh"),
    ("你叫什么", "identity-zh"), ("你叫什么名字", "identity-zh"),
    ("who are you", "identity-en"), ("Are you a bot?", "identity-en"), ("are you human", "identity-en"),
    ("what's your name", "identity-en"),
    # what can you do
    ("你能做什么", "abilities-zh"), ("你会什么", "abilities-zh"), ("What can you do?", "abilities-en"),
    # praise
    ("你真棒", "praise-zh"), ("真聪明", "praise-zh"), ("厉害", "praise-zh"), ("你好厉害", "praise-zh"),
    ("666", "praise-zh"), ("great", "praise-en"), ("Well done!", "praise-en"), ("Awesome!", "praise-en"),
    ("good bot", "praise-en"),
    # complaints about the robot
    ("你好笨", "complaint-zh"), ("太笨了", "complaint-zh"), ("没用", "complaint-zh"), ("答非所问", "complaint-zh"),
    ("听不懂人话", "complaint-zh"), ("听不懂人话吗？", "complaint-zh"),
    ("stupid bot", "complaint-en"), ("useless", "complaint-en"), ("you are not helpful", "complaint-en"),
    ("You're not helpful", "complaint-en"),
    # laughter
    ("哈哈", "laughter-zh"), ("哈哈哈", "laughter-zh"), ("哈哈哈哈哈哈", "laughter-zh"), ("呵呵", "laughter-zh"),
    ("233", "laughter-zh"), ("2333333", "laughter-zh"), ("笑死", "laughter-zh"), ("笑死我了", "laughter-zh"),
    ("haha", "laughter-en"), ("hahahaha", "laughter-en"), ("lol", "laughter-en"), ("LOL", "laughter-en"),
    # acknowledgements
    ("好的", "ack-zh"), ("好的好的", "ack-zh"), ("嗯", "ack-zh"), ("嗯嗯", "ack-zh"), ("知道了", "ack-zh"),
    ("明白了", "ack-zh"), ("嗯嗯，好的", "ack-zh"), ("哦哦知道了", "ack-zh"), ("收到", "ack-zh"),
    ("ok", "ack-en"), ("OK!", "ack-en"), ("okay", "ack-en"), ("got it", "ack-en"), ("oh ok", "ack-en"),
    # emoji and emoticons only (normalize drops them: the raw text decides)
    ("👍", "praise-zh"), ("👍👍👍", "praise-zh"), ("👍🏻", "praise-zh"), ("❤️", "praise-zh"),
    ("😊", "ack-zh"), ("👌", "ack-zh"), (":)", "ack-zh"), (":-)", "ack-zh"), ("^_^", "ack-zh"),
    ("🙏", "thanks-zh"), ("🙏🙏", "thanks-zh"), ("😂", "laughter-zh"), ("😂😂😂", "laughter-zh"),
    (":D", "laughter-zh"), ("XD", "laughter-en"), ("👋", "greeting-zh"), ("👎", "complaint-zh"),
    (" 😂 👍 ", "laughter-zh"), ("🐱👍", "praise-zh"),
    # words with emoji: the words decide
    ("谢谢🙏", "thanks-zh"), ("你好👋", "greeting-zh"), ("👍 好的", "ack-zh"), ("thanks :)", "thanks-en"),
]

NOT_SMALL_TALK = [
    # questions that start with a greeting, a thanks or an acknowledgement
    "你好，退款多久到账", "你好 退款多久到账", "你好，我想申请退款", "在吗？我想问下发票怎么开",
    "谢谢你们的退款政策是什么", "好的，那怎么退款", "哈哈，那我的订单呢", "早上好，我要退货", "嗯，我的快递还没到",
    "hi, how do I reset my pin", "hello, where is my order", "thanks, but where is my refund",
    "ok so how do i pay", "hey my order has not arrived",
    # words that start like a pattern
    "history", "high", "hint", "his order", "hide", "thanksgiving sale", "heyday", "okapi", "byelaw",
    "cooler", "nicely done?", "done", "你是谁家的快递", "没用过", "好慢", "可以开发票吗", "你会什么时候发货", "牛奶",
    # nothing, punctuation, unknown emoji, other questions
    "", "   ", "？", "?!", "...", "🐱", "今天天气怎么样", "转人工", "8",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_small_talk(text: str, expected: str) -> None:
    assert topic(text) == expected


@pytest.mark.parametrize("text", NOT_SMALL_TALK)
def test_not_small_talk(text: str) -> None:
    assert topic(text) is None


def test_english_patterns_get_english_replies_and_chinese_ones_chinese() -> None:
    for spec in DEFAULT_SMALL_TALK:
        language = spec["name"].rsplit("-", 1)[1]
        assert language in ("zh", "en"), spec["name"]
        assert has_cjk(spec["reply"]) == (language == "zh"), spec["name"]
        words = [normalize(p) for p in spec["patterns"] if normalize(p)]
        if language == "en":
            assert not any(has_cjk(w) for w in words), spec["name"]


def test_every_default_pattern_answers_with_its_own_entry() -> None:
    """No default pattern is shadowed by another entry's (it would get the other topic's reply)."""
    wrong = [(p, spec["name"], topic(p)) for spec in DEFAULT_SMALL_TALK for p in spec["patterns"]
             if topic(p) != spec["name"]]
    assert wrong == []


def test_complaints_apologise_and_offer_a_person() -> None:
    replies = {spec["name"]: spec["reply"] for spec in DEFAULT_SMALL_TALK}
    assert "抱歉" in replies["complaint-zh"] and "转人工" in replies["complaint-zh"]
    assert "Sorry" in replies["complaint-en"] and "human agent" in replies["complaint-en"]


def test_the_whole_message_beats_a_pattern_it_starts_with() -> None:
    hello = SmallTalk(("你好",), "hello")
    stupid = SmallTalk(("你好笨",), "sorry")
    assert small_talk_reply("你好笨", "你好笨", (hello, stupid)) is stupid
    assert small_talk_reply("你好呀", "你好呀", (hello, stupid)) is hello


def test_on_a_tie_the_first_entry_wins() -> None:
    """The operator's added entries are placed first, so that they win over a default with the same pattern."""
    mine, default = SmallTalk(("你好",), "mine"), SmallTalk(("你好", "您好"), "default")
    assert small_talk_reply("你好", "你好", (mine, default)) is mine
    assert small_talk_reply("您好", "您好", (mine, default)) is default
    smile, other = SmallTalk(("😊",), "mine"), SmallTalk(("😊",), "default")
    assert small_talk_reply("😊", "", (smile, other)) is smile


def test_emoji_only_needs_an_emoji_pattern() -> None:
    words_only = (SmallTalk(("你好",), "您好"),)
    assert small_talk_reply("👍", "", words_only) is None
    assert small_talk_reply("你好", "你好", ()) is None


def test_a_pattern_of_a_single_letter_emoticon_does_not_match_words() -> None:
    laugh = SmallTalk((":D",), "😄")
    assert small_talk_reply(":D", normalize(":D"), (laugh,)) is laugh
    assert small_talk_reply("d", "d", (laugh,)) is None
    assert small_talk_reply("D 盘满了", normalize("D 盘满了"), (laugh,)) is None


def test_match_small_talk_still_answers_from_the_normalised_text() -> None:
    assert match_small_talk(normalize("你好呀"), ENTRIES) is ENTRIES[0]
    assert match_small_talk(normalize("history"), ENTRIES) is None
