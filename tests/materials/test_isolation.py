"""A tenant never sees or touches another tenant's materials."""

from __future__ import annotations

from tests.materials.imaging import picture
from tests.support.client import Api, expect_error


def test_other_tenants_media_is_not_found(api: Api, other_api: Api) -> None:
    entity = api.ok("POST", "/material/medias", content=picture("PNG"))
    media_id = entity["id"]
    # The other tenant, on its own path, asking for our id: 404 everywhere.
    for path in (f"/material/medias/{media_id}", f"/material/medias/{media_id}/stream",
                 f"/material/medias/{media_id}/stream/thumbnail"):
        expect_error(other_api.get(path), 404, "MEDIA_NOT_FOUND")
    expect_error(other_api.delete(f"/material/medias/{media_id}"), 404, "MEDIA_NOT_FOUND")
    assert other_api.get("/material/medias").json()["totalElements"] == 0
    # The other tenant's token on our path: 403, for reads and writes alike.
    ours = api.url(f"/material/medias/{media_id}")
    for method, path in (("GET", entity["url"]), ("GET", ours), ("DELETE", ours)):
        expect_error(other_api.http.request(method, path), 403, "FORBIDDEN")
    expect_error(other_api.http.post(f"/v10/tenants/{api.tenant_id}/material/medias", content=picture()), 403)
    # Ours still works.
    assert api.get(entity["url"]).content == picture("PNG")


def test_other_tenants_articles_are_not_found(api: Api, other_api: Api) -> None:
    article = api.ok("POST", "/material/news/articles", json={"title": "内部文章", "html": "<p>秘密</p>"})
    path = f"/material/news/articles/{article['id']}"
    for suffix in ("", "/html"):
        expect_error(other_api.get(path + suffix), 404, "ARTICLE_NOT_FOUND")
        expect_error(other_api.http.get(api.url(path + suffix)), 403, "FORBIDDEN")
    expect_error(other_api.put(path, json={"title": "改"}), 404, "ARTICLE_NOT_FOUND")
    expect_error(other_api.delete(path), 404, "ARTICLE_NOT_FOUND")
    expect_error(other_api.http.post(api.url("/material/news/articles"), json={"title": "x"}), 403)
    assert api.ok("GET", path)["title"] == "内部文章"


def test_another_tenants_media_cannot_be_referenced(api: Api, other_api: Api) -> None:
    theirs = other_api.ok("POST", "/material/medias", content=picture("PNG"))["id"]
    error = expect_error(api.post("/material/news/articles", json={"title": "x", "thumbMediaId": theirs}), 400,
                         "INVALID_REFERENCE")
    assert theirs in error["errorDescription"]
    robot_id = api.new_robot()
    expect_error(api.post(f"/knowledge/robots/{robot_id}/rules",
                          json={"questions": ["图"], "answers": [{"type": "PIC", "content": {"mediaId": theirs}}]}),
                 400, "INVALID_REFERENCE")
