"""Talking to a robot through the Aily-style API (seed 001), the way a program would."""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from huida.auth.security import issue_token
from huida.auth.service import create_user
from tests.support.client import Api

BASE = "/open-apis/aily/v1"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TERMINAL = ("COMPLETED", "FAILED", "CANCELLED", "EXPIRED", "REQUIRES_MESSAGE")
_ids = itertools.count()


def idem() -> str:
    return f"idem-{next(_ids)}-{time.monotonic_ns()}"


def expect_aily_error(response: httpx.Response, status: int, code: int, *fragments: str) -> dict[str, Any]:
    """A failure in Feishu's envelope: the HTTP status, the code, and a message naming what was wrong."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"code", "msg", "data"}, body
    assert body["code"] == code, body
    for fragment in fragments:
        assert fragment in body["msg"], (fragment, body["msg"])
    return body


@dataclass
class Aily:
    """An Aily-style client for one bearer token (a tenant token or a robot API key)."""

    api: Api
    token: str
    robot: str | None = None

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return httpx.request(method, self.api.server.base_url + BASE + path, headers=headers, timeout=30, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["code"] == 0 and body["msg"] == "success", body
        return body["data"]

    # -- the seed's calls ----------------------------------------------------------------------------

    def new_session(self, **fields: Any) -> dict[str, Any]:
        if self.robot and "robot_id" not in fields:
            fields["robot_id"] = self.robot
        return self.ok("POST", "/sessions", json=fields)["session"]

    def post(self, session_id: str, content: str, *, idempotent_id: str | None = None, content_type: str = "TEXT",
             **fields: Any) -> dict[str, Any]:
        body = {"idempotent_id": idempotent_id or idem(), "content_type": content_type, "content": content, **fields}
        return self.ok("POST", f"/sessions/{session_id}/messages", json=body)["message"]

    def start_run(self, session_id: str, **fields: Any) -> dict[str, Any]:
        return self.ok("POST", f"/sessions/{session_id}/runs", json=fields)["run"]

    def run(self, session_id: str, run_id: str) -> dict[str, Any]:
        return self.ok("GET", f"/sessions/{session_id}/runs/{run_id}")["run"]

    def wait(self, session_id: str, run_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Polls the run until it ends (or waits for a message), as a client of the seed would."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.run(session_id, run_id)
            if run["status"] in TERMINAL:
                return run
            assert time.monotonic() < deadline, f"run {run_id} still {run['status']} after {timeout} s"
            time.sleep(0.05)

    def messages(self, session_id: str, **params: Any) -> dict[str, Any]:
        return self.ok("GET", f"/sessions/{session_id}/messages", params=params)

    def ask(self, session_id: str, content: str, **fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """Posts, runs, waits; returns the run and the ASSISTANT message it wrote."""
        self.post(session_id, content, **fields)
        run = self.wait(session_id, self.start_run(session_id)["id"])
        replies = [m for m in self.messages(session_id, run_id=run["id"])["items"]
                   if m["sender"]["sender_type"] == "ASSISTANT"]
        assert len(replies) == 1, replies
        return run, replies[0]


def tenant_client(api: Api, robot: str | None = None) -> Aily:
    return Aily(api, api.token, robot)


def new_key(api: Api, robot: str, name: str = "客服系统") -> dict[str, Any]:
    return api.ok("POST", f"/robots/{robot}/api-keys", json={"name": name})


def agent_token(api: Api) -> str:
    """The token of a new agent (non-admin) user of `api`'s tenant."""
    username = f"agent-{uuid.uuid4().hex[:10]}@example.com"
    with api.server.ctx.db.session() as session:
        user_id = create_user(session, api.tenant_id, username, "agent password", role="agent").id
    token, _ = issue_token(api.server.ctx.secret_key, tenant_id=api.tenant_id, user_id=user_id, username=username,
                           role="agent", ttl_seconds=3600)
    return token
