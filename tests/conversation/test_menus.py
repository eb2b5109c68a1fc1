"""Seed 004 §1.4.2 and §1.5.5–1.5.6: menu navigation, menu items typed as questions, transfer buttons."""

from __future__ import annotations

from tests.conversation.conftest import MENU_TITLE, SUBMENU_TITLE, Shop
from tests.conversation.helpers import (
    NONSENSE,
    ask,
    chat_session,
    click,
    history,
    kind,
    new_user,
    robot_path,
    rule,
    settings,
)
from tests.support.client import Api, expect_error


def test_menu_two_levels_deep_and_back(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    top = ask(api, robot, "帮助菜单", user=user)
    assert kind(top) == ("BEST_ANSWER", "RULE", "menu") and top["content"]["title"] == MENU_TITLE
    # Level 2: the submenu, answered as a menu click.
    sub = click(api, robot, "orders-menu", user=user)
    assert kind(sub) == ("BEST_ANSWER", "MENU", "menu")
    assert sub["content"]["title"] == SUBMENU_TITLE
    assert (sub["resourceId"], sub["resourceType"]) == ("orders-menu", "RULE")
    assert sub["question"] == ""  # §1.4.2: the request's question echoed (history keeps the label)
    assert sub["sessionId"] == top["sessionId"]
    # The leaf.
    leaf = click(api, robot, "order-status", user=user)
    assert kind(leaf) == ("BEST_ANSWER", "MENU", "txt")
    assert leaf["content"]["msg"] == "进入「我的订单」即可查看订单状态。"
    assert (leaf["resourceId"], leaf["question"]) == ("order-status", "")
    # Back to the top menu by clicking its knowledgeId.
    back = click(api, robot, "help-menu", user=user)
    assert kind(back) == ("BEST_ANSWER", "MENU", "menu")
    assert back["content"]["title"] == MENU_TITLE
    assert [t["knowledgeId"] for t in back["content"]["texts"][:2]] == ["orders-menu", "refund"]
    # The whole walk is in the history, newest first.
    docs = history(api, robot, top["sessionId"])["entity"]
    assert [(d["questionType"], d["knowledgeId"], d["answerMediaType"], d["answerSourceType"]) for d in docs] == [
        ("MENU_CLICK", "help-menu", "menu", "MENU"),
        ("MENU_CLICK", "order-status", "txt", "MENU"),
        ("MENU_CLICK", "orders-menu", "menu", "MENU"),
        ("TEXT", None, "menu", "RULE"),
    ]


def test_a_menu_item_typed_as_a_question(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    ask(api, robot, "帮助菜单", user=user)
    entity = ask(api, robot, "退款说明", user=user)  # the label of an item, not a question of any rule
    assert kind(entity) == ("BEST_ANSWER", "MENU", "txt")
    assert entity["resourceId"] == "refund" and entity["question"] == "退款说明"


def test_the_seeds_menu_click_with_a_question_and_knowledge_id(shop: Shop) -> None:
    """§1.4.2: a typed item may come with its knowledgeId; the knowledgeId decides."""
    api, robot, user = shop.api, shop.robot, new_user()
    ask(api, robot, "帮助菜单", user=user)
    entity = ask(api, robot, "退款说明", user=user, knowledgeId="refund")
    assert kind(entity) == ("BEST_ANSWER", "MENU", "txt") and entity["resourceId"] == "refund"


def test_only_the_last_menu_counts(api: Api) -> None:
    """§1.4.2: an item typed as a question resolves only while that menu is the last answer."""
    robot = api.new_robot()
    api.new_rule(robot, ["退货运费谁出"], "商城承担。", id="return-fee")
    api.new_rule(robot, ["售后菜单"], answers=[{"type": "MENU", "content": {
        "title": "售后", "items": [{"knowledgeId": "return-fee", "text": "第三项"}]}}], id="after-sales-menu")
    api.new_rule(robot, ["发票怎么开"], "确认收货后申请。", id="invoice")
    settings(api, robot, answerThreshold=0.99, recommendThreshold=0.99, menuTransferButton=False)
    click(api, robot, "after-sales-menu")
    assert ask(api, robot, "第三项")["resourceId"] == "return-fee"
    click(api, robot, "after-sales-menu")
    assert click(api, robot, "invoice")["content"]["type"] == "txt"  # a newer answer, not a menu
    stale = ask(api, robot, "第三项")
    assert stale["answerSource"] != "MENU" and stale["resourceId"] is None


def test_the_menu_transfer_button(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    menu = ask(api, robot, "帮助菜单", user=user)
    button = menu["content"]["texts"][-1]
    entity = click(api, robot, button["knowledgeId"], user=user)
    assert kind(entity) == ("BEST_ANSWER", "HUMAN", "human")
    assert entity["subType"] == "HUMAN_MENU_CLICK"
    assert entity["content"]["transferPrompt"] == "正在为您转接人工客服，请稍候。"
    assert entity["question"] == ""
    assert (entity["resourceId"], entity["resourceType"]) == (None, None)
    assert chat_session(api, entity["sessionId"]).handover == "pending"


def test_the_default_reply_transfer_button(shop: Shop) -> None:
    api, robot, user = shop.api, shop.robot, new_user()
    default = ask(api, robot, NONSENSE, user=user)
    entity = click(api, robot, default["content"]["transferToHumanId"], user=user)
    assert kind(entity) == ("BEST_ANSWER", "HUMAN", "human")
    assert entity["subType"] == "HUMAN_DEFAULT_CLICK"
    assert chat_session(api, entity["sessionId"]).handover == "pending"


def test_menu_transfer_buttons_follow_the_settings(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["运费怎么算"], "满 99 元包邮。", id="fee")
    api.new_rule(robot, ["带按钮的菜单"], answers=[{"type": "MENU", "content": {
        "title": "A", "transferToHuman": True, "items": [{"knowledgeId": "fee"}]}}], id="with-button")
    api.new_rule(robot, ["不带按钮的菜单"], answers=[{"type": "MENU", "content": {
        "title": "B", "items": [{"knowledgeId": "fee"}]}}], id="plain")
    settings(api, robot, menuTransferButton=True, transferToHumanLabel="人工服务")
    for menu in ("with-button", "plain"):
        last = click(api, robot, menu)["content"]["texts"][-1]
        assert last["text"] == "人工服务" and last["knowledgeId"].startswith("MenuBtn-TransferToHuman-")
    settings(api, robot, menuTransferButton=False)
    assert click(api, robot, "plain")["content"]["texts"] == [{"knowledgeId": "fee", "text": "运费怎么算"}]


def test_clicking_a_disabled_rule_gives_the_default_reply(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["运费怎么算"], "满 99 元包邮。", id="fee", status="DISABLE")
    entity = click(api, robot, "fee")
    assert kind(entity) == ("DEFAULT", "DEFAULT", "txt") and entity["resourceId"] is None
    assert rule(api, robot, "fee")["hitCount"] == 0


def test_a_menu_click_needs_a_known_knowledge_id(shop: Shop) -> None:
    api, robot = shop.api, shop.robot
    response = api.post(f"{robot_path(robot)}/ask", json={"userId": new_user(), "type": "MENU_CLICK"})
    expect_error(response, 400, "INVALID_PARAMETER")
    response = api.post(f"{robot_path(robot)}/ask", json={"userId": new_user(), "type": "MENU_CLICK",
                                                          "knowledgeId": "no-such-rule"})
    expect_error(response, 404, "KNOWLEDGE_NOT_FOUND")
