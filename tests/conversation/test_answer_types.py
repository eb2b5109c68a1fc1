"""Seed 004 §1.4–1.5: the ask entity, and every answer type it carries (txt, img, news, menu, human, recommend,
default)."""

from __future__ import annotations

import uuid

import httpx

from tests.conversation.conftest import HUMAN_ANSWERED, MENU_TITLE, Shop
from tests.conversation.helpers import (
    NONSENSE,
    ask,
    click,
    hit_test,
    kind,
    new_user,
    robot_path,
    settings,
)
from tests.support.client import Api


def is_uuid(value: str) -> bool:
    return str(uuid.UUID(value)) == value


def test_text_answer_is_the_seeds_entity(shop: Shop) -> None:
    api, user = shop.api, new_user()
    entity = ask(api, shop.robot, "怎么申请退款", user=user)
    assert entity["question"] == "怎么申请退款"
    assert entity["tag"] is None
    assert (entity["answerType"], entity["answerSource"]) == ("BEST_ANSWER", "RULE")
    assert entity["content"] == {"msg": "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。", "type": "txt"}
    assert entity["dlgFinished"] is False
    assert is_uuid(entity["sessionId"]) and is_uuid(entity["msgId"])
    assert entity["satisfactionCommentInvitation"] is True  # a rule answer, invitation switched on by default
    assert (entity["multiTurnDialogueId"], entity["multiTurnDialogueStarted"],
            entity["multiTurnDialogueFinished"]) == ("", False, False)
    assert (entity["resourceId"], entity["resourceType"], entity["resourceName"]) == ("refund", "RULE", "怎么申请退款")
    rule = api.ok("GET", f"{robot_path(shop.robot)}/rules/refund")
    assert entity["answerId"] == rule["answers"][0]["id"]
    assert (entity["subType"], entity["domain"], entity["intention"], entity["robotIntent"]) == (
        "DEFAULT", "_new_faq_", None, None)
    assert entity["sentimentLabels"] == []


def test_a_similar_question_reaches_the_same_rule(shop: Shop) -> None:
    entity = ask(shop.api, shop.robot, "如何办理退款", user=new_user())
    assert (entity["answerType"], entity["resourceId"]) == ("BEST_ANSWER", "refund")


def test_image_answer(shop: Shop) -> None:
    api = shop.api
    entity = ask(api, shop.robot, "尺码表在哪里看", user=new_user())
    assert kind(entity) == ("BEST_ANSWER", "RULE", "img")
    media_id = shop.media["id"]
    link = entity["content"].pop("link")
    assert entity["content"] == {"size": {"width": 360, "height": 240}, "url": media_id, "filename": "尺码表.png",
                                 "type": "img"}  # §1.5.1: the seed's id in url
    assert link.startswith(f"/v10/tenants/{api.tenant_id}/material/medias/{media_id}/stream")
    image = httpx.get(api.server.base_url + link)  # no token: a visitor's browser opens it
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content == api.get(shop.media["url"]).content


def test_news_answer(shop: Shop) -> None:
    api = shop.api
    entity = ask(api, shop.robot, "最近有什么优惠活动", user=new_user())
    assert kind(entity) == ("BEST_ANSWER", "RULE", "news")
    [article] = entity["content"]["articles"]
    prefix = f"/v10/tenants/{api.tenant_id}/material"
    assert article["title"] == "618 年中大促"
    assert article["digest"] == article["description"] == "全场低至 5 折"
    assert (article["url"], article["thumbUrl"], article["picurl"]) == (shop.article["id"], shop.thumb["id"],
                                                                        shop.thumb["id"])  # §1.5.2: the seed's ids
    assert article["link"].startswith(f"{prefix}/news/articles/{shop.article['id']}/html")
    assert article["thumbLink"].startswith(f"{prefix}/medias/{shop.thumb['id']}/stream/thumbnail")
    assert article["picLink"].startswith(f"{prefix}/medias/{shop.thumb['id']}/stream")
    assert article["createdTime"] > 0 and len(article["date"]) == len("2017-12-26 17:31:36")
    page = httpx.get(api.server.base_url + article["link"])
    assert page.status_code == 200 and "全场低至 5 折" in page.text
    assert httpx.get(api.server.base_url + article["thumbLink"]).status_code == 200
    assert httpx.get(api.server.base_url + article["picLink"]).status_code == 200


