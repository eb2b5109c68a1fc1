"""The console's files over HTTP: types, cache headers, client-side routes, unknown assets and traversal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.server import start_server


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data = tmp_path_factory.mktemp("console-static")
    with start_server(f"sqlite:///{data / 'huida.db'}", data, run_worker=False) as live, \
            httpx.Client(base_url=live.base_url) as client:
        yield client


def raw_get(base_url: str, path: str) -> tuple[int, bytes]:
    """GET with the path exactly as written (HTTP clients normalise dot segments away; a hostile one does not)."""
    url = urlsplit(base_url)
    connection = HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/console", "/console/", "/console/login", "/console/robots/r-1/knowledge/rules/new"])
def test_the_console_and_its_client_side_routes_are_index_html(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="/console/assets/app.js">' in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(("path", "content_type"), [
    ("/console/assets/app.js", "text/javascript; charset=utf-8"),
    ("/console/assets/pages/knowledge.js", "text/javascript; charset=utf-8"),
    ("/console/assets/console.css", "text/css; charset=utf-8"),
    ("/console/assets/logo.svg", "image/svg+xml"),
])
def test_assets_have_their_types_and_are_revalidated_by_etag(http: httpx.Client, path: str, content_type: str) -> None:
    response = http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["cache-control"] == "no-cache"
    etag = response.headers["etag"]
    again = http.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_every_module_the_console_imports_is_served(http: httpx.Client) -> None:
    """No build step: each ES module names the others by path; a missing or misnamed one is a blank page."""
    assets = Path(__file__).resolve().parents[2] / "src/huida/console/static/assets"
    for source in assets.rglob("*.js"):
        for name in re.findall(r"""(?:from|import\()\s*['"](\.{1,2}/[^'"$]+)['"]""", source.read_text()):
            target = (source.parent / name).resolve().relative_to(assets)
            assert http.get(f"/console/assets/{target.as_posix()}").status_code == 200, (source.name, name)


@pytest.mark.parametrize("path", [
    "/console/assets/nope.js", "/console/assets/", "/console/assets/pages", "/console/assets/.hidden",
    "/console/assets/../routes.py", "/console/assets/pages/../../routes.py", "/console/assets/%2e%2e/routes.py",
    "/console/assets/..%2f..%2f__init__.py", "/console/assets/..\\routes.py", "/console/assets//etc/passwd",
])
def test_unknown_assets_and_traversal_are_404(http: httpx.Client, path: str) -> None:
    status, body = raw_get(str(http.base_url), path)
    assert status == 404, path
    assert b"import" not in body and b"def " not in body
