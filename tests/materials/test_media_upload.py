"""Image upload (raw body and multipart), streaming, thumbnails, listing and deletion."""

from __future__ import annotations

import io
from urllib.parse import quote

import httpx
import pytest
from PIL import ExifTags, Image

from tests.materials.imaging import CONTENT_TYPES, EXTENSIONS, animated_gif, open_image, picture
from tests.support.client import Api, expect_error

MEDIAS = "/material/medias"
FORMATS = ["PNG", "JPEG", "GIF", "WEBP"]


def upload_raw(api: Api, data: bytes, **params: str) -> dict:
    return api.ok("POST", MEDIAS, content=data, params=params, headers={"content-type": "application/octet-stream"})


def check_stream(api: Api, entity: dict, data: bytes, content_type: str) -> httpx.Response:
    response = api.get(entity["url"])
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == content_type
    assert response.headers["etag"] and "max-age" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"
    return response


def check_thumbnail(api: Api, entity: dict, fmt: str) -> None:
    response = api.get(entity["thumbnailUrl"])
    assert response.status_code == 200 and response.headers["etag"]
    thumb = open_image(response.content)
    assert thumb.format == ("JPEG" if fmt == "JPEG" else "PNG")
    assert response.headers["content-type"] == f"image/{thumb.format.lower()}"
    assert max(thumb.size) == 200 and thumb.size[0] <= entity["width"]
    # The aspect ratio survives (640 x 320 -> 200 x 100).
    assert abs(thumb.size[0] / thumb.size[1] - entity["width"] / entity["height"]) < 0.05


@pytest.mark.parametrize("fmt", FORMATS)
def test_raw_upload_streams_the_same_bytes(api: Api, fmt: str) -> None:
    data = picture(fmt)
    entity = upload_raw(api, data, filename=f"banner.{EXTENSIONS[fmt]}")
    media_id = entity["id"]
    assert entity["filename"] == f"banner.{EXTENSIONS[fmt]}"
    assert entity["contentType"] == CONTENT_TYPES[fmt]
    assert (entity["size"], entity["width"], entity["height"]) == (len(data), 640, 320)
    assert entity["url"] == f"/v10/tenants/{api.tenant_id}/material/medias/{media_id}/stream"
    assert entity["thumbnailUrl"] == f"/v10/tenants/{api.tenant_id}/material/medias/{media_id}/stream/thumbnail"
    assert entity["createDateTime"] and entity["createdTime"] > 0
    check_stream(api, entity, data, CONTENT_TYPES[fmt])
    check_thumbnail(api, entity, fmt)
    assert api.ok("GET", f"{MEDIAS}/{media_id}") == entity


@pytest.mark.parametrize("fmt", FORMATS)
def test_multipart_upload(api: Api, fmt: str) -> None:
    data = picture(fmt, (400, 800))
    entity = api.ok("POST", MEDIAS, files={"file": (f"照片.{EXTENSIONS[fmt]}", data, "application/octet-stream")})
    assert entity["filename"] == f"照片.{EXTENSIONS[fmt]}"
    assert (entity["width"], entity["height"], entity["contentType"]) == (400, 800, CONTENT_TYPES[fmt])
    check_stream(api, entity, data, CONTENT_TYPES[fmt])
    assert open_image(api.get(entity["thumbnailUrl"]).content).size == (100, 200)


def test_type_comes_from_the_content_not_the_declared_type(api: Api) -> None:
    data = picture("PNG")
    entity = api.ok("POST", MEDIAS, content=data, headers={"content-type": "image/jpeg"})
    assert entity["contentType"] == "image/png"
    assert entity["filename"] == "image.png"  # no name given: one is made from the real type
    check_stream(api, entity, data, "image/png")