def test_menu_answer_with_the_transfer_button(shop: Shop) -> None:
    entity = ask(shop.api, shop.robot, "帮助菜单", user=new_user())
    assert kind(entity) == ("BEST_ANSWER", "RULE", "menu")
    assert (entity["resourceId"], entity["resourceType"]) == ("help-menu", "RULE")
    content = entity["content"]
    assert content["title"] == content["titile"] == MENU_TITLE  # the seed's misspelt copy too
    *items, button = content["texts"]
    assert items == [{"knowledgeId": "orders-menu", "text": "订单与物流"},
                     {"knowledgeId": "refund", "text": "退款说明"}]
    assert button["text"] == "转人工"
    assert button["knowledgeId"].startswith("MenuBtn-TransferToHuman-")
    assert is_uuid(button["knowledgeId"].removeprefix("MenuBtn-TransferToHuman-"))


def test_a_menu_item_without_a_label_shows_the_rules_standard_question(shop: Shop) -> None:
    entity = ask(shop.api, shop.robot, "订单与物流", user=new_user())
    texts = entity["content"]["texts"]
    assert texts[:2] == [{"knowledgeId": "order-status", "text": "查询订单状态"},
                         {"knowledgeId": "shipping-fee", "text": "运费怎么算"}]


def test_human_answer_from_a_rule(shop: Shop) -> None:
    entity = ask(shop.api, shop.robot, "我要找售后专员", user=new_user())
    assert kind(entity) == ("BEST_ANSWER", "RULE", "human")
    assert entity["content"] == {**HUMAN_ANSWERED, "type": "human"}
    assert (entity["resourceId"], entity["resourceType"], entity["subType"]) == ("after-sales", "RULE", "DEFAULT")


def test_default_reply_with_the_transfer_button(shop: Shop) -> None:
    entity = ask(shop.api, shop.robot, NONSENSE, user=new_user())
    assert kind(entity) == ("DEFAULT", "DEFAULT", "txt")
    content = entity["content"]
    assert content["msg"] == "抱歉，我没能理解您的问题。您可以换个说法再问，或者转人工客服。"
    assert content["suggestionTransferToHumanLabel"] == "转人工"
    assert content["transferToHumanId"].startswith("DefaultBtn-TransferToHuman-")
    assert is_uuid(content["transferToHumanId"].removeprefix("DefaultBtn-TransferToHuman-"))
    assert (entity["resourceId"], entity["resourceType"], entity["subType"], entity["domain"]) == (
        None, None, "DEFAULT", "_default_dm_")
    assert entity["satisfactionCommentInvitation"] is False


def test_default_reply_texts_and_button_follow_the_settings(own_shop: Shop) -> None:
    api, robot = own_shop.api, own_shop.robot
    settings(api, robot, defaultReply="这个问题我还不会。", transferToHumanLabel="找客服")
    content = ask(api, robot, NONSENSE)["content"]
    assert (content["msg"], content["suggestionTransferToHumanLabel"]) == ("这个问题我还不会。", "找客服")
    assert ask(api, robot, "帮助菜单")["content"]["texts"][-1]["text"] == "找客服"
    settings(api, robot, defaultReplyTransferButton=False)
    assert ask(api, robot, NONSENSE)["content"] == {"msg": "这个问题我还不会。", "type": "txt"}


def test_recommended_questions(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["怎么申请退款"], "在订单详情页申请。", id="refund-apply")
    api.new_rule(robot, ["退款多久到账"], "1-3 个工作日。", id="refund-time")
    api.new_rule(robot, ["发票怎么开"], "确认收货后申请。", id="invoice")
    candidates = hit_test(api, robot, "退款")["candidates"]
    scores = {c["ruleId"]: c["score"] for c in candidates}
    assert {"refund-apply", "refund-time"} <= set(scores)
    best, second = candidates[0]["score"], min(scores["refund-apply"], scores["refund-time"])
    assert best < 1
    settings(api, robot, answerThreshold=(best + 1) / 2, recommendThreshold=second / 2,
             recommendTitle="您可能想问：")
    entity = ask(api, robot, "退款")
    assert kind(entity) == ("RECOMMENDATE_QUESTIONS", "RECOMMENDATE", "recommend")
    content = entity["content"]
    assert content["title"] == "您可能想问："
    offered = [item["knowledgeId"] for item in content["texts"]]
    assert offered[:2] == [c["ruleId"] for c in candidates[:2]]  # best first
    assert {"refund-apply", "refund-time"} <= set(offered)
    standard = {"refund-apply": "怎么申请退款", "refund-time": "退款多久到账", "invoice": "发票怎么开"}
    assert all(item["text"] == standard[item["knowledgeId"]] for item in content["texts"])
    assert (entity["resourceId"], entity["resourceType"]) == (None, None)
    # Clicking a recommendation answers with its rule (a menu click, §1.4.2).
    picked = click(api, robot, "refund-time")
    assert kind(picked) == ("BEST_ANSWER", "MENU", "txt") and picked["resourceId"] == "refund-time"
    assert picked["question"] == ""  # §1.4.2: the request's question echoed (history keeps the label)
    # At most recommendMax questions.
    settings(api, robot, recommendMax=1)
    assert len(ask(api, robot, "退款", user="another")["content"]["texts"]) == 1


