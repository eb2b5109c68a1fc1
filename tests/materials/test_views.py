"""The service functions the conversation engine renders image and news answers with (§1.5.1, §1.5.2)."""

from __future__ import annotations

from huida.api.timefmt import format_datetime
from huida.materials.views import article_views, media_view
from tests.materials.imaging import picture
from tests.support.client import Api


def test_media_view(api: Api, other_api: Api) -> None:
    entity = api.ok("POST", "/material/medias", content=picture("JPEG", (320, 160)), params={"filename": "图.jpg"})
    with api.server.ctx.db.session() as session:
        view = media_view(session, api.tenant_id, entity["id"])
        assert view == {"url": entity["url"], "filename": "图.jpg", "size": {"width": 320, "height": 160}}
        assert media_view(session, api.tenant_id, entity["id"], as_ids=True)["url"] == entity["id"]
        assert media_view(session, other_api.tenant_id, entity["id"]) is None
        assert media_view(session, api.tenant_id, "nope") is None


def test_article_views(api: Api, other_api: Api) -> None:
    thumb = api.ok("POST", "/material/medias", content=picture("PNG"))["id"]
    first = api.ok("POST", "/material/news/articles", json={"title": "一", "digest": "摘要一", "thumbMediaId": thumb})
    second = api.ok("POST", "/material/news/articles", json={"title": "二", "digest": "摘要二"})
    with api.server.ctx.db.session() as session:
        views = article_views(session, api.tenant_id, [second["id"], "nope", first["id"], second["id"]])
        assert [v["title"] for v in views] == ["二", "一"]  # order kept, missing and repeated left out
        one = views[1]
        assert set(one) == {"title", "digest", "description", "url", "thumbUrl", "picurl", "createdTime", "date"}
        assert one["description"] == one["digest"] == "摘要一"
        assert one["url"] == first["htmlUrl"]
        assert one["thumbUrl"] == f"/v10/tenants/{api.tenant_id}/material/medias/{thumb}/stream/thumbnail"
        assert one["picurl"] == f"/v10/tenants/{api.tenant_id}/material/medias/{thumb}/stream"
        assert one["createdTime"] == first["createdTime"] and one["date"] == format_datetime(first["createdTime"])
        assert views[0]["thumbUrl"] is None and views[0]["picurl"] is None
        seed_shape = article_views(session, api.tenant_id, [first["id"]], as_ids=True)[0]
        assert (seed_shape["url"], seed_shape["thumbUrl"], seed_shape["picurl"]) == (first["id"], thumb, thumb)
        assert article_views(session, other_api.tenant_id, [first["id"]]) == []
        assert article_views(session, api.tenant_id, []) == []
