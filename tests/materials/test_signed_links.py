"""Signed links (materials/links.py): a visitor with no token opens the image, thumbnail or article page an
answer showed, until the link expires, and nothing else with it."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from huida.config import DEFAULT_SIGNED_LINK_SECONDS, load_settings
from huida.materials.links import (
    EXPIRED,
    INVALID,
    MaterialLinks,
    link_problem,
    link_signature,
    material_links,
    path_signer,
    signed_path,
)
from huida.materials.paths import article_html_path, media_stream_path, media_thumbnail_path
from tests.materials.imaging import picture
from tests.support.client import Api, expect_error

DAY = 24 * 3600
SIGNED = re.compile(r"^(?P<path>/[^?]+)\?expires=(?P<expires>\d+)&signature=(?P<signature>[0-9a-f]{64})$")


def visitor(api: Api) -> httpx.Client:
    """A browser with no token and no cookie."""
    return httpx.Client(base_url=api.server.base_url, timeout=30)


def sign(api: Api, path: str, *, now: int | None = None, lifetime: int = DAY, secret: str | None = None) -> str:
    return signed_path(path, secret or api.server.ctx.secret_key, int(time.time()) if now is None else now, lifetime)


@pytest.fixture
def materials(api: Api) -> dict[str, str]:
    media = api.ok("POST", "/material/medias", content=picture("PNG"))
    other = api.ok("POST", "/material/medias", content=picture("PNG", (200, 100)))
    article = api.ok("POST", "/material/news/articles", json={"title": "会员日", "html": "<p>全场八折</p>",
                                                              "thumbMediaId": media["id"]})
    return {"media": media["id"], "other": other["id"], "article": article["id"]}


def test_signed_links_open_without_a_token(api: Api, materials: dict[str, str]) -> None:
    t = api.tenant_id
    with visitor(api) as browser:
        stream = browser.get(sign(api, media_stream_path(t, materials["media"])))
        assert stream.status_code == 200 and stream.content == picture("PNG")
        assert stream.headers["content-type"] == "image/png"
        assert stream.headers["x-content-type-options"] == "nosniff"
        thumbnail = browser.get(sign(api, media_thumbnail_path(t, materials["media"])))
        assert thumbnail.status_code == 200 and thumbnail.headers["content-type"].startswith("image/")
        page = browser.get(sign(api, article_html_path(t, materials["article"])))
        assert page.status_code == 200 and "全场八折" in page.text
        assert "script-src" not in page.headers["content-security-policy"]  # the page CSP, unchanged
        # The link's ETag answers 304 like a member's request.
        again = browser.get(sign(api, media_stream_path(t, materials["media"])),
                            headers={"If-None-Match": stream.headers["etag"]})
        assert again.status_code == 304
        # No link and no token: 401 as before.
        expect_error(browser.get(media_stream_path(t, materials["media"])), 401, "UNAUTHORIZED")
    # A member's token still opens the bare paths.
    assert api.get(f"/material/medias/{materials['media']}/stream").content == picture("PNG")


def test_an_expired_link_is_403(api: Api, materials: dict[str, str]) -> None:
    path = media_stream_path(api.tenant_id, materials["media"])
    with visitor(api) as browser:
        expect_error(browser.get(sign(api, path, now=int(time.time()) - 2 * DAY, lifetime=DAY)), 403, "LINK_EXPIRED")
        assert browser.get(sign(api, path, now=int(time.time()) - DAY + 60, lifetime=DAY)).status_code == 200


def test_a_bad_signature_is_403(api: Api, materials: dict[str, str]) -> None:
    path = media_stream_path(api.tenant_id, materials["media"])
    good = SIGNED.match(sign(api, path))
    assert good is not None and good["path"] == path
    expires, signature = good["expires"], good["signature"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    later = str(int(expires) + 1)  # a longer life than was signed
    bad = [
        {"expires": expires, "signature": flipped}, {"expires": later, "signature": signature},
        {"expires": expires}, {"signature": signature}, {"expires": "", "signature": ""},
        {"expires": "soon", "signature": signature}, {"expires": "-1", "signature": signature},
        {"expires": expires, "signature": signature[:40]}, {"expires": expires, "signature": signature + "00"},
        {"expires": "9" * 20, "signature": signature},
    ]
    with visitor(api) as browser:
        for params in bad:
            expect_error(browser.get(path, params=params), 403, "LINK_INVALID")
        # A signature made with another secret opens nothing.
        expect_error(browser.get(sign(api, path, secret="another server's secret-0123456789")), 403, "LINK_INVALID")
        # A bad link is judged by itself: a member's token beside it does not turn it into a token request.
        expect_error(browser.get(path, params=bad[0], headers={"token": api.token}), 403, "LINK_INVALID")
        # Upper-case hex is the same signature.
        assert browser.get(path, params={"expires": expires, "signature": signature.upper()}).status_code == 200


def test_a_link_opens_only_its_own_path(api: Api, other_api: Api, materials: dict[str, str]) -> None:
    t = api.tenant_id
    stream = SIGNED.match(sign(api, media_stream_path(t, materials["media"])))
    assert stream is not None
    query = {"expires": stream["expires"], "signature": stream["signature"]}
    theirs = other_api.ok("POST", "/material/medias", content=picture("PNG"))["id"]
    their_article = other_api.ok("POST", "/material/news/articles", json={"title": "别人的", "html": "<p>秘密</p>"})
    with visitor(api) as browser:
        assert browser.get(stream["path"], params=query).status_code == 200
        for path in (
            media_thumbnail_path(t, materials["media"]),  # the thumbnail of the same image
            media_stream_path(t, materials["other"]),  # another image of the same tenant
            article_html_path(t, materials["article"]),  # the tenant's article
            media_stream_path(other_api.tenant_id, materials["media"]),  # the same id under another tenant
            media_stream_path(other_api.tenant_id, theirs),  # another tenant's image
            article_html_path(other_api.tenant_id, their_article["id"]),
        ):
            response = browser.get(path, params=query)
            assert response.status_code in (403, 404), (path, response.text)
            if response.status_code == 403:
                expect_error(response, 403, "LINK_INVALID")
        # Even a correctly signed path finds only the tenant's own objects: another tenant's id under ours is 404.
        expect_error(browser.get(sign(api, media_stream_path(t, theirs))), 404, "MEDIA_NOT_FOUND")
        expect_error(browser.get(sign(api, article_html_path(t, their_article["id"]))), 404, "ARTICLE_NOT_FOUND")
        # The link opens the bytes, never the rest of the API.
        for path in (f"/v10/tenants/{t}/material/medias/{materials['media']}", f"/v10/tenants/{t}/material/medias",
                     f"/v10/tenants/{t}/robots"):
            signed = SIGNED.match(sign(api, path))
            assert signed is not None
            expect_error(browser.get(path, params={"expires": signed["expires"], "signature": signed["signature"]}),
                         401, "UNAUTHORIZED")


def test_the_links_of_a_running_server(api: Api, materials: dict[str, str]) -> None:
    """`material_links(ctx, tenant)` signs with the server's secret for HUIDA_SIGNED_LINK_SECONDS."""
    ctx, t = api.server.ctx, api.tenant_id
    links = material_links(ctx, t)
    assert ctx.settings.signed_link_seconds == DEFAULT_SIGNED_LINK_SECONDS == 7 * DAY
    signed = SIGNED.match(links.media(materials["media"]))
    assert signed is not None and signed["path"] == media_stream_path(t, materials["media"])
    assert abs(int(signed["expires"]) - (time.time() + 7 * DAY)) < 60
    with visitor(api) as browser:
        for url in (links.media(materials["media"]), links.article(materials["article"]),
                    links.thumbnail(materials["media"])):
            assert browser.get(url).status_code == 200, url
    # A public base URL makes them absolute.
    absolute = MaterialLinks(t, path_signer(ctx.secret_key, 60), "https://help.example.com/")
    assert absolute.media("m1").startswith(f"https://help.example.com/v10/tenants/{t}/material/medias/m1/stream?")


def test_signing_functions() -> None:
    path = media_stream_path(7, "m1")
    signature = link_signature(path, "secret", 1060)
    assert signed_path(path, "secret", 1000, 60) == f"{path}?expires=1060&signature={signature}"
    assert link_problem(path, "secret", "1060", signature, now=1060) is None
    assert link_problem(path, "secret", "1060", signature, now=1061) == EXPIRED
    assert link_problem(path, "other", "1060", signature, now=1000) == INVALID
    assert link_problem(media_thumbnail_path(7, "m1"), "secret", "1060", signature, now=1000) == INVALID
    assert link_problem(path, "secret", None, signature, now=1000) == INVALID
    assert path_signer("secret", 60, now=lambda: 1000.5)(path) == signed_path(path, "secret", 1000, 60)


def test_the_lifetime_is_a_setting() -> None:
    assert load_settings({}).signed_link_seconds == 7 * DAY
    assert load_settings({"HUIDA_SIGNED_LINK_SECONDS": "600"}).signed_link_seconds == 600
