"""News articles: CRUD, the sanitised HTML page, references to media, and bad input."""

from __future__ import annotations

import httpx
import pytest

from huida.materials.schemas import MAX_HTML
from tests.materials.imaging import picture
from tests.support.client import Api, expect_error

ARTICLES = "/material/news/articles"

HOSTILE_HTML = """<h2>标题</h2>
<p style="color: red; position: fixed">正文 <strong>加粗</strong> <a href="https://example.com/a">链接</a></p>
<script>alert('xss')</script>
<img src="/static/pic.png" alt="图" onerror="alert(1)">
<a href="javascript:alert(2)">坏链接</a>
<iframe src="https://evil.example.com"></iframe>
<div onclick="steal()" onmouseover="steal()">悬停</div>
<svg onload="alert(3)"><circle r="5"/></svg>
<form action="https://evil.example.com"><input name="password"></form>
<style>body { display: none }</style>
<ul><li>一</li><li>二</li></ul>
<table><tr><td>单元格</td></tr></table>
"""


def new_media(api: Api) -> str:
    return api.ok("POST", "/material/medias", content=picture("PNG"))["id"]


def new_article(api: Api, **fields: object) -> dict:
    return api.ok("POST", ARTICLES, json={"title": "图文消息测试", "digest": "摘要", **fields})


def test_create_read_update_delete(api: Api) -> None:
    thumb = new_media(api)
    entity = new_article(api, html="<p>正文</p>", thumbMediaId=thumb, url="https://shop.example.com/618")
    article_id = entity["id"]
    assert entity["title"] == "图文消息测试" and entity["digest"] == "摘要" and entity["html"] == "<p>正文</p>"
    assert entity["htmlUrl"] == f"/v10/tenants/{api.tenant_id}/material/news/articles/{article_id}/html"
    assert entity["thumbUrl"] == f"/v10/tenants/{api.tenant_id}/material/medias/{thumb}/stream/thumbnail"
    assert entity["picUrl"] == f"/v10/tenants/{api.tenant_id}/material/medias/{thumb}/stream"
    assert entity["url"] == "https://shop.example.com/618" and entity["createDateTime"]
    assert api.ok("GET", f"{ARTICLES}/{article_id}") == entity

    pic = new_media(api)
    changed = api.ok("PUT", f"{ARTICLES}/{article_id}",
                     json={**entity, "title": " 新标题 ", "content": "ignored", "html": "<p>新正文</p>",
                           "picMediaId": pic})
    assert changed["title"] == "新标题" and changed["html"] == "<p>新正文</p>"
    assert changed["picUrl"].endswith(f"/medias/{pic}/stream")
    assert changed["thumbUrl"].endswith(f"/medias/{thumb}/stream/thumbnail")
    assert changed["updatedTime"] > entity["updatedTime"] and changed["createdTime"] == entity["createdTime"]

    assert api.ok("DELETE", f"{ARTICLES}/{article_id}") is True
    expect_error(api.get(f"{ARTICLES}/{article_id}"), 404, "ARTICLE_NOT_FOUND")
    expect_error(api.get(f"{ARTICLES}/{article_id}/html"), 404, "ARTICLE_NOT_FOUND")


def test_content_is_an_alias_of_html(api: Api) -> None:
    assert new_article(api, content="<p>来自 content</p>")["html"] == "<p>来自 content</p>"
    assert new_article(api)["html"] == ""


def test_html_is_sanitised_on_the_way_in(api: Api) -> None:
    entity = new_article(api, html=HOSTILE_HTML)
    stored = entity["html"]
    for gone in ("<script", "alert(", "onerror", "onclick", "onmouseover", "onload", "javascript:", "<iframe",
                 "evil.example.com", "<svg", "<form", "<input", "<style", "display: none", "position"):
        assert gone not in stored, gone
    for kept in ("<h2>标题</h2>", "<strong>加粗</strong>", 'href="https://example.com/a"', "color:red",
                 '<img src="/static/pic.png" alt="图">', "<li>一</li>", "<td>单元格</td>", ">坏链接</a>"):
        assert kept in stored, kept


