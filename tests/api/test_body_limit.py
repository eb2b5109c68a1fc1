"""Bodies larger than `max_body_bytes` are refused with 413 in the envelope, announced or streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.client import Api, expect_error, new_tenant
from tests.support.server import LiveServer, start_server

LIMIT = 1024


@pytest.fixture(scope="module")
def small(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own on the same database, accepting at most LIMIT bytes per request body."""
    data_dir: Path = tmp_path_factory.mktemp("small-bodies")
    with start_server(backend_url, data_dir, max_body_bytes=LIMIT) as live:
        yield live


@pytest.fixture(scope="module")
def api(small: LiveServer) -> Iterator[Api]:
    with new_tenant(small) as client:
        yield client


def robot_body(size: int) -> bytes:
    """A valid robot body of exactly `size` bytes (UTF-8, Chinese name)."""
    base = json.dumps({"name": "边界机器人", "description": ""}, ensure_ascii=False).encode()
    body = json.dumps({"name": "边界机器人", "description": "d" * (size - len(base))}, ensure_ascii=False).encode()
    assert len(body) == size
    return body


def robot_count(api: Api) -> int:
    return api.get("/robots").json()["totalElements"]


def test_a_body_of_exactly_the_limit_is_accepted(api: Api) -> None:
    response = api.post("/robots", content=robot_body(LIMIT), headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text


def test_an_announced_oversize_body_is_413(api: Api) -> None:
    before = robot_count(api)
    response = api.post("/robots", content=robot_body(LIMIT + 1), headers={"content-type": "application/json"})
    body = expect_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert str(LIMIT) in body["errorDescription"]
    assert robot_count(api) == before


def test_a_streamed_oversize_body_is_413(api: Api) -> None:
    """Chunked transfer encoding: no Content-Length to check up front, the count happens while reading."""
    before = robot_count(api)
    payload = robot_body(LIMIT * 3)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(payload), 256):
            yield payload[start:start + 256]

    response = api.post("/robots", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    expect_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert robot_count(api) == before


def test_a_streamed_body_under_the_limit_is_accepted(api: Api) -> None:
    payload = robot_body(LIMIT - 10)
    response = api.post("/robots", content=iter([payload[:100], payload[100:]]),
                        headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text


def test_the_limit_holds_before_authentication(api: Api) -> None:
    base = api.server.base_url
    big = b'{"username": "' + b"u" * (LIMIT * 2) + b'", "password": "p"}'
    expect_error(httpx.post(f"{base}/v10/commons/integration/token", content=big,
                            headers={"content-type": "application/json"}), 413, "PAYLOAD_TOO_LARGE")
    expect_error(httpx.post(f"{base}/v10/tenants/{api.tenant_id}/robots", content=big,
                            headers={"content-type": "application/json"}), 413, "PAYLOAD_TOO_LARGE")


def test_the_default_limit_is_generous(server: LiveServer) -> None:
    assert server.ctx.settings.max_body_bytes >= 10 * 1024 * 1024  # a 10 MB image upload fits
