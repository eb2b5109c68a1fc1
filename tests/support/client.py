"""An HTTP client bound to one tenant, with the envelope checks every test repeats."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from huida.auth.security import issue_token
from huida.auth.service import create_tenant
from tests.support.server import LiveServer

_counter = itertools.count()


class Api:
    """`api.get("/robots")` is relative to /v10/tenants/{tenant}; absolute paths start with '//' or '/v'."""

    def __init__(self, server: LiveServer, tenant_id: int, username: str, password: str, token: str) -> None:
        self.server = server
        self.tenant_id = tenant_id
        self.username = username
        self.password = password
        self.token = token
        self.http = httpx.Client(base_url=server.base_url, timeout=30, headers={"token": token})

    def url(self, path: str) -> str:
        if path.startswith(("/v1", "/open-apis", "/channels", "/healthz", "/readyz", "/openapi", "/docs")):
            return path
        return f"/v10/tenants/{self.tenant_id}{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """Performs the call, asserts a 200 with status OK, returns the entity."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "OK" and body["errorCode"] is None, body
        return body["entity"]

    def new_robot(self, name: str = "测试机器人", **fields: Any) -> str:
        return self.ok("POST", "/robots", json={"name": name, **fields})["robotId"]

    def new_rule(self, robot_id: str, questions: list[str], answer: str | None = None, **fields: Any) -> dict:
        body: dict[str, Any] = {"questions": questions, **fields}
        if answer is not None:
            body["answer"] = answer
        return self.ok("POST", f"/knowledge/robots/{robot_id}/rules", json=body)

    def close(self) -> None:
        self.http.close()


def expect_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Asserts a failure in the Easemob envelope and returns the body."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["status"] == "FAIL", body
    assert body["entity"] is None
    assert body["errorCode"] and body["errorDescription"], body
    if code:
        assert body["errorCode"] == code, body
    return body


@contextmanager
def new_tenant(server: LiveServer, *, password: str = "correct horse battery") -> Iterator[Api]:
    username = f"admin{next(_counter)}-{id(server)}@example.com"
    with server.ctx.db.session() as session:
        created = create_tenant(session, f"tenant {username}", username, password)
        tenant_id, user_id = created.tenant.id, created.admin.id
    token, _ = issue_token(server.ctx.secret_key, tenant_id=tenant_id, user_id=user_id, username=username,
                           role="admin", ttl_seconds=3600)
    client = Api(server, tenant_id, username, password, token)
    try:
        yield client
    finally:
        client.close()
