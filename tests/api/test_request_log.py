"""One structured log line per request: method, path, status, latency, tenant."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import Api, new_tenant
from tests.support.server import LiveServer, start_server


@pytest.fixture(scope="module")
def logged(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("logged")
    with start_server(backend_url, data_dir, log_requests=True) as live:
        yield live


@pytest.fixture
def api(logged: LiveServer) -> Iterator[Api]:
    with new_tenant(logged) as client:
        yield client


def access_line(caplog: pytest.LogCaptureFixture, path: str) -> dict[str, Any]:
    """The access line for `path`; the server logs it right after sending the response, so wait for it."""
    deadline = time.monotonic() + 10
    while True:
        for record in caplog.records:
            if record.name == "huida.access":
                line = json.loads(record.getMessage())
                if line["path"] == path:
                    return line
        if time.monotonic() > deadline:
            raise AssertionError(f"no access log line for {path}")
        time.sleep(0.02)


def test_a_request_of_a_tenant_is_logged_with_its_tenant(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="huida.access")
    response = api.get("/robots")
    assert response.status_code == 200
    line = access_line(caplog, f"/v10/tenants/{api.tenant_id}/robots")
    assert set(line) == {"method", "path", "status", "latency_ms", "tenant"}
    assert line["method"] == "GET" and line["status"] == 200 and line["tenant"] == api.tenant_id
    assert isinstance(line["latency_ms"], int | float) and line["latency_ms"] >= 0


def test_errors_are_logged_with_their_status(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="huida.access")
    robot_path = f"/v10/tenants/{api.tenant_id}/robots/no-such-robot"
    assert api.delete("/robots/no-such-robot").status_code == 404
    line = access_line(caplog, robot_path)
    assert line["method"] == "DELETE" and line["status"] == 404 and line["tenant"] == api.tenant_id

    assert httpx.get(f"{api.server.base_url}/v10/nowhere").status_code == 404
    line = access_line(caplog, "/v10/nowhere")
    assert line["status"] == 404 and line["tenant"] is None

    assert httpx.get(f"{api.server.base_url}/v10/tenants/{api.tenant_id}/sso").status_code == 401
    assert access_line(caplog, f"/v10/tenants/{api.tenant_id}/sso")["status"] == 401


def test_the_line_never_carries_the_query_string_or_the_token(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="huida.access")
    httpx.get(f"{api.server.base_url}/v10/commons/access", params={"jwt": "secret.jwt.value", "tenantId": 1})
    access_line(caplog, "/v10/commons/access")
    api.get("/robots")
    access_line(caplog, f"/v10/tenants/{api.tenant_id}/robots")
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "huida.access")
    assert "secret.jwt.value" not in text and api.token not in text