def test_question_type_is_case_insensitive(shop: Shop) -> None:
    entity = ask(shop.api, shop.robot, "怎么申请退款", user=new_user(), type="text")
    assert entity["resourceId"] == "refund"


def test_at_most_five_recommendations_by_default(api: Api) -> None:
    robot = api.new_robot()
    for n, question in enumerate(["退款申请流程", "退款多久到账", "退款到哪里了", "退款失败怎么办",
                                  "退款可以取消吗", "退款运费谁出", "退款要手续费吗"]):
        api.new_rule(robot, [question], f"答案 {n}", id=f"refund-{n}")
    candidates = hit_test(api, robot, "退款", top_k=10)["candidates"]
    assert len(candidates) == 7 and candidates[0]["score"] < 1
    settings(api, robot, answerThreshold=(candidates[0]["score"] + 1) / 2,
             recommendThreshold=candidates[-1]["score"] / 2)
    entity = ask(api, robot, "退款")
    assert kind(entity) == ("RECOMMENDATE_QUESTIONS", "RECOMMENDATE", "recommend")
    assert [item["knowledgeId"] for item in entity["content"]["texts"]] == [c["ruleId"] for c in candidates[:5]]


def test_video_and_audio_answers_carry_their_url(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["安装视频"], answers=[{"type": "VIDEO", "content": {"url": "https://cdn.example.com/a.mp4"}}],
                 id="install-video")
    api.new_rule(robot, ["语音说明"], answers=[{"type": "AUDIO", "content": {"url": "https://cdn.example.com/b.mp3"}}],
                 id="voice-guide")
    video = click(api, robot, "install-video")
    assert kind(video) == ("BEST_ANSWER", "MENU", "video") and video["resourceId"] == "install-video"
    assert video["content"] == {"url": "https://cdn.example.com/a.mp4", "type": "video"}
    audio = click(api, robot, "voice-guide")
    assert audio["content"] == {"url": "https://cdn.example.com/b.mp3", "type": "audio"}


def test_a_rule_that_sends_all_its_answers_answers_with_a_group(api: Api) -> None:
    robot = api.new_robot()
    vip = [{"type": "BUSINESS", "labels": ["VIP"]}]
    rule = api.new_rule(robot, ["营业时间"], answerMode="all", answers=[
        {"type": "TEXT", "answer": "每天 9:00-21:00。"},
        {"type": "TEXT", "answer": "节假日照常营业。"},
        {"type": "TEXT", "answer": "VIP 专线 24 小时。", "strategies": vip},
    ], id="hours")
    assert rule["answerMode"] == "ALL"
    entity = ask(api, robot, "营业时间", user=new_user())
    assert kind(entity) == ("BEST_ANSWER", "RULE", "group") and entity["resourceId"] == "hours"
    assert entity["content"]["answers"] == [{"msg": "每天 9:00-21:00。", "type": "txt"},
                                            {"msg": "节假日照常营业。", "type": "txt"}]  # §9.4: no VIP label
    vip_entity = ask(api, robot, "营业时间", user=new_user(), strategyTransData={"labels": ["VIP"]})
    assert vip_entity["content"] == {"msg": "VIP 专线 24 小时。", "type": "txt"}  # one allowed: no group of one
    # One answer (the default mode) is never a group.
    api.ok("PUT", f"/knowledge/robots/{robot}/rules/hours", json={**rule, "answerMode": "ONE"})
    assert ask(api, robot, "营业时间", user=new_user())["content"]["type"] == "txt"
    bad = api.post(f"/knowledge/robots/{robot}/rules", json={"questions": ["x"], "answer": "y", "answerMode": "SOME"})
    assert bad.status_code == 400
