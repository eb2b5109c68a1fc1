"""The demo created on the first start: a tenant, an admin and a robot with the shop FAQ."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from huida.context import AppContext
from huida.demo.seed import DEMO_USERNAME, DemoInfo, ensure_demo
from huida.knowledge.models import Rule
from huida.knowledge.service import rule_entity
from huida.materials.models import Media, NewsArticle
from huida.robots.models import Robot
from huida.robots.settings import resolve_settings
from tests.demo.conftest import demo_admin
from tests.materials.imaging import open_image


def demo_rules(ctx: AppContext, robot_id: str) -> dict[str, dict[str, Any]]:
    with ctx.db.session() as session:
        rules = session.scalars(select(Rule).where(Rule.robot_id == robot_id)).all()
        return {rule.rule_id: rule_entity(rule) for rule in rules}


def first_answer(rule: dict[str, Any]) -> dict[str, Any]:
    return rule["answers"][0]


def check_menus(rules: dict[str, dict[str, Any]]) -> None:
    """Some menu leads to menus whose items all lead to answers: two levels."""
    menus = {rid: first_answer(r)["content"] for rid, r in rules.items() if first_answer(r)["type"] == "MENU"}
    tops = [m for m in menus.values() if all(item["knowledgeId"] in menus for item in m["items"])]
    assert tops, "no menu whose items are menus"
    top = tops[0]
    assert top["transferToHuman"] is True and len(top["items"]) >= 2
    for item in top["items"]:
        second = menus[item["knowledgeId"]]
        assert item["text"] and len(second["items"]) >= 2
        for leaf in second["items"]:
            assert leaf["text"] and first_answer(rules[leaf["knowledgeId"]])["type"] not in ("MENU",)


def check_rule_shapes(rules: dict[str, dict[str, Any]]) -> None:
    assert len(rules) >= 20
    types = {first_answer(r)["type"] for r in rules.values()}
    assert {"TEXT", "PIC", "NEWS", "MENU", "HUMAN"} <= types
    for rule in rules.values():
        assert 3 <= len(rule["questionsArray"]) <= 5, rule["questionsArray"]  # standard + 2-4 similar
        assert rule["status"] == "ENABLE" and rule["categoryIds"] != ["default"]
    human = next(first_answer(r)["content"] for r in rules.values() if first_answer(r)["type"] == "HUMAN")
    assert human["transferPrompt"] and human["properties"]


def check_materials(ctx: AppContext, info: DemoInfo, rules: dict[str, dict[str, Any]]) -> None:
    pic = next(first_answer(r)["content"] for r in rules.values() if first_answer(r)["type"] == "PIC")
    news = next(first_answer(r)["content"] for r in rules.values() if first_answer(r)["type"] == "NEWS")
    with ctx.db.session() as session:
        media = session.get(Media, pic["mediaId"])
        assert media is not None and media.tenant_id == info.tenant_id and media.content_type == "image/png"
        assert open_image(media.data).size == (media.width, media.height)
        assert max(open_image(media.thumbnail).size) == 200
        article = session.get(NewsArticle, news["articleIds"][0])
        assert article is not None and article.title and article.digest and "<h2>" in article.html
        assert article.thumb_media_id and session.get(Media, article.thumb_media_id) is not None


def test_first_call_seeds_second_call_does_nothing(fresh_ctx: AppContext) -> None:
    info = ensure_demo(fresh_ctx)
    assert info is not None and info.username == DEMO_USERNAME and len(info.password) >= 12
    rules = demo_rules(fresh_ctx, info.robot_id)
    check_rule_shapes(rules)
    check_menus(rules)
    check_materials(fresh_ctx, info, rules)
    with fresh_ctx.db.session() as session:
        robot = session.scalar(select(Robot).where(Robot.robot_id == info.robot_id))
        assert robot is not None and robot.tenant_id == info.tenant_id
        assert resolve_settings(robot.settings).welcomeText != resolve_settings({}).welcomeText
    assert ensure_demo(fresh_ctx) is None
    assert len(demo_rules(fresh_ctx, info.robot_id)) == len(rules)


def test_admin_logs_in_and_finds_the_demo_rules(fresh_ctx: AppContext) -> None:
    with demo_admin(fresh_ctx) as (http, info):
        rules_url = f"/v10/tenants/{info.tenant_id}/knowledge/robots/{info.robot_id}/rules"
        found = http.get(f"{rules_url}/search", params={"q": "退货", "per_page": 50}).json()
        assert found["status"] == "OK" and found["totalElements"] >= 2
        assert "return-how" in {rule["id"] for rule in found["entity"]}
        pic = http.get(f"{rules_url}/search", params={"type": "PIC"}).json()["entity"][0]
        media_id = pic["answers"][0]["content"]["mediaId"]
        stream = http.get(f"/v10/tenants/{info.tenant_id}/material/medias/{media_id}/stream")
        assert stream.status_code == 200 and stream.headers["content-type"] == "image/png"
        news = http.get(f"{rules_url}/search", params={"type": "NEWS"}).json()["entity"][0]
        article_id = news["answers"][0]["content"]["articleIds"][0]
        page = http.get(f"/v10/tenants/{info.tenant_id}/material/news/articles/{article_id}/html")
        assert page.status_code == 200 and "618" in page.text
