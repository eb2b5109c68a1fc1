"""Every bad upload is a 4xx in the envelope, and nothing is stored."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from huida.materials.images import MAX_BYTES
from tests.materials.imaging import animated_gif, corrupt_crc, picture, png_header_only
from tests.support.client import Api, expect_error

MEDIAS = "/material/medias"


def other_format(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(out, format=fmt)
    return out.getvalue()


def assert_nothing_stored(api: Api) -> None:
    assert api.get(MEDIAS).json()["totalElements"] == 0


def post_raw(api: Api, data: bytes | Iterator[bytes], content_type: str = "application/octet-stream") -> httpx.Response:
    return api.post(MEDIAS, content=data, headers={"content-type": content_type})


def test_empty_and_non_image_bodies(api: Api) -> None:
    expect_error(post_raw(api, b""), 400, "EMPTY_FILE")
    expect_error(post_raw(api, b"hello, I am text", "image/png"), 415, "UNSUPPORTED_MEDIA_TYPE")
    expect_error(post_raw(api, b'{"not": "an image"}', "application/json"), 415, "UNSUPPORTED_MEDIA_TYPE")
    expect_error(post_raw(api, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"), 415)
    assert_nothing_stored(api)


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_refused(api: Api, fmt: str) -> None:
    expect_error(post_raw(api, other_format(fmt), "image/png"), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_nothing_stored(api)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_truncated_images_are_refused(api: Api, fmt: str) -> None:
    data = picture(fmt)
    for cut in (len(data) // 2, len(data) - 16):
        body = expect_error(post_raw(api, data[:cut]), 400, "INVALID_IMAGE")
        assert "truncated or corrupt" in body["errorDescription"]
    assert_nothing_stored(api)


def test_corrupt_png_is_refused(api: Api) -> None:
    expect_error(post_raw(api, corrupt_crc(picture("PNG"))), 400, "INVALID_IMAGE")
    assert_nothing_stored(api)


def test_decompression_bombs_are_refused_from_the_header(api: Api) -> None:
    # 36 megapixels: under Pillow's own bomb limit, over Huida's.
    expect_error(post_raw(api, png_header_only(6000, 6000)), 400, "IMAGE_TOO_LARGE")
    # 900 megapixels in a few hundred bytes: Pillow refuses to even open it.
    expect_error(post_raw(api, png_header_only(30000, 30000)), 400, "IMAGE_TOO_LARGE")
    # Small frames, but too many of them.
    expect_error(post_raw(api, animated_gif(frames=501, size=(16, 16))), 400, "IMAGE_TOO_LARGE")
    assert_nothing_stored(api)


def test_oversize_uploads_are_413(api: Api) -> None:
    too_big = picture("PNG", (64, 64)) + b"\0" * MAX_BYTES
    expect_error(post_raw(api, too_big), 413, "MEDIA_TOO_LARGE")
    # Streamed without a Content-Length: counted while reading.
    expect_error(post_raw(api, iter([too_big[i:i + 1 << 20] for i in range(0, len(too_big), 1 << 20)])), 413,
                 "MEDIA_TOO_LARGE")
    files = {"file": ("big.png", too_big, "image/png")}
    expect_error(api.post(MEDIAS, files=files), 413, "MEDIA_TOO_LARGE")
    assert_nothing_stored(api)


def test_bad_multipart_bodies(api: Api) -> None:
    expect_error(api.post(MEDIAS, data={"name": "no file here"}, files={"other": ("a.png", picture(), "image/png")}),
                 400, "MISSING_FILE")
    plain_field = {"file": "a plain field, not a file"}
    expect_error(api.post(MEDIAS, data=plain_field, files={"x": ("x.png", b"x", "image/png")}), 400, "MISSING_FILE")
    expect_error(api.post(MEDIAS, data=plain_field), 415)  # a form-urlencoded body is just not an image
    broken = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nabc"
    expect_error(post_raw(api, broken, "multipart/form-data; boundary=xyz"), 400)
    expect_error(post_raw(api, picture(), "multipart/form-data"), 400)  # no boundary at all
    files = {"file": ("notes.txt", b"just text", "image/png")}
    expect_error(api.post(MEDIAS, files=files), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_nothing_stored(api)


def test_bad_parameters_and_unknown_ids(api: Api) -> None:
    expect_error(api.post(MEDIAS, content=picture(), params={"filename": "x" * 1001}), 400, "INVALID_PARAMETER")
    for path in ("/nope", "/nope/stream", "/nope/stream/thumbnail"):
        expect_error(api.get(MEDIAS + path), 404, "MEDIA_NOT_FOUND")
    expect_error(api.delete(f"{MEDIAS}/nope"), 404, "MEDIA_NOT_FOUND")
    assert_nothing_stored(api)


def test_only_editors_write_and_tokens_are_required(api: Api, agent: httpx.Client) -> None:
    url = api.url(MEDIAS)
    expect_error(agent.post(url, content=picture()), 403, "EDITOR_REQUIRED")
    expect_error(httpx.post(api.server.base_url + url, content=picture()), 401, "UNAUTHORIZED")
    assert_nothing_stored(api)
    entity = api.ok("POST", MEDIAS, content=picture())
    # Any user of the tenant reads.
    assert agent.get(entity["url"]).status_code == 200
    assert agent.get(url).json()["totalElements"] == 1
    expect_error(agent.delete(f"{url}/{entity['id']}"), 403, "EDITOR_REQUIRED")
    expect_error(httpx.get(api.server.base_url + entity["url"]), 401, "UNAUTHORIZED")
