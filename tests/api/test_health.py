"""Liveness, readiness, the OpenAPI document and the docs UI."""

from __future__ import annotations

from pathlib import Path

import httpx

from huida import __version__
from huida.context import AppContext
from huida.db import Database
from tests.support.server import LiveServer, serve_app, settings_for_tests


def test_healthz(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "OK", "version": __version__}


def test_readyz_when_the_database_is_reachable(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "OK", "database": "reachable"}


def test_readyz_is_503_and_healthz_200_when_the_database_is_down(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/unreachable"  # nothing listens on port 1
    settings = settings_for_tests(url, tmp_path, run_worker=False)
    ctx = AppContext(settings=settings, db=Database(settings.resolved_database_url), secret_key="k" * 32)
    try:
        with serve_app(ctx) as base_url:
            ready = httpx.get(f"{base_url}/readyz", timeout=30)
            assert ready.status_code == 503
            assert ready.json()["status"] == "FAIL" and ready.json()["database"] == "unreachable"
            assert "127.0.0.1" not in ready.text  # no connection details leak
            assert httpx.get(f"{base_url}/healthz").status_code == 200
    finally:
        ctx.db.dispose()


def test_openapi_document_lists_the_platform_routes(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Huida" and spec["info"]["version"] == __version__
    paths = spec["paths"]
    for path, method in [
        ("/v10/commons/integration/token", "post"),
        ("/v10/commons/access", "get"),
        ("/v10/tenants/{tenantId}/robots", "get"),
        ("/v10/tenants/{tenantId}/robots", "post"),
        ("/v10/tenants/{tenantId}/robots/{robotId}", "put"),
        ("/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules", "post"),
        ("/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules/search", "get"),
        ("/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules/{ruleId}", "delete"),
        ("/v10/tenants/{tenantId}/knowledge/robots/{robotId}/categories", "get"),
        ("/v10/tenants/{tenantId}/sso", "put"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ]:
        assert method in paths.get(path, {}), (method, path)
    search = {p["name"] for p in paths["/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules/search"]["get"][
        "parameters"]}
    assert {"page", "per_page", "q", "sortOrder", "sortProperty", "categoryIds", "type"} <= search


def test_docs_ui_is_served(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/docs")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/openapi.json" in response.text
