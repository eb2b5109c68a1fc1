"""The steps of the ask pipeline through the open API: sensitive words, requests for a person, repeats,
negative sentiment, small talk, empty questions (issue #3, steps 3–10)."""

from __future__ import annotations

from tests.conversation.conftest import Shop
from tests.conversation.helpers import NONSENSE, ask, chat_session, click, kind, new_user, rule, settings


def test_sensitive_words_are_intercepted_and_nothing_else_runs(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    settings(api, robot, sensitiveWords=["赌博", "VPN"], sensitiveReply="请文明提问。")
    for question in ("怎么申请退款 赌博", "哪裡可以賭博", "赌 博", "ＶＰＮ怎么买", "转人工 赌博"):
        entity = ask(api, robot, question, user=new_user())
        assert (entity["answerType"], entity["content"]) == (
            "SENSITIVE_WORD_INTERCEPTION", {"msg": "请文明提问。", "type": "txt"}), question
        assert entity["resourceId"] is None and entity["satisfactionCommentInvitation"] is False
    assert rule(api, robot, "refund")["hitCount"] == 0
    assert ask(api, robot, "怎么申请退款")["resourceId"] == "refund"


def test_a_request_for_a_person_on_the_first_question_and_later(shop: Shop) -> None:
    api, user = shop.api, new_user()
    first = ask(api, shop.robot, "转人工", user=user)
    assert kind(first) == ("BEST_ANSWER", "HUMAN_FIRST_ROUND", "human")
    assert first["subType"] == "HUMAN_INTENTION"
    assert first["content"] == {"transferPrompt": "正在为您转接人工客服，请稍候。", "enableTransferPrompt": True,
                                "properties": [], "type": "human"}
    assert chat_session(api, first["sessionId"]).handover == "pending"
    later = ask(api, shop.robot, "我要人工客服", user=user)
    assert kind(later) == ("BEST_ANSWER", "HUMAN", "human")
    assert later["subType"] == "HUMAN_INTENTION" and later["sessionId"] == first["sessionId"]
    other = new_user()
    ask(api, shop.robot, "怎么申请退款", user=other)
    assert ask(api, shop.robot, "human agent please", user=other)["answerSource"] == "HUMAN"


def test_the_transfer_settings_shape_the_human_answer(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    settings(api, robot, transferPrompt="稍等，客服马上来。", enableTransferPrompt=False,
             transferProperties={"skillGroup": "售前"}, humanKeywords=["找客服小姐姐"])
    entity = ask(api, robot, "找客服小姐姐")
    assert entity["content"] == {"transferPrompt": "稍等，客服马上来。", "enableTransferPrompt": False,
                                 "properties": [{"name": "skillGroup", "value": "售前"}], "type": "human"}
    assert entity["subType"] == "HUMAN_CUSTOM"  # a keyword the operator added, not one of the defaults
    # "转人工" is no longer a keyword of this robot.
    assert ask(api, robot, "转人工", user="u2")["answerSource"] not in ("HUMAN", "HUMAN_FIRST_ROUND")


def test_questions_that_merely_mention_a_person_are_not_transfers(shop: Shop) -> None:
    for question in ("人工智能是什么", "人工智能", "人工费多少"):
        entity = ask(shop.api, shop.robot, question, user=new_user())
        assert entity["answerSource"] not in ("HUMAN", "HUMAN_FIRST_ROUND"), (question, entity)


def test_the_same_question_three_times_in_a_row(shop: Shop) -> None:
    api, user = shop.api, new_user()
    assert ask(api, shop.robot, "怎么申请退款", user=user)["answerType"] == "BEST_ANSWER"
    assert ask(api, shop.robot, "怎么申请退款？", user=user)["answerType"] == "BEST_ANSWER"
    third = ask(api, shop.robot, "怎么申请退款!", user=user)
    assert kind(third) == ("REPEAT", "REPEAT", "txt")
    assert third["content"]["msg"] == "您已经多次询问相同的问题了，可以换个说法试试，或者点击转人工由客服为您解答。"
    assert third["content"]["transferToHumanId"].startswith("Btn-TransferToHuman-")
    assert third["resourceId"] is None
    pressed = click(api, shop.robot, third["content"]["transferToHumanId"], user=user)
    assert kind(pressed) == ("BEST_ANSWER", "HUMAN", "human") and pressed["subType"] == "HUMAN_CLICK"
    assert ask(api, shop.robot, "怎么申请退款", user=user)["answerType"] == "REPEAT"


def test_a_different_question_breaks_the_sequence(shop: Shop) -> None:
    api, user = shop.api, new_user()
    for question in ("运费怎么算", "运费怎么算", "怎么申请退款", "运费怎么算", "运费怎么算"):
        assert ask(api, shop.robot, question, user=user)["answerType"] == "BEST_ANSWER"
    assert ask(api, shop.robot, "运费怎么算", user=user)["answerType"] == "REPEAT"


def test_the_repeat_limit_and_reply_are_settings(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    settings(api, robot, repeatLimit=2, repeatReply="您刚问过啦。")
    ask(api, robot, "运费怎么算")
    entity = ask(api, robot, "运费怎么算")
    assert entity["answerType"] == "REPEAT" and entity["content"]["msg"] == "您刚问过啦。"


def test_strong_negative_sentiment(shop: Shop) -> None:
    for question in ("你们的客服太垃圾了", "退款太慢了！！", "This is a scam"):
        entity = ask(shop.api, shop.robot, question, user=new_user())
        assert kind(entity) == ("BEST_ANSWER", "NEG_SENTIMENT", "txt"), question
        assert entity["sentimentLabels"] == ["VER_NEG"]
        assert entity["content"]["msg"] == "非常抱歉给您带来了不好的体验，需要为您转接人工客服吗？"
        assert entity["content"]["suggestionTransferToHumanLabel"] == "转人工"
        assert entity["content"]["transferToHumanId"].startswith("Btn-TransferToHuman-")
    calm = ask(shop.api, shop.robot, "退款不慢", user=new_user())
    assert calm["answerSource"] != "NEG_SENTIMENT" and calm["sentimentLabels"] == []


def test_negative_sentiment_can_be_switched_off(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    settings(api, robot, negativeSentimentEnabled=False)
    entity = ask(api, robot, "你们的客服太垃圾了")
    assert entity["answerSource"] != "NEG_SENTIMENT" and entity["sentimentLabels"] == []


def test_small_talk(shop: Shop) -> None:
    for question, reply in (("你好", "您好！请问有什么可以帮您？"), ("hi", "Hello! How can I help you today?"),
                            ("谢谢", "不客气，很高兴能帮到您！")):
        entity = ask(shop.api, shop.robot, question, user=new_user())
        assert kind(entity) == ("BEST_ANSWER", "FREECHAT", "txt"), question
        assert entity["content"] == {"msg": reply, "type": "txt"}
        assert entity["resourceId"] is None and entity["satisfactionCommentInvitation"] is False
    assert ask(shop.api, shop.robot, "history", user=new_user())["answerSource"] != "FREECHAT"


def test_small_talk_is_editable_and_can_be_switched_off(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    settings(api, robot, smallTalk=[{"patterns": ["早上好"], "reply": "早！"}])
    assert ask(api, robot, "早上好")["content"]["msg"] == "早！"
    assert ask(api, robot, "谢谢")["answerSource"] == "DEFAULT"
    settings(api, robot, smallTalkEnabled=False)
    assert ask(api, robot, "早上好", user="u2")["answerSource"] == "DEFAULT"


def test_an_empty_question_gets_the_default_reply(shop: Shop) -> None:
    for question in ("", "   ", "？？"):
        entity = ask(shop.api, shop.robot, question, user=new_user())
        assert kind(entity) == ("DEFAULT", "DEFAULT", "txt"), question
    user = new_user()
    entity = ask(shop.api, shop.robot, NONSENSE, user=user)
    assert kind(entity) == ("DEFAULT", "DEFAULT", "txt")
