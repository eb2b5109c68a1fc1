from huida.engine.text import (
    Tokenizer,
    char_ngrams,
    normalize,
    pinyin_fuzzy,
    pinyin_syllables,
    stem,
)


def test_normalize_width_case_and_traditional():
    assert normalize("ＡＢＣ　微粒貸") == "abc 微粒贷"
    assert normalize("為什麼給我降低額度") == "为什么给我降低额度"


def test_normalize_strips_emoji_and_noise_but_keeps_amounts():
    assert normalize("我要借¥1,000.50元😀👍🏻！！") == "我要借¥1000.50元"
    assert normalize("利率3.5%吗？7:30到账") == "利率3.5%吗 7:30到账"
    assert normalize("❤️\u200d🔥《微粒贷》【借款】~~") == "微粒贷 借款"


def test_normalize_english_and_idempotent():
    assert normalize("I don't see my REFUND... Why?!") == "i dont see my refund why"
    for text in ["  a\t b\n", "e-mail -5 +86", "３．５％", "微粒贷app 怎么 用"]:
        once = normalize(text)
        assert normalize(once) == once
    assert normalize("") == ""


def test_words_chinese_english_and_domain_terms():
    plain = Tokenizer().words(normalize("微粒贷的借款额度"))
    assert "借款" in plain
    domain = Tokenizer(["微粒贷", "借款额度"]).words(normalize("微粒贷的借款额度 refunds"))
    assert domain == ["微粒贷", "的", "借款额度", "refund"]
    # Domain terms of one tokenizer never leak into another (robots stay apart).
    assert "借款额度" not in Tokenizer().words("借款额度")


def test_stem_is_snowball_english():
    words = ["refunds", "refunded", "refunding", "cards", "transferred", "cancellation", "bus", "was", "policies"]
    assert [stem(w) for w in words] == [
        "refund",
        "refund",
        "refund",
        "card",
        "transfer",
        "cancel",
        "bus",
        "was",
        "polici",
    ]
    # Short words, numbers and non-Latin words pass through untouched.
    assert [stem(w) for w in ["pin", "1000", "café", "花呗"]] == ["pin", "1000", "café", "花呗"]


def test_char_ngrams():
    grams = char_ngrams("ab 微粒", 1, 2)
    assert " a" in grams and "b " in grams and "微粒" in grams
    assert " " not in grams


def test_pinyin_homophones():
    target = pinyin_syllables("微粒贷")
    assert pinyin_syllables("微利贷") == target
    assert pinyin_syllables("威力带") == target
    assert pinyin_fuzzy(pinyin_syllables("微粒货"))[:2] == pinyin_fuzzy(target)[:2]
    assert pinyin_fuzzy(["zhang", "ling"]) == ["zan", "nin"]