def test_filename_from_content_disposition_and_cleaned(api: Api) -> None:
    data = picture("PNG", (64, 64))
    disposition = f"attachment; filename*=UTF-8''{quote('尺码表.png')}"
    entity = api.ok("POST", MEDIAS, content=data, headers={"content-disposition": disposition})
    assert entity["filename"] == "尺码表.png"
    assert upload_raw(api, data, filename="../../etc/passwd.png")["filename"] == "passwd.png"
    assert upload_raw(api, data, filename="C:\\Users\\me\\pic.png")["filename"] == "pic.png"
    # The query parameter wins over the multipart part's own name.
    files = {"file": ("part-name.png", data, "image/png")}
    assert api.ok("POST", MEDIAS, files=files, params={"filename": "query.png"})["filename"] == "query.png"


def test_small_image_thumbnail_is_not_enlarged(api: Api) -> None:
    entity = upload_raw(api, picture("PNG", (50, 30)))
    assert open_image(api.get(entity["thumbnailUrl"]).content).size == (50, 30)


def test_animated_gif_is_accepted(api: Api) -> None:
    data = animated_gif()
    entity = upload_raw(api, data)
    assert (entity["contentType"], entity["width"], entity["height"]) == ("image/gif", 300, 300)
    check_stream(api, entity, data, "image/gif")
    assert open_image(api.get(entity["thumbnailUrl"]).content).size == (200, 200)


def test_etag_answers_not_modified(api: Api) -> None:
    entity = upload_raw(api, picture("JPEG"))
    for url in (entity["url"], entity["thumbnailUrl"]):
        etag = api.get(url).headers["etag"]
        again = api.get(url, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        assert api.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_list_pages_zero_based(api: Api) -> None:
    ids = [upload_raw(api, picture("PNG", (32 + i, 32)))["id"] for i in range(3)]
    first = api.get(MEDIAS, params={"page": 0, "size": 2}).json()
    assert first["status"] == "OK"
    assert (first["totalElements"], first["totalPages"], first["number"], first["size"]) == (3, 2, 0, 2)
    assert first["first"] is True and first["last"] is False and first["numberOfElements"] == 2
    second = api.get(MEDIAS, params={"page": 1, "size": 2}).json()
    assert second["last"] is True and second["numberOfElements"] == 1
    listed = [m["id"] for m in first["entity"] + second["entity"]]
    assert sorted(listed) == sorted(ids)
    assert all("data" not in m and "thumbnail" not in m for m in first["entity"])
    expect_error(api.get(MEDIAS, params={"page": -1}), 400)
    expect_error(api.get(MEDIAS, params={"size": 0}), 400)
    expect_error(api.get(MEDIAS, params={"page": 10**30}), 400, "INVALID_PARAMETER")
    assert api.get(MEDIAS, params={"page": 1_000_000, "size": 1000}).json()["entity"] == []


def test_delete(api: Api) -> None:
    entity = upload_raw(api, picture("PNG", (40, 40)))
    assert api.ok("DELETE", f"{MEDIAS}/{entity['id']}") is True
    expect_error(api.get(entity["url"]), 404, "MEDIA_NOT_FOUND")
    expect_error(api.get(entity["thumbnailUrl"]), 404, "MEDIA_NOT_FOUND")
    expect_error(api.delete(f"{MEDIAS}/{entity['id']}"), 404, "MEDIA_NOT_FOUND")


def test_media_used_by_a_rule_cannot_be_deleted(api: Api) -> None:
    media_id = upload_raw(api, picture("PNG", (40, 40)))["id"]
    robot_id = api.new_robot()
    rule = api.new_rule(robot_id, ["尺码表"], answers=[{"type": "PIC", "content": {"mediaId": media_id}}])
    expect_error(api.delete(f"{MEDIAS}/{media_id}"), 409, "MEDIA_IN_USE")
    api.ok("DELETE", f"/knowledge/robots/{robot_id}/rules/{rule['id']}")
    assert api.ok("DELETE", f"{MEDIAS}/{media_id}") is True


def test_exif_orientation_is_applied_to_size_and_thumbnail(api: Api) -> None:
    image = Image.new("RGB", (600, 300), (20, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored landscape, displayed portrait
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    entity = upload_raw(api, out.getvalue())
    assert (entity["width"], entity["height"]) == (300, 600)
    assert open_image(api.get(entity["thumbnailUrl"]).content).size == (100, 200)
    assert api.get(entity["url"]).content == out.getvalue()  # the original is served untouched