def test_html_page(api: Api) -> None:
    entity = new_article(api, title="<b>618</b> 大促", html=HOSTILE_HTML, url="https://shop.example.com/a?b=1&c=2")
    response = api.get(entity["htmlUrl"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    page = response.text
    assert page.startswith("<!DOCTYPE html>") and "<title>&lt;b&gt;618&lt;/b&gt; 大促</title>" in page
    assert "<strong>加粗</strong>" in page and "<script" not in page and "onerror" not in page
    assert 'href="https://shop.example.com/a?b=1&amp;c=2"' in page
    etag = response.headers["etag"]
    assert api.get(entity["htmlUrl"], headers={"if-none-match": etag}).status_code == 304
    api.ok("PUT", f"{ARTICLES}/{entity['id']}", json={"title": "改过了", "html": "<p>新</p>"})
    fresh = api.get(entity["htmlUrl"], headers={"if-none-match": etag})
    assert fresh.status_code == 200 and "改过了" in fresh.text


def test_list_pages(api: Api) -> None:
    ids = [new_article(api, title=f"文章 {i}")["id"] for i in range(3)]
    body = api.get(ARTICLES, params={"page": 0, "size": 2}).json()
    assert (body["totalElements"], body["totalPages"], body["numberOfElements"], body["first"]) == (3, 2, 2, True)
    rest = api.get(ARTICLES, params={"page": 1, "size": 2}).json()
    assert sorted(a["id"] for a in body["entity"] + rest["entity"]) == sorted(ids)
    expect_error(api.get(ARTICLES, params={"page": 10**30}), 400, "INVALID_PARAMETER")
    assert api.get(ARTICLES, params={"page": 1_000_000, "size": 1000}).json()["entity"] == []


@pytest.mark.parametrize("body, fragment", [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": None}, "title"),
    ({"title": 5}, "title"),
    ({"title": "x" * 501}, "title"),
    ({"title": "ok", "digest": "x" * 2001}, "digest"),
    ({"title": "ok", "html": "x" * (MAX_HTML + 1)}, "html"),
    ({"title": "ok", "html": ["<p>"]}, "html"),
    ({"title": "ok", "url": "javascript:alert(1)"}, "url"),
    ({"title": "ok", "url": "/relative"}, "url"),
    ({"title": "ok", "thumbMediaId": 12}, "thumbMediaId"),
])
def test_bad_article_bodies(api: Api, body: dict, fragment: str) -> None:
    error = expect_error(api.post(ARTICLES, json=body), 400, "INVALID_PARAMETER")
    assert fragment in error["errorDescription"]
    assert api.get(ARTICLES).json()["totalElements"] == 0


def test_malformed_json_and_unknown_media(api: Api) -> None:
    expect_error(api.post(ARTICLES, content=b'{"title": "x",', headers={"content-type": "application/json"}), 400)
    expect_error(api.post(ARTICLES, content=b"[1, 2]", headers={"content-type": "application/json"}), 400)
    error = expect_error(api.post(ARTICLES, json={"title": "x", "thumbMediaId": "nope"}), 400, "INVALID_REFERENCE")
    assert "nope" in error["errorDescription"]
    expect_error(api.post(ARTICLES, json={"title": "x", "picMediaId": "nope"}), 400, "INVALID_REFERENCE")
    assert api.get(ARTICLES).json()["totalElements"] == 0
    article_id = new_article(api)["id"]
    expect_error(api.put(f"{ARTICLES}/{article_id}", json={"title": "x", "picMediaId": "nope"}), 400)
    expect_error(api.put(f"{ARTICLES}/{article_id}", json={"title": ""}), 400)
    assert api.ok("GET", f"{ARTICLES}/{article_id}")["title"] == "图文消息测试"  # unchanged
    expect_error(api.put(f"{ARTICLES}/nope", json={"title": "x"}), 404, "ARTICLE_NOT_FOUND")
    expect_error(api.delete(f"{ARTICLES}/nope"), 404, "ARTICLE_NOT_FOUND")


def test_articles_and_media_in_use_cannot_be_deleted(api: Api) -> None:
    media_id = new_media(api)
    article_id = new_article(api, thumbMediaId=media_id)["id"]
    expect_error(api.delete(f"/material/medias/{media_id}"), 409, "MEDIA_IN_USE")
    robot_id = api.new_robot()
    rule = api.new_rule(robot_id, ["有什么活动"], answers=[{"type": "NEWS", "content": {"articleIds": [article_id]}}])
    expect_error(api.delete(f"{ARTICLES}/{article_id}"), 409, "ARTICLE_IN_USE")
    api.ok("DELETE", f"/knowledge/robots/{robot_id}/rules/{rule['id']}")
    assert api.ok("DELETE", f"{ARTICLES}/{article_id}") is True
    assert api.ok("DELETE", f"/material/medias/{media_id}") is True


def test_only_editors_write(api: Api, agent: httpx.Client) -> None:
    url = api.url(ARTICLES)
    expect_error(agent.post(url, json={"title": "x"}), 403, "EDITOR_REQUIRED")
    entity = new_article(api)
    assert agent.get(f"{url}/{entity['id']}/html").status_code == 200
    expect_error(agent.put(f"{url}/{entity['id']}", json={"title": "y"}), 403, "EDITOR_REQUIRED")
    expect_error(agent.delete(f"{url}/{entity['id']}"), 403, "EDITOR_REQUIRED")
