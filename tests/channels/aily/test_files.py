"""Files for file_ids: uploaded with POST /open-apis/aily/v1/files (type told by the bytes, size capped), attached
to messages, shown with a signed preview_url that opens without a token until it expires."""

from __future__ import annotations

import time

import httpx

from huida.channels.aily.files import file_content_path, signed_url
from tests.channels.aily.conftest import Desk
from tests.channels.aily.helpers import PDF, Aily, expect_aily_error
from tests.conversation.helpers import png
from tests.support.client import Api


def upload(aily: Aily, name: str, data: bytes, mime: str = "application/octet-stream") -> httpx.Response:
    return aily.call("POST", "/files", files={"file": (name, data, mime)})


def test_upload_attach_and_preview(plain_desk: Desk) -> None:
    aily = plain_desk.aily
    image = png()
    response = upload(aily, "发票.png", image, "application/pdf")  # the declared type is not believed
    assert response.status_code == 200, response.text
    file = response.json()["data"]["file"]
    assert file["id"].startswith("file_") and file["mime_type"] == "image/png" and file["file_name"] == "发票.png"
    assert file["metadata"] == "{}" and file["created_at"].isdigit()
    preview = file["preview_url"]
    assert int(preview["expired_at"]) > time.time()
    # The preview opens without any token.
    opened = httpx.get(plain_desk.api.server.base_url + preview["url"], timeout=30)
    assert opened.status_code == 200 and opened.content == image
    assert opened.headers["content-type"] == "image/png" and opened.headers["x-content-type-options"] == "nosniff"
    # Attached to a message: the seed's files entry.
    session = aily.new_session()["id"]
    message = aily.post(session, "请看发票", file_ids=[file["id"]])
    [attached] = message["files"]
    assert {k: attached[k] for k in ("id", "mime_type", "file_name")} == {
        "id": file["id"], "mime_type": "image/png", "file_name": "发票.png"}
    assert set(attached["preview_url"]) == {"url", "expired_at"}
    assert aily.ok("GET", f"/files/{file['id']}")["file"]["file_name"] == "发票.png"


def test_raw_body_upload_and_types(plain_desk: Desk) -> None:
    aily = plain_desk.aily
    pdf = aily.call("POST", "/files", params={"file_name": "合同.pdf"}, content=PDF)
    assert pdf.status_code == 200, pdf.text
    assert pdf.json()["data"]["file"]["mime_type"] == "application/pdf"
    text = upload(aily, "说明.txt", "退款流程说明\n第一步……".encode())
    assert text.json()["data"]["file"]["mime_type"] == "text/plain"
    executable = upload(aily, "setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64))
    expect_aily_error(executable, 400, 2700001, "file", "not accepted")
    expect_aily_error(upload(aily, "empty.txt", b""), 400, 2700001, "file", "empty")
    missing = aily.call("POST", "/files", files={"other": ("a.txt", b"abc", "text/plain")})
    expect_aily_error(missing, 400, 2700001, "file")


def test_size_is_capped(plain_desk: Desk) -> None:
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    expect_aily_error(upload(plain_desk.aily, "big.pdf", big), 400, 2700001, "file", "larger than 20 MB")


def test_preview_links_cannot_be_forged_or_reused_after_expiry(plain_desk: Desk) -> None:
    aily, server = plain_desk.aily, plain_desk.api.server
    file = upload(aily, "a.png", png()).json()["data"]["file"]
    path = file_content_path(file["id"])
    forged = httpx.get(server.base_url + path + "?expires=9999999999&signature=0000", timeout=30)
    expect_aily_error(forged, 401, 99991663)
    expired = signed_url(server.ctx.secret_key, server.base_url, path, now=time.time() - 2 * 24 * 3600)["url"]
    expect_aily_error(httpx.get(expired, timeout=30), 401, 99991663)
    # With the tenant's token the same path works.
    assert aily.call("GET", f"/files/{file['id']}/content").status_code == 200


def test_another_tenants_file_cannot_be_attached_or_read(plain_desk: Desk, other_api: Api) -> None:
    theirs = Aily(other_api, other_api.token)
    file = upload(theirs, "theirs.png", png()).json()["data"]["file"]
    aily = plain_desk.aily
    session = aily.new_session()["id"]
    attach = aily.call("POST", f"/sessions/{session}/messages",
                       json={"idempotent_id": "x", "content_type": "TEXT", "content": "hi", "file_ids": [file["id"]]})
    expect_aily_error(attach, 400, 2700001, "file_ids[0]")
    expect_aily_error(aily.call("GET", f"/files/{file['id']}"), 404, 2700005)
    expect_aily_error(aily.call("GET", f"/files/{file['id']}/content"), 404, 2700005)
