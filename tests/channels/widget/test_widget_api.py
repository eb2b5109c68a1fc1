"""The widget's API through the real server: a visitor welcomes, asks, clicks, rates and reads its own history;
nothing more, and nothing of another visitor; a revoked key or a foreign origin stops at once."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.channels.widget.conftest import Shop
from tests.channels.widget.helpers import ORIGIN, demo_robot, new_key, visitor
from tests.support.client import expect_error, new_tenant
from tests.support.server import start_server


def test_welcome_with_its_menu_and_the_menu_click(shop: Shop) -> None:
    me = shop.visitor().start()
    welcome = me.ok("POST", "/welcome")
    assert welcome["answerType"] == "WELCOME" and welcome["content"]["type"] == "txt"
    assert "小答" in welcome["content"]["msg"]
    menu = welcome["menu"]
    assert menu["type"] == "menu" and menu["title"] == "请问您想了解哪方面的问题？"
    ids = [item["knowledgeId"] for item in menu["texts"]]
    assert ids[0].startswith("menu-") and ids[-1].startswith("MenuBtn-TransferToHuman")  # the transfer button, last
    sub = me.click(ids[0])
    assert sub["content"]["type"] == "menu" and sub["msgId"] and sub["sessionId"]
    answer = me.click(sub["content"]["texts"][0]["knowledgeId"])
    assert answer["content"]["type"] == "txt" and answer["answerSource"] in ("MENU", "RULE")
    handover = me.click(ids[-1])  # the menu's transfer button
    assert handover["content"]["type"] == "human" and handover["content"]["transferPrompt"]


def test_answers_of_every_kind_and_images_open_without_a_token(shop: Shop) -> None:
    me = shop.visitor().start()
    assert me.ask("怎么查询订单状态？")["content"]["msg"].startswith("登录后进入")
    picture = me.ask("尺码表")["content"]
    assert picture["type"] == "img" and picture["link"] and "signature=" in picture["link"]
    image = httpx.get(shop.api.server.base_url + picture["link"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    news = me.ask("618 有什么活动")["content"]
    assert news["type"] == "news" and news["articles"][0]["title"].startswith("618")
    assert httpx.get(shop.api.server.base_url + news["articles"][0]["link"]).status_code == 200
    assert me.ask("我要投诉")["content"]["type"] == "human"
    default = me.ask("量子色动力学的渐近自由")["content"]
    assert default["type"] in ("txt", "recommend")
    expect_error(me.call("POST", "/ask", json={"question": "  "}), 400)
    expect_error(me.call("POST", "/ask", json={"type": "MENU_CLICK"}), 400)
    expect_error(me.call("POST", "/ask", json={"question": "x" * 2001}), 400)


def test_thumbs_and_satisfaction_reach_the_tenant(shop: Shop) -> None:
    me = shop.visitor().start()
    answer = me.ask("怎么查询订单状态？")
    down = me.ok("POST", f"/messages/{answer['msgId']}/feedback",
                 json={"feedbackStatus": "thumb-down", "feedback": "没说清楚在哪里"})
    assert down["feedbackStatus"] == "thumb-down" and down["feedback"] == "没说清楚在哪里"
    seen = shop.api.ok("GET", f"/knowledge/robots/{shop.robot}/messages/{answer['msgId']}/feedback")
    assert seen["feedbackStatus"] == "thumb-down" and seen["feedback"] == "没说清楚在哪里"
    rated = me.ok("POST", "/satisfaction", json={"msgId": answer["msgId"], "type": 1, "comment": "谢谢"})
    assert rated["type"] == 1
    listed = shop.api.ok("GET", f"/comment/robots/{shop.robot}/session/{answer['sessionId']}/satisfactionComments")
    assert [r["type"] for r in listed] == [1]
    expect_error(me.call("POST", f"/messages/{answer['msgId']}/feedback", json={"feedbackStatus": "meh"}), 400)
    expect_error(me.call("POST", "/satisfaction", json={"msgId": answer["msgId"], "type": 3}), 400)


def test_history_is_the_visitors_own(shop: Shop) -> None:
    me, stranger = shop.visitor().start(), shop.visitor().start()
    first, second = me.ask("怎么查询订单状态？"), me.ask("尺码表")
    history = me.ok("GET", "/history")
    assert [d["msgId"] for d in history] == [first["msgId"], second["msgId"]]  # oldest first
    assert history[0]["question"] == "怎么查询订单状态？" and history[1]["robotResponseBody"]["type"] == "img"
    assert "signature=" in history[1]["robotResponseBody"]["link"]
    assert {d["feedbackStatus"] for d in history} == {"none"}
    me.ok("POST", f"/messages/{first['msgId']}/feedback", json={"feedbackStatus": "thumb-up"})
    assert me.ok("GET", "/history")[0]["feedbackStatus"] == "thumb-up"
    assert stranger.ok("GET", "/history") == []
    # The stranger can neither rate my answers nor pass as me.
    expect_error(stranger.call("POST", f"/messages/{first['msgId']}/feedback", json={"feedbackStatus": "thumb-up"}),
                 404)
    expect_error(stranger.call("POST", "/satisfaction", json={"msgId": first["msgId"], "type": 1}), 404)
    forged = f"{me.visitor_id}.{stranger.token.partition('.')[2]}"
    expect_error(stranger.call("GET", "/history", headers={"X-Huida-Visitor-Token": forged}), 401,
                 "VISITOR_TOKEN_INVALID")
    # My id cannot be claimed again for a new token.
    expect_error(stranger.call("POST", "/visitors", json={"visitorId": me.visitor_id}), 409, "VISITOR_TAKEN")
    # An API user of the same id is someone else: the open API's conversation is not in my history.
    shop.api.ok("POST", f"/knowledge/robots/{shop.robot}/ask", json={"userId": me.visitor_id, "question": "尺码表"})
    assert len(me.ok("GET", "/history")) == 2


def test_credentials(shop: Shop) -> None:
    me = shop.visitor()
    expect_error(me.call("POST", "/welcome"), 401, "VISITOR_TOKEN_REQUIRED")  # no visitor token yet
    expect_error(me.call("POST", "/visitors", json={"visitorId": "short"}), 400, "INVALID_VISITOR_ID")
    expect_error(me.call("POST", "/visitors", json={"visitorId": "../../etc/passwd-000000"}), 400)
    me.start()
    expect_error(me.call("POST", "/welcome", headers={"X-Huida-Widget-Key": "hwk_nope"}), 401, "WIDGET_KEY_INVALID")
    expect_error(me.call("POST", "/welcome", headers={"X-Huida-Robot": "another-robot"}), 403, "KEY_ROBOT_MISMATCH")
    # A token of this visitor for another robot's key opens nothing there.
    other = new_key(shop.api, shop.api.new_robot("另一个"))
    expect_error(visitor(shop.api, other["key"], token=me.token).call("GET", "/history"), 401)
    # A key grants nothing of the tenant's API.
    expect_error(me.http.get(f"/v10/tenants/{shop.api.tenant_id}/robots", headers={"token": me.key}), 401)


def test_a_revoked_key_stops_at_once(shop: Shop) -> None:
    me = shop.visitor().start()
    me.ask("尺码表")
    shop.api.ok("DELETE", f"/robots/{shop.robot}/widget-keys/{shop.key['id']}")
    expect_error(me.call("POST", "/ask", json={"question": "尺码表"}), 401, "WIDGET_KEY_INVALID")
    expect_error(me.call("GET", "/history"), 401)


def test_origins_and_cors(shop: Shop) -> None:
    me = shop.visitor().start()
    allowed = me.call("POST", "/welcome")
    assert allowed.headers["access-control-allow-origin"] == ORIGIN and "Origin" in allowed.headers["vary"]
    refused = me.call("POST", "/welcome", headers={"Origin": "https://evil.example"})
    body = expect_error(refused, 403, "ORIGIN_NOT_ALLOWED")
    assert "evil.example" in body["errorDescription"] and "access-control-allow-origin" not in refused.headers
    expect_error(me.call("POST", "/welcome", headers={"Origin": "null"}), 403, "ORIGIN_NOT_ALLOWED")
    expect_error(me.call("POST", "/welcome", headers={"Origin": "https://shop.example.evil.example"}), 403)
    # Errors of an allowed origin carry the header too (the widget reads them).
    error = me.call("POST", "/ask", json={})
    assert error.status_code == 400 and error.headers["access-control-allow-origin"] == ORIGIN
    # Preflights: an origin some live key lists, and no other.
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-huida-widget-key,x-huida-visitor-token"}
    answer = me.http.options("/widget/v1/ask", headers=preflight)
    assert answer.status_code == 204 and answer.headers["access-control-allow-origin"] == ORIGIN
    assert "x-huida-visitor-token" in answer.headers["access-control-allow-headers"]
    foreign = me.http.options("/widget/v1/ask", headers={**preflight, "Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "access-control-allow-origin" not in foreign.headers
    assert foreign.json()["errorCode"] == "ORIGIN_NOT_ALLOWED"


def test_widget_js_is_served_with_cache_headers(shop: Shop) -> None:
    http = shop.visitor().http
    script = http.get("/widget.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "max-age" in script.headers["cache-control"] and script.headers["etag"]
    assert "attachShadow" in script.text and script.headers["content-encoding"] == "gzip"  # httpx asks for gzip
    assert int(script.headers["content-length"]) < 30 * 1024 < len(script.content) * 2
    plain = http.get("/widget.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == script.content
    assert http.get("/widget.js", headers={"If-None-Match": script.headers["etag"]}).status_code == 304


def test_rate_limits_per_visitor_and_per_key(tmp_path: Path) -> None:
    """Own server (SQLite), limits lowered: 429 with Retry-After, per visitor first, then for the whole key."""
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    with start_server(url, tmp_path, run_worker=False, widget_visitor_per_minute=3,
                      widget_key_per_minute=8) as live, new_tenant(live) as api:
        key = new_key(api, demo_robot(api))["key"]
        me = visitor(api, key).start()
        for _ in range(3):
            me.ok("POST", "/welcome")
        limited = me.call("POST", "/welcome")
        expect_error(limited, 429, "RATE_LIMITED")
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert limited.headers["access-control-allow-origin"] == ORIGIN  # the widget can read when to retry
        # The key's count: 1 token + 4 welcomes so far (the refused one counted); 2 tokens and 1 welcome more.
        others = [visitor(api, key).start() for _ in range(2)]
        others[0].ok("POST", "/welcome")
        whole_key = expect_error(others[1].call("POST", "/welcome"), 429, "RATE_LIMITED")
        assert "widget key" in whole_key["errorDescription"]
        expect_error(visitor(api, key).call("POST", "/visitors", json={"visitorId": "x" * 20}), 429)
