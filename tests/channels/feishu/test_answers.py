"""Every answer type rendered on Feishu, menu and transfer buttons clicked through card callbacks, handover
events, thumbs buttons."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.channels.feishu.conftest import PUBLIC_BASE_URL
from tests.channels.feishu.helpers import Bot, bind, message_id, new_user
from tests.conversation.conftest import MENU_TITLE, SUBMENU_TITLE, Shop
from tests.conversation.helpers import NONSENSE, answer_exact_questions, hit_test, png, robot_path, settings
from tests.fake_feishu import FakeFeishu, buttons, card_action_event, card_texts
from tests.support.client import Api
from tests.support.receiver import Receiver, wait_until

REFUND = "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。"
PROMPT = "好的，马上为您接通售后专员。"


@pytest.fixture
def bot(shop: Shop, fake: FakeFeishu) -> Bot:
    return bind(shop.api, fake, shop.robot)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as live:
        yield live


def labels(card: dict) -> list[str]:
    return [label for label, _value, _url in buttons(card)]


def test_text(bot: Bot) -> None:
    reply = bot.reply(bot.say("怎么申请退款"))
    assert reply.msg_type == "text" and reply.content == {"text": REFUND}


def test_image_is_uploaded_once(bot: Bot, shop: Shop) -> None:
    first = bot.reply(bot.say("尺码表在哪里看"))
    second = bot.reply(bot.say("尺码表在哪里看"))
    assert first.msg_type == second.msg_type == "image"
    key = first.content["image_key"]
    assert second.content["image_key"] == key
    assert bot.fake.state.images[key] == png(360, 240)
    uploads = bot.fake.requests("/im/v1/images", app_id=bot.app.app_id)
    assert len(uploads) == 1
    assert b'name="image_type"' in uploads[0].body and b"message" in uploads[0].body


def test_news_card(bot: Bot, shop: Shop) -> None:
    reply = bot.reply(bot.say("最近有什么优惠活动"))
    assert reply.msg_type == "interactive"
    card = reply.content
    assert card["schema"] == "2.0" and card["header"]["title"]["content"] == "618 年中大促"
    assert "全场低至 5 折" in card_texts(card)
    link = next(url for label, _v, url in buttons(card) if label == "查看详情")
    article = f"/v10/tenants/{shop.api.tenant_id}/material/news/articles/{shop.article['id']}/html"
    assert link.startswith(PUBLIC_BASE_URL + article + "?expires=")  # signed: a visitor in Feishu has no token
    opened = httpx.get(shop.api.server.base_url + link.removeprefix(PUBLIC_BASE_URL))
    assert opened.status_code == 200 and "全场低至 5 折" in opened.text
    assert labels(card)[-2:] == ["👍 有帮助", "👎 没帮助"]  # a rule answer


def test_menu_card_and_clicks(bot: Bot) -> None:
    user = new_user()
    menu = bot.reply(bot.say("帮助菜单", user=user))
    assert menu.msg_type == "interactive"
    assert menu.content["header"]["title"]["content"] == MENU_TITLE
    assert labels(menu.content) == ["订单与物流", "退款说明", "转人工"]
    # A click answers at once with a toast, then with the new message as a reply to the card.
    clicked = bot.click(menu, "退款说明", user)
    assert clicked.status_code == 200
    assert clicked.json()["toast"]["type"] == "success" and "退款说明" in clicked.json()["toast"]["content"]
    assert bot.reply(menu.message_id).content == {"text": REFUND}
    # Menus nest: the submenu's card, and its item.
    bot.click(menu, "订单与物流", user)
    submenu = wait_until(lambda: next((s for s in bot.fake.replies_to(menu.message_id)
                                       if s.msg_type == "interactive"), None), message="the submenu")
    assert submenu.content["header"]["title"]["content"] == SUBMENU_TITLE
    assert labels(submenu.content) == ["查询订单状态", "运费怎么算"]  # only the top menu asks for 转人工
    bot.click(submenu, "查询订单状态", user)
    assert bot.reply(submenu.message_id).content == {"text": "进入「我的订单」即可查看订单状态。"}


def test_a_click_delivered_twice_answers_once(bot: Bot) -> None:
    user = new_user()
    menu = bot.reply(bot.say("帮助菜单", user=user))
    first = bot.click(menu, "退款说明", user, event_id="click-event-" + user)
    again = bot.click(menu, "退款说明", user, event_id="click-event-" + user)
    assert first.status_code == again.status_code == 200
    bot.reply(menu.message_id)
    assert [r["kind"] for r in bot.settled()] == ["click", "message"]
    assert len(bot.fake.replies_to(menu.message_id)) == 1


def test_default_reply_has_a_transfer_button(bot: Bot) -> None:
    user = new_user()
    reply = bot.reply(bot.say(NONSENSE, user=user))
    assert reply.msg_type == "interactive"
    assert card_texts(reply.content)[0].startswith("抱歉")
    assert labels(reply.content) == ["转人工"]
    bot.click(reply, "转人工", user)
    assert bot.reply(reply.message_id).content == {"text": "正在为您转接人工客服，请稍候。"}


def test_recommendations_card(fapi: Api, fake: FakeFeishu) -> None:
    robot = fapi.new_robot()
    fapi.new_rule(robot, ["怎么申请退款"], "在订单详情页申请。", id="refund-apply")
    fapi.new_rule(robot, ["退款多久到账"], "1-3 个工作日。", id="refund-time")
    fapi.new_rule(robot, ["发票怎么开"], "确认收货后申请。", id="invoice")
    candidates = hit_test(fapi, robot, "退款")["candidates"]
    scores = {c["ruleId"]: c["score"] for c in candidates}
    second = min(scores["refund-apply"], scores["refund-time"])
    settings(fapi, robot, answerThreshold=(candidates[0]["score"] + 1) / 2, recommendThreshold=second / 2,
             recommendTitle="您可能想问：")
    bot, user = bind(fapi, fake, robot), new_user()
    card = bot.reply(bot.say("退款", user=user))
    assert card.content["header"]["title"]["content"] == "您可能想问："
    assert {"怎么申请退款", "退款多久到账"} <= set(labels(card.content))
    bot.click(card, "退款多久到账", user)
    assert bot.reply(card.message_id).content == {"text": "1-3 个工作日。"}


def test_handover_replies_the_prompt_and_emits_the_webhook_event_once(fapi: Api, fake: FakeFeishu,
                                                                       receiver: Receiver) -> None:
    robot = fapi.new_robot()
    human = {"type": "HUMAN", "content": {"transferPrompt": PROMPT, "properties": {"skillGroup": "售后"}}}
    fapi.ok("POST", f"{robot_path(robot)}/rules", json={"id": "after-sales", "questions": ["我要找售后专员"],
                                                         "answers": [human]})
    fapi.new_rule(robot, ["怎么申请退款"], REFUND, id="refund")
    answer_exact_questions(fapi, robot, {"我要找售后专员": "after-sales", "怎么申请退款": "refund"}, [NONSENSE])
    fapi.ok("POST", f"/robots/{robot}/webhooks", json={"url": receiver.url(), "secret": "receiver-secret",
                                                       "events": ["transfer-human"]})
    bot, user = bind(fapi, fake, robot), new_user()
    payload = bot.say("我要找售后专员", user=user)
    assert bot.reply(payload).content == {"text": PROMPT}
    hit = wait_until(lambda: receiver.hits_on("/hook"), message="the transfer-human event")[0]
    event = json.loads(hit.body)
    assert hit.event == "transfer-human" and event["event"] == "transfer-human"
    assert (event["channel"], event["userId"], event["robotId"]) == ("feishu", user, robot)
    assert event["feishu"]["messageId"] == message_id(payload) and event["feishu"]["channelId"] == bot.channel_id
    assert event["content"]["properties"] == [{"name": "skillGroup", "value": "售后"}]
    assert event["msgId"] == bot.settled()[0]["msgId"]
    # The default reply's button leads there too (another handover, another event).
    default = bot.reply(bot.say(NONSENSE, user=user))
    bot.click(default, "转人工", user)
    bot.reply(default.message_id)
    wait_until(lambda: len(receiver.hits_on("/hook")) == 2, message="the second event")
    bot.settled()
    assert len(receiver.hits_on("/hook")) == 2


def test_thumbs_clicks_record_feedback(bot: Bot, shop: Shop, other_fapi: Api) -> None:
    user = new_user()
    news = bot.reply(bot.say("最近有什么优惠活动", user=user))
    msg_id = bot.settled()[0]["msgId"]
    path = f"{robot_path(shop.robot)}/messages/{msg_id}/feedback"
    answer = bot.click(news, "👎 没帮助", user).json()["toast"]
    assert answer["type"] == "success" and answer["content"] == "感谢您的反馈！"
    recorded = shop.api.ok("GET", path)
    assert recorded["feedbackStatus"] == "thumb-down" and recorded["current"]["userId"] == user
    bot.click(news, "👍 有帮助", user)
    assert shop.api.ok("GET", path)["feedbackStatus"] == "thumb-up"
    # A button that does not point at an answer of this robot records nothing.
    other_robot = other_fapi.new_robot()
    for value in ({"a": "fb", "m": "not-a-message", "s": "thumb-up"}, {"a": "fb", "m": msg_id, "s": "love"},
                  {"a": "fb", "m": "x" * 100, "s": "thumb-up"}):
        forged = bot.send(card_action_event(bot.app, value=value, open_id=user, message_id=news.message_id,
                                            chat_id=news.chat_id))
        assert forged.json()["toast"]["type"] == "error"
    another = bind(other_fapi, bot.fake, other_robot)
    clicked = another.send(card_action_event(another.app, value={"a": "fb", "m": msg_id, "s": "thumb-down"},
                                             open_id=user, message_id=news.message_id, chat_id=news.chat_id))
    assert clicked.json()["toast"]["type"] == "error"
    assert shop.api.ok("GET", path)["feedbackStatus"] == "thumb-up"


def test_thumbs_on_text_answers_when_asked(shop: Shop, fake: FakeFeishu) -> None:
    bot = bind(shop.api, fake, shop.robot, feedbackOnText=True)
    reply = bot.reply(bot.say("怎么申请退款"))
    assert reply.msg_type == "interactive"
    assert card_texts(reply.content)[0] == REFUND and labels(reply.content) == ["👍 有帮助", "👎 没帮助"]
    # Not on the default reply, which is not a rule answer.
    assert labels(bot.reply(bot.say(NONSENSE)).content) == ["转人工"]
